// Resident-set growth of the measured run: the child records a baseline, workloads sample at their peak.
let baseline = 0;
let peak = 0;

/** Collect garbage (when --expose-gc) and take the current RSS as the baseline. */
export function reset_rss() {
  globalThis.gc?.();
  baseline = process.memoryUsage().rss;
  peak = baseline;
}

/** Record the RSS now (a workload calls this where its memory peaks, e.g. all tasks spawned). */
export function sample_rss() {
  peak = Math.max(peak, process.memoryUsage().rss);
}

/** Growth from the baseline to the highest sample, in MiB. */
export function rss_growth_mb() {
  return (peak - baseline) / 2 ** 20;
}
