// The browser ESM build's modules can be tree-shaken: importing one for nothing leaves nothing behind but the loop module's declared effects.
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/static_server.js';

const MODULES = path.join(REPO_ROOT, 'dist/browser');
/** The one module of dist/browser that package.json's sideEffects lists. */
const LOOP_MODULE = 'src/base_events.mjs';

/** The modules of dist/browser, relative to it. */
function browser_modules(): string[] {
  return readdirSync(MODULES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/**
 * The modules that keep code in a minified esbuild bundle of `import './<module>'`,
 * every module counted as having side effects, so that only statement-level
 * tree-shaking decides (what a bundler does inside a module it keeps).
 */
async function kept_by_importing(module: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `import './${module}';`, resolveDir: MODULES, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'every-module-has-side-effects',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => ({
            path: path.resolve(args.resolveDir, args.path),
            sideEffects: true,
          }));
        },
      },
    ],
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => path.relative(MODULES, path.resolve(REPO_ROOT, file)).split(path.sep).join('/'))
    .sort();
}

describe('dist/browser: the browser ESM build, one module per source file', () => {
  it('has the loop module, whose effects are the default policy and the I/O forwarders', async () => {
    const kept = await kept_by_importing(LOOP_MODULE);
    expect(kept).toContain(LOOP_MODULE);
    expect(kept).toContain('src/loop_io_forwarders.mjs');
  });

  it('keeps nothing of any other module imported for nothing, beyond what the loop module keeps', async () => {
    const allowed = new Set(await kept_by_importing(LOOP_MODULE));
    const modules = browser_modules();
    expect(modules.length).toBeGreaterThan(50);
    const leaks: Record<string, string[]> = {};
    for (const module of modules) {
      const extra = (await kept_by_importing(module)).filter((file) => !allowed.has(file));
      if (extra.length > 0) leaks[module] = extra;
    }
    expect(leaks).toEqual({});
  });
});
