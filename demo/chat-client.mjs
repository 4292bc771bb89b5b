// Join the demo's chat room over plain TCP: node demo/chat-client.mjs [--host H] [--port P] [--name N] [--say TEXT]... [--exit-after SECONDS]
//
// Interactive: type a line and press Enter to send it, `/who` lists who is online,
// Ctrl+D or Ctrl+C leaves. With --say (repeatable) the lines are sent right after
// joining; with --exit-after the client leaves by itself after that many seconds
// (what the tests use). Every line received is printed to stdout.
import readline from 'node:readline';
import { parseArgs } from 'node:util';

import {
  From,
  Queue,
  coroutine,
  get_event_loop,
  open_connection,
  ensure_future,
  sleep,
  wait,
  FIRST_COMPLETED,
} from '../dist/trollius.node.mjs';

const USAGE = `usage: node demo/chat-client.mjs [options]

  --host HOST          server host (default 127.0.0.1)
  --port PORT          the demo's TCP chat port (default 8081: npm start's PORT + 1)
  --name NAME          your name in the room (default: your user name)
  --say TEXT           send TEXT after joining (may be repeated)
  --exit-after SECONDS leave after that many seconds (default: when stdin ends)
  --help               show this text`;

function parse() {
  let args;
  try {
    args = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8081' },
        name: { type: 'string', default: process.env.USER || 'guest' },
        say: { type: 'string', multiple: true, default: [] },
        'exit-after': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (exc) {
    console.error(`${exc.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(args.port);
  const exit_after = args['exit-after'] === undefined ? null : Number(args['exit-after']);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`--port must be a port number, got ${JSON.stringify(args.port)}`);
    process.exit(2);
  }
  if (exit_after !== null && !(exit_after >= 0)) {
    console.error(`--exit-after must be a number of seconds, got ${args['exit-after']}`);
    process.exit(2);
  }
  return { host: args.host, port, name: args.name, say: args.say, exit_after };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const options = parse();
const interactive = options.exit_after === null && process.stdin.isTTY === true;

// Typed lines go through a trollius Queue to the coroutine that writes them; null means "leave".
const outgoing = new Queue();
let rl = null;

/** Print a received line without mangling the prompt the user is typing on. */
function print(line) {
  if (rl === null) {
    console.log(line);
    return;
  }
  readline.clearLine(process.stdout, 0);
  readline.cursorTo(process.stdout, 0);
  console.log(line);
  rl.prompt(true);
}

const receive = coroutine(function* (reader) {
  for (;;) {
    const line = yield From(reader.readline());
    if (line.length === 0) return 'the server closed the connection';
    print(decoder.decode(line).replace(/\n$/, ''));
  }
});

const send = coroutine(function* (writer) {
  writer.write(encoder.encode(`${options.name}\n`));
  for (const text of options.say) writer.write(encoder.encode(`${text}\n`));
  yield From(writer.drain());
  for (;;) {
    const text = yield From(outgoing.get());
    if (text === null) return null;
    writer.write(encoder.encode(`${text}\n`));
    yield From(writer.drain());
  }
});

const main = coroutine(function* () {
  const { host, port } = options;
  let reader, writer;
  try {
    [reader, writer] = yield From(open_connection(host, port));
  } catch (exc) {
    console.error(`Cannot connect to ${host}:${port}: ${exc.message}`);
    console.error('Is the demo running? Start it with: npm start');
    return 1;
  }
  let input = null;
  if (options.exit_after === null) {
    // stdin lines (typed, or piped in) are sent; its end (Ctrl+D, Ctrl+C) means leave.
    input = readline.createInterface({
      input: process.stdin,
      output: interactive ? process.stdout : undefined,
    });
    input.on('line', (text) => {
      outgoing.put_nowait(text);
      if (interactive) input.prompt();
    });
    input.on('close', () => outgoing.put_nowait(null));
    if (interactive) {
      rl = input;
      rl.on('SIGINT', () => rl.close()); // Ctrl+C on the prompt: leave
      rl.setPrompt('> ');
      rl.prompt();
    }
  }
  // Ctrl+C (or a kill) when stdin is not a prompt: leave politely; a second one quits at once.
  let interrupted = false;
  const leave = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    outgoing.put_nowait(null);
  };
  process.on('SIGINT', leave);
  process.on('SIGTERM', leave);
  const loop = get_event_loop();
  const receiving = loop.create_task(receive(reader));
  const leaving = [loop.create_task(send(writer))];
  if (options.exit_after !== null) leaving.push(ensure_future(sleep(options.exit_after)));
  let code = 0;
  try {
    // Until the server hangs up, or it is time to leave.
    yield From(wait([receiving, ...leaving], { return_when: FIRST_COMPLETED }));
    for (const task of leaving) task.cancel();
    const we_left = !receiving.done();
    if (we_left) {
      // Leave politely: EOF tells the server we are done; it answers by closing.
      writer.write_eof();
      yield From(wait([receiving], { timeout: 2 }));
    }
    if (receiving.done()) {
      const why = receiving.result(); // throws the connection's error, if any
      if (!we_left) print(`* ${why}`);
    } else {
      receiving.cancel();
    }
  } catch (exc) {
    console.error(`Connection error: ${exc.message}`);
    code = 1;
  } finally {
    rl = null;
    input?.close();
    writer.close();
  }
  try {
    yield From(writer.wait_closed());
  } catch {
    // closed with an error: already reported
  }
  return code;
});

process.exit(await get_event_loop().run_until_complete(main()));
