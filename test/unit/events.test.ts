// Handles, timer handles, the abstract loop, and the event loop policy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  AbstractEventLoop,
  AbstractEventLoopPolicy,
  BaseEventLoop,
  DefaultEventLoopPolicy,
  Future,
  Handle,
  Lock,
  NotImplementedError,
  Queue,
  RuntimeError,
  SelectorEventLoop,
  TimerHandle,
  _get_running_loop,
  _set_running_loop,
  all_tasks,
  get_event_loop,
  get_event_loop_policy,
  get_running_loop,
  new_event_loop,
  set_event_loop,
  set_event_loop_policy,
  sleep,
} from '../../src/index.js';
import { IN_PAGE, TestLoop, run_briefly } from '../support/test_loop.js';

describe('Handle', () => {
  it('runs its callback with its arguments, and cancel() drops both (test_handle)', () => {
    const loop = new TestLoop();
    const seen: unknown[] = [];
    const callback = (...args: unknown[]): number => seen.push(args);
    const handle = new Handle(callback, [1, 'a'], loop);
    expect(handle.cancelled()).toBe(false);
    handle._run();
    expect(seen).toEqual([[1, 'a']]);
    handle.cancel();
    expect(handle.cancelled()).toBe(true);
    expect(handle._callback).toBeNull();
    expect(handle._args).toBeNull();
    loop.close();
  });

  it('shows the callback and arguments in its repr (test_handle_repr)', () => {
    const loop = new TestLoop();
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    function noop(): void {}
    const handle = new Handle(noop, [1, 'x'], loop);
    expect(String(handle)).toBe("<Handle noop(1, 'x')>");
    handle.cancel();
    expect(String(handle)).toBe('<Handle cancelled>');
    loop.set_debug(true);
    const debug_handle = new Handle(noop, [], loop);
    debug_handle.cancel();
    expect(String(debug_handle)).toMatch(
      IN_PAGE
        ? /^<Handle cancelled noop\(\) created at /
        : /^<Handle cancelled noop\(\) created at .*events\.test\.ts/,
    );
    loop.close();
  });

  it.skipIf(IN_PAGE)(
    'records where it was created in debug mode (test_handle_source_traceback)',
    () => {
      const loop = new TestLoop();
      loop.set_debug(true);
      const handle = loop.call_soon(() => {});
      expect(handle._source_traceback).toMatch(/events\.test\.ts/);
      loop.close();
    },
  );
});

describe('TimerHandle', () => {
  it('knows when it is due and shows it (test_timer, test_timer_repr)', () => {
    const loop = new TestLoop();
    loop.set_debug(false); // reprs gain 'created at …' in debug mode
    function noop(): void {}
    const timer = loop.call_at(10, noop);
    expect(timer).toBeInstanceOf(TimerHandle);
    expect(timer.when()).toBe(10);
    expect(String(timer)).toBe('<TimerHandle when=10 noop()>');
    timer.cancel();
    expect(String(timer)).toBe('<TimerHandle cancelled when=10>');
    loop.close();
  });

  it('tells the loop about its first cancel only', () => {
    const loop = new TestLoop();
    const timer = loop.call_later(1, () => {});
    timer.cancel();
    timer.cancel();
    expect(loop._timer_cancelled_count).toBe(1);
    loop.close();
  });
});

describe('AbstractEventLoop', () => {
  it('raises NotImplementedError for every method (test_not_implemented)', () => {
    class Bare extends AbstractEventLoop {}
    const bare = new Bare();
    expect(() => bare.run_forever()).toThrow(NotImplementedError);
    expect(() => bare.call_soon(() => {})).toThrow(
      'call_soon() is not implemented by this event loop',
    );
    expect(() => bare.time()).toThrow(NotImplementedError);
    expect(() => bare.create_future()).toThrow(NotImplementedError);
  });
});

