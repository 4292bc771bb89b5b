// Child processes: loop.subprocess_exec/shell (protocol level) and create_subprocess_* / Process (streams level).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';

import { BaseEventLoop } from '../../src/base_events.js';
import { BaseSubprocessTransport } from '../../src/base_subprocess.js';
import { _inheritable_fds } from '../../platform/node/child_process.js';
import { From, coroutine } from '../../src/coroutines.js';
import { CancelledError, ValueError } from '../../src/exceptions.js';
import type { Future } from '../../src/futures.js';
import { FileNotFoundError, PermissionError, ProcessLookupError } from '../../src/os_errors.js';
import { SubprocessProtocol } from '../../src/protocols.js';
import { StreamReader } from '../../src/stream_reader.js';
import { StreamWriter } from '../../src/streams.js';
import {
  Process,
  create_subprocess_exec,
  create_subprocess_shell,
  subprocess,
} from '../../src/subprocess.js';
import { sleep } from '../../src/task_helpers.js';
import { wait_for } from '../../src/wait.js';
import type { SubprocessTransport, WriteTransport } from '../../src/transports.js';
import { b, concat, run, s } from '../support/net.js';

const { PIPE, STDOUT, DEVNULL } = subprocess;

let loop: BaseEventLoop;
beforeEach(() => {
  loop = new BaseEventLoop();
});
afterEach(() => {
  if (!loop.is_running()) loop.close();
});

/** Records every protocol call; `exited` and `lost` complete on process_exited / connection_lost. */
class Recorder extends SubprocessProtocol {
  events: string[] = [];
  out: Uint8Array[][] = [[], [], []];
  transport: SubprocessTransport | null = null;
  readonly exited: Future<null>;
  readonly lost: Future<Error | null>;

  constructor() {
    super();
    this.exited = loop.create_future();
    this.lost = loop.create_future();
  }

  override connection_made(transport: SubprocessTransport): void {
    this.transport = transport;
    this.events.push('made');
  }

  override pipe_data_received(fd: number, data: Uint8Array): void {
    this.events.push(`data${fd}`);
    this.out[fd]!.push(data);
  }

  override pipe_connection_lost(fd: number, exc: Error | null): void {
    this.events.push(`pipe_lost${fd}${exc === null ? '' : `:${exc.name}`}`);
  }

  override process_exited(): void {
    this.events.push('exited');
    this.exited.set_result(null);
  }

  override connection_lost(exc: Error | null): void {
    this.events.push('lost');
    this.lost.set_result(exc);
  }

  text(fd: number): string {
    return s(concat(this.out[fd]!));
  }
}

