import type { DefinitionPreset, DefinitionsResult } from '../types.ts';

/** One line of "How this is calculated": the option in a finance team's words, and its value. */
export interface DefinitionLine {
  /** What the line is about, e.g. `Reactivation window`. */
  readonly term: string;
  /** The value in words, e.g. `90 days: a later return is new business`. */
  readonly text: string;
  /** Whether the value differs from the preset's (or, without one, from the defaults). */
  readonly customized: boolean;
}

/** The vendor or method each preset follows, as docs/metrics.md ("Vendor presets") names it. */
const PRESET_LABELS: Record<DefinitionPreset, string> = {
  CHARTMOGUL: 'ChartMogul',
  PROFITWELL: 'ProfitWell',
  BAREMETRICS: 'Baremetrics',
  STRIPE: 'Stripe Billing',
  DBT_PLAYBOOK: 'dbt MRR playbook',
};

/**
 * Every option as a line a finance lead can read, in docs/metrics.md's words and the API's option
 * order (both size-band bounds make one line). Day and minute counts follow `locale`; size bands
 * are amounts of `currency` (the currency the card shows), bare numbers without a well-formed code.
 */
export function definitionLines(d: DefinitionsResult, locale: string, currency?: string): DefinitionLine[] {
  const number = new Intl.NumberFormat(locale);
  const count = (value: number, unit: string) => `${number.format(value)} ${unit}${value === 1 ? '' : 's'}`;
  // Intl itself rather than core's formatMoney: a figure card shows no other money, and formatMoney
  // would bring its decimal parser into every host bundle. Intl formats decimal strings exactly.
  const bands = new Intl.NumberFormat(
    locale,
    currency && /^[a-z]{3}$/i.test(currency)
      ? { style: 'currency', currency, maximumFractionDigits: 4, trailingZeroDisplay: 'stripIfInteger' }
      : {},
  );
  const money = (amount: string) => bands.format(amount as Intl.StringNumericLiteral);
  const lines: [term: string, text: string, ...options: string[]][] = [
    [
      'Grain',
      d.grain === 'CUSTOMER'
        ? 'Per customer: ending one of several subscriptions is contraction'
        : 'Per subscription',
      'grain',
    ],
    [
      'Churn date',
      d.churnDate === 'END_OF_SERVICE' ? 'When the paid service ends' : 'When the customer asks to cancel',
      'churnDate',
    ],
    [
      'Reactivation window',
      d.reactivationWindowDays === null
        ? 'Any gap: a returning customer is a reactivation'
        : `${count(d.reactivationWindowDays, 'day')}: a later return is new business`,
      'reactivationWindowDays',
    ],
    [
      'Coalescing window',
      d.coalesceWindowMinutes === 0
        ? 'None'
        : `${count(d.coalesceWindowMinutes, 'minute')}: changes this close are one movement`,
      'coalesceWindowMinutes',
    ],
    [
      'Discounts',
      d.discounts === 'ALL_RECURRING'
        ? 'Every recurring discount reduces MRR'
        : 'Only discounts with no end reduce MRR',
      'discounts',
    ],
    [
      'Past-due subscriptions',
      d.pastDueChurnDays === null ? 'Keep their MRR' : `Churn after ${count(d.pastDueChurnDays, 'day')}`,
      'pastDueChurnDays',
    ],
    ['Unpaid subscriptions', d.unpaid === 'CHURN' ? 'Churn' : 'Count as past due', 'unpaid'],
    [
      'Paused subscriptions',
      d.pause === 'KEEP' ? 'Keep their MRR' : d.pause === 'ZERO' ? 'MRR 0, not churned' : 'Churn',
      'pause',
    ],
    [
      'Size bands',
      `SMB below ${money(d.sizeBandMidMarket)}, mid-market from ${money(d.sizeBandMidMarket)}, enterprise from ${money(d.sizeBandEnterprise)} MRR a month`,
      'sizeBandMidMarket',
      'sizeBandEnterprise',
    ],
    ['Time zone', d.timeZone, 'timeZone'],
  ];
  return lines.map(([term, text, ...options]) => ({
    term,
    text,
    customized: options.some((option) => d.customizedOptions.includes(option)),
  }));
}

/**
 * The opening sentence: which preset the figures follow (`ChartMogul-style definitions`, or
 * `Default definitions` without one) and which of `lines` were customized, in their order.
 */
export function presetSentence(d: DefinitionsResult, lines: readonly DefinitionLine[]): string {
  const customized = lines.filter((line) => line.customized).map((line) => line.term.toLowerCase());
  const preset = d.preset ? `${PRESET_LABELS[d.preset]}-style` : 'Default';
  return `${preset} definitions${customized.length ? `, customized: ${new Intl.ListFormat('en').format(customized)}` : ''}.`;
}
