// The README's programs (docs/examples/) run against the built package, imported by name, and end by themselves; the README's code blocks are marked excerpts of them.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { transform } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../support/static_server.js';

const EXAMPLES = path.join(REPO_ROOT, 'docs/examples');

/** What each example must print (each pattern matches one line of its standard output, in order). */
const EXPECTED: Record<string, RegExp[]> = {
  'esm.mjs': [/^hello, world$/],
  'require.cjs': [/^hello, require$/],
  'first_program.mjs': [/^page 1 page 2$/, /^gave up after 0\.15 s$/, /^done$/],
  'run_async.mjs': [/^\[ 'page 1', 'page 2' \]$/],
  'loop_by_hand.ts': [/^\[ 4, 8 \]$/],
  'locks.ts': [/^a b c 1 2 3 4 at most 2 at once$/],
  'eager_tasks.mjs': [/^true false$/, /^1 2$/],
  'echo_streams.mjs': [
    /^Serving on 127\.0\.0\.1:\d+$/,
    /^Received "Hello World!" from \["127\.0\.0\.1",\d+\]$/,
    /^Received: "Hello World!"$/,
    /^Server closed$/,
  ],
  'tls_echo.mjs': [/^\[ 'TLS_\w+', 'TLSv1\.[23]', \d+ \]$/, /^hello over TLS$/],
  'subprocess.mjs': [/^0 "apple\\npear\\n"$/, /^3 "oops\\n"$/],
  'udp_echo.mjs': [/^ping from port \d+$/],
  'websocket_echo.mjs': [/^OVER TCP$/, /^ws:\/\/127\.0\.0\.1:\d+\/chat$/, /^OVER A WEBSOCKET$/],
  'message_port.mjs': [/^HELLO, WORKER$/],
  'to_thread.mjs': [/^\[ 17984, 25997 \] while the loop ticked$/, /^2cf24dba5fb0a30e$/],
};

/** Examples run in a page, not by Node (test/browser/examples.test.ts). */
const PAGES = ['script_tag.html'];

/** Where the TypeScript examples go once esbuild has stripped their types (inside the repository, so 'trollius' resolves to it). */
const TRANSPILED = path.join(REPO_ROOT, 'build/examples');

/** A runnable file for `name`: the example itself, or its transpiled .ts (`using` lowered for Node 20). */
async function runnable(name: string): Promise<string> {
  const file = path.join(EXAMPLES, name);
  if (!name.endsWith('.ts')) return file;
  const { code } = await transform(readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: file,
  });
  mkdirSync(TRANSPILED, { recursive: true });
  const out = path.join(TRANSPILED, name.replace(/\.ts$/, '.mjs'));
  writeFileSync(out, code);
  return out;
}

/** Run a script with Node from the repository root, bounded; how it ended and what it printed. */
function run_node(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: REPO_ROOT, timeout: 20_000, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Each pattern matches a line of `lines`, after the line the previous one matched. */
function missing_lines(lines: string[], patterns: RegExp[]): RegExp[] {
  let at = 0;
  const missing: RegExp[] = [];
  for (const pattern of patterns) {
    const found = lines.findIndex((line, i) => i >= at && pattern.test(line));
    if (found < 0) missing.push(pattern);
    else at = found + 1;
  }
  return missing;
}

describe('docs/examples', () => {
  it('has an expected output for every program in it', () => {
    const files = readdirSync(EXAMPLES).filter((f) => /\.(mjs|cjs|ts|html)$/.test(f));
    expect(files.sort()).toEqual([...Object.keys(EXPECTED), ...PAGES].sort());
  });

  describe.concurrent('each program runs on 127.0.0.1, prints what it says and ends by itself', () => {
    it.each(Object.keys(EXPECTED))('%s', async (name) => {
      const { code, stdout, stderr } = await run_node(await runnable(name));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(missing_lines(stdout.split('\n'), EXPECTED[name]!)).toEqual([]);
    });
  });

  it('the TypeScript examples typecheck against the package types (strict, NodeNext)', () => {
    const files = Object.keys(EXPECTED)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(EXAMPLES, f));
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.basename(d.file.fileName)}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(diagnostics).toEqual([]);
  });
});

/** A README code block: its info string, its lines, and the line it starts on. */
interface CodeBlock {
  lang: string;
  lines: string[];
  line: number;
}

function code_blocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, lines: body, line: start + 1 });
  }
  return blocks;
}

/** The example a block's first line names: `// docs/examples/x.mjs` or `<!-- docs/examples/x.html -->`. */
const MARKER = /^(?:\/\/|<!--) (docs\/examples\/[\w./-]+)(?: -->)?$/;

describe('README.md', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const program_blocks = code_blocks(readme).filter((b) => /^(js|ts|html|cjs|mjs)$/.test(b.lang));

  it('shows programs only as marked excerpts of docs/examples/ (whole lines, in order, contiguous)', () => {
    expect(program_blocks.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const block of program_blocks) {
      const marker = MARKER.exec(block.lines[0] ?? '');
      if (marker === null) {
        problems.push(`line ${block.line}: no "// docs/examples/…" first line`);
        continue;
      }
      let source: string[];
      try {
        source = readFileSync(path.join(REPO_ROOT, marker[1]!), 'utf8').split('\n');
      } catch {
        problems.push(`line ${block.line}: ${marker[1]} does not exist`);
        continue;
      }
      const excerpt = block.lines.slice(1);
      const at = source.findIndex((_, i) => excerpt.every((l, j) => source[i + j] === l));
      if (excerpt.length === 0 || at < 0) {
        problems.push(`line ${block.line}: not a contiguous part of ${marker[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the two commands of this repository open its "Developing" section', () => {
    const developing = readme.slice(readme.indexOf('\n## Developing\n'));
    expect(developing).toMatch(
      /^\n## Developing\n\n```sh\nnpm install && npm start .*\nnpm install && npm test .*\n```/,
    );
  });
});
