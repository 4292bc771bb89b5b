// _enter_task() and _leave_task(): what current_task() answers for code that runs a task's steps itself (asyncio's test_tasks.py cases).
import { describe, expect, it } from 'vitest';

import {
  RuntimeError,
  Task,
  _enter_task,
  _leave_task,
  current_task,
  type BaseEventLoop,
} from '../../src/index.js';
import { TestLoop, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop((l) => (loop = l));

/** A task of `loop` that is not running (its first step is only scheduled). */
function idle_task(name: string): Task<unknown> {
  return loop.create_task(
    (function* () {
      yield null;
    })(),
    { name },
  );
}

describe('_enter_task() and _leave_task()', () => {
  it('make a task the current one, and then none (test__enter_task, test__leave_task)', () => {
    const task = idle_task('a');
    expect(current_task(loop)).toBeNull();
    _enter_task(loop, task);
    expect(current_task(loop)).toBe(task);
    _leave_task(loop, task);
    expect(current_task(loop)).toBeNull();
  });

  it('refuse to enter a task while another is current, which stays current (test__enter_task_failure)', () => {
    const [a, b] = [idle_task('a'), idle_task('b')];
    _enter_task(loop, a);
    expect(() => _enter_task(loop, b)).toThrow(
      new RuntimeError(`Cannot enter into task ${b} while another task ${a} is being executed.`),
    );
    expect(current_task(loop)).toBe(a);
    _leave_task(loop, a);
  });

  it('refuse to leave a task that is not the current one (test__leave_task_failure1 and 2)', () => {
    const [a, b] = [idle_task('a'), idle_task('b')];
    expect(() => _leave_task(loop, a)).toThrow(
      new RuntimeError(`Leaving task ${a} does not match the current task null.`),
    );
    expect(current_task(loop)).toBeNull();
    _enter_task(loop, a);
    expect(() => _leave_task(loop, b)).toThrow(
      new RuntimeError(`Leaving task ${b} does not match the current task ${a}.`),
    );
    expect(current_task(loop)).toBe(a);
    _leave_task(loop, a);
  });

  it('refuse a task while a Task step runs: the stepping task is the current one', async () => {
    const other = idle_task('other');
    let refused: unknown = null;
    let expected = '';
    const runner = loop.create_task(
      (function* () {
        expected = `Cannot enter into task ${other} while another task ${current_task(loop)} is being executed.`;
        try {
          _enter_task(loop, other);
        } catch (error) {
          refused = error;
        }
        yield null;
      })(),
      { name: 'runner' },
    );
    await loop.run_until_complete(runner);
    expect(expected).toContain("name='runner'");
    expect(refused).toEqual(new RuntimeError(expected));
  });

  it('refuse a loop that is not a trollius loop, saying what to use', () => {
    const task = idle_task('a');
    const not_a_loop = {} as BaseEventLoop;
    expect(() => _enter_task(not_a_loop, task)).toThrow(TypeError);
    expect(() => _enter_task(not_a_loop, task)).toThrow(
      /_enter_task\(\) needs a trollius event loop/,
    );
  });
});
