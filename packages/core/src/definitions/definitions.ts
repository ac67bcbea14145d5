/**
 * Definitions: every choice where vendors disagree (docs/metrics.md, "Definitions"), as one flat,
 * JSON-serialisable set a tenant stores, a query overrides and every report can carry.
 */
import { isValidTimeZone } from '../dates.ts';
import { EngineError } from '../engine-error.ts';
import { PRESETS } from './presets.ts';
import type {
  DefinitionName,
  DefinitionOption,
  DefinitionPreset,
  DefinitionStage,
  Definitions,
  DefinitionsInput,
  ResolvedDefinitions,
} from './types.ts';

export type {
  ChurnDate,
  DefinitionName,
  DefinitionOption,
  DefinitionPreset,
  DefinitionStage,
  Definitions,
  DefinitionsInput,
  ResolvedDefinitions,
} from './types.ts';

/** Every preset, in the order docs and error messages list them. */
export const PRESET_NAMES: readonly DefinitionPreset[] = [
  'CHARTMOGUL',
  'PROFITWELL',
  'BAREMETRICS',
  'STRIPE',
  'DBT_PLAYBOOK',
];

const MAX_REACTIVATION_DAYS = 3650;
const MAX_COALESCE_MINUTES = 10_080;
const MAX_PAST_DUE_DAYS = 365;

const enumOf = (values: readonly string[]) => values.join(', ');

/** Every option, in the order keys, docs and tables list them. */
export const DEFINITION_OPTIONS: readonly DefinitionOption[] = [
  { name: 'grain', stage: 'TIMELINE', allowed: enumOf(['CUSTOMER', 'SUBSCRIPTION']), preset: true },
  { name: 'churnDate', stage: 'TIMELINE', allowed: enumOf(['END_OF_SERVICE', 'CANCELLATION']), preset: true },
  {
    name: 'reactivationWindowDays',
    stage: 'QUERY',
    allowed: `an integer from 1 to ${MAX_REACTIVATION_DAYS}, or null (any gap)`,
    preset: true,
  },
  {
    name: 'coalesceWindowMinutes',
    stage: 'TIMELINE',
    allowed: `an integer from 0 to ${MAX_COALESCE_MINUTES}`,
    preset: true,
  },
  { name: 'discounts', stage: 'SPANS', allowed: enumOf(['ALL_RECURRING', 'ONLY_FOREVER']), preset: true },
  {
    name: 'pastDueChurnDays',
    stage: 'SPANS',
    allowed: `an integer from 0 to ${MAX_PAST_DUE_DAYS}, or null (past due keeps its MRR)`,
    preset: true,
  },
  { name: 'unpaid', stage: 'SPANS', allowed: enumOf(['CHURN', 'KEEP']), preset: true },
  { name: 'pause', stage: 'SPANS', allowed: enumOf(['KEEP', 'ZERO', 'CHURN']), preset: true },
  {
    name: 'sizeBandMidMarket',
    stage: 'QUERY',
    allowed: 'a whole number of units (1/10,000 of the currency) above 0 and below sizeBandEnterprise',
    preset: false,
  },
  {
    name: 'sizeBandEnterprise',
    stage: 'QUERY',
    allowed: 'a whole number of units (1/10,000 of the currency) above sizeBandMidMarket',
    preset: false,
  },
  {
    name: 'timeZone',
    stage: 'QUERY',
    allowed: 'an IANA time zone name such as Europe/Paris, or UTC',
    preset: false,
  },
];

const OPTION_NAMES = DEFINITION_OPTIONS.map((option) => option.name);
const optionOf = new Map(DEFINITION_OPTIONS.map((option) => [option.name, option]));

/** The engine's defaults (retention semantics): what every figure used before definitions existed. */
export const DEFAULT_DEFINITIONS: ResolvedDefinitions = {
  preset: null,
  grain: 'CUSTOMER',
  churnDate: 'END_OF_SERVICE',
  reactivationWindowDays: null,
  coalesceWindowMinutes: 60,
  discounts: 'ALL_RECURRING',
  pastDueChurnDays: null,
  unpaid: 'CHURN',
  pause: 'KEEP',
  sizeBandMidMarket: 10_000_000,
  sizeBandEnterprise: 100_000_000,
  timeZone: 'UTC',
};

/** One thing wrong with a definitions input: the option, what was wrong, and what is allowed. */
export interface DefinitionProblem {
  /** The option's name, `preset`, or `definitions` when the input as a whole is not an object. */
  readonly option: string;
  /** E.g. `grain: "DAY" is not allowed; allowed: CUSTOMER, SUBSCRIPTION`. */
  readonly message: string;
  readonly allowed: string;
}

