// One loop world per process: the first trollius Node build loaded registers its API on globalThis, and any later one (ESM beside CJS) exports that API instead of its own.
//
// The hazard: an app `import`s trollius (dist/trollius.node.mjs) while a
// dependency `require`s it (dist/trollius.node.cjs). Node then evaluates two
// copies of the whole library, each with its own classes, current-loop policy,
// running-loop record and task lists: a CancelledError of one is not
// `instanceof` the other's, `get_event_loop()` of one does not see
// `set_event_loop()` of the other, and a Task of one does not recognise the
// other's Futures.
//
// Why the whole API object, not a shared policy or a shared class registry:
// sharing the state piece by piece would have to reach every module-level
// variable of the core (policy, running loop, task registry, platform, the
// hooks registered at load...) and keep doing so as the core
// grows; one missed piece is a bug that only shows with two builds loaded. If
// instead the second build never uses its own implementation, every identity
// and every piece of state is the first build's, with nothing to keep in sync.
// The second copy is still evaluated (a bundle is one module), but it only
// defines classes and functions nobody reaches; it installs no platform.
//
// The generated entry of the Node bundles (scripts/node_entry.mjs, wired in
// rollup.config.mjs) calls `process_api()` and exports the returned object's
// members under the names of the local build. Only the Node bundles do this:
// a page loads one browser bundle, and those stay plain, tree-shakable modules.

import * as own_api from '../../src/index.js';
import { IO_METHODS } from '../../src/loop_io_methods.js';
import { install_platform } from '../../src/platform.js';

import { node_platform } from './platform.js';

/** The public surface of one trollius build: what `import * as trollius from 'trollius'` gives. */
export type TrolliusApi = typeof own_api;

/** What the first build leaves on `globalThis[Symbol.for(registry_key)]`. */
export interface RegisteredApi {
  /** The package version of the build that registered (for the warning below and for debugging). */
  readonly version: string;
  /** Its public API: the exports of its `src/index.ts`. */
  readonly api: TrolliusApi;
}

/** True when `value` is a registration whose API has every name this build exports. */
function is_complete_registration(value: unknown): value is RegisteredApi {
  if (typeof value !== 'object' || value === null) return false;
  const api = (value as { api?: unknown }).api;
  if (typeof api !== 'object' || api === null) return false;
  return Object.keys(own_api).every((name) => name in api);
}

/**
 * The API this build's entry exports: the one registered in this process
 * (realm) under `Symbol.for(registry_key)` if there is one, else this build's
 * own, which is then registered and gets the Node backend installed.
 *
 * `registry_key` names a semver-compatible range (`trollius.api@1`, or
 * `trollius.api@0.1` before 1.0, where each minor may break), so builds that
 * cannot work together never mix. A compatible build that is older than this
 * one may lack names this one exports; then this build keeps its own
 * implementation, separate, and says so with a process warning, rather than
 * exporting `undefined` for the missing names or mixing two implementations.
 *
 * Worker threads have a global object of their own, hence a loop world of
 * their own, as an asyncio thread has its own loop.
 */
export function process_api(registry_key: string, version: string): TrolliusApi {
  const key = Symbol.for(registry_key);
  const registered = (globalThis as Record<symbol, unknown>)[key];
  if (is_complete_registration(registered)) return registered.api;

  install_platform(node_platform, IO_METHODS);
  if (registered === undefined) {
    const registration: RegisteredApi = Object.freeze({ version, api: own_api });
    // Not writable, enumerable or configurable: the process keeps one world for good.
    Object.defineProperty(globalThis, key, { value: registration });
  } else {
    const other = (registered as { version?: unknown } | null)?.version;
    process.emitWarning(
      `trollius ${version} found another build (${typeof other === 'string' ? other : 'of unknown version'}) ` +
        `registered under Symbol.for('${registry_key}') that lacks names this build exports, so it uses ` +
        'its own implementation: Futures, Tasks, errors and the current event loop are not shared between ' +
        'the two. Install a single trollius version (npm dedupe).',
      { code: 'TROLLIUS_SEPARATE_LOOP_WORLD' },
    );
  }
  return own_api;
}
