// Constants shared by the loop, the task helpers and the transports (asyncio constants.py).

/** `wait()` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** `wait()` returns when any future finishes by raising, or when all finish. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** `wait()` returns when every future has finished or been cancelled. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** After this many writes to a lost connection, each further write logs a warning. */
export const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

/**
 * The loop rebuilds its timer queue when it holds more than this many timers and
 * more than `MIN_CANCELLED_TIMER_HANDLES_FRACTION` of them are cancelled.
 * @internal
 */
export const MIN_SCHEDULED_TIMER_HANDLES = 100;
/** @internal */
export const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

/**
 * At most this many seconds of callbacks run in one host turn (checked between
 * iterations); then the loop hands the thread back to the host, so an endless
 * `call_soon` chain cannot starve host timers and I/O.
 * @internal
 */
export const MAX_SECONDS_PER_TURN = 0.005;
/**
 * The most iterations between two looks at the clock during a turn: fast
 * iterations are not timed one by one, since reading the clock costs about as
 * much as a short task step.
 * @internal
 */
export const MAX_ITERATIONS_BETWEEN_CLOCK_CHECKS = 1024;
/**
 * How long an await on a Future whose loop is not running may wait before
 * trollius warns that it cannot finish (browsers; Node also warns when the
 * process is about to exit). Long enough not to warn about a loop that is
 * merely stopped between two runs.
 * @internal
 */
export const HANG_CHECK_SECONDS = 1;

/**
 * Seconds a TLS handshake may take, on either side, before the connection is
 * aborted with `ConnectionAbortedError` (asyncio's `SSL_HANDSHAKE_TIMEOUT`):
 * the default of every `ssl_handshake_timeout`.
 */
export const SSL_HANDSHAKE_TIMEOUT = 60;

/**
 * Seconds a TLS connection's `close()` may take to flush and shut TLS down
 * before it is aborted (asyncio's `SSL_SHUTDOWN_TIMEOUT`): the default of
 * every `ssl_shutdown_timeout`.
 */
export const SSL_SHUTDOWN_TIMEOUT = 30;

/**
 * Seconds `run()` and `Runner.close()` give the default executor to finish
 * its work when they shut it down, before they warn and go on (asyncio's
 * `THREAD_JOIN_TIMEOUT`).
 */
export const THREAD_JOIN_TIMEOUT = 300;
