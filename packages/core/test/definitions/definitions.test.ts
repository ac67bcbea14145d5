import { describe, expect, it } from 'vitest';
import {
  checkDefinitionsInput,
  customizedOptions,
  DEFAULT_DEFINITIONS,
  DEFAULT_EVENT_POLICY,
  DEFAULT_SIZE_BAND_THRESHOLDS,
  DEFINITION_OPTIONS,
  definitionKeys,
  definitionsKey,
  differingOptions,
  EngineError,
  eventPolicyOf,
  InvalidDefinitionsError,
  PRESET_DEFINITIONS,
  PRESET_NAMES,
  parseDefinitionSetting,
  queryOptionsOf,
  resolveDefinitions,
  resolveUnderFixedDefinitions,
  timelineOptionsOf,
  tryResolveDefinitions,
} from '../../src/index.ts';

describe('definition defaults', () => {
  it('are the engine defaults every figure used before definitions existed', () => {
    expect(eventPolicyOf(DEFAULT_DEFINITIONS)).toEqual(DEFAULT_EVENT_POLICY);
    expect(timelineOptionsOf(DEFAULT_DEFINITIONS)).toEqual({
      grain: 'CUSTOMER',
      churnDate: 'END_OF_SERVICE',
      coalesceWindowMs: 3_600_000,
    });
    expect(queryOptionsOf(DEFAULT_DEFINITIONS)).toEqual({
      reactivationWindowDays: null,
      sizeBandThresholds: DEFAULT_SIZE_BAND_THRESHOLDS,
      timeZone: undefined,
    });
    expect(DEFAULT_DEFINITIONS.preset).toBeNull();
  });

  it('list every option once, each with its stage', () => {
    expect(DEFINITION_OPTIONS.map((o) => `${o.name}:${o.stage}`)).toEqual([
      'grain:TIMELINE',
      'churnDate:TIMELINE',
      'reactivationWindowDays:QUERY',
      'coalesceWindowMinutes:TIMELINE',
      'discounts:SPANS',
      'pastDueChurnDays:SPANS',
      'unpaid:SPANS',
      'pause:SPANS',
      'sizeBandMidMarket:QUERY',
      'sizeBandEnterprise:QUERY',
      'timeZone:QUERY',
    ]);
    expect(Object.keys(DEFAULT_DEFINITIONS).sort()).toEqual(
      ['preset', ...DEFINITION_OPTIONS.map((o) => o.name)].sort(),
    );
  });
});

