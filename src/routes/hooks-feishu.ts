import type { FastifyPluginAsync } from 'fastify';
import { createRecentIds, openFeishuRequest, type FeishuInbound } from '../chat/feishu-events.ts';
import { Unauthorized, Validation } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { acceptChatMessage, keepRawBodies, loadReceiveChannel, rawBodyOf } from './hooks-common.ts';

/** Feishu events are small; an encrypted text message of a few thousand characters stays far below this. */
export const FEISHU_EVENT_BODY_LIMIT = 64 * 1024;

/**
 * Receive side of a Feishu app bot (event subscription over HTTP). Feishu waits about a second for the answer
 * and redelivers slow or failed ones, so only the durable insert happens before answering; the vote or comment
 * is processed by the inbound worker. A redelivery (same event_id, or the same message_id under a new event_id)
 * has no second effect: the stored message is unique on its message id.
 */
export const feishuHookRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  keepRawBodies(app, FEISHU_EVENT_BODY_LIMIT);
  const recentEvents = createRecentIds(10_000);

  app.post('/hooks/feishu/:channelId', async (request) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'feishu', channelId);
    const rawBody = rawBodyOf(request);
    const opened = openFeishuRequest({ rawBody, headers: request.headers, inbound: channel.inbound as FeishuInbound });
    switch (opened.kind) {
      case 'unauthorized':
        request.log.warn({ channelId, reason: opened.reason }, 'rejected feishu event');
        throw new Unauthorized(opened.reason);
      case 'malformed':
        throw new Validation(opened.reason);
      case 'challenge':
        return { challenge: opened.challenge };
      case 'event': {
        const seenKey = opened.eventId ? `${channel.id}:${opened.eventId}` : null;
        if (seenKey && recentEvents.has(seenKey)) return {};
        if (opened.message) await acceptChatMessage(ctx, channel, opened.message, request);
        if (seenKey) recentEvents.add(seenKey);
        return {};
      }
    }
  });
};
