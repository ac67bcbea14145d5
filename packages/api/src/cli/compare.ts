/**
 * `nrr compare --tenant T --from YYYY-MM-DD --to YYYY-MM-DD [--segment name=v1,v2 …]
 * [--a name=value …] [--a-preset P] --b name=value … [--b-preset P] [--currency X] [--limit N]
 * [--json]`: the definition diff of GraphQL's `compareDefinitions` (../analytics/definition-comparison.ts),
 * computed in-process: both bridges side by side, b − a per line, and the first `--limit`
 * customers whose movements differ. `--a`/`--b` take the settings options of
 * `nrr tenants settings --set`; a missing `a` (or `b`) is the tenant's settings, and at least one
 * of them must be given.
 */
import {
  BRIDGE_LINES,
  customizedOptions,
  formatMoneyUnits,
  formatPercent,
  formatPercentagePoints,
  type MrrBridge,
  type ResolvedDefinitions,
  SIZE_BANDS,
  type SizeBand,
  toIsoDate,
} from '@nrr/core';
import { definitionComparison, type PresentedComparison } from '../analytics/definition-comparison.ts';
import { TimelineCache } from '../analytics/tenant-analytics.ts';
import type { SegmentFilterArg } from '../auth/segment-lock.ts';
import type { ApiContext } from '../context.ts';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../errors.ts';
import { WorkBudget } from '../internal/work-budget.ts';
import { findTenant } from '../tenants.ts';
import { parseSetOptions, settingsLines } from './settings.ts';

/** Differing customers printed by default. */
export const DEFAULT_COMPARE_LIMIT = 20;

/** The options `nrr compare` reads. */
export interface CompareOptions {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly segment?: readonly string[] | undefined;
  readonly currency?: string | undefined;
  readonly a?: readonly string[] | undefined;
  readonly b?: readonly string[] | undefined;
  readonly 'a-preset'?: string | undefined;
  readonly 'b-preset'?: string | undefined;
  readonly limit?: string | undefined;
  readonly json?: boolean | undefined;
}

/** Runs `nrr compare` for `tenantId`, printing with `out`. Bad options are `BAD_USER_INPUT` naming the option. */
export async function compareCommand(
  db: Db,
  tenantId: string,
  options: CompareOptions,
  out: (line: string) => void,
): Promise<number> {
  const tenant = await findTenant(db, tenantId);
  if (!tenant) throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
  const limit = limitOption(options.limit);
  const from = dateOption(options.from, '--from');
  const to = dateOption(options.to, '--to');
  const a = setOption(options.a, options['a-preset'], '--a');
  const given = setOption(options.b, options['b-preset'], '--b');
  if (!a && !given) {
    throw new ApiError(
      'BAD_USER_INPUT',
      '--b name=value (or --b-preset P): the definitions to compare with the tenant’s settings (or with --a)',
    );
  }
  const b = given ?? {};
  // The CLI is the operator: a secret key's view of the tenant, without a work budget.
  const context: ApiContext = {
    db,
    principal: { kind: 'SECRET_KEY', tenantId, keyId: 'cli', scope: 'read' },
    tenant,
    tokenKey: new Uint8Array(32),
    analytics: new TimelineCache(1).forTenant(db, tenant),
    budget: new WorkBudget(Number.POSITIVE_INFINITY),
    webhookPolicy: { allowPrivate: false },
  };
  const segment = segmentOption(options.segment);
  const comparison = await definitionComparison(
    context,
    {
      from,
      to,
      ...(segment ? { segment } : {}),
      ...(options.currency ? { currency: options.currency } : {}),
      ...(a ? { a } : {}),
      b,
    },
    'compare',
  );
  if (options.json) out(JSON.stringify(comparisonJson(comparison, limit), null, 2));
  else for (const line of comparisonLines(comparison, limit)) out(line);
  return 0;
}

/**
 * The comparison as printed: a heading naming both sets, one `line<TAB>a<TAB>b<TAB>b−a` row per
 * bridge line, then `nrr` and `grr` rows (percentages, b − a in percentage points; `—` when a
 * ratio is null), then the differing customers, largest change first, one a line:
 * `customer<TAB>a's movements<TAB>b's movements<TAB>changed lines`.
 */
export function comparisonLines(comparison: PresentedComparison, limit: number): string[] {
  const { a, b, difference, customers, currency } = comparison;
  const lines = [
    `${toIsoDate(a.from)} to ${toIsoDate(a.to)} in ${currency}: a = ${label(a.definitions)}, b = ${label(b.definitions)}`,
    'line\ta\tb\tb − a',
  ];
  for (const line of BRIDGE_LINES) {
    lines.push(
      `${line}\t${formatMoneyUnits(a[line])}\t${formatMoneyUnits(b[line])}\t${signed(difference[line])}`,
    );
  }
  for (const ratio of ['nrr', 'grr'] as const) {
    const points = difference[ratio] === null ? null : difference[ratio] * 100;
    lines.push(
      `${ratio}\t${formatPercent(a[ratio])}\t${formatPercent(b[ratio])}\t${formatPercentagePoints(points)}`,
    );
  }
  lines.push(`customers differing: ${customers.length}`);
  for (const customer of customers.slice(0, limit)) {
    const changed = BRIDGE_LINES.filter((line) => customer.difference[line] !== 0)
      .map((line) => `${line} ${signed(customer.difference[line])}`)
      .join(', ');
    lines.push(
      `${customer.customerId}\ta: ${movementsText(customer.customerId, customer.a.movements)}\tb: ${movementsText(customer.customerId, customer.b.movements)}\t${changed || 'same bridge'}`,
    );
  }
  if (customers.length > limit) lines.push(`… and ${customers.length - limit} more (--limit)`);
  return lines;
}