describe('checkDefinitionsInput', () => {
  it.each([
    [{ grain: 'DAY' }, 'grain: "DAY" is not allowed; allowed: CUSTOMER, SUBSCRIPTION'],
    [{ churnDate: 'EARLY' }, 'churnDate: "EARLY" is not allowed; allowed: END_OF_SERVICE, CANCELLATION'],
    [
      { reactivationWindowDays: 0 },
      'reactivationWindowDays: 0 is not allowed; allowed: an integer from 1 to 3650, or null (any gap)',
    ],
    [
      { reactivationWindowDays: 30.5 },
      'reactivationWindowDays: 30.5 is not allowed; allowed: an integer from 1 to 3650, or null (any gap)',
    ],
    [
      { coalesceWindowMinutes: -1 },
      'coalesceWindowMinutes: -1 is not allowed; allowed: an integer from 0 to 10080',
    ],
    [{ discounts: 'NONE' }, 'discounts: "NONE" is not allowed; allowed: ALL_RECURRING, ONLY_FOREVER'],
    [
      { pastDueChurnDays: '30' },
      'pastDueChurnDays: "30" is not allowed; allowed: an integer from 0 to 365, or null (past due keeps its MRR)',
    ],
    [{ unpaid: 'ZERO' }, 'unpaid: "ZERO" is not allowed; allowed: CHURN, KEEP'],
    [{ pause: 'SKIP' }, 'pause: "SKIP" is not allowed; allowed: KEEP, ZERO, CHURN'],
    [
      { sizeBandMidMarket: 0 },
      'sizeBandMidMarket: 0 is not allowed; allowed: a whole number of units (1/10,000 of the currency) above 0 and below sizeBandEnterprise',
    ],
    [
      { timeZone: 'Mars/Olympus' },
      'timeZone: "Mars/Olympus" is not allowed; allowed: an IANA time zone name such as Europe/Paris, or UTC',
    ],
    [
      { preset: 'CHARGEBEE' },
      'preset: "CHARGEBEE" is not allowed; allowed: CHARTMOGUL, PROFITWELL, BAREMETRICS, STRIPE, DBT_PLAYBOOK, or null (no preset)',
    ],
    [
      { churn: 'END' },
      'churn is not a definition option; the options are preset, grain, churnDate, reactivationWindowDays, coalesceWindowMinutes, discounts, pastDueChurnDays, unpaid, pause, sizeBandMidMarket, sizeBandEnterprise, timeZone',
    ],
    [
      { sizeBandMidMarket: 50, sizeBandEnterprise: 50 },
      'sizeBandEnterprise: 50 is not above sizeBandMidMarket (50); allowed: a whole number of units (1/10,000 of the currency) above sizeBandMidMarket',
    ],
    [
      [],
      'definitions: [] is not allowed; allowed: an object of options (grain, churnDate, reactivationWindowDays, coalesceWindowMinutes, discounts, pastDueChurnDays, unpaid, pause, sizeBandMidMarket, sizeBandEnterprise, timeZone) and preset',
    ],
  ])('refuses %j, naming the option and the allowed values', (input, message) => {
    const problems = checkDefinitionsInput(input);
    expect(problems.map((p) => p.message)).toEqual([message]);
    expect(message.startsWith(`${problems[0]?.option}`)).toBe(true);
  });

  it('lists every problem, in option order, and accepts a valid input', () => {
    expect(checkDefinitionsInput({ pause: 'X', grain: 'Y' }).map((p) => p.option)).toEqual([
      'grain',
      'pause',
    ]);
    expect(
      checkDefinitionsInput({
        preset: null,
        grain: 'SUBSCRIPTION',
        reactivationWindowDays: null,
        pastDueChurnDays: 0,
        coalesceWindowMinutes: 0,
        timeZone: 'Australia/Sydney',
        unset: undefined,
      }),
    ).toEqual([]);
  });
});

describe('resolveDefinitions', () => {
  it('sets a preset over the base and keeps the base time zone and size bands', () => {
    const tenant = resolveDefinitions({ timeZone: 'Australia/Sydney', sizeBandMidMarket: 5_000_000 });
    const stripe = resolveDefinitions({ preset: 'STRIPE' }, tenant);
    expect(stripe).toEqual({
      ...PRESET_DEFINITIONS.STRIPE,
      timeZone: 'Australia/Sydney',
      sizeBandMidMarket: 5_000_000,
    });
    expect(stripe.preset).toBe('STRIPE');
  });

  it('applies the input options over the preset, and keeps the base preset when none is given', () => {
    const tenant = resolveDefinitions({ preset: 'CHARTMOGUL', reactivationWindowDays: 90 });
    expect(tenant.preset).toBe('CHARTMOGUL');
    expect(customizedOptions(tenant)).toEqual(['reactivationWindowDays']);
    const query = resolveDefinitions({ churnDate: 'CANCELLATION' }, tenant);
    expect(query).toEqual({ ...tenant, churnDate: 'CANCELLATION' });
    expect(customizedOptions(query)).toEqual(['churnDate', 'reactivationWindowDays']);
    // A query's own preset replaces the tenant's preset options, the tenant's override included.
    expect(resolveDefinitions({ preset: 'PROFITWELL' }, tenant)).toEqual(PRESET_DEFINITIONS.PROFITWELL);
    // `preset: null` goes back to the engine's defaults for the preset options.
    expect(resolveDefinitions({ preset: null }, tenant)).toEqual(DEFAULT_DEFINITIONS);
  });

  it('checks the size bands in the resolved set, not only in the input', () => {
    const tenant = resolveDefinitions({ sizeBandEnterprise: 20_000_000 });
    const result = tryResolveDefinitions({ sizeBandMidMarket: 30_000_000 }, tenant);
    expect(result).toEqual({
      ok: false,
      problems: [
        expect.objectContaining({
          option: 'sizeBandEnterprise',
          message: expect.stringContaining('20000000 is not above sizeBandMidMarket (30000000)'),
        }),
      ],
    });
  });

  it('throws an INVALID_OPTION engine error carrying the problems', () => {
    const attempt = () => resolveDefinitions({ grain: 'DAY', pause: 'SKIP' } as never);
    expect(attempt).toThrow(InvalidDefinitionsError);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('INVALID_OPTION');
      expect((error as InvalidDefinitionsError).problems.map((p) => p.option)).toEqual(['grain', 'pause']);
      expect((error as Error).message).toBe(
        'invalid definitions: grain: "DAY" is not allowed; allowed: CUSTOMER, SUBSCRIPTION; pause: "SKIP" is not allowed; allowed: KEEP, ZERO, CHURN',
      );
    }
  });

  it('resolves every preset to a valid full set named after it', () => {
    for (const name of PRESET_NAMES) {
      const preset = resolveDefinitions({ preset: name });
      expect(preset).toEqual(PRESET_DEFINITIONS[name]);
      expect(checkDefinitionsInput({ ...preset })).toEqual([]);
      expect(customizedOptions(preset)).toEqual([]);
    }
  });
});

