/** Debian's Chromium for the end-to-end test: where it is, and whether a run may go without it. */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Path of Debian's `chromium` package binary (`.ci/run` installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser is installed. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** In CI a missing browser is a failure, never a skip. */
export const mustRunInBrowser = hasChromium || process.env.CI === 'true' || process.env.CI === '1';

/** Launches headless Chromium with no network of its own (no updates, sync or QUIC). */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (CI installs it) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
