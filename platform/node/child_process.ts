// Node backend: child_process.spawn -> the core's RawProcess (subprocess_exec / subprocess_shell).
//
// Usage: `spawn` becomes the node_platform member of the same name.
// @see https://nodejs.org/api/child_process.html#child_processspawncommand-args-options

import type { ChildProcess, StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

import { ValueError } from '../../src/exceptions.js';
import { os_error_from_code } from '../../src/errno.js';
import { OSError } from '../../src/os_errors.js';
import type { RawProcess, RawStream, SpawnOptions, SpawnStdio } from '../../src/platform.js';

import { node_child_process } from './builtins.js';
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

/** Linux's `O_CLOEXEC` as `/proc/<pid>/fdinfo` shows it in `flags` (octal). */
const O_CLOEXEC = 0o2000000;

/**
 * The descriptors (3 and up) of this process that a child would inherit,
 * having no close-on-exec flag: Linux tells in `/proc/self/fdinfo`; elsewhere
 * none are found. Node opens none such itself; they come from the parent.
 * @internal
 */
export function _inheritable_fds(): number[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const fds: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!(fd > 2)) continue;
    let info: string;
    try {
      info = fs.readFileSync(`/proc/self/fdinfo/${name}`, 'latin1');
    } catch {
      continue; // closed since (the listing's own descriptor)
    }
    const flags = /^flags:\s*([0-7]+)/m.exec(info);
    if (flags !== null && (parseInt(flags[1]!, 8) & O_CLOEXEC) === 0) fds.push(fd);
  }
  return fds;
}

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
 * fd 2 to be the very pipe of fd 1, which Node cannot express, and Node has
 * no umask option: the child is then started through
 * `/bin/sh -c 'umask 022; exec 2>&1; exec "$0" "$@"'` (the same pid, as
 * `exec` replaces the shell), after the program was looked up as execvp
 * does, so a missing program still fails with `FileNotFoundError`. Python's
 * `executable` cannot go through that shell with its own `argv[0]` (POSIX
 * `exec` has no `-a`), so that combination is a `ValueError`.
 *
 * `start_new_session` is Node's `detached` (`setsid()` in the child);
 * `pass_fds` puts each descriptor at its own number in the stdio array (Node
 * clears its close-on-exec flag there; the gaps stay closed); `uid`/`gid`
 * are Node's. Every descriptor Node opens is close-on-exec; with `close_fds`
 * (the default), the inheritable ones this process inherited are covered by
 * `/dev/null` in the child (Linux), see `SubprocessOptions.close_fds`.
 */
export function spawn(opts: SpawnOptions): Promise<RawProcess> {
  return new Promise<RawProcess>((resolve, reject) => {
    const env = opts.env ?? process.env;
    const cwd = opts.cwd ?? process.cwd();
    const executable = opts.executable ?? null;
    const umask = opts.umask ?? -1;
    let file: string;
    let args: string[];
    const stdio: NodeStdio[] = [stdio_of(opts.stdin), stdio_of(opts.stdout), 'inherit'];
    const pass_fds = opts.pass_fds ?? [];
    for (const fd of pass_fds) {
      while (stdio.length < fd) stdio.push('ignore');
      stdio[fd] = fd;
    }
    // close_fds: Node cannot close an inheritable descriptor in the child, so
    // /dev/null takes its number there (the descriptor itself stays private).
    let devnull = -1;
    if (opts.close_fds ?? true) {
      for (const fd of _inheritable_fds()) {
        if (pass_fds.includes(fd)) continue;
        if (devnull < 0) devnull = fs.openSync('/dev/null', 'r+');
        while (stdio.length < fd) stdio.push('ignore');
        stdio[fd] = devnull;
      }
    }
    let merge = false;
    if (opts.stderr === 'stdout') {
      if (opts.stdout === 'pipe') merge = true;
      else stdio[2] = opts.stdout === 'inherit' ? 1 : stdio[1]!;
    } else {
      stdio[2] = stdio_of(opts.stderr);
    }
    // Shell commands run first in the child, before the program.
    const prelude: string[] = [];
    if (umask >= 0) prelude.push(`umask ${umask.toString(8).padStart(4, '0')}`);
    if (merge) prelude.push('exec 2>&1');
    let argv0: string | undefined;
    if (opts.shell) {
      file = executable ?? SHELL;
      args = ['-c', [...prelude, opts.args[0]!].join('\n')];
    } else if (prelude.length > 0) {
      if (executable !== null) {
        reject(
          new ValueError(
            'executable cannot be combined with umask, nor with stderr=STDOUT and stdout=PIPE: ' +
              'those start the program through /bin/sh, which cannot set its argv[0]',
          ),
        );
        return;
      }
      try {
        find_program(opts.args[0]!, env, cwd);
      } catch (err) {
        reject(err as Error);
        return;
      }
      file = SHELL;
      args = ['-c', [...prelude, 'exec "$0" "$@"'].join('; '), ...opts.args];
    } else {
      file = executable ?? opts.args[0]!;
      args = opts.args.slice(1);
      argv0 = opts.args[0];
    }
    if (merge) stdio[2] = 'inherit';
    const program = opts.shell ? file : (executable ?? opts.args[0]!);
    let child: ChildProcess;
    try {
      child = node_child_process().spawn(file, args, {
        stdio: stdio as StdioOptions,
        cwd,
        env,
        argv0,
        detached: opts.start_new_session ?? false,
        uid: opts.uid ?? undefined,
        gid: opts.gid ?? undefined,
      });
    } finally {
      // The child has its copy once spawn() returns (the fork is synchronous).
      if (devnull >= 0) fs.closeSync(devnull);
    }
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
