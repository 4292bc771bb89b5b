// The packed package in browser apps built by esbuild, webpack 5 and vite with their defaults: each picks dist/trollius.browser.mjs, bundles nothing of Node or ws, and runs in Chromium.
//
// The project (npm pack + offline install) and the builds come from
// test/dist/bundler_apps.ts; the outputs go to build/bundlers/, which the static server serves.
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { parseAst } from 'rollup/parseAst';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// @ts-expect-error -- plain JS helper shared with rollup.config.mjs, no types needed
import { find_host_imports } from '../../scripts/bundle_hygiene.mjs';
import {
  BROWSER_APP_RESULT,
  build_app,
  make_app_project,
  script_page,
  type AppProject,
  type BuiltApp,
} from '../dist/bundler_apps.js';
import { run_page, use_chromium_pages } from '../support/pages.js';
import { REPO_ROOT } from '../support/static_server.js';

const pages = use_chromium_pages();
const OUT = path.join(REPO_ROOT, 'build/bundlers');

/** Each browser set-up: the build, and the page (under build/bundlers/<target>/) that runs it. */
const TARGETS = [
  // esbuild's default platform is "browser"
  { target: 'esbuild', page: 'index.html', script: 'app.js' },
  { target: 'esbuild-browser', page: 'index.html', script: 'app.js' },
  // webpack 5: target "web" (no browserslist config), the "browser" condition
  { target: 'webpack', page: 'index.html', script: 'main.js' },
  // vite: builds the project's index.html; the "browser" condition
  { target: 'vite', page: 'index.html', script: null },
] as const;

let project: AppProject;
const built = new Map<string, BuiltApp>();

beforeAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  project = await make_app_project();
  await Promise.all(
    TARGETS.map(async ({ target, page, script }) => {
      const out = path.join(OUT, target);
      await mkdir(out, { recursive: true });
      built.set(target, await build_app(target, project, out));
      if (script !== null) await writeFile(path.join(out, page), script_page(`./${script}`));
    }),
  );
}, 120_000);

afterAll(async () => {
  await project?.remove();
});

describe.each(TARGETS)('$target, default options', ({ target, page }) => {
  it('bundles dist/trollius.browser.mjs and its modules, and no Node built-in or ws', () => {
    const app = built.get(target)!;
    expect(app.warnings).toEqual([]);
    expect(app.trollius).toContain('dist/trollius.browser.mjs');
    for (const file of app.trollius) {
      expect(file).toMatch(/^dist\/(trollius\.browser\.mjs|browser\/.+\.mjs)$/);
    }
    expect(app.files.length).toBeGreaterThan(0);
    for (const file of app.files) {
      const code = readFileSync(file, 'utf8');
      expect(find_host_imports(parseAst(code)), file).toEqual([]);
      expect(code, file).not.toMatch(/['"]node:[a-z_/]+['"]/);
      expect(code, file).not.toMatch(/\b(from|import|require)\s*\(?\s*['"]ws['"]/);
    }
  });

  it('runs in Chromium', async () => {
    const { outcome, problems } = await run_page<typeof BROWSER_APP_RESULT>(
      pages.browser(),
      pages.url(`/build/bundlers/${target}/${page}`),
    );
    expect(problems).toEqual([]);
    expect(outcome.error).toBeNull();
    expect(outcome.results).toEqual(BROWSER_APP_RESULT);
  });
});
