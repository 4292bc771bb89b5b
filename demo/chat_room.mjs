// The demo's chat room: one Room, a set of StreamWriters, and one stream handler for TCP and WebSocket clients alike.
//
// Wire format (both transports): newline-delimited UTF-8 lines.
// - The first line a client sends is its name; the room answers `* Welcome, <name>! …`
//   (the name made unique if taken), then `* The last N messages:` and those messages.
// - Every later line is a message, sent to everyone (the sender too) as `<name>: <text>`.
// - `/who` lists who is online (to the asker only).
// - Notices start with `* `: `* alice joined (2 online)`, `* alice left (1 online)`.
import { From, ValueError, coroutine, current_task, wait } from '../dist/trollius.node.mjs';

/** Longest line a client may send (bytes, newline excluded); longer ones are dropped. */
export const LINE_LIMIT = 4096;
/** Names are cut to this many characters. */
const MAX_NAME = 24;
/** Messages replayed to a client that joins. */
const HISTORY = 20;
/** A client whose unsent output grows past this is too slow to keep up: it is dropped. */
const MAX_BACKLOG = 256 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Collapse control characters (a line is one line) and trim. */
function clean(text) {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** What kind of client a writer is, for the server log. */
function transport_kind(writer) {
  return writer.get_extra_info('websocket') !== null ? 'WebSocket' : 'TCP';
}

export class Room {
  constructor({ log = () => {} } = {}) {
    /** @type {Map<object, string>} writer -> name */
    this.members = new Map();
    /** The Tasks serving the clients, so that close() can wait for them. */
    this.tasks = new Set();
    /** The last HISTORY message lines. */
    this.history = [];
    this.log = log;
    // The callback start_server() calls: a coroutine function bound to this room.
    this.handle_client = coroutine((reader, writer) => this._serve(reader, writer));
  }

  names() {
    return [...this.members.values()];
  }

  /** `wanted` cleaned and cut, made unique with a number if someone has it already. */
  unique_name(wanted) {
    const base = clean(wanted).slice(0, MAX_NAME) || 'guest';
    const taken = new Set(this.names());
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    return name;
  }

  /** Send one line to one client, unless it is closing or too far behind. */
  send(writer, line) {
    if (writer.is_closing()) return;
    if (writer.transport.get_write_buffer_size() > MAX_BACKLOG) {
      this.log(`dropping ${this.members.get(writer)}: too slow to read`);
      writer.transport.abort();
      return;
    }
    writer.write(encoder.encode(line + '\n'));
  }

  /** Send one line to everyone in the room. */
  broadcast(line) {
    for (const writer of this.members.keys()) this.send(writer, line);
  }

  /** Say something to everyone, as the room (used when the server stops). */
  announce(text) {
    this.broadcast(`* ${text}`);
  }

  /** Close every client connection and wait (at most `timeout` seconds) until their handlers are done. */
  *close_all(timeout = 2) {
    for (const writer of this.members.keys()) writer.close();
    if (this.tasks.size > 0) yield From(wait([...this.tasks], { timeout }));
  }

  *_serve(reader, writer) {
    const kind = transport_kind(writer);
    const task = current_task();
    this.tasks.add(task);
    let name = null;
    try {
      for (;;) {
        let data;
        try {
          data = yield From(reader.readline());
        } catch (exc) {
          if (!(exc instanceof ValueError)) throw exc; // the line was over LINE_LIMIT: dropped
          this.send(writer, `* line too long (over ${LINE_LIMIT} bytes): not sent`);
          continue;
        }
        if (data.length === 0) break; // EOF: the client left
        const text = clean(decoder.decode(data));
        if (name === null) {
          name = this._join(writer, text, kind);
        } else if (text === '/who') {
          this.send(writer, `* online: ${this.names().join(', ')}`);
        } else if (text !== '') {
          this._say(name, text);
        }
      }
    } catch (exc) {
      // A connection reset or aborted: the client is gone all the same.
      this.log(`${name ?? 'a client'} (${kind}): ${exc.name}: ${exc.message}`);
    } finally {
      if (name !== null) this._leave(writer, name, kind);
      writer.close();
      this.tasks.delete(task);
    }
  }

  _join(writer, wanted, kind) {
    const name = this.unique_name(wanted);
    this.members.set(writer, name);
    this.log(`${name} joined over ${kind}`);
    const others = this.names().filter((n) => n !== name);
    this.send(
      writer,
      `* Welcome, ${name}! ${others.length ? `Online: ${others.join(', ')}.` : 'You are the first one here.'}`,
    );
    if (this.history.length > 0) {
      this.send(writer, `* The last ${this.history.length} messages:`);
      for (const line of this.history) this.send(writer, line);
    }
    this.broadcast(`* ${name} joined (${this.members.size} online)`);
    return name;
  }

  _say(name, text) {
    const line = `${name}: ${text}`;
    this.history.push(line);
    if (this.history.length > HISTORY) this.history.shift();
    this.broadcast(line);
  }

  _leave(writer, name, kind) {
    this.members.delete(writer);
    this.log(`${name} left (${kind})`);
    this.broadcast(`* ${name} left (${this.members.size} online)`);
  }
}
