import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local stand-in for Feishu's long-connection gateway, so the SDK's real WSClient runs end to end: it answers
 * `POST /callback/ws/endpoint` with a ws:// URL, then speaks the SDK's pbbp2.Frame protobuf over the socket.
 */

interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Buffer;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

const field = (no: number, wire: number) => varint((no << 3) | wire);
const bytesField = (no: number, value: Buffer) => Buffer.concat([field(no, 2), varint(value.length), value]);

export function encodeFrame(frame: Frame): Buffer {
  const parts = [field(1, 0), varint(frame.SeqID), field(2, 0), varint(frame.LogID), field(3, 0), varint(frame.service), field(4, 0), varint(frame.method)];
  for (const h of frame.headers) parts.push(bytesField(5, Buffer.concat([bytesField(1, Buffer.from(h.key)), bytesField(2, Buffer.from(h.value))])));
  if (frame.payload) parts.push(bytesField(8, frame.payload));
  return Buffer.concat(parts);
}

/** Decodes the fields we read back (method, headers, payload); other fields are skipped. */
export function decodeFrame(buf: Buffer): Frame {
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const read = (b: Buffer, at: number): [number, number] => {
    let value = 0;
    let mul = 1;
    let i = at;
    for (;;) {
      const byte = b[i++];
      value += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) return [value, i];
    }
  };
  const fields = (b: Buffer, each: (no: number, value: number | Buffer) => void) => {
    let i = 0;
    while (i < b.length) {
      const [tag, next] = read(b, i);
      const [no, wire] = [tag >> 3, tag & 7];
      if (wire === 0) {
        const [v, after] = read(b, next);
        each(no, v);
        i = after;
      } else {
        const [len, start] = read(b, next);
        each(no, b.subarray(start, start + len));
        i = start + len;
      }
    }
  };
  fields(buf, (no, value) => {
    if (no === 4) frame.method = value as number;
    if (no === 8) frame.payload = value as Buffer;
    if (no === 5) {
      const h = { key: '', value: '' };
      fields(value as Buffer, (n, v) => (n === 1 ? (h.key = String(v)) : (h.value = String(v))));
      frame.headers.push(h);
    }
  });
  return frame;
}

export async function startFeishuWsGateway() {
  const endpointCalls: Array<Record<string, unknown>> = [];
  const acks: Array<{ messageId: string; payload: Record<string, unknown> }> = [];
  const sockets: WebSocket[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      endpointCalls.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      const { port } = server.address() as AddressInfo;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        code: 0,
        data: { URL: `ws://127.0.0.1:${port}/ws?device_id=dev-1&service_id=7`, ClientConfig: { PingInterval: 120, ReconnectCount: 0, ReconnectInterval: 1, ReconnectNonce: 0 } },
      }));
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data: Buffer) => {
      const frame = decodeFrame(data);
      const type = frame.headers.find((h) => h.key === 'type')?.value;
      if (frame.method === 1 && type === 'event' && frame.payload) {
        acks.push({ messageId: frame.headers.find((h) => h.key === 'message_id')?.value ?? '', payload: JSON.parse(frame.payload.toString('utf8')) as Record<string, unknown> });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let seq = 0;
  return {
    domain: `http://127.0.0.1:${port}`,
    endpointCalls,
    acks,
    connected: () => sockets.some((s) => s.readyState === s.OPEN),
    /** Sends one event the way Feishu does: a data frame whose payload is the plaintext event JSON. */
    sendEvent(event: object, messageId = `msg-${++seq}`) {
      const frame = encodeFrame({
        SeqID: seq, LogID: seq, service: 7, method: 1,
        headers: [{ key: 'type', value: 'event' }, { key: 'message_id', value: messageId }, { key: 'sum', value: '1' }, { key: 'seq', value: '0' }, { key: 'trace_id', value: `trace-${seq}` }],
        payload: Buffer.from(JSON.stringify(event)),
      });
      for (const s of sockets) if (s.readyState === s.OPEN) s.send(frame);
      return messageId;
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
