/**
 * The widgets' GraphQL documents. Their text is in `./graphql/*.graphql`; `pnpm codegen` checks them
 * against `packages/api/schema.graphql` and writes `graphql.generated.ts`: each document as a string
 * typed with its result and variables, and every result and input type (see `types.ts`).
 */

/**
 * A GraphQL document that carries its result and variable types (the shape graphql-codegen's
 * `TypedDocumentString` has): the string is what goes over the wire, the phantom fields are for
 * the compiler only.
 */
export type TypedDocument<TResult, TVariables> = string & {
  readonly __result?: TResult;
  readonly __variables?: TVariables;
};

export {
  BenchmarkComparisonDocument,
  BenchmarksDocument,
  BreakdownDocument,
  CohortsDocument,
  CustomerDocument,
  CustomersDocument,
  MovementsDocument,
  RetentionDocument,
  RetentionSeriesDocument,
  SegmentDimensionsDocument,
  SegmentsDocument,
  ViewerDocument,
} from './graphql.generated.ts';