describe('loop.subprocess_exec / subprocess_shell', () => {
  it('runs cat: stdin to stdout, then exit, pipe losses and connection_lost in order', async () => {
    const main = coroutine(function* () {
      const [transport, proto] = (yield From(
        loop.subprocess_exec(() => new Recorder(), 'cat'),
      )) as [SubprocessTransport, Recorder];
      expect(transport).toBeInstanceOf(BaseSubprocessTransport);
      expect(proto.events).toEqual(['made']);
      expect(transport.get_pid()).toBeGreaterThan(0);
      expect(transport.get_returncode()).toBeNull();
      expect(transport.get_extra_info('subprocess')).not.toBeNull();
      const stdin = transport.get_pipe_transport(0) as WriteTransport;
      expect(stdin.can_write_eof()).toBe(true);
      stdin.write(b('hello '));
      stdin.write(b('cat'));
      stdin.close();
      yield From(proto.lost);
      expect(proto.text(1)).toBe('hello cat');
      expect(transport.get_returncode()).toBe(0);
      const ev = proto.events.filter((e, i, a) => i === 0 || a[i - 1] !== e);
      expect(ev[0]).toBe('made');
      expect(ev.at(-1)).toBe('lost');
      for (const e of ['pipe_lost0', 'pipe_lost1', 'pipe_lost2', 'exited']) expect(ev).toContain(e);
      // every byte came before its pipe's loss
      expect(ev.lastIndexOf('data1')).toBeLessThan(ev.indexOf('pipe_lost1'));
      transport.close();
      expect(() => transport.kill()).toThrow(ProcessLookupError);
    });
    await run(loop, main());
  });

  it('reports exit codes of sh -c, and stderr on fd 2', async () => {
    const main = coroutine(function* () {
      const [transport, proto] = (yield From(
        loop.subprocess_shell(() => new Recorder(), 'echo out; echo err 1>&2; exit 7'),
      )) as [SubprocessTransport, Recorder];
      yield From(proto.lost);
      expect(transport.get_returncode()).toBe(7);
      expect(proto.text(1)).toBe('out\n');
      expect(proto.text(2)).toBe('err\n');
      transport.close();
    });
    await run(loop, main());
  });

  it('leaves unpiped streams out: get_pipe_transport is null', async () => {
    const main = coroutine(function* () {
      const [transport, proto] = (yield From(
        loop.subprocess_exec(() => new Recorder(), 'true', {
          stdin: DEVNULL,
          stdout: DEVNULL,
          stderr: DEVNULL,
        }),
      )) as [SubprocessTransport, Recorder];
      expect(transport.get_pipe_transport(0)).toBeNull();
      expect(transport.get_pipe_transport(1)).toBeNull();
      expect(transport.get_pipe_transport(2)).toBeNull();
      yield From(proto.lost);
      expect(proto.events).toEqual(['made', 'exited', 'lost']);
      transport.close();
    });
    await run(loop, main());
  });

  it("closing stdout closes its descriptor before pipe_connection_lost(1): the child's next write fails with EPIPE (test_subprocess_close_client_stream)", async () => {
    // echo3.py of asyncio's tests: echoes stdin as OUT:..., reports a failed write on stderr.
    const echo3 = [
      'import os',
      'while True:',
      '    buf = os.read(0, 1024)',
      '    if not buf: break',
      '    try: os.write(1, b"OUT:" + buf)',
      '    except OSError as ex: os.write(2, b"ERR:" + ex.__class__.__name__.encode())',
    ].join('\n');
    const main = coroutine(function* () {
      const [transport, proto] = (yield From(
        loop.subprocess_exec(() => new Recorder(), 'python3', '-c', echo3),
      )) as [SubprocessTransport, Recorder];
      const until = function* (done: () => boolean) {
        while (!done()) yield From(sleep(0.01, null, { loop }));
      };
      const stdin = transport.get_pipe_transport(0) as WriteTransport;
      const stdout = transport.get_pipe_transport(1)!;
      stdin.write(b('test'));
      yield* until(() => proto.text(1) === 'OUT:test');
      stdout.close();
      yield* until(() => proto.events.includes('pipe_lost1'));
      stdin.write(b('xxx'));
      yield* until(() => proto.text(2) !== '');
      expect(proto.text(2)).toBe('ERR:BrokenPipeError');
      stdin.close();
      yield From(proto.lost);
      expect(transport.get_returncode()).toBe(0);
      transport.close();
    });
    await run(loop, main());
  });

  it('close() kills a running child', async () => {
    const main = coroutine(function* () {
      const [transport, proto] = (yield From(
        loop.subprocess_exec(() => new Recorder(), 'sleep', '30'),
      )) as [SubprocessTransport, Recorder];
      transport.close();
      yield From(proto.lost);
      expect(transport.get_returncode()).toBe(-9);
    });
    await run(loop, main());
  });

  it('checks its arguments with asyncio messages, synchronously', () => {
    const f = () => new Recorder();
    expect(() => loop.subprocess_shell(f, 42 as never)).toThrow(
      new ValueError('cmd must be a string'),
    );
    expect(() => loop.subprocess_shell(f, 'true', { shell: false })).toThrow(
      new ValueError('shell must be True'),
    );
    expect(() => loop.subprocess_exec(f, 'true', { shell: true })).toThrow(
      new ValueError('shell must be False'),
    );
    expect(() => loop.subprocess_exec(f, 'true', { bufsize: 1 })).toThrow(
      new ValueError('bufsize must be 0'),
    );
    expect(() => loop.subprocess_shell(f, 'true', { universal_newlines: true })).toThrow(
      new ValueError('universal_newlines must be False'),
    );
    expect(() => loop.subprocess_exec(f, 'echo', 1 as never)).toThrow(
      new TypeError('program arguments must be a bytes or text string, not number'),
    );
    expect(() => loop.subprocess_exec(f, null as never)).toThrow(
      new TypeError('program arguments must be a bytes or text string, not null'),
    );
    expect(() => loop.subprocess_exec(f, 'true', { stdin: STDOUT })).toThrow(ValueError);
  });
});