describe('definition keys', () => {
  it('are the same for the same values in any key order, whatever the preset label', () => {
    const a = resolveDefinitions({ pause: 'ZERO', reactivationWindowDays: 90, timeZone: 'Europe/Paris' });
    const b = resolveDefinitions({ timeZone: 'Europe/Paris', reactivationWindowDays: 90, pause: 'ZERO' });
    expect(definitionsKey(a)).toBe(definitionsKey(b));
    const reversed = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(definitionsKey(reversed)).toBe(definitionsKey(a));
    const labelled = { ...resolveDefinitions({ preset: 'CHARTMOGUL' }) };
    const same = resolveDefinitions({ unpaid: 'KEEP' });
    expect(differingOptions(labelled, same)).toEqual([]);
    expect(definitionsKey(labelled)).toBe(definitionsKey(same));
  });

  it('change at the stage where an option acts', () => {
    const base = definitionKeys(DEFAULT_DEFINITIONS);
    const spans = definitionKeys(resolveDefinitions({ pause: 'CHURN' }));
    const timeline = definitionKeys(resolveDefinitions({ coalesceWindowMinutes: 0 }));
    const query = definitionKeys(resolveDefinitions({ timeZone: 'Asia/Tokyo' }));
    expect([spans.spans !== base.spans, spans.timeline !== base.timeline, spans.all !== base.all]).toEqual([
      true,
      true,
      true,
    ]);
    expect([timeline.spans === base.spans, timeline.timeline !== base.timeline]).toEqual([true, true]);
    expect([query.spans === base.spans, query.timeline === base.timeline, query.all !== base.all]).toEqual([
      true,
      true,
      true,
    ]);
  });
});

describe('engine options of a set', () => {
  it('map past-due days, the coalescing window in minutes and a time zone', () => {
    const set = resolveDefinitions({
      pastDueChurnDays: 30,
      coalesceWindowMinutes: 1440,
      timeZone: 'America/New_York',
      grain: 'SUBSCRIPTION',
    });
    expect(eventPolicyOf(set).pastDue).toEqual({ kind: 'CHURN_AFTER_DAYS', days: 30 });
    expect(timelineOptionsOf(set)).toEqual({
      grain: 'SUBSCRIPTION',
      churnDate: 'END_OF_SERVICE',
      coalesceWindowMs: 86_400_000,
    });
    expect(queryOptionsOf(set).timeZone).toBe('America/New_York');
  });
});

