// Helpers for the demo's browser tests: start demo/server.mjs in-process, run demo/chat-client.mjs, watch a page's errors.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Browser, Page } from 'playwright-core';

import { REPO_ROOT } from './static_server.js';

/** What `start_demo()` of demo/server.mjs resolves to. */
export interface Demo {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** The chat room's plain TCP port. */
  readonly tcp_port: number;
  close(): Promise<void>;
}

/** Start the demo server (it imports dist/, so build first) on 127.0.0.1, ports 0. */
export async function start_demo(): Promise<Demo> {
  const url = pathToFileURL(path.join(REPO_ROOT, 'demo/server.mjs')).href;
  const mod = (await import(/* @vite-ignore */ url)) as {
    start_demo(options: { port: number; host: string }): Promise<Demo>;
  };
  return mod.start_demo({ port: 0, host: '127.0.0.1' });
}

/** A running `node demo/chat-client.mjs`, its stdout gathered as it comes. */
export interface ChatClient {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolve once the output contains `text`; reject after `timeout` ms. */
  wait_for_output(text: string, timeout?: number): Promise<void>;
  /** Resolve with the exit code once the process ended (killed after `timeout` ms). */
  exited(timeout?: number): Promise<number | null>;
}

export function spawn_chat_client(args: string[]): ChatClient {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'demo/chat-client.mjs'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const on_data = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout.on('data', on_data);
  child.stderr.on('data', on_data);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    wait_for_output(wanted, timeout = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!text.includes(wanted)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`chat-client never printed ${JSON.stringify(wanted)}; got:\n${text}`));
        }, timeout);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async exited(timeout = 10_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A page whose uncaught errors, console errors and failed requests are collected (`allow` excepted). */
export async function open_page(
  browser: Browser,
  url: string,
  problems: string[],
  allow: RegExp[] = [],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const allowed = (text: string): boolean => allow.some((re) => re.test(text));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allowed(msg.text()))
      problems.push(`console.error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    if (!allowed(req.url())) problems.push(`request failed: ${req.url()}`);
  });
  await page.goto(url);
  return page;
}
