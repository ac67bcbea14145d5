import type * as core from '@nrr/core';
import { describe, expectTypeOf, it } from 'vitest';
import type * as wire from '../src/types.ts';

// The engine and the API name the same enumerations: the engine's unions (@nrr/core) must equal the
// schema's (generated into graphql.generated.ts). These are compile-time checks: `pnpm typecheck`
// fails when one side gains or loses a value.
describe('the engine’s enumerations are the schema’s', () => {
  it('has the same values on both sides', () => {
    expectTypeOf<core.RetentionMethod>().toEqualTypeOf<wire.RetentionMethod>();
    expectTypeOf<core.Grain>().toEqualTypeOf<wire.Grain>();
    expectTypeOf<core.Granularity>().toEqualTypeOf<wire.Granularity>();
    expectTypeOf<core.MovementKind>().toEqualTypeOf<wire.MovementType>();
    expectTypeOf<core.SizeBand>().toEqualTypeOf<wire.SizeBand>();
    expectTypeOf<core.BenchmarkMetric>().toEqualTypeOf<wire.BenchmarkMetric>();
    expectTypeOf<core.BenchmarkPosition>().toEqualTypeOf<wire.BenchmarkPosition>();
    expectTypeOf<core.CohortMeasure>().toEqualTypeOf<wire.CohortMeasure>();
    expectTypeOf<core.CohortView>().toEqualTypeOf<wire.CohortView>();
    expectTypeOf<core.WarningCode>().toEqualTypeOf<wire.WarningCode>();
  });

  it('takes the engine’s segment filter as the API’s input', () => {
    expectTypeOf<core.SegmentFilter>().toExtend<wire.SegmentFilter>();
    expectTypeOf<wire.SegmentFilter>().toExtend<core.SegmentFilter>();
  });
});
