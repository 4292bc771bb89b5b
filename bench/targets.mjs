// The performance targets: each compares a trollius variant with a peer on one metric.
// rate = ops/s (higher is better); lateness and RSS: lower is better.
// A `reference` check is not ours to meet: it holds the minimal generator
// trampoline to a target, to show what any generator scheduler can reach here.

export const CHECKS = [
  {
    workload: 'task_switch',
    ours: 'trollius yield From',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 1.0,
    label: 'task switch vs native async/await',
  },
  {
    workload: 'task_switch',
    ours: 'trollius yield From',
    peer: 'co',
    metric: 'rate',
    op: '≥',
    target: 1.2,
    label: 'task switch vs co',
  },
  {
    workload: 'task_switch',
    ours: 'trollius yield From',
    peer: 'cpython asyncio',
    metric: 'rate',
    op: '≥',
    target: 40,
    label: 'task switch vs CPython asyncio',
  },
  {
    workload: 'task_switch',
    ours: 'reference: minimal trampoline',
    peer: 'cpython asyncio',
    metric: 'rate',
    op: '≥',
    target: 40,
    reference: true,
    label: 'reference: minimal trampoline vs CPython asyncio',
  },
  {
    workload: 'spawn_gather',
    ours: 'trollius yield From',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 0.8,
    label: 'spawn+gather vs native async/await',
  },
  {
    workload: 'spawn_gather',
    ours: 'trollius yield From',
    peer: 'cpython asyncio',
    metric: 'rate',
    op: '≥',
    target: 5,
    label: 'spawn+gather vs CPython asyncio',
  },
  {
    workload: 'spawn_gather',
    ours: 'trollius yield From',
    peer: 'native async/await',
    metric: 'rss_growth_mb',
    op: '≤',
    target: 1.3,
    label: 'spawn+gather RSS growth vs native',
  },
  {
    workload: 'call_soon_chain',
    ours: 'trollius call_soon',
    peer: 'cpython asyncio',
    metric: 'rate',
    op: '≥',
    target: 20,
    label: 'call_soon chain vs CPython asyncio',
  },
  {
    workload: 'timers',
    ours: 'trollius call_later',
    peer: 'node setTimeout',
    metric: 'lateness_p99_ms',
    op: '≤',
    target: 1.0,
    label: 'timer p99 lateness vs setTimeout',
  },
  {
    workload: 'timers',
    ours: 'trollius call_later',
    peer: 'node setTimeout',
    metric: 'rate',
    op: '≥',
    target: 1.0,
    label: 'timers/s vs setTimeout',
  },
  {
    workload: 'browser',
    ours: 'call_soon chain: trollius call_soon',
    peer: 'call_soon chain: setTimeout(0)',
    metric: 'rate',
    op: '≥',
    target: 100,
    label: 'Chromium call_soon chain vs setTimeout(0)',
  },
  {
    workload: 'browser',
    ours: 'task switch: trollius yield From',
    peer: 'task switch: native async/await',
    metric: 'rate',
    op: '≥',
    target: 1.0,
    label: 'Chromium task switch vs native async/await',
  },
  {
    workload: 'browser',
    ours: 'task switch: reference: minimal trampoline',
    peer: 'task switch: native async/await',
    metric: 'rate',
    op: '≥',
    target: 1.0,
    reference: true,
    label: 'reference: Chromium minimal trampoline vs native async/await',
  },
  {
    workload: 'browser',
    ours: 'task switch: trollius yield From',
    peer: 'task switch: reference: minimal trampoline',
    metric: 'rate',
    op: '≥',
    target: 0.8,
    label: 'Chromium task switch vs the minimal trampoline',
  },
  {
    workload: 'task_switch',
    ours: 'trollius yield From',
    peer: 'reference: minimal trampoline',
    metric: 'rate',
    op: '≥',
    target: 0.85,
    label: 'task switch vs the minimal trampoline',
  },
  {
    workload: 'task_switch',
    ours: 'trollius async/await',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 0.5,
    label: 'await on Futures vs native async/await',
  },
  {
    workload: 'task_switch',
    ours: 'trollius async/await Queue',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 0.5,
    label: 'await on Queue get/put vs native async/await',
  },
  {
    workload: 'task_switch',
    ours: 'trollius async/await Lock',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 0.5,
    label: 'await on a Lock vs native async/await',
  },
  {
    workload: 'task_switch',
    ours: 'trollius async/await sleep(0)',
    peer: 'native async/await',
    metric: 'rate',
    op: '≥',
    target: 0.5,
    label: 'await sleep(0) vs native async/await',
  },
  {
    workload: 'executor',
    ours: 'two jobs through to_thread',
    peer: 'two jobs on the loop, one after the other',
    metric: 'rate',
    op: '≥',
    target: 1.7,
    label: 'two CPU-bound jobs: to_thread vs on the loop',
  },
  {
    workload: 'executor',
    ours: 'two jobs through to_thread',
    peer: null,
    metric: 'ticker_p99_ms',
    op: '≤',
    target: 5,
    unit: ' ms',
    label: 'loop ticker p99 lateness while to_thread jobs run',
  },
  {
    workload: 'executor',
    ours: 'trivial to_thread round trips',
    peer: 'raw worker.postMessage round trips',
    metric: 'us_per_call',
    op: '≤',
    target: 1.3,
    label: 'to_thread per-call cost vs raw postMessage',
  },
];

