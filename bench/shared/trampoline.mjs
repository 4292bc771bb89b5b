// A reference, not a peer: the least a generator-based scheduler can do for the task switch.
//
// Tasks wait on one-waiter futures and run from a ready queue, nothing more: no
// loop iterations, no cancellation, no current task, no errors. It measures what
// the JavaScript engine itself charges for resuming generators, so it marks the
// ceiling any generator coroutine library can reach on this machine.

let ready = [];
let head = 0;

class OneWaiterFuture {
  constructor() {
    this.value = undefined;
    this.waiter = null;
  }

  set_result(value) {
    this.value = value;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.woken_by = this;
      ready.push(waiter);
    }
  }
}

class GeneratorTask {
  constructor(gen) {
    this.gen = gen;
    this.woken_by = null;
    ready.push(this);
  }

  step() {
    const value = this.woken_by === null ? undefined : this.woken_by.value;
    this.woken_by = null;
    const next = this.gen.next(value);
    if (!next.done) next.value.waiter = this;
  }
}

/** Two generators ping-pong `n` round trips through one-waiter futures; returns seconds. */
export function trampoline_task_switch(n) {
  const slots = { a: null, b: null };
  const side = (mine, theirs) =>
    function* () {
      for (let i = 0; i < n; i++) {
        const future = new OneWaiterFuture();
        slots[mine] = future;
        const other = slots[theirs];
        if (other !== null) {
          slots[theirs] = null;
          other.set_result(null);
        }
        yield future;
      }
      if (slots[theirs] !== null) slots[theirs].set_result(null);
    };
  const t0 = performance.now();
  new GeneratorTask(side('a', 'b')());
  new GeneratorTask(side('b', 'a')());
  while (head < ready.length) {
    ready[head++].step();
    if (head === 4096) {
      ready = ready.slice(head);
      head = 0;
    }
  }
  ready = [];
  head = 0;
  return (performance.now() - t0) / 1000;
}