describe('create_subprocess_exec / create_subprocess_shell', () => {
  it('round-trips through cat with communicate()', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('cat', { stdin: PIPE, stdout: PIPE, loop }),
      )) as Process;
      expect(proc).toBeInstanceOf(Process);
      expect(proc.pid).toBeGreaterThan(0);
      expect(proc.stdin).toBeInstanceOf(StreamWriter);
      expect(proc.stdout).toBeInstanceOf(StreamReader);
      expect(proc.stderr).toBeNull();
      expect(proc.returncode).toBeNull();
      const [out, err] = (yield From(proc.communicate(b('round trip')))) as [
        Uint8Array,
        Uint8Array | null,
      ];
      expect(s(out)).toBe('round trip');
      expect(err).toBeNull();
      expect(proc.returncode).toBe(0);
    });
    await run(loop, main());
  });

  it('stdin.wait_closed() resolves once the stdin pipe is closed', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('cat', { stdin: PIPE, stdout: PIPE, loop }),
      )) as Process;
      proc.stdin!.write(b('bye'));
      proc.stdin!.close();
      yield From(wait_for(proc.stdin!.wait_closed(), 5, { loop }));
      expect(s((yield From(proc.stdout!.read())) as Uint8Array)).toBe('bye');
      expect(yield From(proc.wait())).toBe(0);
    });
    await run(loop, main());
  });

  it('reads lines from stdout and writes to stdin with drain', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('cat', { stdin: PIPE, stdout: PIPE, loop }),
      )) as Process;
      proc.stdin!.write(b('line one\n'));
      yield From(proc.stdin!.drain());
      expect(s((yield From(proc.stdout!.readline())) as Uint8Array)).toBe('line one\n');
      proc.stdin!.close();
      expect(s((yield From(proc.stdout!.read())) as Uint8Array)).toBe('');
      expect(yield From(proc.wait())).toBe(0);
    });
    await run(loop, main());
  });

  it('gives exit codes and stderr of sh -c', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_shell('printf out; printf err >&2; exit 3', {
          stdout: PIPE,
          stderr: PIPE,
          loop,
        }),
      )) as Process;
      const [out, err] = (yield From(proc.communicate())) as [Uint8Array, Uint8Array];
      expect([s(out), s(err)]).toEqual(['out', 'err']);
      expect(proc.returncode).toBe(3);
      const missing = (yield From(
        create_subprocess_shell('exec no-such-command-here 2>/dev/null', { loop }),
      )) as Process;
      expect(yield From(missing.wait())).toBe(127);
    });
    await run(loop, main());
  });

  it('merges stderr into stdout with STDOUT, for exec and shell', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('sh', '-c', 'echo a; echo b >&2; echo c', {
          stdout: PIPE,
          stderr: STDOUT,
          loop,
        }),
      )) as Process;
      expect(proc.stderr).toBeNull();
      const [out, err] = (yield From(proc.communicate())) as [Uint8Array, null];
      expect(s(out)).toBe('a\nb\nc\n');
      expect(err).toBeNull();
      const shell = (yield From(
        create_subprocess_shell('echo x >&2', { stdout: PIPE, stderr: STDOUT, loop }),
      )) as Process;
      const [out2] = (yield From(shell.communicate())) as [Uint8Array, null];
      expect(s(out2)).toBe('x\n');
    });
    await run(loop, main());
  });

  it('connects DEVNULL: stdin reads EOF, output is discarded', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_shell('cat; echo done', {
          stdin: DEVNULL,
          stdout: PIPE,
          stderr: DEVNULL,
          loop,
        }),
      )) as Process;
      expect(proc.stdin).toBeNull();
      const [out] = (yield From(proc.communicate())) as [Uint8Array, null];
      expect(s(out)).toBe('done\n');
    });
    await run(loop, main());
  });

  it('terminate() and kill() give negative return codes, as asyncio', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(create_subprocess_exec('sleep', '30', { loop }))) as Process;
      proc.terminate();
      expect(yield From(proc.wait())).toBe(-15);
      const proc2 = (yield From(create_subprocess_exec('sleep', '30', { loop }))) as Process;
      proc2.kill();
      expect(yield From(proc2.wait())).toBe(-9);
      const proc3 = (yield From(create_subprocess_exec('sleep', '30', { loop }))) as Process;
      proc3.send_signal('SIGINT');
      expect(yield From(proc3.wait())).toBe(-2);
      // without pipes the transport lets go of the process at exit (asyncio's _check_proc)
      expect(() => proc3.send_signal(15)).toThrow(ProcessLookupError);
    });
    await run(loop, main());
  });

  it('moves 10 MiB in and out through communicate() without deadlock', async () => {
    const size = 10 * 1024 * 1024;
    const input = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) input[i] = (i / 4096) & 0xff;
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('cat', { stdin: PIPE, stdout: PIPE, loop }),
      )) as Process;
      const [out] = (yield From(proc.communicate(input))) as [Uint8Array, null];
      expect(out.length).toBe(size);
      expect(Buffer.compare(out, input)).toBe(0);
      expect(proc.returncode).toBe(0);
    });
    await run(loop, main(), 30);
  });

  it('rejects with FileNotFoundError for a missing program, PermissionError for a non-executable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-sub-'));
    const not_executable = path.join(dir, 'script.sh');
    fs.writeFileSync(not_executable, 'echo hi\n', { mode: 0o644 });
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const main = coroutine(function* () {
      try {
        yield From(create_subprocess_exec('no-such-program-xyz', { loop }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(FileNotFoundError);
        expect((exc as FileNotFoundError).errno).toBe(2);
        expect((exc as Error).message).toBe(
          "[Errno 2] No such file or directory: 'no-such-program-xyz'",
        );
      }
      // the same with stderr=STDOUT, which starts through /bin/sh
      try {
        yield From(
          create_subprocess_exec('no-such-program-xyz', { stdout: PIPE, stderr: STDOUT, loop }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(FileNotFoundError);
      }
      try {
        yield From(create_subprocess_exec(not_executable, { loop }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(PermissionError);
        expect((exc as Error).message).toBe(`[Errno 13] Permission denied: '${not_executable}'`);
      }
    });
    await run(loop, main());
  });

  it('a cancelled wait() does not kill the child', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('sh', '-c', 'read line; exit 5', { stdin: PIPE, loop }),
      )) as Process;
      try {
        yield From(wait_for(proc.wait(), 0.05, { loop }));
        expect.unreachable();
      } catch (exc) {
        expect(exc).not.toBeInstanceOf(CancelledError);
      }
      yield From(sleep(0.05));
      expect(proc.returncode).toBeNull();
      proc.stdin!.write(b('go\n'));
      expect(yield From(proc.wait())).toBe(5);
    });
    await run(loop, main());
  });

  it('passes cwd and env', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_shell('pwd; echo $GREETING', {
          stdout: PIPE,
          cwd: '/tmp',
          env: { GREETING: 'hi', PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
          loop,
        }),
      )) as Process;
      const [out] = (yield From(proc.communicate())) as [Uint8Array, null];
      expect(s(out)).toBe('/tmp\nhi\n');
    });
    await run(loop, main());
  });
});

