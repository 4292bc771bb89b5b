// Launches Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure-chromium.sh) through playwright-core.
//
// Playwright's own browser download is never used: it cannot work on these machines,
// and playwright-core 1.65 has no install script. Every launch passes executablePath.
import { existsSync } from 'node:fs';

import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** The browser binary; override with CHROMIUM_PATH (e.g. Debian's chromium-headless-shell). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags for a root user in a container with no GPU, no display and no need for Google services. */
export const chromium_args = [
  '--no-sandbox', // running as root in a container: the setuid/namespace sandbox is unavailable
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const launch_options: LaunchOptions = {
  executablePath: CHROMIUM_PATH,
  headless: true, // playwright adds --headless itself
  args: chromium_args,
  timeout: 60_000,
};

/** True when the Chromium binary exists. */
export function chromium_available(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launch headless Chromium, or throw saying how to install it. */
export async function launch_chromium(): Promise<Browser> {
  if (!chromium_available()) {
    throw new Error(
      `${CHROMIUM_PATH} not found: run 'bash scripts/ensure-chromium.sh' ` +
        '(apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch(launch_options);
}
