// The worker page's Web Worker: a trollius server coroutine on a MessagePort, with busy tasks and live loop counters.
//
// Wire format: newline-delimited JSON, one object per line.
//   page -> worker: {type: 'echo', text, id}  {type: 'load', tasks}  (0..8 busy tasks)  {type: 'pause', paused}
//   worker -> page: {type: 'hello', ...stats}  {type: 'echo', text, id}  {type: 'stats', ...}  {type: 'error', message}
//
// The counters use only public API:
// - loop iterations: a call_soon ticker that schedules itself again each time it runs. One
//   iteration runs only what was ready when it began, so the ticker runs once per iteration.
// - task switches: each busy task counts its own `yield From(null)` (one loop iteration each).
import {
  From,
  coroutine,
  get_event_loop,
  accept_parent_port,
  open_message_port,
  sleep,
} from '/dist/trollius.browser.mjs';

// At the top level, so the port connect_worker() sends right away is not missed.
const first_port = accept_parent_port();

const loop = get_event_loop();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_TASKS = 8;
const REPORT_EVERY = 0.25; // seconds

const counts = { iterations: 0, switches: 0, echoes: 0 };
const state = { tasks: 0, paused: false, busy: [], ticker: null };

function tick() {
  counts.iterations++;
  state.ticker = loop.call_soon(tick);
}

const busy_task = coroutine(function* () {
  for (;;) {
    yield From(null); // give the loop to the others: one task switch
    counts.switches++;
  }
});

/** Start or stop the ticker and busy tasks to match state.tasks and state.paused. */
function apply_load() {
  const wanted = state.paused ? 0 : state.tasks;
  while (state.busy.length < wanted) state.busy.push(loop.create_task(busy_task()));
  while (state.busy.length > wanted) state.busy.pop().cancel();
  if (state.paused && state.ticker !== null) {
    state.ticker.cancel();
    state.ticker = null;
  } else if (!state.paused && state.ticker === null) {
    state.ticker = loop.call_soon(tick);
  }
}

const clients = new Set();

function send(writer, message) {
  if (!writer.is_closing()) writer.write(encoder.encode(JSON.stringify(message) + '\n'));
}

function snapshot() {
  return { ...counts, tasks: state.tasks, paused: state.paused, time: loop.time() };
}

/** Serve one page connection: answer its commands until it closes. */
const serve_client = coroutine(function* (port) {
  const [reader, writer] = yield From(open_message_port(port));
  clients.add(writer);
  send(writer, { type: 'hello', ...snapshot() });
  try {
    for (;;) {
      const line = yield From(reader.readline());
      if (line.length === 0) break;
      let message;
      try {
        message = JSON.parse(decoder.decode(line));
      } catch (exc) {
        send(writer, { type: 'error', message: `bad JSON from the page: ${exc.message}` });
        continue;
      }
      if (message.type === 'echo') {
        counts.echoes++;
        send(writer, { type: 'echo', id: message.id, text: String(message.text).toUpperCase() });
      } else if (message.type === 'load') {
        state.tasks = Math.max(0, Math.min(MAX_TASKS, Math.floor(Number(message.tasks) || 0)));
        apply_load();
      } else if (message.type === 'pause') {
        state.paused = Boolean(message.paused);
        apply_load();
      } else {
        send(writer, { type: 'error', message: `unknown command ${JSON.stringify(message.type)}` });
      }
    }
  } finally {
    clients.delete(writer);
    writer.close();
  }
});

/** Every REPORT_EVERY seconds, send the counters to every page. */
const report = coroutine(function* () {
  for (;;) {
    yield From(sleep(REPORT_EVERY));
    const stats = { type: 'stats', ...snapshot() };
    for (const writer of clients) send(writer, stats);
  }
});

/** The server: accept each port a page sends with connect_worker() and serve it in its own Task. */
const main = coroutine(function* () {
  loop.create_task(report());
  state.tasks = 4;
  apply_load();
  let next = first_port;
  for (;;) {
    const port = yield From(next);
    next = accept_parent_port();
    loop.create_task(serve_client(port));
  }
});

loop.run_until_complete(main()).catch((exc) => {
  // Tell the page: an error in a worker is otherwise only in the console.
  for (const writer of clients) send(writer, { type: 'error', message: String(exc) });
  throw exc;
});