describe('parseDefinitionSetting', () => {
  it.each([
    ['reactivationWindowDays', '90', 90],
    ['reactivationWindowDays', 'null', null],
    ['pastDueChurnDays', ' 0 ', 0],
    ['coalesceWindowMinutes', '1440', 1440],
    ['sizeBandMidMarket', '1000', 10_000_000],
    ['sizeBandEnterprise', '12500.5', 125_005_000],
    ['grain', 'SUBSCRIPTION', 'SUBSCRIPTION'],
    ['timeZone', 'Europe/Berlin', 'Europe/Berlin'],
    ['preset', 'BAREMETRICS', 'BAREMETRICS'],
    ['preset', 'null', null],
  ])('reads %s=%s', (name, text, value) => {
    expect(parseDefinitionSetting(name, text)).toEqual({ ok: true, name, value });
  });

  it.each([
    ['reactivationWindowDays', 'soon', 'reactivationWindowDays: "soon" is not allowed'],
    ['sizeBandMidMarket', '1k', 'sizeBandMidMarket: "1k" is not allowed; allowed: a decimal amount'],
    ['sizeBandMidMarket', '-5', 'sizeBandMidMarket: "-5" is not allowed; allowed: a decimal amount'],
    ['grain', 'customer', 'grain: "customer" is not allowed; allowed: CUSTOMER, SUBSCRIPTION'],
    ['colour', 'blue', 'colour is not a definition option'],
  ])('refuses %s=%s', (name, text, message) => {
    const result = parseDefinitionSetting(name, text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.option).toBe(name);
      expect(result.problem.message.startsWith(message)).toBe(true);
    }
  });
});

describe('resolveUnderFixedDefinitions', () => {
  const fixed = { timeZone: 'Europe/Paris', reactivationWindowDays: 90 } as const;

  it('lets a question change the options left open, and keeps the fixed ones', () => {
    expect(resolveUnderFixedDefinitions({ pause: 'ZERO' }, fixed)).toEqual({
      ok: true,
      definitions: { ...DEFAULT_DEFINITIONS, ...fixed, pause: 'ZERO' },
    });
    // Asking for the fixed value itself is no change.
    expect(resolveUnderFixedDefinitions({ timeZone: 'Europe/Paris' }, fixed).ok).toBe(true);
  });

  it('refuses a question that changes a fixed option, naming it and its fixed value', () => {
    expect(resolveUnderFixedDefinitions({ reactivationWindowDays: null, timeZone: 'UTC' }, fixed)).toEqual({
      ok: false,
      problems: [
        {
          option: 'reactivationWindowDays',
          message:
            'reactivationWindowDays: null is not allowed; reactivationWindowDays is fixed at 90 for this caller',
          allowed: 'only 90: it is fixed for this caller',
        },
        {
          option: 'timeZone',
          message: 'timeZone: "UTC" is not allowed; timeZone is fixed at "Europe/Paris" for this caller',
          allowed: 'only "Europe/Paris": it is fixed for this caller',
        },
      ],
    });
  });

  it('refuses a preset that would change a fixed option, and any preset when the preset is fixed', () => {
    // Stripe's preset dates churn at the cancellation request; the fixed set says end of service.
    const endOfService = { churnDate: 'END_OF_SERVICE' } as const;
    const viaPreset = resolveUnderFixedDefinitions({ preset: 'STRIPE' }, endOfService);
    expect(viaPreset.ok ? [] : viaPreset.problems.map((p) => p.option)).toEqual(['churnDate']);
    const chartmogul = { preset: 'CHARTMOGUL' } as const;
    expect(resolveUnderFixedDefinitions({ timeZone: 'Asia/Tokyo' }, chartmogul).ok).toBe(true);
    const other = resolveUnderFixedDefinitions({ preset: 'PROFITWELL' }, chartmogul);
    expect(other.ok ? [] : other.problems.map((p) => p.option)).toEqual(['preset', 'unpaid', 'pause']);
    const widened = resolveUnderFixedDefinitions({ coalesceWindowMinutes: 0 }, chartmogul);
    expect(widened.ok ? [] : widened.problems.map((p) => p.message)).toEqual([
      'coalesceWindowMinutes: 0 is not allowed; coalesceWindowMinutes is fixed at 60 for this caller',
    ]);
  });

  it('reports invalid input as such', () => {
    const result = resolveUnderFixedDefinitions({ grain: 'DAY' }, fixed);
    expect(result.ok ? [] : result.problems.map((p) => p.option)).toEqual(['grain']);
  });
});