/** Refusal of invalid definitions (`INVALID_OPTION`), listing every problem found. */
export class InvalidDefinitionsError extends EngineError {
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super('INVALID_OPTION', `invalid definitions: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'InvalidDefinitionsError';
  }
}

const show = (value: unknown) =>
  typeof value === 'string' || (typeof value === 'object' && value !== null)
    ? JSON.stringify(value)
    : String(value);

function problem(option: string, value: unknown, allowed: string, why = 'is not allowed'): DefinitionProblem {
  return { option, message: `${option}: ${show(value)} ${why}; allowed: ${allowed}`, allowed };
}

const integerIn = (value: unknown, min: number, max: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Whether one option's value is allowed on its own (the size bands' order is checked on the full set). */
function valueAllowed(name: DefinitionName, value: unknown): boolean {
  switch (name) {
    case 'grain':
      return value === 'CUSTOMER' || value === 'SUBSCRIPTION';
    case 'churnDate':
      return value === 'END_OF_SERVICE' || value === 'CANCELLATION';
    case 'reactivationWindowDays':
      return value === null || integerIn(value, 1, MAX_REACTIVATION_DAYS);
    case 'coalesceWindowMinutes':
      return integerIn(value, 0, MAX_COALESCE_MINUTES);
    case 'discounts':
      return value === 'ALL_RECURRING' || value === 'ONLY_FOREVER';
    case 'pastDueChurnDays':
      return value === null || integerIn(value, 0, MAX_PAST_DUE_DAYS);
    case 'unpaid':
      return value === 'CHURN' || value === 'KEEP';
    case 'pause':
      return value === 'KEEP' || value === 'ZERO' || value === 'CHURN';
    case 'sizeBandMidMarket':
    case 'sizeBandEnterprise':
      return integerIn(value, 1, Number.MAX_SAFE_INTEGER);
    case 'timeZone':
      return typeof value === 'string' && value.length <= 64 && isValidTimeZone(value);
    default:
      return name satisfies never;
  }
}

/**
 * Every problem with a definitions input (`{ preset?, ...options }`), in option order; an empty
 * list means it is valid on its own. Unknown keys, values of the wrong type or out of range, an
 * unknown time zone and size-band lower bounds out of order (when both are given) are problems.
 * `undefined` values count as absent.
 */
export function checkDefinitionsInput(input: unknown): DefinitionProblem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [problem('definitions', input, `an object of options (${OPTION_NAMES.join(', ')}) and preset`)];
  }
  const record = input as Record<string, unknown>;
  const problems: DefinitionProblem[] = [];
  for (const key of Object.keys(record)) {
    if (key !== 'preset' && !optionOf.has(key as DefinitionName) && record[key] !== undefined) {
      problems.push({
        option: key,
        message: `${key} is not a definition option; the options are preset, ${OPTION_NAMES.join(', ')}`,
        allowed: OPTION_NAMES.join(', '),
      });
    }
  }
  const preset = record.preset;
  if (preset !== undefined && preset !== null && !PRESET_NAMES.includes(preset as DefinitionPreset)) {
    problems.push(problem('preset', preset, `${enumOf(PRESET_NAMES)}, or null (no preset)`));
  }
  for (const option of DEFINITION_OPTIONS) {
    const value = record[option.name];
    if (value !== undefined && !valueAllowed(option.name, value))
      problems.push(problem(option.name, value, option.allowed));
  }
  const mid = record.sizeBandMidMarket;
  const enterprise = record.sizeBandEnterprise;
  if (
    valueAllowed('sizeBandMidMarket', mid) &&
    valueAllowed('sizeBandEnterprise', enterprise) &&
    (enterprise as number) <= (mid as number)
  ) {
    problems.push(orderProblem(mid as number, enterprise as number));
  }
  return problems;
}

function orderProblem(mid: number, enterprise: number): DefinitionProblem {
  const allowed = optionOf.get('sizeBandEnterprise')?.allowed ?? '';
  return problem('sizeBandEnterprise', enterprise, allowed, `is not above sizeBandMidMarket (${mid})`);
}

/**
 * Resolves an input over a base set (default: the engine's defaults). A `preset` first sets the
 * options presets set (everything but the time zone and size bands, which keep the base's), and
 * `preset: null` sets those back to the engine's defaults; without `preset`, the base's options and
 * preset label carry over. The input's own options then override. The result says which preset it
 * came from. Throws {@link InvalidDefinitionsError} (`INVALID_OPTION`) listing every problem.
 */
export function resolveDefinitions(
  input: DefinitionsInput | undefined,
  base: ResolvedDefinitions = DEFAULT_DEFINITIONS,
): ResolvedDefinitions {
  const result = tryResolveDefinitions(input ?? {}, base);
  if (!result.ok) throw new InvalidDefinitionsError(result.problems);
  return result.definitions;
}

/** {@link resolveDefinitions} for untrusted input: the problems as a value instead of a throw. */
export function tryResolveDefinitions(
  input: unknown,
  base: ResolvedDefinitions = DEFAULT_DEFINITIONS,
): { ok: true; definitions: ResolvedDefinitions } | { ok: false; problems: DefinitionProblem[] } {
  const problems = checkDefinitionsInput(input);
  if (problems.length > 0) return { ok: false, problems };
  const record = input as DefinitionsInput;
  let start: ResolvedDefinitions = base;
  if (record.preset !== undefined) {
    const fixed = record.preset === null ? DEFAULT_DEFINITIONS : PRESET_DEFINITIONS[record.preset];
    start = { ...base, ...presetOptions(fixed), preset: record.preset };
  }
  const merged: Record<string, unknown> = { preset: start.preset };
  for (const name of OPTION_NAMES) merged[name] = record[name] !== undefined ? record[name] : start[name];
  const definitions = merged as unknown as ResolvedDefinitions;
  if (definitions.sizeBandEnterprise <= definitions.sizeBandMidMarket) {
    return {
      ok: false,
      problems: [orderProblem(definitions.sizeBandMidMarket, definitions.sizeBandEnterprise)],
    };
  }
  return { ok: true, definitions };
}

/** The options a preset sets, taken from a full set. */
function presetOptions(definitions: Definitions): Partial<Definitions> {
  const options: Record<string, unknown> = {};
  for (const option of DEFINITION_OPTIONS) if (option.preset) options[option.name] = definitions[option.name];
  return options as Partial<Definitions>;
}

/**
 * Each preset as a full set over the engine's defaults (time zone and size bands at their
 * defaults; resolving a preset over a tenant's settings keeps the tenant's). `presets.ts`
 * documents each value and its source.
 */
export const PRESET_DEFINITIONS: Readonly<Record<DefinitionPreset, ResolvedDefinitions>> = Object.fromEntries(
  PRESETS.map((preset) => [preset.name, { ...DEFAULT_DEFINITIONS, ...preset.options, preset: preset.name }]),
) as Record<DefinitionPreset, ResolvedDefinitions>;

/**
 * A stable cache key of the option values (not the preset label: two sets with the same values
 * give the same figures): the same values give the same key whatever order their keys were given in.
 */
export function definitionsKey(definitions: Definitions): string {
  return stageKey(definitions, ['SPANS', 'TIMELINE', 'QUERY']);
}

/**
 * Keys of the options acting up to a stage: `spans` changes only when the spans must be recomputed
 * from the events, `timeline` when the timeline must be rebuilt (spans or timeline options), `all`
 * is {@link definitionsKey}. A host caches spans by `spans` and timelines by `timeline`.
 */
export function definitionKeys(definitions: Definitions): { spans: string; timeline: string; all: string } {
  return {
    spans: stageKey(definitions, ['SPANS']),
    timeline: stageKey(definitions, ['SPANS', 'TIMELINE']),
    all: definitionsKey(definitions),
  };
}

function stageKey(definitions: Definitions, stages: readonly DefinitionStage[]): string {
  const values = DEFINITION_OPTIONS.filter((option) => stages.includes(option.stage)).map(
    (option) => `${option.name}=${JSON.stringify(definitions[option.name])}`,
  );
  return values.join(';');
}

/** The options whose values differ between two sets, in option order. */
export function differingOptions(a: Definitions, b: Definitions): DefinitionName[] {
  return OPTION_NAMES.filter((name) => a[name] !== b[name]);
}

/**
 * The options a resolved set changes from its preset (or, without one, from the engine's
 * defaults), in option order: what a "How this is calculated" note lists after the preset's name.
 */
export function customizedOptions(definitions: ResolvedDefinitions): DefinitionName[] {
  const reference =
    definitions.preset === null ? DEFAULT_DEFINITIONS : PRESET_DEFINITIONS[definitions.preset];
  return differingOptions(reference, definitions);
}

/** The stage an option acts at. */
export function definitionStage(name: DefinitionName): DefinitionStage {
  return (optionOf.get(name) as DefinitionOption).stage;
}
