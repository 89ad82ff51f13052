import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export type SinkResponder = (req: SinkRequest) => { status: number; body: string };

/** A local HTTP server playing a chat platform's webhook endpoint: records every request, answers as told. */
export async function startChatSink(responder: SinkResponder = () => ({ status: 200, body: '{"ok":true}' })) {
  const requests: SinkRequest[] = [];
  let respond = responder;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { url: req.url ?? '/', headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      requests.push(entry);
      const { status, body } = respond(entry);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respondWith(next: SinkResponder) {
      respond = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
