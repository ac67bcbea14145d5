/** Assembles the schema: importing each type file registers it with the builder. */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './money.ts';
import './enums.ts';
import './segment-filter.ts';
import './tenant.ts';
import './embed-token.ts';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema (built once per process). */
export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
