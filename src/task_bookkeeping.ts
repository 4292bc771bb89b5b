// asyncio's _enter_task() and _leave_task(): what makes current_task() answer, for code that runs a task's steps itself (asyncio tasks.py).
//
// A Task marks itself as its loop's current task around each step; these are
// for a custom task or coroutine runner that does the same, as asyncio's are.

import type { AbstractEventLoop } from './events.js';
import { RuntimeError } from './exceptions.js';
import { repr } from './format_helpers.js';
import { _loop_of } from './loop_internals.js';
import type { Task } from './tasks.js';

/**
 * Make `task` the task `current_task(loop)` returns, as a Task does at the
 * start of each step. Throws `RuntimeError` if another task is current.
 */
export function _enter_task(loop: AbstractEventLoop, task: Task<unknown>): void {
  const internals = _loop_of(loop, '_enter_task()');
  const current = internals._current_task;
  if (current !== null) {
    throw new RuntimeError(
      `Cannot enter into task ${repr(task)} while another task ${repr(current)} is being executed.`,
    );
  }
  internals._current_task = task;
}

/**
 * End what `_enter_task(loop, task)` began: `current_task(loop)` is `null`
 * again. Throws `RuntimeError` if `task` is not the current task.
 */
export function _leave_task(loop: AbstractEventLoop, task: Task<unknown>): void {
  const internals = _loop_of(loop, '_leave_task()');
  const current = internals._current_task;
  if (current !== task) {
    throw new RuntimeError(
      `Leaving task ${repr(task)} does not match the current task ${repr(current)}.`,
    );
  }
  internals._current_task = null;
}
