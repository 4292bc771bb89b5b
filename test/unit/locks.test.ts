import { it, expect } from 'vitest';
it('probe using', () => {
  const log: string[] = [];
  function* g() {
    using h = { [Symbol.dispose]() { log.push('disposed'); } };
    void h;
    yield 1;
    log.push('body');
  }
  for (const _ of g()) void _;
  expect(log).toEqual(['body', 'disposed']);
});
it('probe await using', async () => {
  const log: string[] = [];
  async function k() {
    await using h = { async [Symbol.asyncDispose]() { log.push('adisposed'); } };
    void h;
    log.push('body');
  }
  await k();
  expect(log).toEqual(['body', 'adisposed']);
});
