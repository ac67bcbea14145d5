import {
  addMonths,
  computeMovements,
  computeRetention,
  type DefinitionInputs,
  type DefinitionsInput,
  formatMoneyUnits,
  importSubscriptionEventsJson,
  movementLedger,
  queryOptionsOf,
  type ResolvedDefinitions,
  type RetentionReport,
  resolveDefinitions,
  type SubscriptionEvent,
  timelineUnder,
  toIsoDate,
} from '../../src/index.ts';
import { day } from '../support/spans.ts';

/** Flat event records (ids added, USD, and monthly where priced, by default) as imported events. */
export function events(records: readonly Record<string, unknown>[]): SubscriptionEvent[] {
  const withDefaults = records.map((record, index) => ({
    id: `evt_${String(index + 1).padStart(3, '0')}`,
    currency: 'USD',
    ...(record.unit_amount === undefined ? {} : { interval: 'month' }),
    ...record,
  }));
  const result = importSubscriptionEventsJson(JSON.stringify(withDefaults));
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.rows;
}

/** A preset, or a preset with overrides, resolved over the engine's defaults. */
export const under = (input: DefinitionsInput): ResolvedDefinitions => resolveDefinitions(input);

/** The event-level ledger in `[from, to)` as `date KIND amount` lines. */
export function ledger(inputs: DefinitionInputs, definitions: ResolvedDefinitions, from: string, to: string) {
  const timeline = timelineUnder(inputs, definitions);
  return movementLedger(timeline, {
    from: day(from),
    to: day(to),
    reactivationWindowDays: queryOptionsOf(definitions).reactivationWindowDays,
  }).map((entry) => `${toIsoDate(entry.at)} ${entry.kind} ${formatMoneyUnits(entry.amount)}`);
}

/** The per-customer movements of one month (`YYYY-MM`) as `customer KIND amount` lines. */
export function month(inputs: DefinitionInputs, definitions: ResolvedDefinitions, yearMonth: string) {
  const from = day(`${yearMonth}-01`);
  return computeMovements(timelineUnder(inputs, definitions), {
    from,
    to: addMonths(from, 1),
    ...queryOptionsOf(definitions),
  }).map((m) => `${m.customerId} ${m.kind} ${formatMoneyUnits(m.amount)}`);
}

/** The PERIOD report of `[from, to)` under a set. */
export function report(
  inputs: DefinitionInputs,
  definitions: ResolvedDefinitions,
  from: string,
  to: string,
): RetentionReport {
  return computeRetention(timelineUnder(inputs, definitions), {
    from: day(from),
    to: day(to),
    ...queryOptionsOf(definitions),
  });
}
