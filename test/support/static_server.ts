// A tiny static file server on 127.0.0.1 (port 0) for browser tests: serves dist/, build/ and test/browser/pages/ only.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/static_server.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** URL prefixes the server answers, each mapped to a folder of the repository. */
const ROOTS: Record<string, string> = {
  '/dist/': path.join(REPO_ROOT, 'dist'),
  '/pages/': path.join(REPO_ROOT, 'test/browser/pages'),
  '/build/': path.join(REPO_ROOT, 'build'),
};

/** Chromium refuses module scripts without a JavaScript MIME type, so .mjs must be text/javascript. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** Map a request path to a file under one of ROOTS, or null (unknown prefix or an escape attempt). */
function resolve_file(url_path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url_path);
  } catch {
    return null;
  }
  for (const [prefix, dir] of Object.entries(ROOTS)) {
    if (!decoded.startsWith(prefix)) continue;
    const file = path.resolve(dir, '.' + decoded.slice(prefix.length - 1));
    return file.startsWith(dir + path.sep) ? file : null;
  }
  return null;
}

/** Start the server on 127.0.0.1 and an ephemeral port. */
export async function start_static_server(): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const file = resolve_file(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (file === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