/** From this many connections on, an echo cell is held to the targets of many connections. */
const MANY_CONNECTIONS = 1000;

const P = 'trollius Protocol';
const S = 'trollius streams';
const NET = 'raw node net';
const UVLOOP = 'uvloop Protocol';

/**
 * The echo targets: [ours, peer, metric, op, {few, many}: the target in cells of few
 * and of many connections (none: not checked there), label]. In every cell, the
 * Protocol server's CPU per request is held to raw Node `net`'s and to uvloop's
 * (asyncio's Protocol API on libuv), and its requests/s to raw net's (closer with
 * many connections); with many connections, also its RSS per connection, idle and
 * under load. The streams server is held to raw net's CPU per request within 10%
 * (issue 16) and to 0.8x its requests/s.
 */
const ECHO_TARGETS = [
  [P, NET, 'rate', '≥', { few: 0.9, many: 0.95 }, 'Protocol req/s vs raw net'],
  [P, NET, 'cpu_us_per_request', '≤', { few: 1.0, many: 1.0 }, 'Protocol CPU/req vs raw net'],
  [P, UVLOOP, 'cpu_us_per_request', '≤', { few: 1.05, many: 1.05 }, 'Protocol CPU/req vs uvloop'],
  [P, NET, 'rss_idle_kib_per_conn', '≤', { many: 1.2 }, 'Protocol RSS/conn idle vs raw net'],
  [P, NET, 'rss_load_kib_per_conn', '≤', { many: 1.2 }, 'Protocol RSS/conn under load vs raw net'],
  [S, NET, 'rate', '≥', { few: 0.8, many: 0.8 }, 'streams req/s vs raw net'],
  [S, NET, 'cpu_us_per_request', '≤', { few: 1.1, many: 1.1 }, 'streams CPU/req vs raw net'],
];

/** The echo checks of the cells measured (named like `C=100 64 KiB`; bench/workloads/echo.mjs). */
export function echo_checks(cells) {
  return cells.flatMap((cell) => {
    const many = Number(/^C=(\d+)/.exec(cell)[1]) >= MANY_CONNECTIONS;
    return ECHO_TARGETS.filter(([, , , , targets]) => (many ? targets.many : targets.few)).map(
      ([ours, peer, metric, op, targets, what]) => ({
        workload: `echo ${cell}`,
        ours,
        peer,
        metric,
        op,
        target: many ? targets.many : targets.few,
        label: `echo ${cell} ${what}`,
      }),
    );
  });
}
