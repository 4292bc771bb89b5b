// StreamReader fed by hand: reads of every kind, limits, exceptions, waiting readers, iteration and flow control (asyncio's test_streams StreamReader cases).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  From,
  Future,
  IncompleteReadError,
  LimitOverrunError,
  RuntimeError,
  StreamReader,
  Transport,
  ValueError,
  coroutine,
  set_event_loop,
  wait_for,
} from '../../src/index.js';
import { b, concat, s } from '../support/net.js';
import { FakeTransport } from '../support/recorders.js';
import { TestLoop, run_briefly, each_test_on_a_new_loop } from '../support/test_loop.js';

let loop: TestLoop;
each_test_on_a_new_loop(
  (fresh) => (loop = fresh),
  () => set_event_loop(null),
);

/** A StreamReader on the test loop. */
function reader(limit?: number): StreamReader {
  return new StreamReader(limit, { loop });
}

/** The result of a Future that must be done already. */
function now<T>(future: Future<T>): T {
  expect(future.done()).toBe(true);
  return future.result();
}

/** The exception of a Future that must have failed already. */
function failure(future: Future<unknown>): unknown {
  expect(future.done()).toBe(true);
  return future.exception();
}

function buffered(stream: StreamReader): string {
  const chunks = stream._chunks.map((c, i) => (i === 0 ? c.subarray(stream._head) : c));
  return s(concat(chunks));
}
describe('StreamReader: construction and state', () => {
  it('has a 64 KiB default limit and rejects a limit <= 0', () => {
    expect(reader()._limit).toBe(65536);
    expect(() => reader(0)).toThrow(new ValueError('Limit cannot be <= 0'));
    expect(() => reader(-1)).toThrow(ValueError);
    // A loop may be passed positionally, as asyncio's `loop` argument.
    expect(new StreamReader(10, loop)._loop).toBe(loop);
  });

  it('takes limit and loop by name, positionally, or both; refuses unknown keys and wrong types (test_invalid_limit)', () => {
    const by_name = new StreamReader({ limit: 10, loop });
    expect(by_name._limit).toBe(10);
    expect(by_name._loop).toBe(loop);
    expect(new StreamReader(12, { loop })._limit).toBe(12);
    expect(new StreamReader(undefined, { limit: 13, loop })._limit).toBe(13);
    expect(new StreamReader({ loop })._limit).toBe(65536);
    expect(() => new StreamReader({ limit: 0, loop })).toThrow(
      new ValueError('Limit cannot be <= 0'),
    );
    expect(() => new StreamReader({ limit: -1, loop })).toThrow(ValueError);
    expect(() => new StreamReader({ limt: 10, loop } as never)).toThrow(
      new TypeError("StreamReader() got an unexpected keyword argument 'limt'"),
    );
    expect(() => new StreamReader(10, { loop, lop: loop } as never)).toThrow(
      new TypeError("StreamReader() got an unexpected keyword argument 'lop'"),
    );
    expect(() => new StreamReader({ limit: '10', loop } as never)).toThrow(
      new TypeError("StreamReader() argument 'limit' must be number or null, not '10'"),
    );
    expect(() => new StreamReader({ loop: 5 } as never)).toThrow(/argument 'loop'/);
    expect(() => new StreamReader(10, { limit: 20, loop })).toThrow(
      new TypeError("StreamReader() got multiple values for argument 'limit'"),
    );
    expect(() => new StreamReader('10' as never, { loop })).toThrow(TypeError);
  });

  it('feed_data copies its bytes: changing the fed buffer later does not change what is read (test_feed_nonempty_data)', () => {
    const stream = reader();
    const data = b('line1\nline2\n');
    stream.feed_data(data);
    data[0] = 99;
    data.fill(0, 6);
    expect(s(now(stream.readline()))).toBe('line1\n');
    expect(s(now(stream.read(-1 + 7)))).toBe('line2\n');
    // A view into a larger buffer is copied too, not its whole buffer.
    const big = b('xxabcxx');
    stream.feed_data(big.subarray(2, 5));
    big.fill(0);
    stream.feed_eof();
    expect(s(now(stream.read()))).toBe('abc');
  });

  it('feed_data refuses anything but bytes with TypeError, and the buffer stays as it was', () => {
    const stream = reader();
    stream.feed_data(b('ok'));
    for (const bad of ['abc', [97, 98], null, undefined, 5, new ArrayBuffer(2)]) {
      expect(() => stream.feed_data(bad as never)).toThrow(TypeError);
    }
    expect(() => stream.feed_data('abc' as never)).toThrow(
      new TypeError("feed_data() data must be a bytes-like object, got 'abc'"),
    );
    expect(stream._size).toBe(2);
    stream.feed_eof();
    const all = now(stream.read());
    expect(all).toBeInstanceOf(Uint8Array);
    expect(s(all)).toBe('ok');
    // A Node Buffer is bytes (a Uint8Array subclass); browsers have none.
    const NodeBuffer = (globalThis as { Buffer?: { from(text: string): Uint8Array } }).Buffer;
    if (NodeBuffer !== undefined) {
      const other = reader();
      other.feed_data(NodeBuffer.from('buf'));
      expect(s(now(other.read(3)))).toBe('buf');
    }
  });

  it('at_eof is true only after feed_eof with an empty buffer', () => {
    const stream = reader();
    expect(stream.at_eof()).toBe(false);
    stream.feed_data(b('x'));
    stream.feed_eof();
    expect(stream.at_eof()).toBe(false);
    expect(s(now(stream.read()))).toBe('x');
    expect(stream.at_eof()).toBe(true);
  });

  it('ignores empty data, refuses data after EOF, and takes one transport', () => {
    const stream = reader();
    stream.feed_data(b(''));
    expect(stream._size).toBe(0);
    stream.feed_eof();
    expect(() => stream.feed_data(b('x'))).toThrow(new RuntimeError('feed_data after feed_eof'));
    const transport = new FakeTransport();
    stream.set_transport(transport);
    expect(() => stream.set_transport(transport)).toThrow(
      new RuntimeError('Transport already set'),
    );
  });

  it('has an informative repr', () => {
    const stream = reader(10);
    expect(String(stream)).toBe('<StreamReader limit=10>');
    stream.feed_data(b('abc'));
    stream.feed_eof();
    expect(String(stream)).toBe('<StreamReader 3 bytes eof limit=10>');
    const waiting = reader();
    void waiting.read(1);
    expect(String(waiting)).toMatch(/^<StreamReader waiter=<ReadFuture pending/);
  });
});

