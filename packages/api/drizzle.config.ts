import { defineConfig } from 'drizzle-kit';

/** `pnpm db:generate` writes SQL migrations to ./drizzle from the schema; they are committed. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
