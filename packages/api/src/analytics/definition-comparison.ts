/**
 * The definition diff (docs/metrics.md, "Definitions"): one PERIOD question — a window, a segment,
 * a currency — answered under two definition sets, `a` (default: the tenant's settings) and `b`,
 * with the difference per bridge line and the customers whose movements differ. Each set's half
 * (its report and every customer's share) is an engine operation run on that set's own timeline
 * (in a worker when the API has them, with spans recomputed from the events when the set's span
 * options are not the settings'); core's `compareShares` combines the two halves, once per data
 * version, window, segment, currency and pair of sets. Shared by GraphQL's `compareDefinitions`
 * and `nrr compare`.
 */
import {
  type CustomerDefinitionDifference,
  compareShares,
  type DefinitionComparison,
  type ResolvedDefinitions,
  type RetentionReport,
} from '@nrr/core';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import {
  type CoreWindow,
  chargeWork,
  coreWindow,
  engineWindow,
  questionKey,
  type WindowArgs,
} from './query-input.ts';
import { presentedReport } from './question-definitions.ts';
import { withWarnings } from './segment-typos.ts';

/**
 * Windows' worth of work one set's half costs per customer: its report's pass also attributes
 * each customer's share of it, which core's compare bench measures at about twice a report alone.
 */
const SHARE_WINDOWS = 2;

/** The arguments of a definition diff: a retention question's window, segment and currency, and two sets. */
export interface ComparisonArgs extends Pick<WindowArgs, 'from' | 'to' | 'segment' | 'currency'> {
  /** The first set, over the tenant's settings (core's `DefinitionsInput`, unchecked); absent: the settings. */
  readonly a?: unknown;
  /** The second set, over the tenant's settings (`{}`: the settings). */
  readonly b: unknown;
}

/** A report with the definitions that produced it (as `retention` answers it). */
type PresentedReport = RetentionReport & { readonly definitions: ResolvedDefinitions };

/** A definition diff as the API answers it. */
export interface PresentedComparison {
  /** The report under `a`, with its definitions (dates as calendar dates of `a`'s time zone). */
  readonly a: PresentedReport;
  /** The report under `b`. */
  readonly b: PresentedReport;
  /** `b − a` per bridge line (and of the ratios; `null` when either is `null`). */
  readonly difference: DefinitionComparison['difference'];
  /** Every customer whose share or movements differ, largest change first, then by id. */
  readonly customers: readonly CustomerDefinitionDifference[];
  /** The reporting currency of every amount. */
  readonly currency: string;
  /** The definitions of `a`, which a difference's `customer` is looked up under. */
  readonly definitionsA: ResolvedDefinitions;
  /**
   * What the comparison depends on besides the data version (window, segment, currency and both
   * sets' values): cursors into `customers` are tied to it.
   */
  readonly key: string;
}

/**
 * Compares `args.a` and `args.b` on `args`' question, charging each set's half to the request's
 * work budget under `field` (nothing when the comparison is memoised). Invalid definitions are
 * `BAD_USER_INPUT` naming `a.<option>` or `b.<option>`; an embed token minted with fixed
 * definitions may not compare sets (`FORBIDDEN`): its figures are those definitions' only. A
 * token's segment lock applies as to `retention`.
 */
export async function definitionComparison(
  context: ApiContext,
  args: ComparisonArgs,
  field = 'compareDefinitions',
): Promise<PresentedComparison> {
  const { principal } = context;
  if (principal.kind === 'EMBED_TOKEN' && principal.definitions) {
    throw new ApiError(
      'FORBIDDEN',
      `${field}: this embed token's definitions are fixed (${Object.keys(principal.definitions).join(', ')}); comparing other definition sets needs a secret key`,
      { field: 'b' },
    );
  }
  const question = { from: args.from, to: args.to, segment: args.segment, currency: args.currency };
  const windowA = await coreWindow(context, { ...question, definitions: args.a, definitionsField: 'a' });
  const windowB = await coreWindow(context, { ...question, definitions: args.b, definitionsField: 'b' });
  const keyA = questionKey('definitionShares', windowA);
  const keyB = questionKey('definitionShares', windowB);
  const key = JSON.stringify(['compareDefinitions', keyA, keyB]);
  let compared = context.analytics.cached(key) as DefinitionComparison | undefined;
  if (!compared) {
    // Same-valued sets share one key: charged and computed once.
    await chargeWork(context, field, keyA, SHARE_WINDOWS);
    await chargeWork(context, field, keyB, SHARE_WINDOWS);
    const [sharesA, sharesB] = await Promise.all([
      half(context, keyA, windowA),
      half(context, keyB, windowB),
    ]);
    compared = context.analytics.memo(key, () =>
      compareShares(
        { definitions: windowA.definitions, shares: sharesA },
        { definitions: windowB.definitions, shares: sharesB },
      ),
    );
  }
  return {
    a: presentedReport(withWarnings(compared.a.report, windowA.warnings), windowA.definitions),
    b: presentedReport(withWarnings(compared.b.report, windowB.warnings), windowB.definitions),
    difference: compared.difference,
    customers: compared.customers,
    currency: windowA.rates.reportingCurrency,
    definitionsA: windowA.definitions,
    key,
  };
}

/** One set's half: its report and customer shares, on the set's own timeline. */
function half(context: ApiContext, key: string, window: CoreWindow) {
  return context.analytics.run(
    key,
    { kind: 'definitionShares', window: engineWindow(window) },
    window.definitions,
  );
}
