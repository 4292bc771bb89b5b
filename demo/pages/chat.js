// The chat page: joins the room over a WebSocket with trollius streams (global `trollius` from the IIFE bundle).
/* global trollius, document, location, window */
'use strict';

(function () {
  const { From, Queue, coroutine, get_event_loop, open_connection } = trollius;

  const $ = (id) => document.getElementById(id);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const loop = get_event_loop();

  // ---- what the person sees ----------------------------------------------------------------

  function set_status(state, text) {
    const status = $('status');
    status.dataset.state = state;
    status.textContent = text;
    status.title = text;
  }

  function show_error(text) {
    $('error-text').textContent = text;
    $('error').hidden = false;
  }

  function hide_error() {
    $('error').hidden = true;
  }

  function describe(exc) {
    const name = exc && exc.name ? exc.name : 'Error';
    const message = exc && exc.message ? exc.message : String(exc);
    return `${name}: ${message}`;
  }

  let me = null;

  /** Add one received line to the list: `name: text` messages, `* …` notices. */
  function show_line(line) {
    const list = $('messages');
    list.querySelector('.empty')?.remove();
    const item = document.createElement('li');
    if (line.startsWith('* ')) {
      item.className = 'notice';
      item.textContent = line.slice(2);
    } else {
      const colon = line.indexOf(': ');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = colon >= 0 ? line.slice(0, colon) : '';
      if (colon >= 0 && line.slice(0, colon) === me) item.className = 'mine';
      item.append(who, colon >= 0 ? line.slice(colon) : line);
    }
    const at_bottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    if (at_bottom) list.scrollTop = list.scrollHeight;
  }

  function set_connected(connected) {
    $('join').hidden = connected;
    $('leave').hidden = !connected;
    $('text').disabled = !connected;
    $('send-button').disabled = !connected;
    $('join-button').disabled = false;
    if (connected) $('text').focus();
  }

  // ---- the trollius part -------------------------------------------------------------------

  // Lines typed by the person; null means "leave". A coroutine writes them to the socket.
  let outgoing = null;

  const write_lines = coroutine(function* (writer, queue) {
    for (;;) {
      const text = yield From(queue.get());
      if (text === null) break;
      writer.write(encoder.encode(`${text}\n`));
      yield From(writer.drain());
    }
    writer.close(); // the server sees EOF and says we left; the reader then ends too
  });

  /** One visit to the room: connect, send the name, show every line until the connection ends. */
  const visit = coroutine(function* (name) {
    const host = location.hostname;
    const port = location.port || (location.protocol === 'https:' ? 443 : 80);
    const ssl = location.protocol === 'https:';
    set_status('connecting', `Connecting to ${ssl ? 'wss' : 'ws'}://${location.host}/chat…`);
    const [reader, writer] = yield From(open_connection(host, port, { path: '/chat', ssl }));
    writer.write(encoder.encode(`${name}\n`));
    const queue = (outgoing = new Queue());
    const writing = loop.create_task(write_lines(writer, queue));
    set_connected(true);
    set_status('connected', `Connected to ${writer.get_extra_info('url')}`);
    try {
      for (;;) {
        const line = yield From(reader.readline());
        if (line.length === 0) break; // EOF: we left, or the server closed
        const text = decoder.decode(line).replace(/\n$/, '');
        const welcome = /^\* Welcome, (.+?)! /.exec(text);
        if (welcome !== null) {
          me = welcome[1];
          $('me').textContent = me;
        }
        show_line(text);
      }
      return writing.done() ? 'You left the room' : 'The server closed the connection';
    } finally {
      outgoing = null;
      writing.cancel();
      writer.close();
    }
  });

  let running = false;

  function join(name) {
    if (running) return;
    running = true;
    hide_error();
    $('join-button').disabled = true;
    loop
      .run_until_complete(visit(name))
      .then(
        (why) => {
          set_status('idle', why);
        },
        (exc) => {
          set_status('error', 'Disconnected');
          show_error(`${describe(exc)}\n\nIs the demo server (npm start) still running?`);
        },
      )
      .finally(() => {
        running = false;
        set_connected(false);
      });
  }

  // ---- wiring --------------------------------------------------------------------------------

  $('name').value = `guest-${Math.floor(100 + Math.random() * 900)}`;
  $('join').addEventListener('submit', (event) => {
    event.preventDefault();
    join($('name').value.trim() || 'guest');
  });
  $('leave').addEventListener('submit', (event) => {
    event.preventDefault();
    outgoing?.put_nowait(null);
  });
  $('send').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value.trim();
    if (text === '' || outgoing === null) return;
    outgoing.put_nowait(text);
    $('text').value = '';
  });
  $('error-close').addEventListener('click', hide_error);
  window.addEventListener('error', (event) => show_error(`Page error: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) =>
    show_error(`Page error: ${describe(event.reason)}`),
  );

  fetch('/info.json')
    .then((r) => r.json())
    .then((info) => {
      $('cli').textContent = `node demo/chat-client.mjs --port ${info.tcp_port}`;
    })
    .catch(() => {});
})();
