import type { FastifyPluginAsync } from 'fastify';
import { parseOneBotEvent, verifyOneBotSignature } from '../chat/onebot-events.ts';
import { Unauthorized, Validation } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { acceptChatMessage, keepRawBodies, loadReceiveChannel, parseJsonBody, rawBodyOf } from './hooks-common.ts';

const REASONS = {
  missing_signature: 'Missing X-Signature header (set a secret in the OneBot HTTP POST configuration)',
  malformed_signature: 'X-Signature is not sha1=<40 hex digits>',
  bad_signature: 'X-Signature does not match the body',
} as const;

/**
 * OneBot v11 HTTP POST event reports (go-cqhttp, NapCat, Lagrange): verify the HMAC over the raw bytes, keep only
 * the channel's group messages, store them, and answer 204 at once (no quick operation: replies go through the
 * push side). The implementation waits for our answer, so nothing slow happens before it.
 */
export const onebotHookRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  keepRawBodies(app);

  app.post('/hooks/onebot/:channelId', async (request, reply) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'onebot', channelId);
    const rawBody = rawBodyOf(request);
    const header = request.headers['x-signature'];
    // A channel without a secret would accept anyone's votes: such a channel refuses every report.
    const check = channel.inbound.secret
      ? verifyOneBotSignature(channel.inbound.secret, Array.isArray(header) ? header[0] : header, rawBody)
      : ({ ok: false, reason: 'missing_signature' } as const);
    if (!check.ok) {
      request.log.warn({ channelId, reason: check.reason, selfId: request.headers['x-self-id'] }, 'rejected OneBot event report');
      throw new Unauthorized(REASONS[check.reason]);
    }
    const json = parseJsonBody(rawBody);
    const event = parseOneBotEvent(json, Number(channel.settings.groupId));
    if (event.kind === 'invalid') throw new Validation(event.error);
    if (event.kind === 'message') await acceptChatMessage(ctx, channel, event.message, request);
    return reply.status(204).send();
  });
};
