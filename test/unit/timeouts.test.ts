// Timeout, timeout() and timeout_at(): deadlines, reschedule(), nesting, and the cancellations that are not theirs (CPython 3.13 test_timeouts.py).
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  ExceptionGroup,
  From,
  Future,
  RuntimeError,
  Task,
  Timeout,
  TimeoutError,
  coroutine,
  current_task,
  get_running_loop,
  sleep,
  task_group,
  timeout,
  timeout_at,
  wait_for,
} from '../../src/index.js';
import { TestLoop, rejection, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((fresh) => (loop = fresh));

class MyExc extends Error {}

/** Run `body` as the main coroutine of the test loop. */
function run<T>(body: () => Generator<unknown, T, unknown>): Promise<T> {
  return loop.run_until_complete(coroutine(body)());
}

describe('a deadline that strikes', () => {
  it('cancels the body and raises TimeoutError caused by its CancelledError (test_timeout_basic, test_waiter_cancelled)', async () => {
    let cm!: Timeout;
    let seen: unknown = null;
    const err = await rejection(
      run(function* () {
        const t0 = loop.time();
        try {
          yield* From(
            timeout(0.01, function* (c) {
              cm = c;
              try {
                yield From(sleep(10));
              } catch (e) {
                seen = e;
                throw e;
              }
            }),
          );
        } catch (e) {
          expect(loop.time() - t0).toBeCloseTo(0.01, 9);
          throw e;
        }
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe('');
    expect(seen).toBeInstanceOf(CancelledError);
    expect((err as TimeoutError).cause).toBe(seen);
    expect(cm.expired()).toBe(true);
    expect(String(cm)).toBe('<Timeout [expired]>');
  });

  it('strikes at the loop time given to timeout_at(), which when() returns (test_timeout_at_basic)', async () => {
    let cm!: Timeout;
    let deadline = 0;
    const err = await rejection(
      run(function* () {
        deadline = loop.time() + 0.01;
        yield* From(
          timeout_at(deadline, function* (c) {
            cm = c;
            yield From(sleep(10));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(cm.expired()).toBe(true);
    expect(cm.when()).toBe(deadline);
    expect(loop.time()).toBe(deadline);
  });

  it('strikes on the next iteration with a zero or negative delay (test_timeout_zero, test_timeout_zero_sleep_zero, test_timeout_in_the_past_sleep_zero)', async () => {
    for (const delay of [0, -11]) {
      for (const nap of [10, 0]) {
        let cm!: Timeout;
        let t0 = 0;
        const err = await rejection(
          run(function* () {
            t0 = loop.time();
            yield* From(
              timeout(delay, function* (c) {
                cm = c;
                yield From(sleep(nap));
              }),
            );
          }),
        );
        expect(err).toBeInstanceOf(TimeoutError);
        expect(cm.expired()).toBe(true);
        expect(cm.when()).toBe(t0 + delay);
        expect(loop.time()).toBe(t0);
      }
    }
  });

  it('cancels a coroutine function body as well', async () => {
    const body = coroutine(function* () {
      yield From(sleep(10));
      return 'not reached';
    });
    const err = await rejection(
      run(function* () {
        return yield* From(timeout(1, body));
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBe(1);
  });

  it('stops waiting for an async function body, which runs on by itself', async () => {
    const trace: string[] = [];
    await run(function* () {
      try {
        yield* From(
          timeout(1, async () => {
            await sleep(5);
            trace.push(`async body resumed at ${loop.time()}`);
          }),
        );
      } catch (e) {
        trace.push(`${(e as object).constructor.name} at ${loop.time()}`);
      }
      yield From(sleep(10));
    });
    expect(trace).toEqual(['TimeoutError at 1', 'async body resumed at 5']);
  });

  it('lets the error of a body failing during its cleanup through (test_foreign_exception_on_timeout)', async () => {
    let cm!: Timeout;
    const crash = coroutine(function* () {
      try {
        yield From(sleep(1));
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new MyExc('cleanup');
      }
    });
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.01, function* (c) {
            cm = c;
            yield* From(crash());
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(MyExc);
    expect((err as Error).message).toBe('cleanup');
    expect(cm.expired()).toBe(true);
  });

  it('leaves the task running the scope not cancelled (test_outer_task_is_not_cancelled)', async () => {
    let scope_task!: Task<unknown>;
    const outer = coroutine(function* () {
      try {
        yield* From(
          timeout(0.001, function* () {
            scope_task = current_task()!;
            yield From(sleep(10));
          }),
        );
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
      }
      yield From(sleep(0.1));
      return current_task()!.cancelling();
    });
    const task = loop.create_task(outer());
    expect(await loop.run_until_complete(task)).toBe(0);
    expect(task.cancelled()).toBe(false);
    expect(task.done()).toBe(true);
    expect(scope_task.cancelling()).toBe(0);
  });
});

describe('a deadline that does not strike', () => {
  it("resolves to the body's result (test_timeout_not_called)", async () => {
    let cm!: Timeout;
    const [result, t1] = await run(function* () {
      const value: string = yield* From(
        timeout(10, function* (c) {
          cm = c;
          yield From(sleep(0.01));
          return 'result';
        }),
      );
      return [value, loop.time()] as const;
    });
    expect(result).toBe('result');
    expect(cm.expired()).toBe(false);
    expect(cm.when()).toBeGreaterThan(t1);
    expect(String(cm)).toBe('<Timeout [finished]>');
    // The deadline's timer was cancelled: the loop has nothing left to wait for.
    expect(loop._scheduled.values().every((h) => h._cancelled)).toBe(true);
  });

  it('has no deadline with timeout(null) and timeout_at(null) (test_timeout_disabled, test_timeout_at_disabled)', async () => {
    for (const scope of [timeout, timeout_at]) {
      let cm!: Timeout;
      const result = await run(function* () {
        return yield* From(
          scope(null, function* (c) {
            cm = c;
            expect(String(c)).toBe('<Timeout [active] when=null>');
            yield From(sleep(1000));
            return 'slept';
          }),
        );
      });
      expect(result).toBe('slept');
      expect(cm.expired()).toBe(false);
      expect(cm.when()).toBeNull();
    }
  });

  it('lets an error of the body through untouched (test_foreign_exception_passed)', async () => {
    let cm!: Timeout;
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.01, function* (c) {
            cm = c;
            throw new MyExc('key');
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(MyExc);
    expect(cm.expired()).toBe(false);
  });

  it('lets a cancellation that is not its own through as CancelledError (test_foreign_cancel_doesnt_timeout_if_not_expired)', async () => {
    let cm!: Timeout;
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(10, function* (c) {
            cm = c;
            current_task()!.cancel();
            yield From(sleep(10));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect(cm.expired()).toBe(false);
    expect(loop.time()).toBe(0);
  });

  it('runs an async function body to its result', async () => {
    const result = await run(function* () {
      return yield* From(
        timeout(10, async (cm) => {
          await sleep(1);
          return `when=${cm.when()}`;
        }),
      );
    });
    expect(result).toBe('when=10');
  });
});

describe('reschedule()', () => {
  it('moves the deadline earlier', async () => {
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(10, function* (cm) {
            cm.reschedule(get_running_loop().time() + 1);
            expect(cm.when()).toBe(1);
            yield From(sleep(5));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBe(1);
  });

  it('moves the deadline later', async () => {
    let cm!: Timeout;
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(1, function* (c) {
            cm = c;
            yield From(sleep(0.5));
            c.reschedule(loop.time() + 2);
            yield From(sleep(10));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(cm.when()).toBe(2.5);
    expect(loop.time()).toBe(2.5);
  });

  it('removes the deadline with null', async () => {
    let cm!: Timeout;
    const result = await run(function* () {
      return yield* From(
        timeout(1, function* (c) {
          cm = c;
          c.reschedule(null);
          yield From(sleep(100));
          return 'slept';
        }),
      );
    });
    expect(result).toBe('slept');
    expect(cm.when()).toBeNull();
    expect(cm.expired()).toBe(false);
  });

  it('strikes on the next loop iteration for a deadline in the past', async () => {
    const trace: string[] = [];
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(10, function* (cm) {
            cm.reschedule(loop.time() - 5);
            trace.push(`right after: expired() = ${cm.expired()}`);
            try {
              yield null;
              trace.push('first yield passed');
            } catch (e) {
              trace.push(
                `first yield: ${(e as object).constructor.name}, expired() = ${cm.expired()}`,
              );
              throw e;
            }
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(trace).toEqual([
      'right after: expired() = false',
      'first yield: CancelledError, expired() = true',
    ]);
    expect(loop.time()).toBe(0);
  });

  it('can be called from outside the body, then a cancellation is just a cancellation (test_reschedule)', async () => {
    const deadline1 = 10;
    const deadline2 = deadline1 + 20;
    let task!: Task<void>;
    const whens: (number | null)[] = [];
    const cm = await run(function* () {
      const fut = new Future<Timeout>({ loop });
      task = loop.create_task(
        coroutine(function* () {
          yield* From(
            timeout_at(deadline1, function* (c) {
              fut.set_result(c);
              yield From(sleep(50));
            }),
          );
        })(),
      );
      const c = yield* From(fut);
      whens.push(c.when());
      c.reschedule(deadline2);
      whens.push(c.when());
      c.reschedule(null);
      whens.push(c.when());
      task.cancel();
      try {
        yield From(task);
      } catch (e) {
        expect(e).toBeInstanceOf(CancelledError);
      }
      return c;
    });
    expect(whens).toEqual([deadline1, deadline2, null]);
    expect(task.cancelled()).toBe(true);
    expect(cm.expired()).toBe(false);
  });

  it('refuses a deadline that is not a number with TypeError', async () => {
    await run(function* () {
      yield* From(
        timeout(10, function* (cm) {
          expect(() => cm.reschedule('soon' as never)).toThrow(TypeError);
          expect(() => cm.reschedule(NaN)).toThrow(
            /^reschedule\(\) when must be a number of seconds or null/,
          );
          expect(cm.when()).toBe(10);
        }),
      );
    });
  });

  it('is refused before the scope begins (test_timeout_not_entered)', () => {
    const cm = new Timeout(5);
    expect(() => cm.reschedule(1)).toThrow(new RuntimeError('Timeout has not been entered'));
    expect(() => cm.reschedule(1)).toThrow(RuntimeError);
    expect(cm.when()).toBe(5);
  });

  it('is refused once the scope finished (test_timeout_finished)', async () => {
    let cm!: Timeout;
    await run(function* () {
      yield* From(
        timeout(0.01, function* (c) {
          cm = c;
        }),
      );
    });
    expect(() => cm.reschedule(0.02)).toThrow(
      new RuntimeError('Cannot change state of finished Timeout'),
    );
  });

  it('is refused once the deadline struck (test_timeout_expired)', async () => {
    let cm!: Timeout;
    await rejection(
      run(function* () {
        yield* From(
          timeout(0.01, function* (c) {
            cm = c;
            yield From(sleep(1));
          }),
        );
      }),
    );
    expect(() => cm.reschedule(0.02)).toThrow(
      new RuntimeError('Cannot change state of expired Timeout'),
    );
  });

  it('is refused while the deadline is striking (test_timeout_expiring)', async () => {
    const refusals: unknown[] = [];
    const reprs: string[] = [];
    // The body swallows the cancellation: the scope then ends without TimeoutError.
    const result = await run(function* () {
      return yield* From(
        timeout(0.01, function* (cm) {
          try {
            yield From(sleep(1));
          } catch (e) {
            expect(e).toBeInstanceOf(CancelledError);
          }
          reprs.push(String(cm));
          try {
            cm.reschedule(0.02);
          } catch (e) {
            refusals.push(e);
          }
          return 'swallowed';
        }),
      );
    });
    expect(result).toBe('swallowed');
    expect(reprs).toEqual(['<Timeout [expiring]>']);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(RuntimeError);
    expect((refusals[0] as Error).message).toBe('Cannot change state of expiring Timeout');
  });
});

describe('repr', () => {
  it('shows the state, and the deadline while active (test_repr_active, test_repr_finished, test_repr_expired)', async () => {
    const reprs: string[] = [];
    const made = new Timeout(3.14159);
    reprs.push(String(made));
    let finished!: Timeout;
    await run(function* () {
      loop.advance_time(1.5);
      yield* From(
        timeout(10, function* (cm) {
          finished = cm;
          reprs.push(String(cm));
          yield From(sleep(0));
        }),
      );
    });
    reprs.push(String(finished));
    expect(reprs).toEqual([
      '<Timeout [created]>',
      '<Timeout [active] when=11.5>',
      '<Timeout [finished]>',
    ]);
  });

  it('rounds the deadline to three decimals', async () => {
    const repr = await run(function* () {
      return yield* From(timeout_at(2.718281828, (cm) => String(cm)));
    });
    expect(repr).toBe('<Timeout [active] when=2.718>');
  });
});

describe('nested timeouts', () => {
  it('raises TimeoutError from the outer scope only when both strike at once (test_nested_timeouts)', async () => {
    let cm1!: Timeout, cm2!: Timeout;
    let inner_error: unknown = null;
    const err = await rejection(
      run(function* () {
        const deadline = loop.time() + 0.01;
        yield* From(
          timeout_at(deadline, function* (c1) {
            cm1 = c1;
            try {
              yield* From(
                timeout_at(deadline, function* (c2) {
                  cm2 = c2;
                  yield From(sleep(10));
                }),
              );
            } catch (e) {
              inner_error = e;
              throw e;
            }
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(inner_error).toBeInstanceOf(CancelledError);
    expect(cm1.expired()).toBe(true);
    expect(cm2.expired()).toBe(true);
  });

  it('raises TimeoutError from the inner scope, which the outer body may catch', async () => {
    let outer!: Timeout, inner!: Timeout;
    const result = await run(function* () {
      return yield* From(
        timeout(10, function* (c1) {
          outer = c1;
          try {
            yield* From(
              timeout(0.5, function* (c2) {
                inner = c2;
                yield From(sleep(5));
              }),
            );
          } catch (e) {
            return `${(e as object).constructor.name} at ${loop.time()}`;
          }
        }),
      );
    });
    expect(result).toBe('TimeoutError at 0.5');
    expect(inner.expired()).toBe(true);
    expect(outer.expired()).toBe(false);
  });

  it('cancels the inner scope when the outer deadline strikes first', async () => {
    let outer!: Timeout, inner!: Timeout;
    let inner_error: unknown = null;
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.5, function* (c1) {
            outer = c1;
            try {
              yield* From(
                timeout(10, function* (c2) {
                  inner = c2;
                  yield From(sleep(5));
                }),
              );
            } catch (e) {
              inner_error = e;
              throw e;
            }
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(inner_error).toBeInstanceOf(CancelledError);
    expect(outer.expired()).toBe(true);
    expect(inner.expired()).toBe(false);
    expect(loop.time()).toBe(0.5);
  });

  it('lets the outer deadline interrupt work after an inner TimeoutError (test_nested_timeouts_loop_busy)', async () => {
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.1, function* () {
            try {
              yield* From(
                timeout(0.01, function* () {
                  yield From(sleep(1));
                }),
              );
            } catch (e) {
              expect(e).toBeInstanceOf(TimeoutError);
            }
            yield From(sleep(10));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeCloseTo(0.1, 9);
  });

  it('raises its own TimeoutError from a timeout in the cleanup of a timed-out body (test_nested_timeout_in_finally)', async () => {
    const errors: unknown[] = [];
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.01, function* () {
            try {
              yield From(sleep(1));
            } finally {
              try {
                yield* From(
                  timeout(0.01, function* () {
                    yield From(sleep(10));
                  }),
                );
              } catch (e) {
                errors.push(e);
              }
            }
          }),
        );
      }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect((errors[0] as Error).cause).toBeInstanceOf(CancelledError);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).cause).toBeInstanceOf(CancelledError);
    expect(loop.time()).toBeCloseTo(0.02, 9);
  });
});

describe('cancellations that are not the deadline', () => {
  it('gives CancelledError, not TimeoutError, when the waiting task is cancelled in the iteration the deadline strikes', async () => {
    for (const cancel_first of [true, false]) {
      let cm!: Timeout;
      const outer = coroutine(function* () {
        yield* From(
          timeout_at(1, function* (c) {
            cm = c;
            // Equal deadlines run in scheduling order: this one after the scope's.
            if (!cancel_first) loop.call_at(1, () => task.cancel());
            yield From(sleep(10));
          }),
        );
      });
      if (!cancel_first) {
        loop.close();
        loop = new TestLoop();
      }
      const task: Task<void> = loop.create_task(outer());
      // Scheduled before the scope begins: it runs just before the deadline, in the same iteration.
      if (cancel_first) loop.call_at(1, () => task.cancel());
      const err = await rejection(loop.run_until_complete(task));
      expect(err).toBeInstanceOf(CancelledError);
      expect(task.cancelled()).toBe(true);
      expect(cm.expired()).toBe(true);
      expect(loop.time()).toBe(1);
    }
  });

  it('raises TimeoutError in the cleanup of a task whose cancellation was caught (test_timeout_after_cancellation)', async () => {
    const result = await run(function* () {
      try {
        current_task()!.cancel();
        yield From(sleep(1));
      } catch (e) {
        expect(e).toBeInstanceOf(CancelledError);
      }
      try {
        yield* From(
          timeout(0, function* () {
            yield From(sleep(1));
          }),
        );
      } catch (e) {
        return (e as object).constructor.name;
      }
    });
    expect(result).toBe('TimeoutError');
  });

  it('lets a cancellation inside a scope in such a cleanup through (test_cancel_in_timeout_after_cancellation)', async () => {
    let cm!: Timeout;
    const result = await run(function* () {
      try {
        current_task()!.cancel();
        yield From(sleep(1));
      } catch (e) {
        expect(e).toBeInstanceOf(CancelledError);
      }
      try {
        yield* From(
          timeout(1, function* (c) {
            cm = c;
            current_task()!.cancel();
            yield From(sleep(2));
          }),
        );
      } catch (e) {
        return (e as object).constructor.name;
      }
    });
    expect(result).toBe('CancelledError');
    expect(cm.expired()).toBe(false);
    expect(loop.time()).toBe(0);
  });

  it('passes a cancellation of the waiting task through, and leaves the deadline unexpired', async () => {
    let cm!: Timeout;
    let seen: unknown = null;
    const outer = coroutine(function* () {
      yield* From(
        timeout(10, function* (c) {
          cm = c;
          try {
            yield From(sleep(5));
          } catch (e) {
            seen = e;
            throw e;
          }
        }),
      );
    });
    const task = loop.create_task(outer());
    loop.call_later(1, () => task.cancel('stop'));
    const err = await rejection(loop.run_until_complete(task));
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).message).toBe('stop');
    expect((seen as Error).message).toBe('stop');
    expect(cm.expired()).toBe(false);
    expect(String(cm)).toBe('<Timeout [finished]>');
    expect(loop.time()).toBe(1);
  });
});

describe('timeouts and task groups', () => {
  it('raises TimeoutError after cancelling every child of a group inside it', async () => {
    const trace: string[] = [];
    const child = coroutine(function* (label: string) {
      try {
        yield From(sleep(10));
      } catch (e) {
        trace.push(`${label} cancelled at ${loop.time()}`);
        throw e;
      }
    });
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(1, function* () {
            yield* From(
              task_group(function* (tg) {
                tg.create_task(child('a'));
                tg.create_task(child('b'));
              }),
            );
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).cause).toBeInstanceOf(CancelledError);
    expect(trace).toEqual(['a cancelled at 1', 'b cancelled at 1']);
  });

  it('lets the ExceptionGroup of children failing in their cleanup through (test_timeout_taskgroup)', async () => {
    let cm!: Timeout;
    const task = coroutine(function* () {
      try {
        yield From(sleep(2));
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new MyExc('crash in cleanup');
      }
    });
    const err = await rejection(
      run(function* () {
        yield* From(
          timeout(0.01, function* (c) {
            cm = c;
            yield* From(
              task_group(function* (tg) {
                tg.create_task(task());
                try {
                  throw new RangeError('body');
                } finally {
                  yield From(sleep(1));
                }
              }),
            );
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(ExceptionGroup);
    const eg = err as ExceptionGroup;
    expect(eg.exceptions).toHaveLength(1);
    expect(eg.exceptions[0]).toBeInstanceOf(MyExc);
    expect(cm.expired()).toBe(true);
  });

  it('reports a timeout inside a child as one of the group errors', async () => {
    const err = await rejection(
      run(function* () {
        yield* From(
          task_group(function* (tg) {
            tg.create_task(
              coroutine(function* () {
                yield* From(
                  timeout(0.5, function* () {
                    yield From(sleep(10));
                  }),
                );
              })(),
            );
            tg.create_task(sleep(10));
          }),
        );
      }),
    );
    expect(err).toBeInstanceOf(ExceptionGroup);
    expect((err as ExceptionGroup).exceptions.map((e) => (e as object).constructor)).toEqual([
      TimeoutError,
    ]);
    expect(loop.time()).toBe(0.5);
  });
});

describe('bad input', () => {
  it('refuses a delay or deadline that is not a number with TypeError, at the call', async () => {
    let called = false;
    const body = function* () {
      called = true;
    };
    await run(function* () {
      expect(() => timeout('x' as never, body)).toThrow(TypeError);
      expect(() => timeout('x' as never, body)).toThrow(
        /^timeout\(\) delay must be a number of seconds or null, got /,
      );
      expect(() => timeout(NaN, body)).toThrow(TypeError);
      expect(() => timeout_at('x' as never, body)).toThrow(
        /^timeout_at\(\) when must be a number of seconds or null, got /,
      );
      expect(() => new Timeout('x' as never)).toThrow(TypeError);
      yield From(sleep(0));
    });
    expect(called).toBe(false);
  });

  it('refuses a body that is not a function with TypeError, at the call', async () => {
    await run(function* () {
      expect(() => timeout(1, 'body' as never)).toThrow(TypeError);
      expect(() => timeout(1, null as never)).toThrow(
        /^timeout\(\) needs a function taking the Timeout/,
      );
      expect(() => timeout_at(1, {} as never)).toThrow(
        /^timeout_at\(\) needs a function taking the Timeout/,
      );
      yield From(sleep(0));
    });
  });

  it('needs a running loop: RuntimeError outside one, and the body is not called', () => {
    let called = false;
    const body = function* () {
      called = true;
    };
    expect(() => timeout(1, body)).toThrow(RuntimeError);
    expect(() => timeout(1, body)).toThrow(/^timeout\(\) needs a running event loop/);
    expect(() => timeout_at(1, body)).toThrow(/^timeout_at\(\) needs a running event loop/);
    expect(called).toBe(false);
  });
});

describe('wait_for()', () => {
  it('still times out with TimeoutError, and still returns a result in time', async () => {
    const [late, early] = await run(function* () {
      let late_error: unknown = null;
      try {
        yield From(wait_for(sleep(10), 1));
      } catch (e) {
        late_error = e;
      }
      const early_result: string = yield* From(wait_for(sleep(0.5, 'in time'), 1));
      return [late_error, early_result] as const;
    });
    expect(late).toBeInstanceOf(TimeoutError);
    expect(early).toBe('in time');
    expect(loop.time()).toBe(1.5);
  });
});
