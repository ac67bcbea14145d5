/** Why the engine refused a query. */
export type EngineErrorCode =
  | 'MISSING_FX_RATE'
  | 'REPORTING_CURRENCY_REQUIRED'
  | 'INVALID_PERIOD'
  | 'INVALID_OPTION';

/** A query the engine cannot answer as asked; `code` is stable, `message` says what to change. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
