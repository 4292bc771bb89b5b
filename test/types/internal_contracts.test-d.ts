// Type-level tests, checked by `tsc` (npm run typecheck): the public classes still carry the internal contracts they used to declare with `implements`.
//
// The published types (dist/trollius.d.ts) are built with stripInternal, so a public
// class may not name an internal interface in an `implements` clause: the clause
// would point at a declaration that is not there. The checks those clauses made
// live here instead.
import type { BaseEventLoop } from '../../src/base_events.js';
import type { Waiter } from '../../src/futures.js';
import type { HandleOwner, Handle, Runnable } from '../../src/handles.js';
import type { _LoopInternals } from '../../src/loop_internals.js';
import type { HostResource } from '../../src/raw_transport.js';
import type { Server } from '../../src/server.js';
import type { Task } from '../../src/tasks.js';

/** Compiles only when T is assignable to U. */
type Implements<T extends U, U> = T;

type _loop = Implements<BaseEventLoop, _LoopInternals>;
type _loop_owns_handles = Implements<BaseEventLoop, HandleOwner>;
type _task = Implements<Task<unknown>, Waiter>;
type _task_runs = Implements<Task<unknown>, Runnable>;
type _handle = Implements<Handle, Runnable>;
type _server = Implements<Server, HostResource>;
