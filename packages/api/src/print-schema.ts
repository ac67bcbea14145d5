/** Writes the committed `schema.graphql` from the Pothos schema (`pnpm --filter @nrr/api schema:print`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildSchema } from './schema/index.ts';

/** Path of the committed SDL. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The SDL of the current schema, as committed. */
export function schemaSdl(): string {
  return `${printSchema(buildSchema())}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, schemaSdl());
  console.log(`wrote ${SCHEMA_FILE}`);
}
