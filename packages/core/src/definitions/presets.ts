/**
 * Vendor presets: each vendor's documented choices as definition options, with the passage and
 * page each value comes from, and what of the vendor's rules the engine cannot express.
 * docs/metrics.md ("Vendor presets") shows the same table; a test keeps the two equal.
 */
import type { DefinitionPreset, Definitions } from './types.ts';

/** The options a preset sets (time zone and size bands stay the tenant's). */
export type PresetOptions = Omit<Definitions, 'timeZone' | 'sizeBandMidMarket' | 'sizeBandEnterprise'>;

/** Where one preset value comes from. */
export interface PresetSource {
  /** What the vendor says, shortened; "not documented" when the value is the engine's default. */
  readonly rule: string;
  /** The page address, without the scheme; absent when nothing documents the choice. */
  readonly page?: string;
}

/** A vendor preset: its options, the source of each, and the rules it cannot express. */
export interface PresetDocumentation {
  readonly name: DefinitionPreset;
  /** The vendor or method as people name it. */
  readonly label: string;
  readonly options: PresetOptions;
  readonly sources: { readonly [K in keyof PresetOptions]: PresetSource };
  /** Vendor rules no option can express, each in a sentence. */
  readonly notExpressible: readonly string[];
}

const CHARTMOGUL_MOVEMENTS = 'help.chartmogul.com/hc/en-us/articles/203299912';
const CHARTMOGUL_LIFECYCLE = 'help.chartmogul.com/hc/en-us/articles/201244842';
const CHARTMOGUL_SETTINGS = 'help.chartmogul.com/hc/en-us/articles/15384089786524';
const CHARTMOGUL_PAST_DUE = 'help.chartmogul.com/article/303-handling-past-due-subscriptions';
const PROFITWELL_COMPARE = 'paddle.com/help/profitwell-metrics/measure/compare/profitwell-vs-chargify';
const PROFITWELL_FAQ =
  'learn.profitwell.com/article/3xteyrvof6-why-are-my-metrics-in-profit-well-different-than-chargify';
const BAREMETRICS_MRR = 'help.baremetrics.com/en/articles/5380330-monthly-recurring-revenue';
const BAREMETRICS_CANCELLATIONS = 'help.baremetrics.com/en/articles/5380343-cancellations-and-downgrades';
const STRIPE_ANALYTICS = 'support.stripe.com/questions/billing-analytics';
const STRIPE_GLOSSARY = 'docs.stripe.com/billing/subscriptions/analytics/glossary';
const DBT_POST = 'getdbt.com/blog/modeling-subscription-revenue';

const customerGrain = (page: string): PresetSource => ({
  rule: 'customers, not subscriptions: ending one of several subscriptions is contraction',
  page,
});
const notDocumented: PresetSource = { rule: 'not documented: the engine default' };
const notApplicable: PresetSource = {
  rule: 'does not apply: the playbook reads monthly amounts, with no statuses or discounts (engine default)',
};

