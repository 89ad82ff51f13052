import type { FastifyPluginAsync } from 'fastify';
import { callbackWindowMs, parseRobotMessage, replyUrlTrust, verifyCallback } from '../chat/dingtalk-sign.ts';
import { NotFound, Unauthorized, Validation } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { acceptChatMessage, keepRawBodies, loadReceiveChannel, parseJsonBody, rawBodyOf } from './hooks-common.ts';

const REASONS = {
  missing_headers: 'Missing timestamp or sign header',
  bad_timestamp: 'The timestamp header is not a time in milliseconds',
  stale_timestamp: 'The timestamp header is outside the accepted window',
  bad_signature: 'The sign header does not match',
} as const;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Receive side of a DingTalk enterprise-internal-app robot in HTTP mode. The `timestamp`/`sign` headers prove
 * the sender knows the appSecret but do not cover the body, so a captured pair could be replayed with another
 * body inside the window: the window can be narrowed per channel and every msgId counts once.
 */
export const dingtalkHookRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  // The body is parsed only after the headers are verified, so a forged request is a 401 whatever it carries.
  keepRawBodies(app);

  app.post('/hooks/dingtalk/:channelId', async (request, reply) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'dingtalk', channelId);
    const appSecret = channel.inbound.appSecret;
    if (!appSecret) throw new NotFound(`No dingtalk receive channel ${channelId}`);
    const check = verifyCallback({
      appSecret,
      timestamp: header(request.headers.timestamp),
      sign: header(request.headers.sign),
      now: ctx.clock.now(),
      windowMs: callbackWindowMs(channel.settings),
    });
    if (!check.ok) {
      request.log.warn({ channelId, reason: check.reason }, 'rejected DingTalk robot callback');
      throw new Unauthorized(REASONS[check.reason]);
    }

    const body = parseJsonBody(rawBodyOf(request));
    const parsed = parseRobotMessage(body, replyUrlTrust(channel.outboundUrl));
    if (parsed.kind === 'invalid') throw new Validation(parsed.error);
    if (parsed.kind === 'message') await acceptChatMessage(ctx, channel, parsed.msg, request);
    // An empty JSON object: DingTalk posts nothing back; the reply, if any, follows from the worker.
    return reply.status(200).send({});
  });
};
