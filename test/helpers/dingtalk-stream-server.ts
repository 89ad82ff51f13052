import type { AddressInfo } from 'node:net';
import type { DWClient } from 'dingtalk-stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StreamAck {
  code: number;
  headers: { contentType: string; messageId: string };
  message: string;
  data: string;
}

/**
 * A local WebSocket server playing DingTalk's Stream gateway (chat-protocols.md Appendix C): it pushes
 * downstream frames to the connected client and records every upstream frame (the ACKs).
 */
export async function startDingtalkStreamServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.on('listening', () => resolve()));
  const acks: StreamAck[] = [];
  const sockets: WebSocket[] = [];
  let closedSockets = 0;
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => acks.push(JSON.parse(String(data)) as StreamAck));
    ws.on('close', () => closedSockets++);
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/?ticket=test-ticket`;
  return {
    acks,
    get closedSockets() {
      return closedSockets;
    },
    /** The starter's `connect` override: skip the hard-coded gateway and open the socket here. */
    connect: async (client: DWClient) => {
      client.config.autoReconnect = false;
      (client as unknown as { dw_url: string }).dw_url = url;
      await client._connect();
    },
    push(frame: object) {
      for (const ws of sockets) ws.send(JSON.stringify(frame));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

let frameCounter = 0;

/** A CALLBACK frame on TOPIC_ROBOT carrying a robot message (§2.3). */
export function robotFrame(data: object, messageId = `frame-${++frameCounter}`) {
  return {
    specVersion: '1.0',
    type: 'CALLBACK',
    headers: {
      appId: 'test-app',
      connectionId: 'conn-1',
      contentType: 'application/json',
      messageId,
      time: String(Date.now()),
      topic: '/v1.0/im/bot/messages/get',
    },
    data: JSON.stringify(data),
  };
}
