// The errors a WorkerPoolExecutor job fails with, rebuilt from what its worker reported.

import { RuntimeError } from './exceptions.js';
import { Outcome, type ErrorRecord } from './worker_main.js';

// The classes structured clone keeps; any other error comes back as an Error with its name.
const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/** The worker's error as an object of its class (when built in), with the worker's stack. */
function rebuild(record: ErrorRecord): Error {
  const error = new (BUILTIN_ERRORS[record.name] ?? Error)(record.message);
  if (error.name !== record.name) error.name = record.name;
  if (record.stack) error.stack = record.stack;
  return error;
}

const CLOSURE_HINT =
  'work is sent to a worker as source text, without the variables around it (no closures, no ' +
  'imports): pass what it needs as arguments, or export it from a worker module ' +
  '(new WorkerPoolExecutor({module}))';

/** The error a job of `what` fails with, given how its worker says it ended. */
export function worker_error(outcome: number, record: ErrorRecord, what: string): Error {
  const error = rebuild(record);
  switch (outcome) {
    case Outcome.raised:
      // A function that used a variable from where it was written finds none in the worker.
      if (record.name === 'ReferenceError' && !what.startsWith('export ')) {
        return new TypeError(`${what} cannot run in a worker: ${record.message}; ${CLOSURE_HINT}`, {
          cause: error,
        });
      }
      return error;
    case Outcome.not_cloneable:
      return new TypeError(
        `the result of ${what} cannot be sent back from the worker: ${record.message.replace(/\.$/, '')} ` +
          '(results are structured-cloned: no functions, no class instances with methods)',
        { cause: error },
      );
    case Outcome.not_compilable:
      if (record.name === 'EvalError') {
        return new TypeError(
          `${what} cannot be sent to a worker here: the page's Content-Security-Policy forbids ` +
            "compiling source ('unsafe-eval'); export it from a worker module (new WorkerPoolExecutor({module}))",
          { cause: error },
        );
      }
      return new TypeError(
        `${what} cannot be sent to a worker: its source does not compile on its own ` +
          `(${record.name}: ${record.message}); ${CLOSURE_HINT}`,
        { cause: error },
      );
    case Outcome.no_export:
      return error;
    default:
      return new RuntimeError(`the worker could not load its module: ${record.message}`, {
        cause: error,
      });
  }
}
