/**
 * The API's wire shapes (decimal strings for money, ISO strings for dates), generated from
 * `packages/api/schema.graphql` and the documents in `./graphql` by `pnpm codegen`: results are named
 * after their fragments (`RetentionReportResult`, `CohortTableResult`, …), inputs and enumerations
 * after the schema's types. The engine's enumerations (`@nrr/core`) are the same unions; a test says so.
 */
import type { MovementType } from './graphql.generated.ts';

export type * from './graphql.generated.ts';

/** Kind of movement (retention semantics §4): the schema's `MovementType`, as the engine names it. */
export type MovementKind = MovementType;
