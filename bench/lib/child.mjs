// Runs one benchmark variant in this (fresh) process and prints its measurement as JSON.
// Usage: node --expose-gc bench/lib/child.mjs <workload> <variant> <params-json>
import { reset_rss, rss_growth_mb, sample_rss } from './memory.mjs';
import { median } from './stats.mjs';

const TIMED_RUNS = 5;

const [workload, variant, params_json] = process.argv.slice(2);
const module = await import(`../workloads/${workload}.mjs`);
const run = module.variants[variant];
if (!run) throw new Error(`no variant ${variant} in ${workload}`);
const params = JSON.parse(params_json);

// Memory: the first run, in a fresh process, so that no earlier run's pages are reused.
reset_rss();
await run(params);
sample_rss();
const rss = rss_growth_mb();

// Speed: warm the JIT first (at least 3 runs and WARMUP_SECONDS): steady state is what
// a long-lived program sees, and V8 needs several runs to optimise the hot path.
const warm_until = performance.now() + 1000 * Number(process.env.WARMUP_SECONDS ?? 1);
for (let i = 0; i < 2 || performance.now() < warm_until; i++) await run(params);
// Then the median of a few timed runs, metric by metric: one run of a few
// milliseconds can land on a garbage collection or a host hiccup.
const runs = [];
for (let i = 0; i < TIMED_RUNS; i++) {
  const cpu_before = process.cpuUsage();
  const result = await run(params);
  const cpu = process.cpuUsage(cpu_before);
  runs.push({ ...result, cpu_seconds: (cpu.user + cpu.system) / 1e6 });
}
const measured = Object.fromEntries(
  Object.keys(runs[0]).map((key) => [key, median(runs.map((r) => r[key]))]),
);
console.log(JSON.stringify({ ...measured, rss_growth_mb: rss }));
