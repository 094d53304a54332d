import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/** What a fault server does to the range requests it numbers (1, 2, …, across files). */
export interface Faults {
  /** Requests answered only after this many ms. */
  stall?: { requests: Set<number>; ms: number };
  /** Requests whose connection is dropped after half the body. */
  drop?: Set<number>;
  /** Requests answered 503. */
  fail?: Set<number>;
  /** Files (names) whose every range request is answered 500. */
  broken?: Set<string>;
}

/**
 * A server on 127.0.0.1 for the files of a folder, with range requests, that stalls, drops and
 * fails the requests it is told to: what a remote dataset does on a bad day. Only loopback traffic.
 */
export async function faultServer(folder: string, faults: Faults = {}): Promise<{ base: string; requests: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url!, 'http://x').pathname).slice(1);
    const path = join(folder, name);
    let size: number;
    try { size = statSync(path).size; } catch { res.writeHead(404); res.end(); return; }
    if (req.method === 'HEAD') { res.writeHead(200, { 'Content-Length': size }); res.end(); return; }
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
    if (!m) { res.writeHead(200, { 'Content-Length': size }); res.end(readFileSync(path)); return; }
    const k = ++n;
    const [start, end] = [Number(m[1]), Math.min(Number(m[2]), size - 1)];
    if (faults.broken?.has(name) || faults.fail?.has(k)) { res.writeHead(faults.broken?.has(name) ? 500 : 503); res.end(); return; }
    const body = readFileSync(path).subarray(start, end + 1);
    const send = () => {
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': body.length });
      if (faults.drop?.has(k)) { res.write(body.subarray(0, body.length >> 1)); res.socket?.destroy(); return; }
      res.end(body);
    };
    if (faults.stall?.requests.has(k)) setTimeout(send, faults.stall.ms); else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests: () => n,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
