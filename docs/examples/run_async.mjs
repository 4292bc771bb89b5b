// run() with an async function: run() calls it once its loop runs.
import { run, sleep, task_group, timeout } from 'trollius';

async function fetch(n) {
  await sleep(0.1 * n); // a trollius Future is awaitable
  return `page ${n}`;
}

const pages = await run(async () => {
  const tasks = await task_group(async (tg) => [
    tg.create_task(fetch(1)),
    tg.create_task(fetch(2)),
  ]);
  await timeout(1, async () => {
    await sleep(0.5);
  });
  return tasks.map((task) => task.result());
});
console.log(pages); // [ 'page 1', 'page 2' ]
