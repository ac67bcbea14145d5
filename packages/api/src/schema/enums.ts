/** Enumerations shared by several types. */
import { WARNING_CODES, type WarningCode } from '@nrr/core';
import { builder } from './builder.ts';

export const RetentionMethodEnum = builder.enumType('RetentionMethod', {
  description: 'How a retention figure is computed (see docs/metrics.md §5).',
  values: {
    PERIOD: {
      description: 'Fixed cohort over [from, to): the customers paying at `from`, compared at `to`.',
    },
    TRAILING_12M: { description: 'For a month m, the PERIOD figure over the 12 months ending with m.' },
    CHAINED: { description: 'Product of the monthly PERIOD figures over the window (compounded monthly).' },
  } as const,
});

export const GranularityEnum = builder.enumType('Granularity', {
  description: 'Length of the periods of a series or cohort table.',
  values: ['MONTH', 'QUARTER', 'YEAR'] as const,
});

export const SizeBandEnum = builder.enumType('SizeBand', {
  description:
    'Customer size by MRR at the period start, in the reporting currency: SMB below 1,000 a month, MID_MARKET from 1,000 to below 10,000, ENTERPRISE from 10,000.',
  values: ['SMB', 'MID_MARKET', 'ENTERPRISE'] as const,
});

export const MovementTypeEnum = builder.enumType('MovementType', {
  description: 'How a customer’s MRR changed over a period (docs/metrics.md §4).',
  values: {
    NEW: { description: 'First MRR ever.' },
    REACTIVATION: { description: 'MRR again after a period without any.' },
    EXPANSION: { description: 'More MRR than at the start.' },
    CONTRACTION: { description: 'Less MRR than at the start, but some.' },
    CHURN: { description: 'No MRR left.' },
  } as const,
});

export const GrainEnum = builder.enumType('Grain', {
  description: 'Whose MRR is compared: customers (default) or subscriptions.',
  values: ['CUSTOMER', 'SUBSCRIPTION'] as const,
});

/** The engine's warning codes (`WARNING_CODES` in @nrr/core), one enum value each, described as there. */
export const WarningCodeEnum = builder.enumType('WarningCode', {
  description:
    'What a warning is about (docs/metrics.md, Warnings). A missing exchange rate is never a warning: the question is refused with BAD_USER_INPUT, reason MISSING_FX_RATE.',
  values: Object.fromEntries(
    Object.entries(WARNING_CODES).map(([code, description]) => [code, { description }]),
  ) as Record<WarningCode, { description: string }>,
});
