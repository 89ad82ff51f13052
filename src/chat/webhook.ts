import { z } from 'zod';
import { signWebhook, verifyWebhook } from '../domain/webhook-signature.ts';
import { postJson } from './http.ts';
import { classifyHttp, type PlatformPush } from './platform.ts';

/** The generic signed webhook: our JSON body, with timestamp and HMAC-SHA256 signature headers. */
export const webhookPush: PlatformPush = {
  limits: [],
  render: (input) => [{ type: input.type, villageId: input.villageId, meetingId: input.meetingId, text: input.text, markdown: input.markdown }],
  async send(target, body, now) {
    if (!target.secret) return { outcome: 'config_error', error: 'channel has no push secret' };
    const raw = JSON.stringify(body);
    const timestamp = Math.floor(now.getTime() / 1000);
    try {
      const answer = await postJson(target.url, raw, {
        'x-yangguang-timestamp': String(timestamp),
        'x-yangguang-signature': signWebhook(target.secret, timestamp, raw),
        'x-yangguang-delivery': target.deliveryId,
      });
      return classifyHttp(answer.status, answer.body);
    } catch (err) {
      return { outcome: 'retry', error: (err as Error).message };
    }
  },
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
