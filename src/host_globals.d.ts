// The few universal host globals the core may use: present in Node, browsers and workers alike.
//
// tsconfig.src.json compiles src/ against lib ES2022 with no DOM and no Node types,
// so nothing host-specific (process, Buffer, window, document, setTimeout,
// setImmediate, performance) typechecks in the core: the core reaches the host only
// through `Platform` (src/platform.ts). The globals below exist on every host we
// support, and are typed minimally here as a compatible subset of the DOM and
// @types/node declarations, which the backend and test projects use instead.
// Add to this file only a global that every host has, and only the members used.

/** Queue a microtask (runs before the host's next task). */
declare function queueMicrotask(callback: () => void): void;

/** The host console: the log sink of last resort (src/log.ts). */
interface Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}
declare var console: Console;

/** UTF-8 encoder (WHATWG Encoding). */
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

/** Decoder from bytes to a string (WHATWG Encoding). */
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};
