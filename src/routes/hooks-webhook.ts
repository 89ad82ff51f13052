import type { FastifyPluginAsync } from 'fastify';
import { verifyInboundWebhook, webhookInboundSchema } from '../chat/webhook.ts';
import { Unauthorized, Validation } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { keepRawBodies, loadReceiveChannel, parseJsonBody, rawBodyOf } from './hooks-common.ts';

const REASONS = {
  missing_headers: 'Missing X-Yangguang-Timestamp or X-Yangguang-Signature header',
  bad_timestamp: 'X-Yangguang-Timestamp is not a unix time in seconds',
  stale_timestamp: 'X-Yangguang-Timestamp is more than 5 minutes away from server time',
  bad_signature: 'X-Yangguang-Signature does not match the body',
} as const;

/** Inbound side of the generic signed webhook: verify over the raw bytes, then parse, then record once. */
export const webhookHookRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  // The signature covers the exact bytes, so this scope keeps the body raw and parses JSON only after verifying.
  keepRawBodies(app);

  app.post('/hooks/webhook/:channelId', async (request) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'webhook', channelId);
    const rawBody = rawBodyOf(request);
    const check = verifyInboundWebhook(channel.inbound.secret, request.headers, rawBody, ctx.clock.now());
    if (!check.ok) {
      request.log.warn({ channelId, reason: check.reason }, 'rejected inbound webhook');
      throw new Unauthorized(REASONS[check.reason]);
    }
    const json = parseJsonBody(rawBody);
    const parsed = webhookInboundSchema.safeParse(json);
    if (!parsed.success) {
      throw new Validation(parsed.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const body = parsed.data;
    const outcome = await ctx.services.chatInbound.receive({
      platform: 'webhook',
      channelId: channel.id,
      villageId: channel.villageId,
      messageId: body.messageId,
      senderId: body.senderId,
      text: body.text,
      sentAt: body.sentAt ? new Date(body.sentAt) : undefined,
    });
    return { status: outcome.kind === 'duplicate' ? 'duplicate' : 'accepted', outcome };
  });
};
