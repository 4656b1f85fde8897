/**
 * Node's http in front of the fetch-style handler: IncomingMessage → Request, Response →
 * ServerResponse (streamed, so event streams flow), and the socket-level limits a fetch
 * handler cannot set (headers and whole requests that trickle in are cut off).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { KefuServer } from './handler.js';

export function nodeListener(server: KefuServer): http.RequestListener {
  return (req, res) => {
    let request: Request;
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      request = new Request(new URL(req.url ?? '/', `http://${safeHost(req.headers.host)}`), {
        method: req.method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        signal: controller.signal,
        // @ts-expect-error Node's fetch needs this for streamed request bodies
        duplex: 'half',
      });
    } catch {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"malformed request"}');
      return;
    }
    void server.fetch(request, { remoteAddress: req.socket.remoteAddress }).then((response) => send(response, res), () => res.writeHead(500).end());
  };
}

/** A Host header that cannot break the URL (the handler rejects unknown hosts anyway). */
function safeHost(host: string | undefined): string {
  return host && /^[\w.:[\]-]{1,260}$/.test(host) ? host : 'invalid.host';
}

async function send(response: Response, res: http.ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    /* client went away */
  }
  res.end();
}

export interface ListenOptions {
  host?: string;
  /** 0 picks a free port. Default 3000. */
  port?: number;
}

/**
 * Serve on Node's http. Resolves when listening; `url` is where it answers.
 * @example
 * const { url, close } = await listen(createKefuServer({ bot, agents: { token } }), { port: 3000 });
 */
export async function listen(server: KefuServer, options: ListenOptions = {}): Promise<{ http: http.Server; url: string; close: () => Promise<void> }> {
  const httpServer = http.createServer(nodeListener(server));
  httpServer.headersTimeout = 10_000;
  // Whole requests (bodies included) must be in within this; event streams are GETs and not affected once received.
  httpServer.requestTimeout = 15_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    http: httpServer,
    url: `http://${shown}:${port}`,
    close: async () => {
      await server.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
