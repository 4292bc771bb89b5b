// Subprocesses at the streams level: feed `sort` and read its output; read a shell command's stderr and exit status.
import {
  From,
  coroutine,
  create_subprocess_exec,
  create_subprocess_shell,
  run,
  subprocess,
} from 'trollius';

const main = coroutine(function* () {
  const proc = yield From(
    create_subprocess_exec('sort', { stdin: subprocess.PIPE, stdout: subprocess.PIPE }),
  );
  const [out] = yield From(proc.communicate(new TextEncoder().encode('pear\napple\n')));
  console.log(proc.returncode, JSON.stringify(new TextDecoder().decode(out))); // 0 "apple\npear\n"

  const sh = yield From(
    create_subprocess_shell('echo oops >&2; exit 3', { stderr: subprocess.PIPE }),
  );
  const [, err] = yield From(sh.communicate());
  console.log(sh.returncode, JSON.stringify(new TextDecoder().decode(err))); // 3 "oops\n"
});

await run(main());