describe('StreamReader.read', () => {
  it('returns what is buffered, at most n bytes (test_read_line_breaks, test_read_limit)', () => {
    const stream = reader();
    stream.feed_data(b('line1'));
    stream.feed_data(b('line2'));
    expect(s(now(stream.read(5)))).toBe('line1');
    expect(s(now(stream.read(3)))).toBe('lin');
    expect(s(now(stream.read(10)))).toBe('e2');
  });

  it('waits for data when the buffer is empty (test_read)', () => {
    const stream = reader();
    const pending = stream.read(30);
    expect(pending.done()).toBe(false);
    stream.feed_data(b('chunk'));
    expect(s(now(pending))).toBe('chunk');
    expect(stream._size).toBe(0);
  });

  it('read(0) returns b"" at once, even with nothing buffered (test_read_zero)', () => {
    const stream = reader();
    expect(now(stream.read(0)).length).toBe(0);
    stream.feed_data(b('data'));
    expect(now(stream.read(0)).length).toBe(0);
    expect(stream._size).toBe(4);
  });

  it('returns b"" at EOF (test_read_eof)', () => {
    const stream = reader();
    const pending = stream.read(1024);
    stream.feed_eof();
    expect(now(pending).length).toBe(0);
    expect(now(stream.read(5)).length).toBe(0);
  });

  it('read() with no size reads until EOF (test_read_until_eof)', () => {
    const stream = reader(4);
    const pending = stream.read();
    stream.feed_data(b('chunk1\n'));
    stream.feed_data(b('chunk2'));
    expect(pending.done()).toBe(false);
    // Everything was moved out of the buffer: the transport need not pause.
    expect(stream._size).toBe(0);
    stream.feed_eof();
    expect(s(now(pending))).toBe('chunk1\nchunk2');
    expect(now(stream.read(-1)).length).toBe(0);
  });

  it('a size that is not an integer is a TypeError; a negative one reads to EOF', () => {
    const stream = reader();
    stream.feed_data(b('data'));
    expect(() => stream.read(2.5)).toThrow(
      new TypeError('read() size must be an integer, got 2.5'),
    );
    expect(() => stream.read(Number.NaN)).toThrow(TypeError);
    expect(() => stream.read(Infinity)).toThrow(TypeError);
    expect(() => stream.read('2' as never)).toThrow(
      new TypeError("read() size must be an integer, got '2'"),
    );
    expect(() => stream.read(null as never)).toThrow(TypeError);
    expect(stream._size).toBe(4);
    const all = stream.read(-2.5);
    stream.feed_eof();
    expect(s(now(all))).toBe('data');
  });

  it('raises the exception set on the reader (test_read_exception)', () => {
    const stream = reader();
    stream.feed_data(b('line\n'));
    expect(s(now(stream.read(2)))).toBe('li');
    const exc = new ValueError('boom');
    stream.set_exception(exc);
    expect(stream.exception()).toBe(exc);
    expect(failure(stream.read(2))).toBe(exc);
    expect(failure(stream.read())).toBe(exc);
    expect(failure(stream.readline())).toBe(exc);
    expect(failure(stream.readexactly(1))).toBe(exc);
    expect(failure(stream.readuntil(b('\n')))).toBe(exc);
  });
});

