// The worker of ../message_port.mjs: accepts its parent's port and upper-cases lines until EOF.
import { From, accept_parent_port, coroutine, open_message_port, run } from 'trollius';

const main = coroutine(function* () {
  // The parent's port, even if it came before this call (on run()'s loop: call it inside main).
  const port = yield From(accept_parent_port());
  const [reader, writer] = yield From(open_message_port(port));
  for (;;) {
    const line = yield From(reader.readline());
    if (line.length === 0) break; // EOF: the parent closed its end
    writer.write(new TextEncoder().encode(new TextDecoder().decode(line).toUpperCase()));
  }
  writer.close();
  yield From(writer.wait_closed());
});

await run(main());
