import { request } from 'undici';
import { z } from 'zod';
import { signWebhook, verifyWebhook } from '../domain/webhook-signature.ts';
import { classifyHttp, type PushAdapter } from './push.ts';

const RESPONSE_BODY_LIMIT = 2_000;

/** Push side of the generic signed webhook: JSON body, timestamp and HMAC-SHA256 signature headers. */
export const pushWebhook: PushAdapter = async (channel, message, now) => {
  if (!channel.outboundUrl || !channel.outboundSecret) return { outcome: 'fatal', error: 'channel has no push URL or secret' };
  const body = JSON.stringify({ type: message.type, villageId: message.villageId, meetingId: message.meetingId, text: message.text, markdown: message.markdown });
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const res = await request(channel.outboundUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-yangguang-timestamp': String(timestamp),
        'x-yangguang-signature': signWebhook(channel.outboundSecret, timestamp, body),
        'x-yangguang-delivery': message.id,
      },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = (await res.body.text()).slice(0, RESPONSE_BODY_LIMIT);
    return classifyHttp(res.statusCode, text);
  } catch (err) {
    return { outcome: 'retry', error: (err as Error).message };
  }
};

export const webhookInboundSchema = z.object({
  messageId: z.string().min(1).max(200),
  senderId: z.string().min(1).max(200),
  senderName: z.string().max(200).optional(),
  text: z.string().max(4000),
  sentAt: z.iso.datetime({ offset: true }).optional(),
});

export type WebhookInbound = z.infer<typeof webhookInboundSchema>;

export function verifyInboundWebhook(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer, now: Date) {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return verifyWebhook({ secret, timestampHeader: one('x-yangguang-timestamp'), signatureHeader: one('x-yangguang-signature'), rawBody, now });
}