describe('StreamReader.readline', () => {
  it('reads a line across chunks, newline included (test_readline)', () => {
    const stream = reader();
    stream.feed_data(b('chunk1 '));
    const pending = stream.readline();
    stream.feed_data(b('chunk2 '));
    expect(pending.done()).toBe(false);
    stream.feed_data(b('chunk3\nchunk4'));
    expect(s(now(pending))).toBe('chunk1 chunk2 chunk3\n');
    expect(buffered(stream)).toBe('chunk4');
  });

  it('returns the partial last line at EOF, then b"" (test_readline_eof)', () => {
    const stream = reader();
    stream.feed_data(b('some data'));
    stream.feed_eof();
    expect(s(now(stream.readline()))).toBe('some data');
    expect(now(stream.readline()).length).toBe(0);
    const empty = reader();
    const pending = empty.readline();
    empty.feed_eof();
    expect(now(pending).length).toBe(0);
  });

  it('reads consecutive lines (test_readline_read_byte_count)', () => {
    const stream = reader();
    stream.feed_data(b('line1\nline2\nline3\n'));
    expect(s(now(stream.readline()))).toBe('line1\n');
    expect(s(now(stream.read(7)))).toBe('line2\nl');
    expect(s(now(stream.readline()))).toBe('ine3\n');
  });

  it('a line fed in pieces within one loop iteration is judged whole: dropped through its newline (test_readline_limit)', async () => {
    const stream = reader(7);
    loop.call_soon(() => {
      stream.feed_data(b('chunk1'));
      stream.feed_data(b('chunk2'));
      stream.feed_data(b('chunk3\n'));
      stream.feed_eof();
    });
    await expect(loop.run_until_complete(stream.readline())).rejects.toEqual(
      new ValueError('Separator is found, but chunk is longer than limit'),
    );
    // The buffer had just one line of data, and after raising a ValueError it is empty:
    // no tail of the long line is left behind to be read as a line.
    expect(stream._size).toBe(0);
    expect(now(stream.readline()).length).toBe(0);

    const second = reader(7);
    loop.call_soon(() => {
      second.feed_data(b('chunk1'));
      second.feed_data(b('chunk2\n'));
      second.feed_data(b('chunk3\n'));
      second.feed_eof();
    });
    await expect(loop.run_until_complete(second.readline())).rejects.toBeInstanceOf(ValueError);
    expect(buffered(second)).toBe('chunk3\n');
  });

  it('an overlong line with no newline yet fails once, at the next loop iteration, dropping what came', async () => {
    const stream = reader(3);
    const pending = stream.readline();
    stream.feed_data(b('li'));
    stream.feed_data(b('ne1'));
    // asyncio decides when the reader resumes, over everything fed by then.
    expect(pending.done()).toBe(false);
    stream.feed_data(b('xx'));
    await run_briefly(loop);
    expect(failure(pending)).toEqual(
      new ValueError('Separator is not found, and chunk exceed the limit'),
    );
    expect(stream._size).toBe(0);
    // Data of a later iteration is a new line, as in asyncio.
    stream.feed_data(b('ok\n'));
    expect(s(now(stream.readline()))).toBe('ok\n');
  });

  it('feed_eof decides an overlong line at once; a cancelled read leaves it alone', async () => {
    const stream = reader(3);
    const pending = stream.readline();
    stream.feed_data(b('toolong'));
    stream.feed_eof();
    expect(failure(pending)).toBeInstanceOf(ValueError);
    expect(stream._size).toBe(0);

    const other = reader(3);
    const cancelled = other.readline();
    other.feed_data(b('toolong'));
    cancelled.cancel();
    await run_briefly(loop);
    expect(buffered(other)).toBe('toolong');
  });

  it('a line over the limit raises ValueError and is dropped; the next line reads fine (test_readline_limit, strictness)', () => {
    const stream = reader(7);
    stream.feed_data(b('1234567\n'));
    expect(s(now(stream.readline()))).toBe('1234567\n');
    stream.feed_data(b('12345678\nnext\n'));
    const err = failure(stream.readline());
    expect(err).toEqual(new ValueError('Separator is found, but chunk is longer than limit'));
    expect(err).toBeInstanceOf(ValueError);
    expect(s(now(stream.readline()))).toBe('next\n');
    // No separator within the limit: the whole buffer is dropped.
    stream.feed_data(b('12345678'));
    expect(failure(stream.readline())).toEqual(
      new ValueError('Separator is not found, and chunk exceed the limit'),
    );
    expect(stream._size).toBe(0);
    stream.feed_data(b('ok\n'));
    expect(s(now(stream.readline()))).toBe('ok\n');
  });

  it('a line over the limit in the buffer fails readline at once (test_readline_limit_with_existing_data)', () => {
    const stream = reader(3);
    stream.feed_data(b('li'));
    stream.feed_data(b('ne1\nline2\n'));
    expect(failure(stream.readline())).toBeInstanceOf(ValueError);
    // The buffer keeps the data after the overlong line.
    expect(buffered(stream)).toBe('line2\n');

    const other = reader(3);
    other.feed_data(b('li'));
    other.feed_data(b('ne1'));
    other.feed_data(b('li'));
    expect(failure(other.readline())).toEqual(
      new ValueError('Separator is not found, and chunk exceed the limit'),
    );
    expect(other._size).toBe(0);
  });

  it('the limit excludes the newline: limit bytes plus "\\n" is a valid line', () => {
    const stream = reader(3);
    stream.feed_data(b('abc\n'));
    expect(s(now(stream.readline()))).toBe('abc\n');
  });
});

