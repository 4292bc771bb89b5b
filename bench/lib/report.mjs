// Writes the results as JSON, a Markdown table and an SVG bar chart of the target ratios.
import { writeFileSync } from 'node:fs';

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const human = (x) => (x >= 1e6 ? `${fmt(x / 1e6)}M` : x >= 1e3 ? `${fmt(x / 1e3)}k` : fmt(x));

/** The "met" column: reference checks say whether the ceiling itself reaches the target. */
function met_cell(c) {
  if (c.met === null) return 'n/a';
  if (c.reference) return c.met ? 'reference: reached' : 'reference: not reached';
  return c.met ? 'yes' : '**no**';
}

/** Markdown: one table of measurements per workload, then the ratio checks. */
export function markdown(results) {
  const lines = [
    `# trollius benchmarks`,
    '',
    `${results.machine.cpus} × ${results.machine.cpu_model}, Node ${results.machine.node}, ` +
      `${results.machine.python ?? 'no python3'}; mode ${results.mode}, ${results.repetitions} repetitions, ` +
      `medians (min–max). ${results.date}`,
    '',
  ];
  for (const w of results.workloads) {
    lines.push(
      `## ${w.name}`,
      '',
      `| variant | ${w.unit} | seconds | extra |`,
      '|---|---|---|---|',
    );
    for (const v of w.variants) {
      if (v.skipped) {
        lines.push(`| ${v.name} | skipped: ${v.skipped} | | |`);
        continue;
      }
      const extra = Object.entries(v.metrics)
        .filter(([k]) => !['rate', 'seconds', 'cpu_seconds'].includes(k))
        .map(([k, s]) => `${k} ${fmt(s.median)}`)
        .join(', ');
      const r = v.metrics.rate;
      lines.push(
        `| ${v.name} | ${human(r.median)} (${human(r.min)}–${human(r.max)}) | ${v.metrics.seconds ? fmt(v.metrics.seconds.median) : ''} | ${extra} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Targets', '', '| check | ratio | target | met |', '|---|---|---|---|');
  for (const c of results.checks) {
    lines.push(
      `| ${c.label} | ${c.ratio === null ? 'n/a' : fmt(c.ratio) + '×'} | ${c.op} ${c.target}× | ${met_cell(c)} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** SVG: one horizontal bar per check, its ratio against the target line. */
export function svg(results) {
  const checks = results.checks.filter((c) => c.ratio !== null);
  const row = 26;
  const left = 360;
  const width = 820;
  const height = 40 + checks.length * row;
  // Bars show ratio / target on a log scale: 1 = exactly on target.
  const scale = (q) => Math.max(0, Math.min(1, (Math.log10(q) + 1) / 2)) * (width - left - 20);
  const target_x = left + scale(1);
  const bars = checks.map((c, i) => {
    const q = c.op === '≥' ? c.ratio / c.target : c.target / c.ratio;
    const y = 30 + i * row;
    const colour = c.reference ? '#9e9e9e' : c.met ? '#2e7d32' : '#c62828';
    return (
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12">${c.label}</text>` +
      `<rect x="${left}" y="${y + 2}" width="${scale(q).toFixed(1)}" height="16" fill="${colour}"/>` +
      `<text x="${Math.min(left + scale(q) + 4, width - 150)}" y="${y + 14}" font-size="11">${fmt(c.ratio)}× (${c.op} ${c.target}×)</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="13" font-weight="bold">trollius vs peers: ratio / target (log scale; the line is the target; grey: reference)</text>
${bars.join('\n')}
<line x1="${target_x}" y1="26" x2="${target_x}" y2="${height - 4}" stroke="#333" stroke-dasharray="4 3"/>
</svg>
`;
}

export function write_reports(dir, results) {
  writeFileSync(`${dir}/latest.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${dir}/latest.md`, markdown(results));
  writeFileSync(`${dir}/latest.svg`, svg(results));
}
