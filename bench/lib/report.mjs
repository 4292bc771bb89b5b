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

/** [label, ours, peer, metric] of each column of the echo side-by-side table. */
const ECHO_RATIOS = [
  ['Protocol req/s ÷ net', 'trollius Protocol', 'raw node net', 'rate'],
  ['Protocol CPU/req ÷ net', 'trollius Protocol', 'raw node net', 'cpu_us_per_request'],
  ['Protocol CPU/req ÷ uvloop', 'trollius Protocol', 'uvloop Protocol', 'cpu_us_per_request'],
  ['streams req/s ÷ net', 'trollius streams', 'raw node net', 'rate'],
  ['streams CPU/req ÷ net', 'trollius streams', 'raw node net', 'cpu_us_per_request'],
  ['Protocol RSS/conn idle ÷ net', 'trollius Protocol', 'raw node net', 'rss_idle_kib_per_conn'],
  ['Protocol RSS/conn load ÷ net', 'trollius Protocol', 'raw node net', 'rss_load_kib_per_conn'],
  ['streams RSS/conn idle ÷ net', 'trollius streams', 'raw node net', 'rss_idle_kib_per_conn'],
  ['streams RSS/conn load ÷ net', 'trollius streams', 'raw node net', 'rss_load_kib_per_conn'],
];

const median_of = (w, name, metric) =>
  w.variants.find((v) => v.name === name)?.metrics?.[metric]?.median;

/**
 * The echo ratios side by side, a row per cell: {cell, ratios: {label: ratio or null}},
 * ratios of medians (null: not measured in that cell, or skipped).
 */
export function echo_ratios(results) {
  return results.workloads
    .filter((w) => w.name.startsWith('echo '))
    .map((w) => ({
      cell: w.name.slice(5),
      ratios: Object.fromEntries(
        ECHO_RATIOS.map(([label, ours, peer, metric]) => {
          const a = median_of(w, ours, metric);
          const b = median_of(w, peer, metric);
          return [label, a === undefined || b === undefined ? null : a / b];
        }),
      ),
    }));
}

/** Markdown: the echo ratios side by side, and the RSS per connection of every server. */
function echo_tables(results) {
  const rows = echo_ratios(results);
  if (rows.length === 0) return [];
  const labels = ECHO_RATIOS.map(([label]) => label).filter((label) =>
    rows.some((r) => r.ratios[label] !== null),
  );
  const lines = [
    '## echo: trollius ÷ peers',
    '',
    'Ratios of medians; requests/s: higher is better; CPU per request and RSS per connection: lower is better.',
    '',
    `| cell | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---|').join('')}`,
  ];
  for (const { cell, ratios } of rows) {
    const shown = labels.map((l) => (ratios[l] === null ? '' : `${fmt(ratios[l])}×`));
    lines.push(`| ${cell} | ${shown.join(' | ')} |`);
  }
  const rss = results.workloads.filter(
    (w) => w.name.startsWith('echo ') && w.variants.some((v) => v.metrics?.rss_idle_kib_per_conn),
  );
  if (rss.length > 0) {
    const servers = rss[0].variants.map((v) => v.name);
    lines.push(
      '',
      'Server RSS per connection, KiB: idle / under load (the baseline before connecting, MiB, in brackets).',
      '',
      `| cell | ${servers.join(' | ')} |`,
      `|---|${servers.map(() => '---|').join('')}`,
    );
    for (const w of rss) {
      const cells = servers.map((name) => {
        const idle = median_of(w, name, 'rss_idle_kib_per_conn');
        if (idle === undefined) return 'skipped';
        const load = median_of(w, name, 'rss_load_kib_per_conn');
        return `${fmt(idle)} / ${fmt(load)} (${fmt(median_of(w, name, 'rss_before_mib'))})`;
      });
      lines.push(`| ${w.name.slice(5)} | ${cells.join(' | ')} |`);
    }
  }
  return [...lines, ''];
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
    ...(results.echo_notes ?? []).flatMap((note) => [`echo: ${note}.`, '']),
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
  lines.push(...echo_tables(results));
  lines.push('## Targets', '', '| check | ratio | target | met |', '|---|---|---|---|');
  for (const c of results.checks) {
    lines.push(
      `| ${c.label} | ${c.ratio === null ? 'n/a' : fmt(c.ratio) + (c.unit ?? '×')} | ${c.op} ${c.target}${c.unit ?? '×'} | ${met_cell(c)} |`,
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
      `<text x="${Math.min(left + scale(q) + 4, width - 150)}" y="${y + 14}" font-size="11">${fmt(c.ratio)}${c.unit ?? '×'} (${c.op} ${c.target}${c.unit ?? '×'})</text>`
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
  const json = { ...results, echo_ratios: echo_ratios(results) };
  writeFileSync(`${dir}/latest.json`, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(`${dir}/latest.md`, markdown(results));
  writeFileSync(`${dir}/latest.svg`, svg(results));
}
