/** Assembles the schema: importing each type file registers it with the builder. */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './money.ts';
import './enums.ts';
import './segment-filter.ts';
import './tenant.ts';
import './definitions.ts';
import './embed-token.ts';
import './attribute.ts';
import './connection.ts';
import './retention-report.ts';
import './cohorts.ts';
import './movements.ts';
import './customers.ts';
import './segments.ts';
import './imports.ts';
import './benchmarks.ts';
import './compare-definitions.ts';
import './webhooks.ts';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema (built once per process). */
export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
