/**
 * `pnpm --filter @nrr/example-analyst-queries run queries`: runs every query under `queries/`
 * against a server and prints the answers as tables.
 * Environment: `NRR_API_URL` (default `http://localhost:4000`), `NRR_API_KEY` (a secret key,
 * `nrr_sk_…`, required), `NRR_AS_OF` (`YYYY-MM-DD`, default today, UTC: windows end with the last
 * complete month or quarter before it).
 */
import { escapeControlCharacters } from '@nrr/core';
import { ApiQueryError } from './client.ts';
import { runReport } from './report.ts';
import { parseAsOf, reportWindows } from './windows.ts';

async function main(): Promise<void> {
  const key = process.env.NRR_API_KEY;
  if (!key) {
    throw new Error(
      'NRR_API_KEY is not set: pass a secret key (nrr_sk_…), e.g. the demo key `pnpm start` prints, or one from `pnpm nrr keys create --tenant <id>`',
    );
  }
  const url = process.env.NRR_API_URL ?? 'http://localhost:4000';
  const asOf = process.env.NRR_AS_OF ? parseAsOf(process.env.NRR_AS_OF) : new Date();
  console.log(await runReport({ url, key }, reportWindows(asOf)));
}

main().catch((error: unknown) => {
  const prefix = error instanceof ApiQueryError ? `${error.code}: ` : '';
  // The API's messages may quote imported values: print their control characters escaped.
  console.error(
    escapeControlCharacters(`${prefix}${error instanceof Error ? error.message : String(error)}`),
  );
  process.exit(1);
});
