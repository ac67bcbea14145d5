import type { DefinitionPreset, DefinitionsResult } from '../types.ts';
import { formatMoney } from './formatters.ts';

/** One line of "How this is calculated": the option in a finance team's words, and its value. */
export interface DefinitionLine {
  /** What the line is about, e.g. `Reactivation window`. */
  readonly term: string;
  /** The value in a sentence, e.g. `90 days: a return after a longer gap is new business`. */
  readonly text: string;
  /** Whether this value differs from the preset's (or, without one, from the defaults). */
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

/** The term of each option; both size-band bounds are one line. */
const TERMS: Record<string, string> = {
  grain: 'Grain',
  churnDate: 'Churn date',
  reactivationWindowDays: 'Reactivation window',
  coalesceWindowMinutes: 'Coalescing window',
  discounts: 'Discounts',
  pastDueChurnDays: 'Past-due subscriptions',
  unpaid: 'Unpaid subscriptions',
  pause: 'Paused subscriptions',
  timeZone: 'Time zone',
  sizeBandMidMarket: 'Size bands',
  sizeBandEnterprise: 'Size bands',
};

/**
 * The opening sentence: which preset the figures follow (`ChartMogul-style definitions`, or
 * `Default definitions` without one) and, when any differ from it, which options were customized.
 */
export function presetSentence(definitions: DefinitionsResult): string {
  // Option names the widgets do not know (a newer API) are shown as the API names them.
  const customized = [
    ...new Set(definitions.customizedOptions.map((name) => (TERMS[name] ?? name).toLowerCase())),
  ];
  const preset = definitions.preset ? `${PRESET_LABELS[definitions.preset]}-style` : 'Default';
  return `${preset} definitions${customized.length ? `, customized: ${new Intl.ListFormat('en').format(customized)}` : ''}.`;
}

/**
 * Every option as a line a finance lead can read, in docs/metrics.md's words and the API's order.
 * Day and minute counts follow `locale`; size bands are amounts of `currency` (the currency the
 * card shows), bare numbers without a well-formed ISO 4217 code.
 */
export function definitionLines(
  definitions: DefinitionsResult,
  locale: string,
  currency?: string,
): DefinitionLine[] {
  const d = definitions;
  const number = new Intl.NumberFormat(locale);
  const count = (value: number, unit: string) => `${number.format(value)} ${unit}${value === 1 ? '' : 's'}`;
  // A currency code Intl cannot format (never one the API sends) leaves the numbers bare, like none.
  const money = (amount: string) =>
    currency && /^[a-z]{3}$/i.test(currency)
      ? formatMoney(amount, currency, { locale, maximumFractionDigits: amount.includes('.') ? 4 : 0 })
      : number.format(amount as Intl.StringNumericLiteral);
  const lines: [option: string, text: string][] = [
    [
      'grain',
      d.grain === 'CUSTOMER'
        ? 'Per customer: ending one of several subscriptions is contraction, not churn'
        : 'Per subscription: each subscription is compared on its own',
    ],
    [
      'churnDate',
      d.churnDate === 'END_OF_SERVICE' ? 'When the paid service ends' : 'When the customer asks to cancel',
    ],
    [
      'reactivationWindowDays',
      d.reactivationWindowDays === null
        ? 'Any gap: a returning customer is a reactivation, not new business'
        : `${count(d.reactivationWindowDays, 'day')}: a return after a longer gap is new business`,
    ],
    [
      'coalesceWindowMinutes',
      d.coalesceWindowMinutes === 0
        ? 'None: every change is its own movement'
        : `${count(d.coalesceWindowMinutes, 'minute')}: changes this close together are one movement`,
    ],
    [
      'discounts',
      d.discounts === 'ALL_RECURRING'
        ? 'Every recurring discount reduces MRR while it applies'
        : 'Only discounts with no end reduce MRR',
    ],
    [
      'pastDueChurnDays',
      d.pastDueChurnDays === null
        ? 'Keep their MRR'
        : `Churn after ${count(d.pastDueChurnDays, 'day')} past due`,
    ],
    ['unpaid', d.unpaid === 'CHURN' ? 'Churn, then reactivate if active again' : 'Count as past due'],
    [
      'pause',
      d.pause === 'KEEP'
        ? 'Keep their MRR'
        : d.pause === 'ZERO'
          ? 'MRR 0 while paused, not churned'
          : 'Churn, then reactivate when resumed',
    ],
    [
      'sizeBandMidMarket',
      `By MRR a month: SMB below ${money(d.sizeBandMidMarket)}, mid-market from ${money(d.sizeBandMidMarket)}, enterprise from ${money(d.sizeBandEnterprise)}`,
    ],
    ['timeZone', `Periods start at midnight in ${d.timeZone}`],
  ];
  const customized = new Set(d.customizedOptions.map((name) => TERMS[name]));
  return lines.map(([option, text]) => {
    const term = TERMS[option] as string;
    return { term, text, customized: customized.has(term) };
  });
}
