// TaskGroup and task_group(): children, failures as ExceptionGroups, cancellation and its bookkeeping (CPython 3.13 test_taskgroups.py).
import { beforeEach, describe, expect, it } from 'vitest';

import {
  CancelledError,
  Event,
  ExceptionGroup,
  From,
  Future,
  RuntimeError,
  Task,
  TaskGroup,
  coroutine,
  current_task,
  sleep,
  task_group,
  eager_task_factory,
} from '../../src/index.js';
import { TestLoop, rejection, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

class MyExc extends Error {}

/** The error classes of a group's direct members, in order. */
function kinds(eg: unknown): unknown[] {
  expect(eg).toBeInstanceOf(ExceptionGroup);
  return (eg as ExceptionGroup).exceptions.map((e) => (e as object).constructor);
}

/** The messages of a group's direct members, in order. */
function messages(eg: unknown): string[] {
  expect(eg).toBeInstanceOf(ExceptionGroup);
  return (eg as ExceptionGroup).exceptions.map((e) => (e as Error).message);
}

/** Sleep `delay` seconds, then return `value`. */
const after = coroutine(function* <T>(delay: number, value: T) {
  yield From(sleep(delay));
  return value;
});

/** Sleep `delay` seconds, then throw `error`. */
const crash_after = coroutine(function* (delay: number, error: unknown) {
  yield From(sleep(delay));
  throw error;
});

/** Sleep `delay` seconds, noting in `trace` whether the sleep was cancelled. */
const sleeper = coroutine(function* (trace: string[], label: string, delay?: number) {
  try {
    yield From(sleep(delay ?? 10));
  } catch (e) {
    if (e instanceof CancelledError) trace.push(`${label} cancelled`);
    throw e;
  }
  trace.push(`${label} done`);
});

// CPython runs its TaskGroup tests twice, the second time with eager tasks (TestEagerTaskTaskGroup).
for (const eager of [false, true]) {
  describe(eager ? 'with eager tasks' : 'with tasks scheduled as usual', () => {
    beforeEach(() => {
      if (eager) loop.set_task_factory(eager_task_factory);
    });

    describe('children run concurrently and the scope waits for all', () => {
      it('waits for every child, which run side by side (test_taskgroup_01)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const main = coroutine(function* () {
          const t0 = loop.time();
          const result: string = yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(0.1, 42));
              t2 = tg.create_task(after(0.2, 11));
              return 'body';
            }),
          );
          return [result, loop.time() - t0];
        });
        const [result, elapsed] = await loop.run_until_complete(main());
        expect(result).toBe('body');
        expect(elapsed).toBeCloseTo(0.2, 9);
        expect(t1.result()).toBe(42);
        expect(t2.result()).toBe(11);
      });

      it('takes children created while the body runs (test_taskgroup_02)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const main = coroutine(function* () {
          const t0 = loop.time();
          yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(0.1, 42));
              yield From(sleep(0.15));
              expect(t1.done()).toBe(true);
              t2 = tg.create_task(after(0.2, 11));
            }),
          );
          return loop.time() - t0;
        });
        expect(await loop.run_until_complete(main())).toBeCloseTo(0.35, 9);
        expect(t1.result()).toBe(42);
        expect(t2.result()).toBe(11);
      });

      it('goes on when a child is cancelled by hand (test_taskgroup_03)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const main = coroutine(function* () {
          return yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(1, 42));
              yield From(sleep(0.15));
              t1.cancel();
              t2 = tg.create_task(after(0.2, 11));
              return 'ok';
            }),
          );
        });
        expect(await loop.run_until_complete(main())).toBe('ok');
        expect(t1.cancelled()).toBe(true);
        expect(t2.result()).toBe(11);
      });

      it('lets children add children, and waits for those too (test_taskgroup_24)', async () => {
        const order: string[] = [];
        const leaf = coroutine(function* (delay: number) {
          yield From(sleep(delay));
          order.push(`leaf ${delay}`);
        });
        const main = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(
                coroutine(function* () {
                  yield From(sleep(0.1));
                  tg.create_task(leaf(0.2));
                  tg.create_task(leaf(0.1));
                  order.push('root');
                })(),
              );
            }),
          );
          order.push('scope ended');
          return loop.time();
        });
        expect(await loop.run_until_complete(main())).toBeCloseTo(0.3, 9);
        expect(order).toEqual(['root', 'leaf 0.1', 'leaf 0.2', 'scope ended']);
      });

      it('names a child as asked, and runs it as the current task (test_taskgroup_task_name, test_name)', async () => {
        let seen = '';
        let child!: Task<void>;
        const main = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              child = tg.create_task(
                coroutine(function* () {
                  yield From(sleep(0));
                  seen = current_task()!.get_name();
                })(),
                { name: 'yolo' },
              );
            }),
          );
        });
        await loop.run_until_complete(main());
        expect(child.get_name()).toBe('yolo');
        expect(seen).toBe('yolo');
      });

      it('takes a Future or a Promise as a child, as create_task() does', async () => {
        let from_future!: Task<string>, from_promise!: Task<string>;
        const main = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              const fut = new Future<string>({ loop });
              loop.call_later(0.5, () => fut.set_result('future'));
              from_future = tg.create_task(fut);
              from_promise = tg.create_task(Promise.resolve('promise'));
            }),
          );
          return loop.time();
        });
        expect(await loop.run_until_complete(main())).toBeCloseTo(0.5, 9);
        expect(from_future.result()).toBe('future');
        expect(from_promise.result()).toBe('promise');
      });

      it('shows its children, errors and state in its repr', async () => {
        const reprs: string[] = [];
        let group!: TaskGroup;
        const main = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (tg) {
                group = tg;
                tg.create_task(sleep(1));
                tg.create_task(crash_after(0.5, new MyExc('boom')));
                reprs.push(String(tg));
                try {
                  yield From(sleep(10));
                } finally {
                  reprs.push(String(tg));
                }
              }),
            );
          } catch {
            // the ExceptionGroup is looked at in other tests
          }
        });
        await loop.run_until_complete(main());
        reprs.push(String(group));
        expect(reprs).toEqual([
          '<TaskGroup tasks=2 entered>',
          '<TaskGroup tasks=1 errors=1 cancelling>',
          '<TaskGroup errors=1 cancelling>',
        ]);
      });
    });

    describe('bodies', () => {
      it('resolves to what a coroutine function or a plain function returns', async () => {
        const body = coroutine(function* (tg: TaskGroup) {
          tg.create_task(sleep(0.1));
          yield From(sleep(0.05));
          return 'coroutine';
        });
        const main = coroutine(function* () {
          const a: string = yield* From(task_group(body));
          const b: number = yield* From(
            task_group((tg) => {
              tg.create_task(sleep(0.1));
              return 7;
            }),
          );
          return [a, b, loop.time()];
        });
        const [a, b, time] = await loop.run_until_complete(main());
        expect(a).toBe('coroutine');
        expect(b).toBe(7);
        expect(time).toBeCloseTo(0.2, 9);
      });

      it('runs an async function body and waits for its children too', async () => {
        let child!: Task<string>;
        const main = coroutine(function* () {
          const result: number = yield* From(
            task_group(async (tg) => {
              child = tg.create_task(after(0.3, 'child'));
              await sleep(0.1);
              return 5;
            }),
          );
          return [result, loop.time()];
        });
        const [result, time] = await loop.run_until_complete(main());
        expect(result).toBe(5);
        expect(time).toBeCloseTo(0.3, 9);
        expect(child.result()).toBe('child');
      });

      it('stops waiting for an async function body when a child fails; the function runs on by itself', async () => {
        const trace: string[] = [];
        const main = coroutine(function* () {
          try {
            yield* From(
              task_group(async (tg) => {
                tg.create_task(crash_after(0.1, new MyExc('child')));
                await sleep(1);
                trace.push(`async body resumed at ${loop.time()}`);
              }),
            );
          } catch (e) {
            trace.push(`scope failed at ${loop.time()}: ${messages(e).join()}`);
          }
          yield From(sleep(2));
          trace.push('main done');
        });
        await loop.run_until_complete(main());
        expect(trace).toEqual([
          'scope failed at 0.1: child',
          'async body resumed at 1',
          'main done',
        ]);
      });

      it('includes the error of an async function body in the ExceptionGroup', async () => {
        let child!: Task<void>;
        const main = coroutine(function* () {
          yield* From(
            task_group(async (tg) => {
              child = tg.create_task(sleep(10));
              await sleep(0.1);
              throw new MyExc('async body');
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(main()));
        expect(kinds(eg)).toEqual([MyExc]);
        expect(messages(eg)).toEqual(['async body']);
        expect(child.cancelled()).toBe(true);
      });
    });

    describe('the first failure cancels the siblings and the body', () => {
      it('cancels the other children and skips the code after the scope (test_taskgroup_04)', async () => {
        const trace: string[] = [];
        let t2!: Task<void>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(crash_after(0.1, new MyExc('zero')));
              t2 = tg.create_task(sleeper(trace, 't2', 1));
            }),
          );
          trace.push('after the scope');
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(eg).toBeInstanceOf(ExceptionGroup);
        expect((eg as ExceptionGroup).message).toBe('unhandled errors in a TaskGroup');
        expect(String(eg)).toBe(
          'ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)',
        );
        expect(kinds(eg)).toEqual([MyExc]);
        expect(trace).toEqual(['t2 cancelled']);
        expect(t2.cancelled()).toBe(true);
      });

      it('gathers every failure and interrupts the body at its yield (test_cancel_children_on_child_error)', async () => {
        const trace: string[] = [];
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(crash_after(0.1, new MyExc('a')));
              tg.create_task(crash_after(0.1, new MyExc('b')));
              tg.create_task(crash_after(0.1, new MyExc('c')));
              tg.create_task(sleeper(trace, 'sibling', 5));
              try {
                yield From(sleep(10));
              } catch (e) {
                trace.push(`body: ${(e as object).constructor.name} at ${loop.time()}`);
                throw e;
              }
            }),
          );
          trace.push('after the scope');
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(kinds(eg)).toEqual([MyExc, MyExc, MyExc]);
        expect(messages(eg)).toEqual(['a', 'b', 'c']);
        expect(trace).toEqual(['sibling cancelled', 'body: CancelledError at 0.1']);
      });

      it("adds the body's own error after the children's (test_taskgroup_19)", async () => {
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(crash_after(0.1, new RangeError('child')));
              try {
                yield From(sleep(10));
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw new MyExc('body');
              }
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(kinds(eg)).toEqual([RangeError, MyExc]);
        expect(messages(eg)).toEqual(['child', 'body']);
      });

      it('cancels the children when the body fails at once (test_taskgroup_10)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(1, 42));
              t2 = tg.create_task(after(2, 11));
              throw new MyExc('body');
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(kinds(eg)).toEqual([MyExc]);
        expect(t1.cancelled()).toBe(true);
        expect(t2.cancelled()).toBe(true);
        expect(loop.time()).toBe(0);
      });

      it('cancels the children when the body fails after a yield (test_taskgroup_09)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(1, 42));
              t2 = tg.create_task(after(2, 11));
              yield From(sleep(0.1));
              throw new MyExc('body');
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(messages(eg)).toEqual(['body']);
        expect(t1.cancelled()).toBe(true);
        expect(t2.cancelled()).toBe(true);
        expect(loop.time()).toBeCloseTo(0.1, 9);
      });

      it('keeps the result of a child that finished before the failure', async () => {
        let early!: Task<string>, late!: Task<string>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              early = tg.create_task(after(0.1, 'early'));
              late = tg.create_task(after(1, 'late'));
              tg.create_task(crash_after(0.5, new MyExc('boom')));
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(messages(eg)).toEqual(['boom']);
        expect(early.result()).toBe('early');
        expect(late.cancelled()).toBe(true);
      });

      it('gives an ExceptionGroup inside an ExceptionGroup for a failing nested group (test_taskgroup_14)', async () => {
        let outer_child!: Task<void>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (g1) {
              outer_child = g1.create_task(crash_after(10, new MyExc('outer')));
              yield* From(
                task_group(function* (g2) {
                  g2.create_task(crash_after(0.1, new MyExc('inner')));
                }),
              );
            }),
          );
        });
        const eg = (await rejection(loop.run_until_complete(runner()))) as ExceptionGroup;
        expect(kinds(eg)).toEqual([ExceptionGroup]);
        const inner = eg.exceptions[0] as ExceptionGroup;
        expect(inner.message).toBe('unhandled errors in a TaskGroup');
        expect(kinds(inner)).toEqual([MyExc]);
        expect(messages(inner)).toEqual(['inner']);
        expect(outer_child.cancelled()).toBe(true);
        const [match, rest] = eg.split(MyExc);
        expect(rest).toBeNull();
        expect((match!.exceptions[0] as ExceptionGroup).exceptions).toEqual(inner.exceptions);
      });

      it('reports only the outer failure when it cancels a nested group (test_taskgroup_13)', async () => {
        let inner_child!: Task<void>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (g1) {
              g1.create_task(crash_after(0.1, new MyExc('outer')));
              yield* From(
                task_group(function* (g2) {
                  inner_child = g2.create_task(crash_after(10, new MyExc('inner')));
                }),
              );
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(kinds(eg)).toEqual([MyExc]);
        expect(messages(eg)).toEqual(['outer']);
        expect(inner_child.cancelled()).toBe(true);
      });

      it('goes on spawning until a failure stops it (test_taskgroup_25)', async () => {
        let hydras = 0;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              const hydra = coroutine(function* (): Generator<unknown, void, unknown> {
                hydras++;
                yield From(sleep(0.01));
                tg.create_task(hydra());
                tg.create_task(hydra());
              });
              const hercules = coroutine(function* () {
                while (hydras < 10) yield From(sleep(0.015));
                throw new MyExc('hercules');
              });
              tg.create_task(hydra());
              tg.create_task(hercules());
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(messages(eg)).toEqual(['hercules']);
        expect(hydras).toBeGreaterThanOrEqual(10);
      });

      it('cancels a child that created the failing child, at its next yield (test_cancels_task_if_created_during_creation)', async () => {
        const trace: string[] = [];
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(
                coroutine(function* () {
                  tg.create_task(
                    coroutine(function* () {
                      throw new MyExc('third task failed');
                    })(),
                  );
                  try {
                    yield From(sleep(0));
                    yield From(sleep(0));
                    trace.push('not cancelled');
                  } catch (e) {
                    trace.push(`second: ${(e as object).constructor.name}`);
                  }
                })(),
              );
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(messages(eg)).toEqual(['third task failed']);
        expect(trace).toEqual(['second: CancelledError']);
      });
    });

    describe('cancellation from outside', () => {
      it("cancels every child, then ends with the caller's CancelledError and message (test_cancellation)", async () => {
        const trace: string[] = [];
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              for (let i = 0; i < 5; i++) tg.create_task(sleeper(trace, `child ${i}`, 5));
            }),
          );
          trace.push('after the scope');
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => r.cancel('test'));
        const err = await rejection(loop.run_until_complete(r));
        expect(err).toBeInstanceOf(CancelledError);
        expect((err as CancelledError).message).toBe('test');
        expect(trace).toEqual([0, 1, 2, 3, 4].map((i) => `child ${i} cancelled`));
        expect(r.cancelled()).toBe(true);
        expect(r.cancelling()).toBe(1);
        expect(loop.time()).toBeCloseTo(0.1, 9);
      });

      it('interrupts the body too, which may clean up (test_taskgroup_07, test_taskgroup_17)', async () => {
        const trace: string[] = [];
        const runner = coroutine(function* (children: number) {
          yield* From(
            task_group(function* (tg) {
              for (let i = 0; i < children; i++) tg.create_task(sleeper(trace, `child ${i}`, 5));
              yield* From(sleeper(trace, 'body', 10));
            }),
          );
        });
        for (const children of [2, 0]) {
          trace.length = 0;
          const r = loop.create_task(runner(children));
          loop.call_later(0.1, () => r.cancel());
          expect(await rejection(loop.run_until_complete(r))).toBeInstanceOf(CancelledError);
          const expected = ['body cancelled'];
          for (let i = 0; i < children; i++) expected.push(`child ${i} cancelled`);
          expect(trace.sort()).toEqual(expected.sort());
        }
      });

      it('cancels a group that has only children (test_taskgroup_22)', async () => {
        let t1!: Task<number>, t2!: Task<number>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              t1 = tg.create_task(after(1, 42));
              t2 = tg.create_task(after(2, 11));
            }),
          );
        });
        const r = loop.create_task(runner());
        loop.call_later(0.05, () => r.cancel());
        expect(await rejection(loop.run_until_complete(r))).toBeInstanceOf(CancelledError);
        expect(t1.cancelled()).toBe(true);
        expect(t2.cancelled()).toBe(true);
      });

      it('gives priority to the errors of children failing while cancelled (test_taskgroup_08)', async () => {
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              for (let i = 0; i < 5; i++) {
                tg.create_task(
                  coroutine(function* () {
                    try {
                      yield From(sleep(10));
                    } finally {
                      // eslint-disable-next-line no-unsafe-finally
                      throw new MyExc(`cleanup ${i}`);
                    }
                  })(),
                );
              }
              yield From(sleep(10));
            }),
          );
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => r.cancel());
        const eg = await rejection(loop.run_until_complete(r));
        expect(messages(eg)).toEqual([0, 1, 2, 3, 4].map((i) => `cleanup ${i}`));
      });

      it('nests the children errors of an inner group cancelled from outside (test_taskgroup_11, test_taskgroup_12)', async () => {
        let outer_sleeper!: Task<null>;
        const runner = coroutine(function* (with_outer_child: boolean) {
          yield* From(
            task_group(function* (g1) {
              if (with_outer_child) outer_sleeper = g1.create_task(sleep(10));
              yield* From(
                task_group(function* (g2) {
                  for (let i = 0; i < 3; i++) {
                    g2.create_task(
                      coroutine(function* () {
                        try {
                          yield From(sleep(10));
                        } finally {
                          // eslint-disable-next-line no-unsafe-finally
                          throw new MyExc(`inner ${i}`);
                        }
                      })(),
                    );
                  }
                  yield From(sleep(10));
                }),
              );
            }),
          );
        });
        for (const with_outer_child of [false, true]) {
          const r = loop.create_task(runner(with_outer_child));
          loop.call_later(0.1, () => r.cancel());
          const eg = (await rejection(loop.run_until_complete(r))) as ExceptionGroup;
          expect(kinds(eg)).toEqual([ExceptionGroup]);
          expect(messages(eg.exceptions[0])).toEqual(['inner 0', 'inner 1', 'inner 2']);
        }
        expect(outer_sleeper.cancelled()).toBe(true);
      });

      it('reports a child failing while the cancelled body cleans up, which interrupts the cleanup (test_taskgroup_15, test_taskgroup_16)', async () => {
        const nested_runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(crash_after(0.3, new MyExc('crash soon')));
              try {
                yield From(sleep(10));
              } catch (e) {
                yield From(sleep(0.5));
                throw e;
              }
            }),
          );
        });
        // Directly, and through a task in between.
        const runners = [
          nested_runner,
          coroutine(function* () {
            yield From(loop.create_task(nested_runner()));
          }),
        ];
        for (const runner of runners) {
          const t0 = loop.time();
          const r = loop.create_task(runner());
          loop.call_later(0.1, () => r.cancel());
          const eg = await rejection(loop.run_until_complete(r));
          expect(messages(eg)).toEqual(['crash soon']);
          // The failure at 0.3 cancels the body again, in the middle of its 0.5 s cleanup.
          expect(loop.time() - t0).toBeCloseTo(0.3, 9);
        }
      });

      it('reports a body that turns its cancellation into an error (test_taskgroup_18)', async () => {
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* () {
              try {
                yield From(sleep(10));
              } catch {
                throw new MyExc('converted');
              }
            }),
          );
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => r.cancel());
        const eg = await rejection(loop.run_until_complete(r));
        expect(kinds(eg)).toEqual([MyExc]);
        expect(messages(eg)).toEqual(['converted']);
      });

      it('lets the body swallow the cancellation: the scope then waits for its children as usual', async () => {
        const trace: string[] = [];
        const runner = coroutine(function* () {
          const result: string = yield* From(
            task_group(function* (tg) {
              tg.create_task(sleeper(trace, 'child', 10));
              try {
                yield From(sleep(10));
              } catch {
                trace.push(`body caught at ${loop.time()}`);
              }
              return 'swallowed';
            }),
          );
          return result;
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => r.cancel());
        expect(await loop.run_until_complete(r)).toBe('swallowed');
        expect(trace).toEqual(['body caught at 0.1', 'child done']);
        expect(loop.time()).toBeCloseTo(10, 9);
      });
    });

    describe('cancelling() bookkeeping', () => {
      it('takes back the cancellation it caused: cancelling() is 0 again afterwards (test_cancelling_level_preserved)', async () => {
        let scope_task!: Task<unknown>;
        const main = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (tg) {
                scope_task = current_task()!;
                tg.create_task(crash_after(0, new MyExc('raise after 0')));
                yield From(sleep(10));
              }),
            );
          } catch (e) {
            expect(messages(e)).toEqual(['raise after 0']);
          }
          return [current_task()!.cancelling(), scope_task.cancelling()];
        });
        expect(await loop.run_until_complete(main())).toEqual([0, 0]);
      });

      it('leaks no cancellation out of the group (test_cancellation_does_not_leak_out_of_tg)', async () => {
        const main = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (tg) {
                tg.create_task(
                  coroutine(function* () {
                    throw new MyExc('thrown');
                  })(),
                );
              }),
            );
          } catch (e) {
            expect(messages(e)).toEqual(['thrown']);
          }
          yield From(sleep(0));
          yield From(sleep(0.1));
          return 'still running';
        });
        expect(await loop.run_until_complete(main())).toBe('still running');
      });

      it('counts the requests of nested groups apart (test_nested_groups_both_cancelled)', async () => {
        const raise_after = coroutine(function* (error: Error) {
          yield From(sleep(0));
          throw error;
        });
        const seen: number[] = [];
        let outer_scope!: Task<unknown>;
        const main = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (outer_tg) {
                outer_scope = current_task()!;
                try {
                  yield* From(
                    task_group(function* (inner_tg) {
                      inner_tg.create_task(raise_after(new MyExc('inner')));
                      outer_tg.create_task(raise_after(new RangeError('outer')));
                    }),
                  );
                  throw new Error('the inner group did not fail');
                } catch (e) {
                  expect(messages(e)).toEqual(['inner']);
                }
                seen.push(current_task()!.cancelling());
              }),
            );
            throw new Error('the outer group did not fail');
          } catch (e) {
            expect(kinds(e)).toEqual([RangeError]);
          }
          seen.push(current_task()!.cancelling(), outer_scope.cancelling());
        });
        await loop.run_until_complete(main());
        expect(seen).toEqual([1, 0, 0]);
      });

      it('keeps an outer cancellation pending when a child error wins (test_error_and_cancel)', async () => {
        let event!: Event;
        const trace: string[] = [];
        const inner = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (tg) {
                tg.create_task(
                  coroutine(function* () {
                    event.set();
                    yield null; // one loop iteration, as asyncio.sleep(0)
                    throw new MyExc('error');
                  })(),
                );
                yield From(sleep(1));
                trace.push('sleep in the group was not cancelled');
              }),
            );
          } catch (e) {
            expect(messages(e)).toEqual(['error']);
            trace.push(`caught the group, cancelling() = ${current_task()!.cancelling()}`);
          }
          yield From(sleep(1));
          trace.push('sleep after the group was not cancelled');
        });
        let t!: Task<void>;
        const outer = coroutine(function* () {
          event = new Event();
          t = loop.create_task(inner());
          yield From(event.wait());
          trace.push(`before cancel: ${t.cancelling()}`);
          t.cancel();
          trace.push(`after cancel: ${t.cancelling()}`);
          try {
            yield From(t);
          } catch (e) {
            trace.push(`awaiting t: ${(e as object).constructor.name}`);
          }
        });
        await loop.run_until_complete(outer());
        expect(trace).toEqual([
          'before cancel: 0',
          'after cancel: 1',
          'caught the group, cancelling() = 1',
          'awaiting t: CancelledError',
        ]);
        expect(t.cancelled()).toBe(true);
      });

      it('keeps the cancellation of the waiting task when failing cleanups win (test_taskgroup_08 and test_error_and_cancel)', async () => {
        const trace: string[] = [];
        const inner = coroutine(function* () {
          try {
            yield* From(
              task_group(function* (tg) {
                tg.create_task(
                  coroutine(function* () {
                    try {
                      yield From(sleep(10));
                    } finally {
                      // eslint-disable-next-line no-unsafe-finally
                      throw new MyExc('cleanup failed');
                    }
                  })(),
                );
                yield From(sleep(10));
              }),
            );
          } catch (e) {
            trace.push(
              `caught ${messages(e).join()}, cancelling() = ${current_task()!.cancelling()}`,
            );
          }
          try {
            yield From(sleep(1));
            trace.push('sleep after the group was not cancelled');
          } catch (e) {
            trace.push(`sleep after the group: ${(e as object).constructor.name}`);
            throw e;
          }
        });
        const t = loop.create_task(inner());
        loop.call_later(0.1, () => t.cancel());
        expect(await rejection(loop.run_until_complete(t))).toBeInstanceOf(CancelledError);
        expect(trace).toEqual([
          'caught cleanup failed, cancelling() = 1',
          'sleep after the group: CancelledError',
        ]);
        expect(t.cancelled()).toBe(true);
        expect(loop.time()).toBeCloseTo(0.1, 9);
      });

      it('counts one request per cancel() on the task waiting for the scope', async () => {
        let scope_task!: Task<unknown>;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              scope_task = current_task()!;
              tg.create_task(sleep(10));
            }),
          );
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => {
          r.cancel();
          r.cancel();
        });
        expect(await rejection(loop.run_until_complete(r))).toBeInstanceOf(CancelledError);
        expect(r.cancelling()).toBe(2);
        expect(scope_task.cancelled()).toBe(true);
      });
    });

    describe('create_task() refused', () => {
      it('on a finished group, closing the coroutine (test_taskgroup_finished, test_coro_closed_when_tg_closed)', async () => {
        let group!: TaskGroup;
        const main = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              group = tg;
            }),
          );
        });
        await loop.run_until_complete(main());
        let reached = false;
        const coro = coroutine(function* () {
          reached = true;
          yield null;
        })();
        expect(() => group.create_task(coro)).toThrow(
          new RuntimeError('TaskGroup <TaskGroup entered> is finished'),
        );
        expect(() => group.create_task(coro)).toThrow(RuntimeError);
        expect(coro.next()).toEqual({ value: undefined, done: true });
        expect(reached).toBe(false);
      });

      it('on a group that is shutting down, closing the coroutine (test_taskgroup_no_create_task_after_failure)', async () => {
        const refusals: unknown[] = [];
        const cleanups: string[] = [];
        const started = coroutine(function* () {
          try {
            yield From(sleep(1));
          } finally {
            cleanups.push('refused coroutine closed');
          }
        });
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(crash_after(0.001, new MyExc('zero')));
              tg.create_task(
                coroutine(function* () {
                  try {
                    yield From(sleep(1));
                  } catch {
                    // A coroutine already at a yield: closing it runs its finally block.
                    const coro = started();
                    coro.next();
                    try {
                      tg.create_task(coro);
                    } catch (e) {
                      refusals.push(e);
                    }
                  }
                })(),
              );
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(runner()));
        expect(messages(eg)).toEqual(['zero']);
        expect(refusals).toHaveLength(1);
        expect(refusals[0]).toBeInstanceOf(RuntimeError);
        expect((refusals[0] as Error).message).toMatch(
          /^TaskGroup <TaskGroup .*> is shutting down$/,
        );
        expect(cleanups).toEqual(['refused coroutine closed']);
      });

      it('on a group that was never entered (test_taskgroup_not_entered)', () => {
        const coro = sleep_coro();
        expect(() => new TaskGroup().create_task(coro)).toThrow(
          new RuntimeError('TaskGroup <TaskGroup> has not been entered'),
        );
        expect(coro.next().done).toBe(true);
      });
    });

    function sleep_coro(): Generator<unknown, void, unknown> {
      return coroutine(function* () {
        yield From(sleep(0));
      })();
    }

    describe('tg.cancel() (gh-108951)', () => {
      it('cancels the children and the body, and the scope ends quietly with null', async () => {
        const trace: string[] = [];
        let scope_task!: Task<unknown>;
        const main = coroutine(function* () {
          const result = yield* From(
            task_group(function* (tg) {
              scope_task = current_task()!;
              tg.create_task(sleeper(trace, 'a'));
              tg.create_task(sleeper(trace, 'b'));
              yield From(sleep(0.5));
              tg.cancel();
              trace.push('cancel() returned');
              yield* From(sleeper(trace, 'body'));
              return 'not reached';
            }),
          );
          trace.push(`scope result: ${result}`);
          return [current_task()!.cancelling(), scope_task.cancelling(), scope_task.cancelled()];
        });
        expect(await loop.run_until_complete(main())).toEqual([0, 0, false]);
        expect(trace).toEqual([
          'cancel() returned',
          'a cancelled',
          'b cancelled',
          'body cancelled',
          'scope result: null',
        ]);
        expect(loop.time()).toBeCloseTo(0.5, 9);
      });

      it('cancels from a child: the others and the body stop, the scope resolves to null', async () => {
        const trace: string[] = [];
        const main = coroutine(function* () {
          const result = yield* From(
            task_group(function* (tg) {
              tg.create_task(sleeper(trace, 'other'));
              tg.create_task(
                coroutine(function* () {
                  yield From(sleep(0.2));
                  tg.cancel();
                })(),
              );
              yield* From(sleeper(trace, 'body'));
            }),
          );
          return [result, loop.time()];
        });
        const [result, time] = await loop.run_until_complete(main());
        expect(result).toBeNull();
        expect(time).toBeCloseTo(0.2, 9);
        expect(trace.sort()).toEqual(['body cancelled', 'other cancelled']);
      });

      it("resolves to the body's result when the body had already returned", async () => {
        let group!: TaskGroup;
        let child!: Task<string>;
        const main = coroutine(function* () {
          return yield* From(
            task_group(function* (tg) {
              group = tg;
              child = tg.create_task(after(10, 'child'));
              return 'body result';
            }),
          );
        });
        loop.call_later(1, () => group.cancel());
        expect(await loop.run_until_complete(main())).toBe('body result');
        expect(child.cancelled()).toBe(true);
        expect(loop.time()).toBeCloseTo(1, 9);
      });

      it('is idempotent: one request per child and for the body', async () => {
        let scope_task!: Task<unknown>;
        const children: Task<null>[] = [];
        const counts: number[] = [];
        const main = coroutine(function* () {
          const result = yield* From(
            task_group(function* (tg) {
              scope_task = current_task()!;
              children.push(tg.create_task(sleep(10)), tg.create_task(sleep(10)));
              yield From(sleep(0));
              tg.cancel();
              tg.cancel();
              tg.cancel();
              counts.push(scope_task.cancelling(), ...children.map((c) => c.cancelling()));
              yield From(sleep(10));
            }),
          );
          return result;
        });
        expect(await loop.run_until_complete(main())).toBeNull();
        expect(counts).toEqual([1, 1, 1]);
        expect(scope_task.cancelling()).toBe(0);
        expect(children.every((c) => c.cancelled())).toBe(true);
      });

      it('is a no-op once the group is finished', async () => {
        let group!: TaskGroup;
        const main = coroutine(function* () {
          const result: string = yield* From(
            task_group(function* (tg) {
              group = tg;
              tg.create_task(sleep(0.1));
              return 'done';
            }),
          );
          group.cancel();
          group.cancel();
          yield From(sleep(1));
          return [result, current_task()!.cancelling()];
        });
        expect(await loop.run_until_complete(main())).toEqual(['done', 0]);
        expect(String(group)).toBe('<TaskGroup entered>');
        expect(loop.time()).toBeCloseTo(1.1, 9);
      });

      it('still reports the errors of children failing as they are cancelled', async () => {
        const main = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              tg.create_task(
                coroutine(function* () {
                  try {
                    yield From(sleep(10));
                  } finally {
                    // eslint-disable-next-line no-unsafe-finally
                    throw new MyExc('cleanup failed');
                  }
                })(),
              );
              yield From(sleep(0));
              tg.cancel();
              yield From(sleep(10));
            }),
          );
        });
        const eg = await rejection(loop.run_until_complete(main()));
        expect(messages(eg)).toEqual(['cleanup failed']);
      });

      it('lets a cancellation from outside still end the scope with CancelledError', async () => {
        let group!: TaskGroup;
        const runner = coroutine(function* () {
          yield* From(
            task_group(function* (tg) {
              group = tg;
              tg.create_task(sleep(10));
              yield From(sleep(10));
            }),
          );
        });
        const r = loop.create_task(runner());
        loop.call_later(0.1, () => {
          r.cancel();
          group.cancel();
        });
        expect(await rejection(loop.run_until_complete(r))).toBeInstanceOf(CancelledError);
        expect(r.cancelled()).toBe(true);
      });
    });

    describe('bad input', () => {
      it('refuses a body that is not a function with TypeError, at the call', async () => {
        const main = coroutine(function* () {
          expect(() => task_group(42 as never)).toThrow(TypeError);
          expect(() => task_group(null as never)).toThrow(
            /^task_group\(\) needs a function taking the TaskGroup/,
          );
          yield From(sleep(0));
          return 'ok';
        });
        expect(await loop.run_until_complete(main())).toBe('ok');
      });

      it('needs a running loop: RuntimeError outside one, and the body is not called', () => {
        let called = false;
        expect(() =>
          task_group(function* () {
            called = true;
          }),
        ).toThrow(RuntimeError);
        expect(() => task_group(() => 1)).toThrow(/task_group\(\) needs a running event loop/);
        expect(called).toBe(false);
      });
    });
  });
}