describe('policy', () => {
  // Start and end with a fresh default policy, whatever other test files did.
  beforeEach(() => {
    set_event_loop_policy(null);
  });
  afterEach(() => {
    set_event_loop_policy(null);
  });

  it('creates the default policy and its loop on first use (test_get_event_loop)', () => {
    const policy = get_event_loop_policy();
    expect(policy).toBeInstanceOf(DefaultEventLoopPolicy);
    expect(get_event_loop_policy()).toBe(policy);
    const loop = get_event_loop();
    expect(loop).toBeInstanceOf(BaseEventLoop);
    expect(get_event_loop()).toBe(loop);
    loop.close();
  });

  it('does not create a loop after set_event_loop(null) (test_get_event_loop_after_set_none)', () => {
    set_event_loop(null);
    expect(() => get_event_loop()).toThrow(
      new RuntimeError("There is no current event loop in thread 'MainThread'."),
    );
  });

  it('new_event_loop() makes a loop that is not current (test_new_event_loop)', () => {
    const current = get_event_loop();
    const fresh = new_event_loop();
    expect(fresh).not.toBe(current);
    expect(get_event_loop()).toBe(current);
    set_event_loop(fresh);
    expect(get_event_loop()).toBe(fresh);
    fresh.close();
    current.close();
  });

  it('refuses what is not a loop or a policy (test_set_event_loop, test_set_event_loop_policy)', () => {
    expect(() => set_event_loop({} as never)).toThrow(TypeError);
    expect(() => set_event_loop_policy({} as never)).toThrow(TypeError);
  });

  it('accepts a custom policy', () => {
    const loop = new TestLoop();
    class Fixed extends AbstractEventLoopPolicy {
      override get_event_loop(): AbstractEventLoop {
        return loop;
      }
    }
    set_event_loop_policy(new Fixed());
    expect(get_event_loop()).toBe(loop);
    loop.close();
  });

  it('returns the running loop from inside it, whatever the policy says', async () => {
    const current = get_event_loop();
    const other = new TestLoop();
    let inside: unknown = null;
    let running: unknown = null;
    other.call_soon(() => {
      inside = get_event_loop();
      running = get_running_loop();
    });
    await run_briefly(other);
    expect(inside).toBe(other);
    expect(running).toBe(other);
    expect(() => get_running_loop()).toThrow(new RuntimeError('no running event loop'));
    other.close();
    current.close();
  });

  it('returns the one running loop from async code resumed between its turns', async () => {
    const other = new TestLoop();
    const seen = await other.run_until_complete(
      (async () => {
        await Promise.resolve();
        return get_event_loop();
      })(),
    );
    expect(seen).toBe(other);
    other.close();
  });
});

describe('_get_running_loop() and _set_running_loop(), for loops that run their own callbacks', () => {
  it('_get_running_loop() is the running loop, or null where get_running_loop() throws', async () => {
    const loop = new TestLoop();
    let inside: unknown;
    loop.call_soon(() => {
      inside = _get_running_loop();
    });
    await run_briefly(loop);
    expect(inside).toBe(loop);
    expect(_get_running_loop()).toBeNull();
    loop.close();
  });

  it('_set_running_loop() sets what get_running_loop() returns, and gives back the loop it replaces', () => {
    const loop = new TestLoop();
    expect(_set_running_loop(loop)).toBeNull();
    try {
      expect(get_running_loop()).toBe(loop);
      expect(get_event_loop()).toBe(loop);
    } finally {
      expect(_set_running_loop(null)).toBe(loop);
    }
    expect(() => get_running_loop()).toThrow(new RuntimeError('no running event loop'));
    loop.close();
  });

  it('SelectorEventLoop, as older asyncio code makes its loops, is the platform loop class', () => {
    expect(SelectorEventLoop).toBe(BaseEventLoop);
    const loop = new SelectorEventLoop();
    expect(loop.is_running()).toBe(false);
    loop.close();
  });
});

describe('the loop contract', () => {
  it('refuses a loop that is not a trollius loop at the call, saying what to use', () => {
    class ForeignLoop extends AbstractEventLoop {}
    const foreign = new ForeignLoop();
    const expected = /needs a trollius event loop \(a BaseEventLoop or a subclass\)/;
    expect(() => new Future({ loop: foreign })).toThrow(expected);
    expect(() => new Lock({ loop: foreign })).toThrow(expected);
    expect(() => new Queue({ loop: foreign })).toThrow(expected);
    expect(() => sleep(1, null, { loop: foreign })).toThrow(expected);
    expect(() => all_tasks(foreign)).toThrow(expected);
  });
});
