// Streams over a MessagePort: this thread pairs with a worker (Node worker_threads here; a page's Worker works the same).
import { Worker } from 'node:worker_threads';

import { From, connect_worker, coroutine, open_message_port, run } from 'trollius';

const main = coroutine(function* () {
  const worker = new Worker(new URL('./workers/upper.mjs', import.meta.url));
  const [reader, writer] = yield From(open_message_port(connect_worker(worker)));
  writer.write(new TextEncoder().encode('hello, worker\n'));
  console.log(new TextDecoder().decode(yield From(reader.readline())).trim()); // HELLO, WORKER
  writer.close(); // the worker reads EOF, closes its end and ends
  yield From(writer.wait_closed());
});

await run(main());
