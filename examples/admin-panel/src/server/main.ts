/**
 * `pnpm start` (at the repository root): the NRR API and, next to it, the example admin panel.
 * Environment: everything `@nrr/api` reads (`DATABASE_URL`, `NRR_DATA_DIR`, `NRR_TOKEN_SECRET`,
 * `PORT`, default 4000) and `PANEL_PORT` (default 5173) for the panel.
 */
import { apiBanner, closeOnSignals, configFromEnv } from '@nrr/api';
import { startPanelStack } from './stack.ts';

/** Default port of the panel's backend. */
const DEFAULT_PANEL_PORT = 5173;

function panelPortFromEnv(value: string | undefined): number {
  const port = value ? Number(value) : DEFAULT_PANEL_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PANEL_PORT: got ${JSON.stringify(value)}, expected a port number from 0 to 65535`);
  }
  return port;
}

async function main(): Promise<void> {
  const stack = await startPanelStack({
    config: configFromEnv(),
    panelPort: panelPortFromEnv(process.env.PANEL_PORT),
    log: (line) => console.log(line),
  });
  console.log(`
Admin panel   ${stack.panel.url}   (example host app: its backend holds the key and mints embed tokens)
${apiBanner(stack.api)}`);
  closeOnSignals(() => stack.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
