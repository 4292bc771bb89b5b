// A module Worker: imports the ESM bundle, accepts the page's port and echoes lines upper-cased until EOF.
import * as T from '/dist/trollius.browser.mjs';

// Called at the top level, before the first message can arrive.
const accepted = T.accept_parent_port();

const main = T.coroutine(function* () {
  const port = yield T.From(accepted);
  const [reader, writer] = yield T.From(T.open_message_port(port));
  for (;;) {
    const line = yield T.From(reader.readline());
    if (line.length === 0) break;
    const text = new TextDecoder().decode(line).toUpperCase();
    writer.write(new TextEncoder().encode(`module: ${text}`));
  }
  writer.close();
});

T.get_event_loop().run_until_complete(main());
