// Runs one benchmark variant in this (fresh) process and prints its measurement as JSON.
// Usage: node bench/lib/child.mjs <workload> <variant> <params-json>
const [workload, variant, params_json] = process.argv.slice(2);
const module = await import(`../workloads/${workload}.mjs`);
const run = module.variants[variant];
if (!run) throw new Error(`no variant ${variant} in ${workload}`);
const params = JSON.parse(params_json);
// Warm the JIT with one run of the same size first: steady state is what a long-lived program sees.
if (!params.no_warmup) await run(params);
global.gc?.();
const rss_before = process.memoryUsage().rss;
const result = await run(params);
const peak_rss = process.resourceUsage().maxRSS * 1024;
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    ...result,
    rss_growth_mb: result.rss_growth_mb ?? (peak_rss - rss_before) / 2 ** 20,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
  }),
);
