/**
 * `Definitions` (the set that produced a figure, and a tenant's settings), `DefinitionsInput` (a
 * query's override or a settings change), `Tenant.settings` and the `updateTenantSettings`
 * mutation. The options are @nrr/core's (docs/metrics.md, "Definitions").
 */
import {
  customizedOptions,
  DEFINITION_OPTIONS,
  formatMoneyUnits,
  type PRESET_NAMES,
  PRESETS,
  type ResolvedDefinitions,
} from '@nrr/core';
import { definitionsOf } from '../analytics/question-definitions.ts';
import { requireSecretKey } from '../auth/principal.ts';
import { updateTenantSettings } from '../settings.ts';
import { builder } from './builder.ts';
import { GrainEnum } from './enums.ts';
import { TenantRef } from './tenant.ts';
import type { InputFields } from './window-input.ts';

export { definitionsOf };

const allowedOf = new Map(DEFINITION_OPTIONS.map((option) => [option.name as string, option.allowed]));
const described = (name: string, text: string) => `${text} Allowed: ${allowedOf.get(name) ?? ''}.`;

export const DefinitionPresetEnum = builder.enumType('DefinitionPreset', {
  description: 'A documented vendor set of definitions (docs/metrics.md, "Vendor presets").',
  values: Object.fromEntries(
    PRESETS.map((preset) => [
      preset.name,
      { description: `${preset.label}'s definitions (docs/metrics.md).` },
    ]),
  ) as Record<(typeof PRESET_NAMES)[number], { description: string }>,
});

const ChurnDateEnum = builder.enumType('ChurnDate', {
  description: 'When churn is dated.',
  values: {
    END_OF_SERVICE: { description: 'When the paid service ends (default).' },
    CANCELLATION: { description: 'When the customer asked to cancel.' },
  } as const,
});

const DiscountPolicyEnum = builder.enumType('DiscountPolicy', {
  description: 'Which discounts reduce MRR (subscription events only).',
  values: {
    ALL_RECURRING: { description: 'Every recurring discount, finite or forever (default).' },
    ONLY_FOREVER: { description: 'Only discounts that last forever (Stripe).' },
  } as const,
});

const UnpaidPolicyEnum = builder.enumType('UnpaidPolicy', {
  description: 'What an unpaid subscription is (subscription events only).',
  values: {
    CHURN: { description: 'Churned (default, as Stripe).' },
    KEEP: { description: 'Treated as past due: see pastDueChurnDays.' },
  } as const,
});

const PausePolicyEnum = builder.enumType('PausePolicy', {
  description: 'What a paused subscription is (subscription events only).',
  values: {
    KEEP: { description: 'Keeps its MRR (default).' },
    ZERO: { description: 'MRR 0 while paused, not churned.' },
    CHURN: { description: 'Churned.' },
  } as const,
});

/** A resolved set as the `Definitions` type shows it. */
export const DefinitionsRef = builder.objectRef<ResolvedDefinitions>('Definitions').implement({
  description:
    'The definitions that produced a figure (or a tenant’s settings): every option where vendors disagree, and the preset they came from (docs/metrics.md, "Definitions").',
  fields: (t) => ({
    preset: t.field({
      type: DefinitionPresetEnum,
      nullable: true,
      description: 'The vendor preset the set was resolved from; null: the engine’s defaults.',
      resolve: (d) => d.preset,
    }),
    customizedOptions: t.stringList({
      description:
        'Options whose values differ from the preset’s (or, without a preset, from the engine’s defaults), in option order.',
      resolve: (d) => customizedOptions(d),
    }),
    grain: t.field({ type: GrainEnum, description: 'Whose MRR is compared.', resolve: (d) => d.grain }),
    churnDate: t.field({
      type: ChurnDateEnum,
      description: 'When churn is dated.',
      resolve: (d) => d.churnDate,
    }),
    reactivationWindowDays: t.int({
      nullable: true,
      description: 'A return after a longer gap (days) is new business; null: any gap is a reactivation.',
      resolve: (d) => d.reactivationWindowDays,
    }),
    coalesceWindowMinutes: t.int({
      description: 'Changes within this many minutes of a group’s first change are one movement.',
      resolve: (d) => d.coalesceWindowMinutes,
    }),
    discounts: t.field({
      type: DiscountPolicyEnum,
      description: 'Which discounts reduce MRR.',
      resolve: (d) => d.discounts,
    }),
    pastDueChurnDays: t.int({
      nullable: true,
      description: 'Past-due subscriptions churn after this many days; null: they keep their MRR.',
      resolve: (d) => d.pastDueChurnDays,
    }),
    unpaid: t.field({
      type: UnpaidPolicyEnum,
      description: 'Unpaid subscriptions.',
      resolve: (d) => d.unpaid,
    }),
    pause: t.field({ type: PausePolicyEnum, description: 'Paused subscriptions.', resolve: (d) => d.pause }),
    sizeBandMidMarket: t.string({
      description:
        'Lower bound of the MID_MARKET size band: monthly MRR, a decimal amount of the reporting currency.',
      resolve: (d) => formatMoneyUnits(d.sizeBandMidMarket),
    }),
    sizeBandEnterprise: t.string({
      description:
        'Lower bound of the ENTERPRISE size band: monthly MRR, a decimal amount of the reporting currency.',
      resolve: (d) => formatMoneyUnits(d.sizeBandEnterprise),
    }),
    timeZone: t.exposeString('timeZone', {
      description:
        'IANA time zone whose calendar dates, months, quarters and years windows and periods follow.',
    }),
  }),
});