describe('StreamReader.readexactly', () => {
  it('reads exactly n bytes across chunks (test_readexactly)', () => {
    const stream = reader();
    const pending = stream.readexactly(10);
    stream.feed_data(b('chunk'));
    expect(pending.done()).toBe(false);
    stream.feed_data(b('chunk'));
    stream.feed_data(b('chunk'));
    expect(s(now(pending))).toBe('chunkchunk');
    expect(buffered(stream)).toBe('chunk');
  });

  it('n == 0 returns b""; n < 0 throws ValueError (test_readexactly_zero_or_less)', () => {
    const stream = reader();
    stream.feed_data(b('data'));
    expect(now(stream.readexactly(0)).length).toBe(0);
    expect(() => stream.readexactly(-1)).toThrow(
      new ValueError('readexactly size can not be less than zero'),
    );
    expect(stream._size).toBe(4);
  });

  it('a size that is not an integer is a TypeError; a negative one a ValueError first, as asyncio checks', () => {
    const stream = reader();
    stream.feed_data(b('data'));
    expect(() => stream.readexactly(2.5)).toThrow(
      new TypeError('readexactly() size must be an integer, got 2.5'),
    );
    expect(() => stream.readexactly(Number.NaN)).toThrow(TypeError);
    expect(() => stream.readexactly('2' as never)).toThrow(TypeError);
    expect(() => stream.readexactly(undefined as never)).toThrow(TypeError);
    expect(() => stream.readexactly(-1.5)).toThrow(ValueError);
    expect(s(now(stream.readexactly(4)))).toBe('data');
  });

  it('fails with IncompleteReadError(partial, expected) at EOF (test_readexactly_eof)', () => {
    const stream = reader();
    const pending = stream.readexactly(10);
    stream.feed_data(b('chunk'));
    stream.feed_eof();
    const err = failure(pending) as IncompleteReadError;
    expect(err).toBeInstanceOf(IncompleteReadError);
    expect(s(err.partial)).toBe('chunk');
    expect(err.expected).toBe(10);
    expect(err.message).toBe('5 bytes read on a total of 10 expected bytes');
    expect(stream._size).toBe(0);
  });
});

