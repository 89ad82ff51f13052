import type { FastifyInstance } from 'fastify';
import { signWebhook } from '../../src/domain/webhook-signature.ts';

/** Sends a chat message to /hooks/webhook/:channelId signed as a real integration would. */
export function sendSignedMessage(
  app: FastifyInstance,
  channelId: string,
  secret: string,
  message: { messageId: string; senderId: string; text: string; senderName?: string; sentAt?: string },
  opts: { timestamp?: number; signWith?: string } = {},
) {
  const body = JSON.stringify(message);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: `/hooks/webhook/${channelId}`,
    headers: {
      'content-type': 'application/json',
      'x-yangguang-timestamp': String(timestamp),
      'x-yangguang-signature': signWebhook(opts.signWith ?? secret, timestamp, body),
    },
    payload: body,
  });
}