export const DefinitionsInputRef = builder.inputType('DefinitionsInput', {
  description:
    'Definitions to use: a preset and any options over it; omitted options keep the base’s (the tenant’s settings). Invalid values are BAD_USER_INPUT naming the option and the allowed values.',
  fields: (t) => ({
    preset: t.field({
      type: DefinitionPresetEnum,
      required: false,
      description:
        'Set the eight options a preset sets (not the time zone and size bands); null sets them back to the engine’s defaults.',
    }),
    grain: t.field({
      type: GrainEnum,
      required: false,
      description: described('grain', 'Whose MRR is compared.'),
    }),
    churnDate: t.field({
      type: ChurnDateEnum,
      required: false,
      description: described('churnDate', 'When churn is dated.'),
    }),
    reactivationWindowDays: t.int({
      required: false,
      description: described('reactivationWindowDays', 'A return after a longer gap is new business.'),
    }),
    coalesceWindowMinutes: t.int({
      required: false,
      description: described('coalesceWindowMinutes', 'Changes this close together are one movement.'),
    }),
    discounts: t.field({
      type: DiscountPolicyEnum,
      required: false,
      description: described('discounts', 'Which discounts reduce MRR.'),
    }),
    pastDueChurnDays: t.int({
      required: false,
      description: described('pastDueChurnDays', 'Past-due subscriptions churn after this many days.'),
    }),
    unpaid: t.field({
      type: UnpaidPolicyEnum,
      required: false,
      description: described('unpaid', 'Unpaid subscriptions.'),
    }),
    pause: t.field({
      type: PausePolicyEnum,
      required: false,
      description: described('pause', 'Paused subscriptions.'),
    }),
    sizeBandMidMarket: t.string({
      required: false,
      description:
        'Lower bound of the MID_MARKET band: a decimal amount of the reporting currency a month, e.g. "1000".',
    }),
    sizeBandEnterprise: t.string({
      required: false,
      description:
        'Lower bound of the ENTERPRISE band: a decimal amount of the reporting currency a month, above sizeBandMidMarket.',
    }),
    timeZone: t.string({
      required: false,
      description: described('timeZone', 'Calendar of dates and periods.'),
    }),
  }),
});

/** `definitions`: a windowed input's override of the tenant's settings, for that question only. */
export function definitionsField(t: InputFields) {
  return t.field({
    type: DefinitionsInputRef,
    required: false,
    description:
      'Override the tenant’s settings for this question only (cached per definition set); an embed token’s fixed definitions cannot be changed.',
  });
}

builder.objectField(TenantRef, 'settings', (t) =>
  t.field({
    type: DefinitionsRef,
    description:
      'The tenant’s settings: the definitions every question uses unless it overrides them (change them with updateTenantSettings).',
    resolve: (tenant) => tenant.definitions,
  }),
);

builder.mutationField('updateTenantSettings', (t) =>
  t.field({
    type: TenantRef,
    description:
      'Change the tenant’s settings (a read_write secret key only): `input` is resolved over the current settings. Bumps the data version; a change of discounts, pastDueChurnDays, unpaid or pause recomputes the spans of subscription events from the stored events, all or nothing.',
    args: { input: t.arg({ type: DefinitionsInputRef, required: true }) },
    resolve: async (_root, { input }, context) => {
      requireSecretKey(context.principal, 'updateTenantSettings', true);
      const change = await updateTenantSettings(
        context.db,
        context.tenant.tenantId,
        definitionsOf(input, 'settings'),
      );
      return change.tenant;
    },
  }),
);