describe('StreamReader.readuntil', () => {
  it('reads through a multi-byte separator split across chunks (test_readuntil_multi_chunks_1)', () => {
    const stream = reader();
    stream.feed_data(b('QWEaa'));
    stream.feed_data(b('XYaa'));
    stream.feed_data(b('a'));
    expect(s(now(stream.readuntil(b('aaa'))))).toBe('QWEaaXYaaa');
    stream.feed_data(b('XYa'));
    const pending = stream.readuntil(b('aaa'));
    stream.feed_data(b('a'));
    expect(pending.done()).toBe(false);
    stream.feed_data(b('aXY'));
    expect(s(now(pending))).toBe('XYaaa');
    expect(buffered(stream)).toBe('XY');
  });

  it('defaults to "\\n" and rejects an empty separator', () => {
    const stream = reader();
    stream.feed_data(b('a\nb'));
    expect(s(now(stream.readuntil()))).toBe('a\n');
    expect(() => stream.readuntil(b(''))).toThrow(
      new ValueError('Separator should be at least one-byte string'),
    );
    expect(() => stream.readuntil('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('fails with IncompleteReadError(partial, null) at EOF, emptying the buffer (test_readuntil_eof)', () => {
    const stream = reader();
    stream.feed_data(b('some dataAA'));
    stream.feed_eof();
    const err = failure(stream.readuntil(b('AAA'))) as IncompleteReadError;
    expect(err).toBeInstanceOf(IncompleteReadError);
    expect(s(err.partial)).toBe('some dataAA');
    expect(err.expected).toBeNull();
    expect(err.message).toBe('11 bytes read on a total of None expected bytes');
    expect(stream._size).toBe(0);
  });

  it('judges the limit over the pieces of one loop iteration, keeping the data (test_readuntil_limit_found_sep)', async () => {
    const stream = reader(3);
    const pending = stream.readuntil(b('AAA'));
    loop.call_soon(() => {
      stream.feed_data(b('some data'));
      stream.feed_data(b('AAA'));
    });
    const err = (await loop.run_until_complete(pending).then(
      () => null,
      (e: unknown) => e,
    )) as LimitOverrunError;
    expect(err).toBeInstanceOf(LimitOverrunError);
    expect(err.message).toBe('Separator is found, but chunk is longer than limit');
    expect(err.consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataAAA');
  });

  it('fails with LimitOverrunError(consumed) and keeps the data (test_readuntil_limit_found_sep)', () => {
    const stream = reader(3);
    stream.feed_data(b('some dataAA'));
    let err = failure(stream.readuntil(b('AAA'))) as LimitOverrunError;
    expect(err).toBeInstanceOf(LimitOverrunError);
    expect(err.message).toBe('Separator is not found, and chunk exceed the limit');
    expect(err.consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataAA');
    stream.feed_data(b('A'));
    err = failure(stream.readuntil(b('AAA'))) as LimitOverrunError;
    expect(err.message).toBe('Separator is found, but chunk is longer than limit');
    expect(err.consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataAAA');
  });

  it('refuses an empty list of separators, or an empty one in it (test_readuntil_separator)', () => {
    const stream = reader();
    stream.feed_data(b('a;b\n'));
    expect(() => stream.readuntil([])).toThrow(
      new ValueError('Separator should contain at least one element'),
    );
    expect(() => stream.readuntil([b('')])).toThrow(
      new ValueError('Separator should be at least one-byte string'),
    );
    expect(() => stream.readuntil([b(';'), b('')])).toThrow(
      new ValueError('Separator should be at least one-byte string'),
    );
    expect(() => stream.readuntil([b(';'), 'x' as unknown as Uint8Array])).toThrow(TypeError);
    expect(buffered(stream)).toBe('a;b\n');
    expect(stream._waiter).toBeNull();
  });

  it('ends at whichever of several separators comes first (test_readuntil_multi_separator)', () => {
    const stream = reader();
    stream.feed_data(b('first\nsecond;third'));
    const seps = [b(';'), b('\n')];
    expect(s(now(stream.readuntil(seps)))).toBe('first\n');
    expect(s(now(stream.readuntil(seps)))).toBe('second;');
    expect(buffered(stream)).toBe('third');
  });

  it('takes the match that ends first, even when it is the longer separator (test_readuntil_multi_separator)', () => {
    const stream = reader();
    stream.feed_data(b('0123456789'));
    // '2345' ends before '456' does: the result is the shortest possible.
    expect(s(now(stream.readuntil([b('456'), b('2345')])))).toBe('012345');
    expect(buffered(stream)).toBe('6789');
  });

  it('takes the match that ends first, not the one that starts first', () => {
    const stream = reader();
    stream.feed_data(b('0123456789'));
    // '2345' starts first, but '34', inside it, ends first.
    expect(s(now(stream.readuntil([b('2345'), b('34')])))).toBe('01234');
    expect(buffered(stream)).toBe('56789');
  });

  it('judges the limit on the shorter separator of two that end together (test_readuntil_multi_separator_limit)', () => {
    const stream = reader(2);
    stream.feed_data(b('abcdX'));
    // 'bcdX' would start at 1, within the limit, but the shorter 'X' matched, at 4.
    const err = failure(stream.readuntil([b('bcdX'), b('X')])) as LimitOverrunError;
    expect(err).toBeInstanceOf(LimitOverrunError);
    expect(err.message).toBe('Separator is found, but chunk is longer than limit');
    expect(err.consumed).toBe(4);
    expect(buffered(stream)).toBe('abcdX');
  });

  it('keeps the search offset at 0 while the buffer is shorter than the longest separator (test_readuntil_multi_separator_negative_offset)', () => {
    const stream = reader();
    stream.feed_data(b('wxyz'));
    const pending = stream.readuntil([b('!'), b('a long separator')]);
    expect(pending.done()).toBe(false);
    stream.feed_data(b('?'));
    expect(pending.done()).toBe(false);
    stream.feed_data(b('!tail'));
    expect(s(now(pending))).toBe('wxyz?!');
    expect(buffered(stream)).toBe('tail');
  });

  it('finds a separator of several split across chunks', () => {
    const stream = reader();
    const pending = stream.readuntil([b('\r\n'), b('||')]);
    stream.feed_data(b('head\r'));
    expect(pending.done()).toBe(false);
    stream.feed_data(b('\nbody'));
    expect(s(now(pending))).toBe('head\r\n');
    expect(buffered(stream)).toBe('body');
  });

  it('fails with IncompleteReadError(partial, None) at EOF with none of the separators (test_readuntil_eof)', () => {
    const stream = reader();
    stream.feed_data(b('no end;'));
    stream.feed_eof();
    const err = failure(stream.readuntil([b(';;'), b('\n')])) as IncompleteReadError;
    expect(err).toBeInstanceOf(IncompleteReadError);
    expect(s(err.partial)).toBe('no end;');
    expect(err.expected).toBeNull();
    expect(err.message).toBe('7 bytes read on a total of None expected bytes');
    expect(stream._size).toBe(0);
  });

  it('fails with LimitOverrunError past the limit with no separator, keeping the data (test_readuntil_limit_found_sep)', () => {
    const stream = reader(3);
    stream.feed_data(b('abcdefg'));
    // Searched up to where the longest separator could still begin: 7 + 1 - 3.
    const err = failure(stream.readuntil([b('X'), b('YYY')])) as LimitOverrunError;
    expect(err).toBeInstanceOf(LimitOverrunError);
    expect(err.message).toBe('Separator is not found, and chunk exceed the limit');
    expect(err.consumed).toBe(5);
    expect(buffered(stream)).toBe('abcdefg');
  });

  it('reads with a one-separator list as with the separator, and leaves the list as it was', () => {
    const stream = reader();
    stream.feed_data(b('ab--cd--'));
    expect(s(now(stream.readuntil([b('--')])))).toBe('ab--');
    const seps = [b('--'), b('c')];
    const pending = stream.readuntil(seps);
    expect(s(now(pending))).toBe('c');
    expect(seps.map(s)).toEqual(['--', 'c']);
    expect(buffered(stream)).toBe('d--');
  });
});

describe('StreamReader: randomized chunk boundaries', () => {
  /** Feed `chunks` one at a time until `future` is done (EOF after the last). */
  function drive<T>(stream: StreamReader, chunks: Uint8Array[], future: Future<T>): T {
    while (!future.done()) {
      const chunk = chunks.shift();
      if (chunk === undefined) stream.feed_eof();
      else stream.feed_data(chunk);
    }
    return future.result();
  }

  function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
    const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((x, y) => x - y);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const p of [...points, data.length]) {
      if (p > at) out.push(data.subarray(at, p));
      at = Math.max(at, p);
    }
    return out;
  }

  it('readline, readuntil, readexactly and read give the same bytes however the data is cut', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n', 'x'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.array(fc.nat(200), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 30 }),
        (lines, cuts, ops) => {
          const text = lines.join('');
          const data = b(text);
          const chunks = split(data, cuts);
          const stream = reader(1000);
          let rest = text;
          for (let i = 0; rest.length > 0 || i < ops.length; i++) {
            const op = ops[i % ops.length]!;
            if (op === 0) {
              const got = s(drive(stream, chunks, stream.readline()));
              const nl = rest.indexOf('\n');
              const want = nl === -1 ? rest : rest.slice(0, nl + 1);
              expect(got).toBe(want);
              rest = rest.slice(want.length);
            } else if (op === 1) {
              const future = stream.readuntil(b('\r\n'));
              const end = rest.indexOf('\r\n');
              if (end === -1) {
                try {
                  drive(stream, chunks, future);
                  expect.unreachable();
                } catch (err) {
                  expect(err).toBeInstanceOf(IncompleteReadError);
                  expect(s((err as IncompleteReadError).partial)).toBe(rest);
                }
                rest = '';
              } else {
                expect(s(drive(stream, chunks, future))).toBe(rest.slice(0, end + 2));
                rest = rest.slice(end + 2);
              }
            } else if (op === 2) {
              const n = 3;
              const future = stream.readexactly(n);
              if (rest.length >= n) {
                expect(s(drive(stream, chunks, future))).toBe(rest.slice(0, n));
                rest = rest.slice(n);
              } else {
                try {
                  drive(stream, chunks, future);
                  expect.unreachable();
                } catch (err) {
                  expect((err as IncompleteReadError).expected).toBe(n);
                  expect(s((err as IncompleteReadError).partial)).toBe(rest);
                }
                rest = '';
              }
            } else {
              const got = s(drive(stream, chunks, stream.read(5)));
              expect(rest.startsWith(got)).toBe(true);
              expect(got.length > 0 || rest.length === 0).toBe(true);
              rest = rest.slice(got.length);
            }
            if (rest.length === 0 && i >= ops.length) break;
          }
          expect(drive(stream, chunks, stream.read()).length).toBe(0);
          expect(stream.at_eof()).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('readuntil with several separators ends where the first match ends however the data is cut', () => {
    const piece = fc.constantFrom('a', 'b', ';', '\r', '\n', 'ab;a', 'xy');
    const text = fc.array(piece, { maxLength: 20 }).map((pieces) => pieces.join(''));
    // 'ab;a' holds 'b;': it never ends first, though it may start first.
    const seps = ['\r\n', 'ab;a', 'b;', ';;'];
    fc.assert(
      fc.property(text, fc.array(fc.nat(80), { maxLength: 20 }), (whole, cuts) => {
        const chunks = split(b(whole), cuts);
        const stream = reader(1000);
        let rest = whole;
        while (rest.length > 0) {
          const ends = seps
            .map((sep) => rest.indexOf(sep) + sep.length)
            .filter((end, i) => end >= seps[i]!.length);
          const future = stream.readuntil(seps.map(b));
          if (ends.length === 0) {
            try {
              drive(stream, chunks, future);
              expect.unreachable();
            } catch (err) {
              expect(err).toBeInstanceOf(IncompleteReadError);
              expect(s((err as IncompleteReadError).partial)).toBe(rest);
            }
            break;
          }
          const end = Math.min(...ends);
          expect(s(drive(stream, chunks, future))).toBe(rest.slice(0, end));
          rest = rest.slice(end);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('StreamReader: the pieces of one loop iteration', () => {
  it('readline gives the same lines and errors whether a loop callback feeds the data whole or in pieces', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 40 });
    const cuts = fc.array(fc.nat(40), { maxLength: 12 });
    /** What successive readline() calls give (lines, or the ValueError) when a callback feeds `chunks`. */
    async function outcome(chunks: Uint8Array[]): Promise<string[]> {
      const stream = reader(4);
      loop.call_soon(() => {
        for (const chunk of chunks) stream.feed_data(chunk);
        stream.feed_eof();
      });
      const seen: string[] = [];
      for (;;) {
        try {
          const line = await loop.run_until_complete(stream.readline());
          if (line.length === 0) return seen;
          seen.push(s(line));
        } catch (exc) {
          expect(exc).toBeInstanceOf(ValueError);
          seen.push(`ValueError: ${(exc as Error).message}`);
        }
      }
    }
    await fc.assert(
      fc.asyncProperty(text, cuts, async (data, at) => {
        const whole = b(data);
        const points = [...new Set([...at.map((c) => c % (whole.length + 1)), whole.length])];
        points.sort((x, y) => x - y);
        const pieces: Uint8Array[] = [];
        let from = 0;
        for (const p of points) {
          if (p > from) pieces.push(whole.slice(from, p));
          from = p;
        }
        expect(await outcome(pieces)).toEqual(await outcome([whole]));
      }),
      { numRuns: 150 },
    );
  });
});

describe('StreamReader: waiting readers', () => {
  it('keeps the bytes of a read whose task is cancelled after the data came but before it resumed', async () => {
    const stream = reader();
    let got: Uint8Array | null = null;
    const task = loop.create_task(
      coroutine(function* () {
        got = yield From(stream.readline());
      })(),
    );
    await run_briefly(loop); // the task waits for a line
    stream.feed_data(b('first line\nsecond'));
    task.cancel(); // the read is answered, the task has not resumed yet
    await run_briefly(loop, 2);
    expect(task.cancelled()).toBe(true);
    expect(got).toBeNull();
    expect(s(await loop.run_until_complete(stream.readline()))).toBe('first line\n');
    stream.feed_eof();
    expect(s(await loop.run_until_complete(stream.read()))).toBe('second');
  });

  it('a waiting read gets the exception set later (test_exception_waiter)', () => {
    const stream = reader();
    const pending = stream.readline();
    const exc = new ValueError('boom');
    stream.set_exception(exc);
    expect(failure(pending)).toBe(exc);
    expect(failure(stream.read(1))).toBe(exc);
  });

  it('a second read while one waits raises RuntimeError naming the method', () => {
    const stream = reader();
    const pending = stream.readline();
    expect(() => stream.readline()).toThrow(
      new RuntimeError(
        'readline() called while another coroutine is already waiting for incoming data',
      ),
    );
    expect(() => stream.read(1)).toThrow(
      new RuntimeError(
        'read() called while another coroutine is already waiting for incoming data',
      ),
    );
    expect(() => stream.readexactly(2)).toThrow(/^readexactly\(\) called while another/);
    expect(() => stream.readuntil(b('x'))).toThrow(/^readuntil\(\) called while another/);
    stream.feed_data(b('ok\n'));
    expect(s(now(pending))).toBe('ok\n');
  });

  it('cancelling a waiting read leaves the buffer alone and frees the reader (test_exception_cancel)', () => {
    const stream = reader();
    const pending = stream.readexactly(5);
    stream.feed_data(b('abc'));
    pending.cancel();
    stream.feed_data(b('de'));
    expect(buffered(stream)).toBe('abcde');
    expect(s(now(stream.readexactly(5)))).toBe('abcde');
  });

  it('works with yield From, yield* From and await', async () => {
    const stream = reader();
    const lines: string[] = [];
    const main = coroutine(function* () {
      lines.push(s(yield From(stream.readline())));
      const typed: Uint8Array = yield* From(stream.readexactly(3));
      lines.push(s(typed));
      lines.push(s(yield* From(stream.readuntil(b('!')))));
    });
    const task = loop.create_task(main());
    loop.call_soon(() => stream.feed_data(b('one\ntw')));
    loop.call_soon(() => stream.feed_data(b('oxyz!')));
    await loop.run_until_complete(task);
    expect(lines).toEqual(['one\n', 'two', 'xyz!']);
    const later = loop.run_until_complete(
      (async () => s(await stream.read(2)) + s(await stream.read(-1)))(),
    );
    loop.call_soon(() => {
      stream.feed_data(b('end'));
      stream.feed_eof();
    });
    expect(await later).toBe('end');
  });

  it('a timed-out read is cancelled and the data stays for the next read', async () => {
    const stream = reader();
    await expect(
      loop.run_until_complete(wait_for(stream.readline(), 0.1, { loop })),
    ).rejects.toThrow();
    stream.feed_data(b('late\n'));
    expect(s(await loop.run_until_complete(stream.readline()))).toBe('late\n');
  });

  it('iterates over lines with for await (asyncio async for)', async () => {
    const stream = reader();
    const seen: string[] = [];
    const main = loop.run_until_complete(
      (async () => {
        for await (const line of stream) seen.push(s(line));
      })(),
    );
    loop.call_soon(() => stream.feed_data(b('line1\nline')));
    loop.call_soon(() => stream.feed_data(b('2\nlast')));
    loop.call_soon(() => stream.feed_eof());
    await main;
    expect(seen).toEqual(['line1\n', 'line2\n', 'last']);
  });

  it('a cancelled waiting task raises CancelledError at its read', async () => {
    const stream = reader();
    const task = loop.create_task(
      coroutine(function* () {
        yield From(stream.read(10));
      })(),
    );
    await run_briefly(loop);
    task.cancel();
    await expect(loop.run_until_complete(task)).rejects.toBeInstanceOf(CancelledError);
    stream.feed_data(b('x'));
    expect(s(now(stream.read(10)))).toBe('x');
  });
});

describe('StreamReader: flow control (STR-1)', () => {
  it('pauses the transport past 2 * limit and resumes it at limit or below', () => {
    const stream = reader(4);
    const transport = new FakeTransport();
    stream.set_transport(transport);
    stream.feed_data(b('12345678'));
    expect(transport.calls).toEqual([]);
    stream.feed_data(b('9'));
    expect(transport.calls).toEqual(['pause']);
    expect(stream._paused).toBe(true);
    stream.feed_data(b('abc'));
    expect(transport.calls).toEqual(['pause']);
    expect(s(now(stream.read(7)))).toBe('1234567');
    expect(transport.calls).toEqual(['pause']);
    expect(s(now(stream.read(1)))).toBe('8');
    expect(transport.calls).toEqual(['pause', 'resume']);
  });

  it('a read that must wait resumes a paused transport (asyncio _wait_for_data)', () => {
    const stream = reader(2);
    const transport = new FakeTransport();
    stream.set_transport(transport);
    stream.feed_data(b('abcde'));
    expect(transport.calls).toEqual(['pause']);
    const pending = stream.readexactly(8);
    expect(transport.calls).toEqual(['pause', 'resume']);
    // Still waiting: no pause, however much is buffered.
    stream.feed_data(b('fg'));
    expect(transport.calls).toEqual(['pause', 'resume']);
    stream.feed_data(b('hij'));
    expect(s(now(pending))).toBe('abcdefgh');
  });

  it('forgets a transport that cannot pause and buffers without bound', () => {
    // Transport's own pause_reading throws NotImplementedError.
    class NoPause extends Transport {
      override is_closing(): boolean {
        return false;
      }
    }
    const stream = reader(1);
    stream.set_transport(new NoPause());
    stream.feed_data(b('abc'));
    expect(stream._transport).toBeNull();
    expect(stream._paused).toBe(false);
  });
});
