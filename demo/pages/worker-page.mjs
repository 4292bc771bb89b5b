// The worker page: imports the ESM bundle, starts counter-worker.mjs and talks to it over a MessagePort stream.
/* global document, window, Worker */
import {
  From,
  Queue,
  coroutine,
  connect_worker,
  get_event_loop,
  open_message_port,
} from '/dist/trollius.browser.mjs';

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const loop = get_event_loop();
const number = new Intl.NumberFormat('en-US');

// ---- what the person sees ------------------------------------------------------------------

function set_status(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function show_error(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}

function describe(exc) {
  return exc && exc.name ? `${exc.name}: ${exc.message}` : String(exc);
}

let last = null;

function show_stats(stats) {
  $('iterations').textContent = number.format(stats.iterations);
  $('switches').textContent = number.format(stats.switches);
  $('echoes').textContent = number.format(stats.echoes);
  if (last !== null && stats.time > last.time) {
    const dt = stats.time - last.time;
    const rate = (key) => `${number.format(Math.round((stats[key] - last[key]) / dt))} / s`;
    $('iterations-rate').textContent = rate('iterations');
    $('switches-rate').textContent = rate('switches');
  }
  last = stats;
  for (const button of document.querySelectorAll('[data-tasks]')) {
    button.setAttribute('aria-pressed', String(Number(button.dataset.tasks) === stats.tasks));
  }
  $('pause').textContent = stats.paused ? 'Resume' : 'Pause';
  set_status(
    'connected',
    stats.paused
      ? 'Connected · worker loop idle (paused)'
      : `Connected · ${stats.tasks} busy task${stats.tasks === 1 ? '' : 's'} in the worker`,
  );
}

function show_echo(sent, text, ms) {
  const item = document.createElement('li');
  const took = document.createElement('span');
  took.className = 'ms';
  took.textContent = `  (${ms.toFixed(1)} ms round trip)`;
  item.append(`${sent} → ${text}`, took);
  $('echo-log').prepend(item);
  while ($('echo-log').children.length > 8) $('echo-log').lastElementChild.remove();
  $('echo-ms').textContent = `last: ${ms.toFixed(1)} ms`;
}

// ---- the trollius part ---------------------------------------------------------------------

const outgoing = new Queue(); // commands for the worker, written by one coroutine
const pending_echoes = new Map(); // echo id -> {text, at: performance.now() when sent}
let next_id = 1;

function command(message) {
  outgoing.put_nowait(message);
}

const write_commands = coroutine(function* (writer) {
  for (;;) {
    const message = yield From(outgoing.get());
    writer.write(encoder.encode(JSON.stringify(message) + '\n'));
    yield From(writer.drain());
  }
});

const main = coroutine(function* () {
  const worker = new Worker('/counter-worker.mjs', { type: 'module' });
  worker.addEventListener('error', (event) => {
    show_error(`The worker failed: ${event.message || 'could not load counter-worker.mjs'}`);
    set_status('error', 'Worker error');
  });
  const [reader, writer] = yield From(open_message_port(connect_worker(worker)));
  const writing = loop.create_task(write_commands(writer));
  $('echo-text').disabled = false;
  $('echo-button').disabled = false;
  try {
    for (;;) {
      const line = yield From(reader.readline());
      if (line.length === 0) break;
      const message = JSON.parse(decoder.decode(line));
      if (message.type === 'stats' || message.type === 'hello') {
        show_stats(message);
      } else if (message.type === 'echo') {
        const sent = pending_echoes.get(message.id) ?? { text: '?', at: performance.now() };
        pending_echoes.delete(message.id);
        show_echo(sent.text, message.text, performance.now() - sent.at);
      } else if (message.type === 'error') {
        show_error(`The worker says: ${message.message}`);
      }
    }
  } finally {
    writing.cancel();
    worker.terminate();
  }
  throw new Error('the worker closed the connection');
});

// ---- wiring --------------------------------------------------------------------------------

$('echo').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('echo-text').value;
  if (text.trim() === '') return;
  const id = next_id++;
  pending_echoes.set(id, { text, at: performance.now() });
  command({ type: 'echo', id, text });
  $('echo-text').value = '';
});
for (const button of document.querySelectorAll('[data-tasks]')) {
  button.addEventListener('click', () =>
    command({ type: 'load', tasks: Number(button.dataset.tasks) }),
  );
}
$('pause').addEventListener('click', () => command({ type: 'pause', paused: !last?.paused }));
$('error-close').addEventListener('click', () => ($('error').hidden = true));
window.addEventListener('error', (event) => show_error(`Page error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) =>
  show_error(`Page error: ${describe(event.reason)}`),
);

loop.run_until_complete(main()).catch((exc) => {
  set_status('error', 'Disconnected');
  show_error(describe(exc));
  $('echo-text').disabled = true;
  $('echo-button').disabled = true;
});
