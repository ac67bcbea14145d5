/** Why the engine refused a query. */
export type EngineErrorCode =
  | 'MISSING_FX_RATE'
  | 'REPORTING_CURRENCY_REQUIRED'
  | 'INVALID_PERIOD'
  | 'INVALID_OPTION';

/** What a `MISSING_FX_RATE` refusal lacks: a rate from `currency` to `reportingCurrency` in force on `date`. */
export interface MissingRate {
  readonly currency: string;
  readonly reportingCurrency: string;
  /** The day the rate is needed for, `YYYY-MM-DD` (UTC). */
  readonly date: string;
}

/**
 * A query the engine cannot answer as asked; `code` is stable, `message` says what to change, and
 * `missingRate` names the rate a `MISSING_FX_RATE` refusal needs (so a host can say how to add it).
 */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly missingRate?: MissingRate,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
