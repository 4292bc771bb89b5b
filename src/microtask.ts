// queue_microtask(): a microtask at the cost of a Promise reaction, for the loop's hot paths.

const settled = /* @__PURE__ */ Promise.resolve();

/**
 * Run `callback` as a microtask, as `queueMicrotask` does. Node's
 * `queueMicrotask` wraps each callback in an async-hooks resource, which made
 * it a third of the cost of an `await` on a Future; a reaction to a settled
 * Promise runs at the same point for the price of one Promise. `callback`
 * must not throw: its error would be an unhandled rejection.
 * @internal
 */
export function queue_microtask(callback: () => void): void {
  void settled.then(callback);
}