describe('subprocess keyword arguments (Popen options)', () => {
  /** Run `cmd` with /bin/sh and `options`; resolve to [stdout, returncode]. */
  function shell_output(
    cmd: string,
    options: Record<string, unknown> = {},
  ): Promise<[string, number]> {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_shell(cmd, { stdout: PIPE, loop, ...options }),
      )) as Process;
      const [out] = (yield From(proc.communicate())) as [Uint8Array, null];
      return [s(out), proc.returncode!] as [string, number];
    });
    return run(loop, main());
  }

  /** Session id and process group id of `pid`, as ps shows them. */
  function sid_pgid(text: string): [number, number] {
    const [sid, pgid] = text.trim().split(/\s+/).map(Number);
    return [sid!, pgid!];
  }

  it('start_new_session puts the child in a new session and process group (test_start_new_session)', async () => {
    const main = coroutine(function* () {
      const ask = 'ps -o sid=,pgid= -p $$; ps -o sid=,pgid= -p $PPID; exit 8';
      const proc = (yield From(
        create_subprocess_shell(ask, { stdout: PIPE, start_new_session: true, loop }),
      )) as Process;
      const [out] = (yield From(proc.communicate())) as [Uint8Array, null];
      expect(proc.returncode).toBe(8);
      const [child, parent] = s(out).trim().split('\n').map(sid_pgid);
      // setsid(): the child leads its own session and process group.
      expect(child).toEqual([proc.pid, proc.pid]);
      expect(parent![0]).not.toBe(proc.pid);

      const same = (yield From(
        create_subprocess_shell(ask, { stdout: PIPE, start_new_session: false, loop }),
      )) as Process;
      const [out2] = (yield From(same.communicate())) as [Uint8Array, null];
      const [child2, parent2] = s(out2).trim().split('\n').map(sid_pgid);
      expect(child2).toEqual(parent2);
    });
    await run(loop, main());
  });

  it('pass_fds hands a descriptor on under its number; without it the child has none (test_pass_fds)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trollius-fds-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'out.txt');
    const fd = fs.openSync(file, 'w');
    onTestFinished(() => fs.closeSync(fd));
    // bash: POSIX sh (dash) only redirects descriptors 0 to 9.
    const bash = { executable: '/bin/bash' };
    const [, status] = await shell_output(`echo passed >&${fd}`, { ...bash, pass_fds: [fd] });
    expect(status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('passed\n');
    // close_fds (the default) and close_fds: false alike: a descriptor this
    // process opened is not inheritable, so it stays out of the child.
    for (const close_fds of [true, false]) {
      const [, failed] = await shell_output(`echo leaked >&${fd} 2>/dev/null`, {
        ...bash,
        close_fds,
      });
      expect(failed).not.toBe(0);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('passed\n');
  });

  it.runIf(process.platform === 'linux')(
    'close_fds keeps an inheritable descriptor of this process from the child; close_fds: false lets it through (test_close_fds)',
    async (ctx) => {
      // Node opens nothing inheritable: this needs one the test process inherited.
      const inheritable = _inheritable_fds();
      if (inheritable.length === 0) ctx.skip();
      const fd = inheritable[0]!;
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      const [shut] = await shell_output(`readlink /proc/$$/fd/${fd}`);
      expect(shut.trim()).toBe('/dev/null');
      const [open] = await shell_output(`readlink /proc/$$/fd/${fd}`, { close_fds: false });
      expect(open.trim()).toBe(target);
      const [kept] = await shell_output(`readlink /proc/$$/fd/${fd}`, { pass_fds: [fd] });
      expect(kept.trim()).toBe(target);
    },
  );

  it('umask sets the child’s umask, for shell and exec (test_umask)', async () => {
    const [out] = await shell_output('umask', { umask: 0o027 });
    expect(out).toBe('0027\n');
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('sh', '-c', 'umask; echo $0', { stdout: PIPE, umask: 0o077, loop }),
      )) as Process;
      const [exec_out] = (yield From(proc.communicate())) as [Uint8Array, null];
      return s(exec_out);
    });
    expect(await run(loop, main())).toBe('0077\nsh\n');
    const mask = process.umask();
    const [inherited] = await shell_output('umask', { umask: -1 });
    expect(inherited).toBe(`${mask.toString(8).padStart(4, '0')}\n`);
  });

  it('user and group take numeric ids (test_user, test_group)', async () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const [out] = await shell_output('id -u; id -g', { user: uid, group: gid });
    expect(out).toBe(`${uid}\n${gid}\n`);
    if (uid === 0) {
      // root may become anybody: nobody's ids.
      const [nobody] = await shell_output('id -u; id -g', { user: 65534, group: 65534 });
      expect(nobody).toBe('65534\n65534\n');
    } else {
      // Anybody else may not become another user: setuid() fails, as with Popen.
      await expect(shell_output('true', { user: uid + 1 })).rejects.toBeInstanceOf(PermissionError);
    }
    const f = () => new Recorder();
    expect(() => loop.subprocess_shell(f, 'true', { user: 'nobody' as never })).toThrow(
      new ValueError("user must be a numeric id here, got 'nobody': names cannot be looked up"),
    );
    expect(() => loop.subprocess_shell(f, 'true', { user: -1 })).toThrow(
      new ValueError('User ID cannot be negative, got -1'),
    );
    expect(() => loop.subprocess_shell(f, 'true', { group: 1.5 })).toThrow(
      new TypeError('Group must be a string or an integer'),
    );
  });

  it('executable replaces the program, which stays argv[0] (test_executable)', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_exec('fake-name', '-c', 'echo $0', {
          executable: '/bin/sh',
          stdout: PIPE,
          loop,
        }),
      )) as Process;
      const [out] = (yield From(proc.communicate())) as [Uint8Array, null];
      expect(s(out)).toBe('fake-name\n');
      // Through the /bin/sh that umask needs, argv[0] cannot be kept: refused.
      try {
        yield From(
          create_subprocess_exec('fake-name', { executable: '/bin/sh', umask: 0o22, loop }),
        );
        expect.unreachable();
      } catch (exc) {
        expect(exc).toBeInstanceOf(ValueError);
        expect((exc as Error).message).toMatch(/^executable cannot be combined with umask/);
      }
    });
    await run(loop, main());
    const [bash] = await shell_output('echo ${BASH_VERSION:+bash}', { executable: '/bin/bash' });
    expect(bash).toBe('bash\n');
  });

  it('refuses unknown keys and wrong types with TypeError naming them', () => {
    const f = () => new Recorder();
    expect(() => loop.subprocess_exec(f, 'true', { stdn: PIPE } as never)).toThrow(
      new TypeError("subprocess_exec() got an unexpected keyword argument 'stdn'"),
    );
    expect(() => loop.subprocess_shell(f, 'true', { cwd: 5 } as never)).toThrow(
      new TypeError("subprocess_shell() argument 'cwd' must be string or null, not 5"),
    );
    expect(() => loop.subprocess_exec(f, 'true', { start_new_session: 'yes' } as never)).toThrow(
      /argument 'start_new_session' must be boolean or null/,
    );
    expect(() => loop.subprocess_exec(f, 'true', { pass_fds: 3 } as never)).toThrow(
      /argument 'pass_fds' must be array or null/,
    );
    expect(() => loop.subprocess_exec(f, 'true', { pass_fds: ['3'] } as never)).toThrow(
      new TypeError("pass_fds must hold integers, got '3'"),
    );
    expect(() => loop.subprocess_exec(f, 'true', { umask: 1.5 })).toThrow(TypeError);
    expect(() => create_subprocess_exec('true', { lmit: 5, loop } as never)).toThrow(
      new TypeError("subprocess_exec() got an unexpected keyword argument 'lmit'"),
    );
    expect(() => create_subprocess_exec('true', { limit: '5', loop } as never)).toThrow(
      new TypeError("create_subprocess_exec() argument 'limit' must be number or null, not '5'"),
    );
    expect(() => create_subprocess_shell('true', { limit: 0, loop })).toThrow(
      new ValueError('Limit cannot be <= 0'),
    );
    expect(() => create_subprocess_shell('true', 7 as never)).toThrow(
      new TypeError('create_subprocess_shell() options must be an object, got 7'),
    );
  });

  it('refuses text mode as asyncio does (test_create_subprocess_exec_text_mode_fails, test_create_subprocess_shell_text_mode_fails)', () => {
    for (const start of [
      (o: object) => create_subprocess_exec('true', { loop, ...o }),
      (o: object) => create_subprocess_shell('true', { loop, ...o }),
    ]) {
      expect(() => start({ text: true })).toThrow(new ValueError('text must be False'));
      expect(() => start({ encoding: 'utf-8' })).toThrow(new ValueError('encoding must be None'));
      expect(() => start({ errors: 'strict' })).toThrow(new ValueError('errors must be None'));
      expect(() => start({ universal_newlines: true })).toThrow(
        new ValueError('universal_newlines must be False'),
      );
    }
  });

  it('refuses, naming them, the Popen keywords the host cannot carry out; accepts their defaults', async () => {
    const f = () => new Recorder();
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ preexec_fn: () => {} }, /^preexec_fn is not supported/],
      [{ restore_signals: false }, /^restore_signals=False is not supported/],
      [{ extra_groups: [0] }, /^extra_groups is not supported/],
      [{ process_group: 0 }, /^process_group is not supported.*start_new_session/],
      [{ pipesize: 65536 }, /^pipesize is not supported/],
      [{ startupinfo: {} }, /^startupinfo is only supported on Windows platforms$/],
      [{ creationflags: 8 }, /^creationflags is only supported on Windows platforms$/],
    ];
    for (const [options, message] of refused) {
      let error: unknown = null;
      try {
        loop.subprocess_exec(f, 'true', options as never);
      } catch (exc) {
        error = exc;
      }
      expect(error, JSON.stringify(Object.keys(options))).toBeInstanceOf(ValueError);
      expect((error as Error).message).toMatch(message);
    }
    const [out, status] = await shell_output('echo ok', {
      preexec_fn: null,
      restore_signals: true,
      close_fds: true,
      extra_groups: null,
      process_group: -1,
      pipesize: -1,
      startupinfo: null,
      creationflags: 0,
      text: false,
      encoding: null,
      errors: null,
      bufsize: 0,
    });
    expect([out, status]).toEqual(['ok\n', 0]);
  });

  it('limit reaches the StreamReaders of stdout and stderr', async () => {
    const main = coroutine(function* () {
      const proc = (yield From(
        create_subprocess_shell('echo toolongline; echo ok', {
          stdout: PIPE,
          stderr: PIPE,
          limit: 4,
          loop,
        }),
      )) as Process;
      expect(proc.stdout!._limit).toBe(4);
      expect(proc.stderr!._limit).toBe(4);
      yield From(proc.wait());
      let error: unknown = null;
      try {
        yield From(proc.stdout!.readline());
      } catch (exc) {
        error = exc;
      }
      expect(error).toBeInstanceOf(ValueError);
      expect(s((yield From(proc.stdout!.readline())) as Uint8Array)).toBe('ok\n');
    });
    await run(loop, main());
  });
});
