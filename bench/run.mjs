// npm run bench [-- --quick]: every workload against its peers, alternating, repeated; medians and ratios.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { write_reports } from './lib/report.mjs';
import { summarize } from './lib/stats.mjs';
import { CHECKS, echo_checks } from './targets.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const repetitions = quick ? 2 : 5;
/** Each variant runs this long before it is measured, so that the JIT has settled. */
const WARMUP_SECONDS = quick ? 0.3 : 1;
const WORKLOADS = ['task_switch', 'spawn_gather', 'call_soon_chain', 'timers', 'executor'].filter(
  (w) => !only || only.split(',').includes(w),
);

function python_version() {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
const python = python_version();

/** Run one variant once, in a fresh process, bounded in time. */
function measure(workload, variant, params) {
  const timeout = 120_000;
  const out = variant.startsWith('cpython ')
    ? execFileSync(
        'python3',
        [path.join(here, 'python', `${workload}.py`), variant, JSON.stringify(params)],
        {
          encoding: 'utf8',
          timeout,
        },
      )
    : execFileSync(
        process.execPath,
        [
          '--expose-gc',
          path.join(here, 'lib', 'child.mjs'),
          workload,
          variant,
          JSON.stringify(params),
        ],
        {
          encoding: 'utf8',
          timeout,
          env: { ...process.env, WARMUP_SECONDS: String(WARMUP_SECONDS) },
        },
      );
  return JSON.parse(out.trim().split('\n').pop());
}

const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  repetitions,
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? '?',
    node: process.version,
    python,
  },
  workloads: [],
  checks: [],
};

for (const name of WORKLOADS) {
  const module = await import(`./workloads/${name}.mjs`);
  const params = quick ? module.params.quick : module.params.full;
  const names = [
    ...Object.keys(module.variants),
    ...(module.python ?? []).map((p) => `cpython ${p}`),
  ];
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const skipped = {};
  if (!python) for (const n of names) if (n.startsWith('cpython')) skipped[n] = 'python3 not found';
  process.stdout.write(`${name} (${JSON.stringify(params)}): `);
  for (let rep = 0; rep < repetitions; rep++) {
    for (const variant of names) {
      if (skipped[variant]) continue;
      const m = measure(name, variant, params);
      samples[variant].push({ ...m, rate: m.ops / m.seconds });
      process.stdout.write('.');
    }
  }
  process.stdout.write('\n');
  const variants = names.map((variant) => {
    if (skipped[variant]) return { name: variant, skipped: skipped[variant] };
    const metrics = {};
    for (const key of Object.keys(samples[variant][0])) {
      if (key === 'ops') continue;
      metrics[key] = summarize(samples[variant].map((s) => s[key]));
    }
    return { name: variant, metrics };
  });
  results.workloads.push({ name, unit: module.unit, params, variants });
}

if (!only || only.split(',').includes('echo')) {
  const module = await import('./workloads/echo.mjs');
  const params = quick ? module.params.quick : module.params.full;
  // Loopback throughput on a VM swings by a third between identical runs
  // (the kernel's share, even for raw net): five runs make the median hold.
  const reps = quick ? 1 : 5;
  process.stdout.write(`echo (${JSON.stringify(params)}, ${reps} repetitions): `);
  const { cells, skipped, notes } = await module.run_echo(params, reps, () =>
    process.stdout.write('.'),
  );
  process.stdout.write('\n');
  for (const note of notes) console.log(`  ${note}`);
  results.echo_notes = notes;
  for (const [cell, servers] of Object.entries(cells)) {
    const variants = Object.entries(servers).map(([name, runs]) => {
      if (runs.length === 0) return { name, skipped: skipped[cell][name] ?? 'not measured' };
      const metrics = {};
      for (const key of Object.keys(runs[0])) metrics[key] = summarize(runs.map((r) => r[key]));
      return { name, metrics };
    });
    results.workloads.push({ name: `echo ${cell}`, unit: module.unit, params, variants });
  }
  CHECKS.push(...echo_checks(Object.keys(cells)));
}

if (!only || only.split(',').includes('browser')) {
  const module = await import('./workloads/browser.mjs');
  const params = quick ? module.params.quick : module.params.full;
  process.stdout.write(`browser (${JSON.stringify(params)}): `);
  // A fresh page per sample: the quick pass takes one sample of each, to stay under a minute.
  const samples = await module.run_browser(params, quick ? 1 : repetitions, WARMUP_SECONDS);
  process.stdout.write(samples.skipped ? `skipped: ${samples.skipped}\n` : 'done\n');
  const variants = samples.skipped
    ? [{ name: 'browser', skipped: samples.skipped }]
    : Object.entries(samples).map(([name, runs]) => ({
        name,
        metrics: {
          rate: summarize(runs.map((r) => r.ops / r.seconds)),
          seconds: summarize(runs.map((r) => r.seconds)),
        },
      }));
  results.workloads.push({ name: 'browser', unit: module.unit, params, variants });
}

for (const check of CHECKS) {
  const w = results.workloads.find((x) => x.name === check.workload);
  const a = w?.variants.find((v) => v.name === check.ours);
  // A check without a peer holds the measurement itself to its target (in `check.unit`).
  const b = check.peer === null ? null : w?.variants.find((v) => v.name === check.peer);
  if (!a?.metrics || (b !== null && !b?.metrics)) {
    results.checks.push({ ...check, ratio: null, met: null });
    continue;
  }
  const value = a.metrics[check.metric].median;
  const ratio = b === null ? value : value / b.metrics[check.metric].median;
  const met = check.op === '≥' ? ratio >= check.target : ratio <= check.target;
  results.checks.push({ ...check, ratio, met });
}

write_reports(path.join(here, 'results'), results);
console.log(
  `\n${results.machine.cpus} cores, Node ${results.machine.node}, ${python ?? 'no python3'}\n`,
);
for (const c of results.checks) {
  const unit = c.unit ?? '×';
  const shown = c.ratio === null ? 'n/a (skipped)' : `${c.ratio.toFixed(2)}${unit}`;
  const mark = c.reference ? ' ref' : c.met === false ? 'MISS' : c.met ? ' ok ' : ' -- ';
  console.log(`${mark} ${c.label}: ${shown} (target ${c.op} ${c.target}${unit})`);
}
console.log('\nwritten: bench/results/latest.{json,md,svg}');
