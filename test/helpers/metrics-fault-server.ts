/**
 * A misbehaving metrics server on 127.0.0.1, for the tests that hold the
 * promises "no credential reaches an output" and "every wait has a deadline":
 *
 * - `echo`: answers every request with HTTP 400 in Prometheus' error shape,
 *   and copies every request header (credentials included) into the error
 *   message, as careless proxies and debugging endpoints do;
 * - `hang`: accepts the connection, reads the request and never answers.
 *
 * Every request is recorded, so a test can also say that none arrived.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FaultServer {
  /** Base URL, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request received: method, URL and headers. */
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startFaultServer(mode: 'echo' | 'hang'): Promise<FaultServer> {
  const requests: FaultServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    if (mode === 'hang') return;
    const echoed = Object.entries(req.headers)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`)
      .join('; ');
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: `cannot parse the request; headers were ${echoed}`,
      }),
    );
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fault server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
