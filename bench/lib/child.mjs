// Runs one benchmark variant in this (fresh) process and prints its measurement as JSON.
// Usage: node --expose-gc bench/lib/child.mjs <workload> <variant> <params-json>
import { reset_rss, rss_growth_mb, sample_rss } from './memory.mjs';

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
const cpu_before = process.cpuUsage();
const result = await run(params);
const cpu = process.cpuUsage(cpu_before);
console.log(
  JSON.stringify({ ...result, rss_growth_mb: rss, cpu_seconds: (cpu.user + cpu.system) / 1e6 }),
);