/** The five presets, in `PRESET_NAMES` order. */
export const PRESETS: readonly PresetDocumentation[] = [
  {
    name: 'CHARTMOGUL',
    label: 'ChartMogul',
    options: {
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 60,
      discounts: 'ALL_RECURRING',
      pastDueChurnDays: null,
      unpaid: 'KEEP',
      pause: 'KEEP',
    },
    sources: {
      grain: customerGrain(CHARTMOGUL_LIFECYCLE),
      churnDate: {
        rule: 'churn recognition defaults to when the subscription ends; an annual plan churns "at the end of the current billing period"',
        page: CHARTMOGUL_SETTINGS,
      },
      reactivationWindowDays: {
        rule: 'reactivation: "a previously paying customer that had churned moves back onto a paid plan", any gap',
        page: CHARTMOGUL_MOVEMENTS,
      },
      coalesceWindowMinutes: {
        rule: 'Smart Activity Classification groups changes within 60 minutes (the default window)',
        page: 'help.chartmogul.com/hc/en-us/articles/4416682609426-Understanding-MRR-movements',
      },
      discounts: {
        rule: 'a discount being added is contraction and an expiring discount is expansion',
        page: CHARTMOGUL_MOVEMENTS,
      },
      pastDueChurnDays: {
        rule: 'by default delinquent subscriptions stay past due and in MRR until cancelled (option: 1-90 days)',
        page: CHARTMOGUL_PAST_DUE,
      },
      unpaid: {
        rule: 'a subscription whose payments all failed stays in MRR until explicitly cancelled',
        page: CHARTMOGUL_PAST_DUE,
      },
      pause: {
        rule: 'a paused Stripe subscription is past due and "continues to generate MRR"',
        page: 'help.chartmogul.com/hc/en-us/articles/360015688860-Handling-paused-subscriptions-in-ChartMogul',
      },
    },
    notExpressible: [
      "ChartMogul sums movements, so a customer who starts and churns in one period shows both new business and churn; the engine compares each customer between the period's ends and shows neither.",
      'With a plan filter ChartMogul reports "MRR entering/leaving segment" rows; the engine keeps a customer in the segment it was in at the period\'s start.',
      'The past-due option also churns a subscription "missing a renewal invoice", which subscription events cannot show.',
    ],
  },
  {
    name: 'PROFITWELL',
    label: 'ProfitWell, now part of Paddle',
    options: {
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 60,
      discounts: 'ALL_RECURRING',
      pastDueChurnDays: null,
      unpaid: 'CHURN',
      pause: 'ZERO',
    },
    sources: {
      grain: customerGrain(PROFITWELL_COMPARE),
      churnDate: {
        rule: '"we recognize the MRR of a customer until the end of their billing cycle"',
        page: PROFITWELL_COMPARE,
      },
      reactivationWindowDays: {
        rule: '"If a customer churns and comes back within any period in time, they will be marked as a reactivation"',
        page: PROFITWELL_COMPARE,
      },
      coalesceWindowMinutes: notDocumented,
      discounts: {
        rule: '"We always subtract discounts and credits before calculating MRR, regardless of frequency"',
        page: PROFITWELL_COMPARE,
      },
      pastDueChurnDays: {
        rule: 'past-due users are "active customers who are in their dunning window"',
        page: 'paddle.com/help/profitwell-metrics/measure/subscription-retention/churn',
      },
      unpaid: {
        rule: 'a customer past the dunning window without paying is "delinquently churned" (Stripe marks it unpaid then)',
        page: PROFITWELL_FAQ,
      },
      pause: {
        rule: '"When a customer has a subscription that is on hold, we downgrade them to $0 in MRR"',
        page: PROFITWELL_COMPARE,
      },
    },
    notExpressible: [
      'ProfitWell ignores a customer who signs up and churns in the same calendar month; the engine does the same for any period (both ends are 0), but in a longer window also ignores a customer who came and went in different months of it.',
      "The dunning window is the billing system's; where it ends with cancellation rather than `unpaid`, the cancellation churns the subscription either way.",
      'ProfitWell rolls recurring metered billing into MRR; the engine never counts usage as MRR.',
    ],
  },
  {
    name: 'BAREMETRICS',
    label: 'Baremetrics',
    options: {
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 1440,
      discounts: 'ALL_RECURRING',
      pastDueChurnDays: 30,
      unpaid: 'KEEP',
      pause: 'KEEP',
    },
    sources: {
      grain: customerGrain(BAREMETRICS_CANCELLATIONS),
      churnDate: notDocumented,
      reactivationWindowDays: {
        rule: 'reactivation MRR comes from "customers who had previously canceled but started a new subscription", any gap',
        page: 'baremetrics.com/blog/reactivating-subscriptions-reactivating-and-resuming-metrics-for-your-subscriptions',
      },
      coalesceWindowMinutes: {
        rule: '"We can only achieve 1-day of granularity. We report on the net result at the end of the day"',
        page: BAREMETRICS_CANCELLATIONS,
      },
      discounts: {
        rule: '"When you apply a coupon to a customer, that amount is removed from MRR"',
        page: BAREMETRICS_MRR,
      },
      pastDueChurnDays: {
        rule: '"Customers who are delinquent for more than 30 days are treated as churned and removed from MRR"',
        page: BAREMETRICS_MRR,
      },
      unpaid: {
        rule: 'an unpaid subscription is delinquent like a past-due one, so the 30-day rule decides',
        page: BAREMETRICS_CANCELLATIONS,
      },
      pause: notDocumented,
    },
    notExpressible: [
      "Baremetrics nets changes per calendar day in the account's time zone; the engine's 1,440-minute window starts at each group's first change, so two changes either side of midnight within 24 hours are one movement here and two there.",
      'Baremetrics\' NRR is over "Starting MRR 30 days ago", a rolling 30-day window: ask for `from` = `to` − 30 days; that is a window, not a definition.',
      "Since Baremetrics' churn update, customers who sign up and cancel within one 30-day window count in its churn rate; the engine compares each customer between the window's ends and does not.",
    ],
  },
  {
    name: 'STRIPE',
    label: 'Stripe Billing',
    options: {
      grain: 'CUSTOMER',
      churnDate: 'CANCELLATION',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 60,
      discounts: 'ONLY_FOREVER',
      pastDueChurnDays: null,
      unpaid: 'CHURN',
      pause: 'ZERO',
    },
    sources: {
      grain: {
        rule: 'a subscriber churns "when all of a subscriber\'s subscriptions are canceled or marked as unpaid"',
        page: STRIPE_GLOSSARY,
      },
      churnDate: {
        rule: 'with cancel_at_period_end, the subscription "will no longer count towards your MRR after the time of the API call"',
        page: 'support.stripe.com/questions/impact-of-subscription-cancellations-on-monthly-recurring-revenue-mrr-in-billing',
      },
      reactivationWindowDays: {
        rule: 'reactivation MRR is a line of MRR growth; no window is documented',
        page: STRIPE_GLOSSARY,
      },
      coalesceWindowMinutes: notDocumented,
      discounts: {
        rule: '"If you apply a coupon with a finite duration (i.e. once or repeating) to a subscription, your MRR is unaffected"',
        page: STRIPE_ANALYTICS,
      },
      pastDueChurnDays: {
        rule: 'MRR is "the sum of the monthly-normalized value of all your active and past_due subscriptions"',
        page: STRIPE_GLOSSARY,
      },
      unpaid: {
        rule: '"When a subscriber\'s subscription is canceled or marked as unpaid, then the subscription is considered churn"',
        page: STRIPE_GLOSSARY,
      },
      pause: {
        rule: 'only active and past_due subscriptions count, so a paused one has no MRR; it is counted as paused, not churned',
        page: 'support.stripe.com/questions/fresher-billing-analytics-data',
      },
    },
    notExpressible: [
      "Stripe's Dashboard now lets each account choose churn timing and which discounts to subtract (support.stripe.com/questions/metric-configurations); the preset takes the behaviour the support articles document, and an override picks the other.",
      "Stripe's subscriber churn rate is over a rolling 30-day period; that is a window, not a definition.",
    ],
  },
  {
    name: 'DBT_PLAYBOOK',
    label: 'dbt MRR playbook',
    options: {
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      reactivationWindowDays: null,
      coalesceWindowMinutes: 0,
      discounts: 'ALL_RECURRING',
      pastDueChurnDays: null,
      unpaid: 'CHURN',
      pause: 'KEEP',
    },
    sources: {
      grain: { rule: 'one row per customer per month (customer_revenue_by_month)', page: DBT_POST },
      churnDate: {
        rule: 'churn is the first month with no revenue after an active one: the month of the exclusive end_date',
        page: DBT_POST,
      },
      reactivationWindowDays: {
        rule: 'reactivation: "a previously churned customer has started subscribing again", any gap',
        page: DBT_POST,
      },
      coalesceWindowMinutes: {
        rule: 'no grouping: months are compared whole (any window gives the same monthly figures on month-start dates)',
        page: DBT_POST,
      },
      discounts: notApplicable,
      pastDueChurnDays: notApplicable,
      unpaid: notApplicable,
      pause: notApplicable,
    },
    notExpressible: [
      "The playbook labels each customer-month by precedence (new, churn, reactivation, upgrade, downgrade); the engine's classification agrees on every month of the playbook's data, and a window longer than a month compares its ends only.",
    ],
  },
];
