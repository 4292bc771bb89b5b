// Browser workloads in headless Chromium (Debian's /usr/bin/chromium via playwright-core).
/* global window */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const params = {
  quick: { chain_n: 200_000, timeout_n: 50, switch_n: 50_000 },
  full: { chain_n: 1_000_000, timeout_n: 250, switch_n: 200_000 },
};
export const unit = 'ops/s';

/** Serve dist/, bench/shared/ and bench/browser/ on 127.0.0.1, port 0. */
async function serve() {
  const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript' };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x').pathname;
    const under = url.startsWith('/dist/')
      ? ''
      : url.startsWith('/shared/')
        ? 'bench'
        : 'bench/browser';
    const file = path.join(root, under, path.normalize(url));
    if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Run every browser variant, each sample in a fresh page; returns {variant: [samples]} or a reason to skip. */
export async function run_browser(params, repetitions, warmup_seconds) {
  if (!existsSync(CHROMIUM)) return { skipped: `${CHROMIUM} not found (npm test installs it)` };
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
  const url = `http://127.0.0.1:${server.address().port}/page.html`;
  const open_page = async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__bench_ready === true);
    return page;
  };
  try {
    const first = await open_page();
    const names = await first.evaluate(() => window.bench_variants);
    await first.close();
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    // Variants alternate, each sample in a fresh page: one variant's code paths
    // do not shape the JIT's view of another's.
    for (let rep = 0; rep < repetitions; rep++) {
      for (const name of names) {
        const page = await open_page();
        samples[name].push(
          await page.evaluate(
            ([n, p, w]) => window.run_variant(n, p, w),
            [name, params, warmup_seconds],
          ),
        );
        await page.close();
      }
    }
    return samples;
  } finally {
    await browser.close();
    server.close();
  }
}
