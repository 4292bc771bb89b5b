// Smoke tests of the built bundles in dist/: export lists, package exports, browser hygiene, and the .d.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';

import { parseAst } from 'rollup/parseAst';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// @ts-expect-error -- plain JS helper shared with rollup.config.mjs, no types needed
import { find_host_imports } from '../../scripts/bundle_hygiene.mjs';
import {
  BUNDLES,
  dist_path,
  export_names,
  import_node_esm,
  require_node_cjs,
} from '../support/bundles.js';
import { REPO_ROOT } from '../support/static_server.js';

import { EXPECTED_EXPORTS } from './expected_exports.js';

const expected = [...EXPECTED_EXPORTS].sort();

/** The minified IIFE (for CDNs: package.json unpkg/jsdelivr and the ./iife.min subpath). */
const BROWSER_IIFE_MIN = 'trollius.browser.iife.min.js';

describe('the five fixed bundle files', () => {
  it.each(Object.values(BUNDLES))('dist/%s exists', (file) => {
    expect(existsSync(dist_path(file))).toBe(true);
  });
});

describe('node bundles', () => {
  it('dist/trollius.node.mjs exports exactly the names in test/dist/expected_exports.ts', async () => {
    expect(export_names(await import_node_esm())).toEqual(expected);
  });

  it('dist/trollius.node.cjs (require) exports the same names as the ESM bundle', async () => {
    expect(export_names(require_node_cjs())).toEqual(export_names(await import_node_esm()));
  });

  it('importing either node bundle loads no TLS, subprocess, HTTP, worker or UDP module until one is used', () => {
    // A fresh Node process each: process.moduleLoadList names every built-in loaded so far.
    const lazy = /^NativeModule (tls|crypto|child_process|http|worker_threads|dgram)$/;
    const loaded_after = (load_bundle: string) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `${load_bundle}; console.log(JSON.stringify(process.moduleLoadList.filter((m) => ${lazy}.test(m))));`,
        ],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      );
    const esm = dist_path(BUNDLES.node_esm);
    const cjs = dist_path(BUNDLES.node_cjs);
    expect(JSON.parse(loaded_after(`await import(${JSON.stringify(esm)})`))).toEqual([]);
    expect(
      JSON.parse(loaded_after(`(await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(cjs)})`)),
    ).toEqual([]);
    // ...and the first call that needs node:tls loads it (set_ciphers checks the names with it).
    const tls_call = `const { ssl } = await import(${JSON.stringify(esm)}); ssl.create_default_context().set_ciphers('HIGH')`;
    expect(JSON.parse(loaded_after(tls_call))).toContain('NativeModule tls');
  });

  it("the package name 'trollius' resolves to the node bundles for import and require", () => {
    // A child Node process, so the package's own "exports" map is what resolves the name.
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const esm = await import('trollius');
      console.log(JSON.stringify({
        import_names: Object.keys(esm).sort(),
        require_names: Object.keys(require('trollius')).sort(),
        import_file: import.meta.resolve('trollius'),
        require_file: require.resolve('trollius'),
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result['import_file']).toMatch(/\/dist\/trollius\.node\.mjs$/);
    expect(result['require_file']).toMatch(/\/dist\/trollius\.node\.cjs$/);
    expect(result['import_names']).toEqual(expected);
    expect(result['require_names']).toEqual(expected);
  });
});

describe('browser bundles', () => {
  it.each([BUNDLES.browser_esm, BUNDLES.browser_iife, BROWSER_IIFE_MIN])(
    'dist/%s imports nothing from Node or ws and never calls require()',
    (file) => {
      const code = readFileSync(dist_path(file), 'utf8');
      // Syntax-tree check: import/export sources and require() calls, not comments or strings.
      expect(find_host_imports(parseAst(code))).toEqual([]);
      // And the plain text forms, as a second net.
      expect(code).not.toMatch(/\bfrom\s*['"]node:/);
      expect(code).not.toMatch(/\bimport\s*\(\s*['"]node:/);
      expect(code).not.toMatch(/\bfrom\s*['"]ws['"]/);
    },
  );
});

describe('the minified IIFE', () => {
  it(`dist/${BROWSER_IIFE_MIN} is well under the IIFE's size and its source map leads back to the TypeScript sources`, () => {
    const code = readFileSync(dist_path(BROWSER_IIFE_MIN), 'utf8');
    expect(code.length).toBeLessThan(statSync(dist_path(BUNDLES.browser_iife)).size / 2);
    expect(code).toMatch(/\n\/\/# sourceMappingURL=trollius\.browser\.iife\.min\.js\.map\n?$/);
    const payload = JSON.parse(
      readFileSync(dist_path(`${BROWSER_IIFE_MIN}.map`), 'utf8'),
    ) as SourceMapPayload;
    expect(payload.file).toBe(BROWSER_IIFE_MIN);
    expect(payload.sourcesContent).toHaveLength(payload.sources.length);
    // A constant of src/constants.ts, found in the minified code, maps back to its line there.
    const lines = code.split('\n');
    const line = lines.findIndex((text) => text.includes('"FIRST_COMPLETED"'));
    expect(line).toBeGreaterThanOrEqual(0);
    const entry = new SourceMap(payload).findEntry(line, lines[line]!.indexOf('"FIRST_COMPLETED"'));
    expect('originalSource' in entry && entry.originalSource).toBe('../src/constants.ts');
    const source = payload.sourcesContent[payload.sources.indexOf('../src/constants.ts')]!;
    const original_line = 'originalLine' in entry ? entry.originalLine : -1;
    expect(source.split('\n')[original_line]).toContain("'FIRST_COMPLETED'");
  });
});

describe('type declarations', () => {
  const dts = dist_path(BUNDLES.types);

  it('dist/trollius.d.cts is a copy of dist/trollius.d.ts', () => {
    expect(readFileSync(dist_path(BUNDLES.types_cjs), 'utf8')).toBe(readFileSync(dts, 'utf8'));
  });

  it('dist/trollius.d.ts stands alone (ES2022 lib only, no DOM or Node types) and declares every runtime export', () => {
    const program = ts.createProgram([dts], {
      noEmit: true,
      strict: true,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    const checker = program.getTypeChecker();
    const module_symbol = checker.getSymbolAtLocation(program.getSourceFile(dts)!);
    const declared = module_symbol ? checker.getExportsOfModule(module_symbol).map((s) => s.name) : [];
    expect(expected.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it.each([
    ['consumer.mts', BUNDLES.types, ts.ModuleKind.ESNext],
    ['consumer.cts', BUNDLES.types_cjs, ts.ModuleKind.CommonJS],
  ] as const)('a TypeScript NodeNext %s gets its types from dist/%s', (file, types_file, mode) => {
    const consumer = path.join(REPO_ROOT, 'test/dist/consumer', file);
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: [],
    };
    const resolved = ts.resolveModuleName(
      'trollius',
      consumer,
      options,
      ts.sys,
      undefined,
      undefined,
      mode,
    ).resolvedModule;
    expect(resolved?.resolvedFileName).toBe(dist_path(types_file));
    const program = ts.createProgram([consumer], options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
