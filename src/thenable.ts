// is_thenable(): what the loop, Tasks and wrap_future() take for a Promise (anything with a callable then).

/** Whether `obj` has a callable `then`. @internal */
export function is_thenable(obj: unknown): obj is PromiseLike<unknown> {
  return (
    obj !== null &&
    (typeof obj === 'object' || typeof obj === 'function') &&
    typeof (obj as { then?: unknown }).then === 'function'
  );
}