/** The comparison as `--json` prints it: amounts as decimal strings, as GraphQL's `Money.amount`. */
export function comparisonJson(comparison: PresentedComparison, limit: number) {
  const bridge = (lines: MrrBridge) =>
    Object.fromEntries(BRIDGE_LINES.map((line) => [line, formatMoneyUnits(lines[line])]));
  // As GraphQL's `Definitions`: size bands as decimal amounts.
  const definitions = (set: ResolvedDefinitions) => ({
    ...set,
    sizeBandMidMarket: formatMoneyUnits(set.sizeBandMidMarket),
    sizeBandEnterprise: formatMoneyUnits(set.sizeBandEnterprise),
    customizedOptions: customizedOptions(set),
  });
  return {
    from: toIsoDate(comparison.a.from),
    to: toIsoDate(comparison.a.to),
    currency: comparison.currency,
    a: {
      definitions: definitions(comparison.a.definitions),
      bridge: bridge(comparison.a),
      nrr: comparison.a.nrr,
      grr: comparison.a.grr,
    },
    b: {
      definitions: definitions(comparison.b.definitions),
      bridge: bridge(comparison.b),
      nrr: comparison.b.nrr,
      grr: comparison.b.grr,
    },
    difference: bridge(comparison.difference),
    // As GraphQL's `nrrDifference` and `grrDifference`: ratios, b − a, null when either is null.
    nrrDifference: comparison.difference.nrr,
    grrDifference: comparison.difference.grr,
    customers: {
      totalCount: comparison.customers.length,
      first: comparison.customers.slice(0, limit).map((customer) => ({
        customerId: customer.customerId,
        a: { bridge: bridge(customer.a.bridge), movements: movementsJson(customer.a.movements) },
        b: { bridge: bridge(customer.b.bridge), movements: movementsJson(customer.b.movements) },
        difference: bridge(customer.difference),
      })),
    },
  };
}

type Movements = PresentedComparison['customers'][number]['a']['movements'];

function movementsJson(movements: Movements) {
  return movements.map((m) => ({ entityId: m.entityId, type: m.kind, amount: formatMoneyUnits(m.amount) }));
}

/** Movements as `KIND amount`, naming the subscription at subscription grain; `none` when unchanged. */
function movementsText(customerId: string, movements: Movements): string {
  if (movements.length === 0) return 'none';
  return movements
    .map(
      (m) => `${m.kind} ${formatMoneyUnits(m.amount)}${m.entityId === customerId ? '' : ` (${m.entityId})`}`,
    )
    .join(', ');
}

/** A set as the heading names it: its preset (or `defaults`) and the options customised over it. */
function label(definitions: ResolvedDefinitions): string {
  const values = new Map(settingsLines(definitions).map((line) => line.split('\t') as [string, string]));
  const customized = customizedOptions(definitions).map((name) => `${name}=${values.get(name)}`);
  return [definitions.preset ?? 'defaults', ...customized].join(' ');
}

const signed = (units: number) => (units > 0 ? `+${formatMoneyUnits(units)}` : formatMoneyUnits(units));

/** `--a`/`--b` settings with their `--a-preset`/`--b-preset`; `undefined` when neither is given. */
function setOption(
  sets: readonly string[] | undefined,
  preset: string | undefined,
  flag: string,
): Record<string, unknown> | undefined {
  const all = [...(preset === undefined ? [] : [`preset=${preset}`]), ...(sets ?? [])];
  return all.length === 0 ? undefined : parseSetOptions(all, flag);
}

function dateOption(value: string | undefined, flag: string): number {
  const instant = value === undefined ? Number.NaN : Date.parse(`${value}T00:00:00Z`);
  if (value === undefined || Number.isNaN(instant) || toIsoDate(instant) !== value) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `${flag}: got ${JSON.stringify(value ?? null)}, expected a date YYYY-MM-DD`,
    );
  }
  return instant;
}

function limitOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_COMPARE_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `--limit: got ${JSON.stringify(value)}, expected a whole number ≥ 0`,
    );
  }
  return limit;
}

/** `--segment name=v1,v2` (repeatable; `size_band=SMB,…` for size bands) as a GraphQL segment argument. */
function segmentOption(values: readonly string[] | undefined): SegmentFilterArg | undefined {
  if (!values || values.length === 0) return undefined;
  const attributes: { name: string; values: string[] }[] = [];
  let sizeBands: SizeBand[] | undefined;
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `--segment: got ${JSON.stringify(value)}, expected name=value[,value…] (an attribute, or size_band)`,
      );
    }
    const name = value.slice(0, equals).trim();
    const listed = value
      .slice(equals + 1)
      .split(',')
      .map((item) => item.trim());
    if (name === 'size_band') {
      const unknown = listed.filter((band) => !(SIZE_BANDS as readonly string[]).includes(band));
      if (unknown.length > 0) {
        throw new ApiError(
          'BAD_USER_INPUT',
          `--segment: size_band ${JSON.stringify(unknown[0])} is not a size band; expected ${SIZE_BANDS.join(', ')}`,
        );
      }
      sizeBands = listed as SizeBand[];
    } else attributes.push({ name, values: listed });
  }
  return { ...(attributes.length > 0 ? { attributes } : {}), ...(sizeBands ? { sizeBands } : {}) };
}
