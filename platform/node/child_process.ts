// Node backend: child_process.spawn -> the core's RawProcess (subprocess_exec / subprocess_shell).
//
// Usage: `spawn` becomes the node_platform member of the same name.
// @see https://nodejs.org/api/child_process.html#child_processspawncommand-args-options

import child_process, { type ChildProcess, type StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { OSError, os_error_from_code } from '../../src/os_errors.js';
import type { RawProcess, RawStream, SpawnOptions, SpawnStdio } from '../../src/platform.js';

import { map_error } from './errors.js';
import { _NodeStream } from './stream.js';

const SIGNALS = os.constants.signals as Readonly<Record<string, number>>;

/** Python's `subprocess` runs shell commands with `/bin/sh -c`. */
const SHELL = '/bin/sh';

type NodeStdio = Exclude<StdioOptions, string>[number];

function stdio_of(value: SpawnStdio): NodeStdio {
  if (value === 'pipe') return 'pipe';
  if (value === 'inherit') return 'inherit';
  if (value === 'devnull') return 'ignore';
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null) return value.host as NodeStdio;
  throw new TypeError(`unexpected stdio value ${String(value)}`);
}

/** Find `program` as execvp(3) does: a path with a slash as is, else along `PATH`. */
function find_program(program: string, env: NodeJS.ProcessEnv, cwd: string): void {
  const candidates = program.includes('/')
    ? [path.resolve(cwd, program)]
    : (env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin')
        .split(':')
        .map((dir) => path.resolve(cwd, dir || '.', program));
  let denied = false;
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return;
      denied = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  const code = denied ? 'EACCES' : 'ENOENT';
  const [errno, strerror] = denied ? [13, 'Permission denied'] : [2, 'No such file or directory'];
  const cls = os_error_from_code(code).constructor as new (
    errno: number,
    strerror: string,
    options: object,
  ) => OSError;
  throw new cls(errno, strerror, { code, filename: program });
}

/** Map a spawn failure as Python's `Popen` reports it: `[Errno 2] No such file or directory: 'prog'`. */
function spawn_error(err: unknown, program: string): Error {
  const mapped = map_error(err);
  if (!(mapped instanceof OSError) || mapped.errno === null || mapped.strerror === null) {
    return mapped;
  }
  const cls = mapped.constructor as new (
    errno: number,
    strerror: string,
    options: object,
  ) => OSError;
  const options = { code: mapped.code, filename: program, cause: (err as Error) ?? undefined };
  return new cls(mapped.errno, mapped.strerror, options);
}

function noop(): void {}

/**
 * Keep a child's output in the pipe until the core reads it. At exit Node
 * resumes every stdio stream nobody has read yet (`flushStdio` in
 * lib/internal/child_process.js), which would drop output the transport has
 * not started reading: `resume()` only takes effect once a `'data'` listener
 * is attached, which the RawStream does when the core starts reading.
 */
function hold_output(stream: Readable): void {
  const resume = stream.resume;
  stream.resume = function (this: Readable): Readable {
    return this.listenerCount('data') > 0 ? resume.call(this) : this;
  };
}

/** @internal A spawned child: its pipes as RawStreams, its exit status. */
class _NodeProcess implements RawProcess {
  on_exit: (returncode: number) => void = noop;
  readonly stdio: readonly [RawStream | null, RawStream | null, RawStream | null];
  readonly extra: Readonly<Record<string, unknown>>;
  readonly pid: number;
  returncode: number | null = null;
  private _started = false;
  private readonly _child: ChildProcess;

  constructor(child: ChildProcess) {
    this._child = child;
    this.pid = child.pid!;
    this.extra = { subprocess: child };
    const { stdin, stdout, stderr } = child;
    if (stdout !== null) hold_output(stdout);
    if (stderr !== null) hold_output(stderr);
    this.stdio = [
      stdin === null ? null : new _NodeStream(stdin, { pipe: stdin }, true),
      stdout === null ? null : new _NodeStream(stdout, { pipe: stdout }, false),
      stderr === null ? null : new _NodeStream(stderr, { pipe: stderr }, false),
    ];
    child.once('exit', (code, signal) => {
      this.returncode = code ?? -(SIGNALS[signal ?? ''] ?? 0);
      if (this._started) this.on_exit(this.returncode);
    });
  }

  start(): void {
    this._started = true;
    if (this.returncode !== null) this.on_exit(this.returncode);
  }

  send_signal(name: string): void {
    if (this.returncode !== null) return;
    // false when the child is already gone (ESRCH): nothing to do, as Popen.send_signal.
    this._child.kill(name as NodeJS.Signals);
  }
}

/**
 * Start `opts.args` (or `/bin/sh -c opts.args[0]` with `shell`); resolve once
 * the child runs (Node's `'spawn'` event), reject with `FileNotFoundError` /
 * `PermissionError` (filename: the program) when it cannot start.
 *
 * `stderr: 'stdout'` with a piped stdout (Python's `stderr=STDOUT`) needs
 * fd 2 to be the very pipe of fd 1, which Node cannot express: the child is
 * then started through `/bin/sh -c 'exec 2>&1; exec "$0" "$@"'` (the same
 * pid, as `exec` replaces the shell), after the program was looked up as
 * execvp does, so a missing program still fails with `FileNotFoundError`.
 */
export function spawn(opts: SpawnOptions): Promise<RawProcess> {
  return new Promise<RawProcess>((resolve, reject) => {
    const env = opts.env ?? process.env;
    const cwd = opts.cwd ?? process.cwd();
    let file: string;
    let args: string[];
    const stdio: NodeStdio[] = [stdio_of(opts.stdin), stdio_of(opts.stdout), 'inherit'];
    let merge = false;
    if (opts.stderr === 'stdout') {
      if (opts.stdout === 'pipe') merge = true;
      else stdio[2] = opts.stdout === 'inherit' ? 1 : stdio[1]!;
    } else {
      stdio[2] = stdio_of(opts.stderr);
    }
    if (opts.shell) {
      file = SHELL;
      args = ['-c', merge ? `exec 2>&1\n${opts.args[0]!}` : opts.args[0]!];
    } else if (merge) {
      find_program(opts.args[0]!, env, cwd);
      file = SHELL;
      args = ['-c', 'exec 2>&1; exec "$0" "$@"', ...opts.args];
    } else {
      file = opts.args[0]!;
      args = opts.args.slice(1);
    }
    if (merge) stdio[2] = 'inherit';
    const program = opts.shell ? SHELL : opts.args[0]!;
    const child = child_process.spawn(file, args, {
      stdio: stdio as StdioOptions,
      cwd,
      env,
      argv0: opts.shell || merge ? undefined : opts.args[0],
    });
    const on_error = (err: Error): void => {
      child.removeListener('spawn', on_spawn);
      reject(spawn_error(err, program));
    };
    const on_spawn = (): void => {
      child.removeListener('error', on_error);
      // Later errors (a failed kill()) need no report: the pipes report their own.
      child.on('error', noop);
      resolve(new _NodeProcess(child));
    };
    child.once('error', on_error);
    child.once('spawn', on_spawn);
  });
}
