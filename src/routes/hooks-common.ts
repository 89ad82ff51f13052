import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFound, Validation } from '../http/errors.ts';
import type { ChannelWithSecrets } from '../services/channels.ts';
import type { ChannelMessage } from '../services/chat-inbound.ts';
import type { RouteContext } from './context.ts';
import { uuid } from './schemas.ts';

export type ReceiveChannel = ChannelWithSecrets & { inbound: Record<string, string> };

/** The receive side of a channel of this platform, or 404 (the same answer for a wrong id and a wrong platform). */
export async function loadReceiveChannel(ctx: RouteContext, platform: string, channelId: string): Promise<ReceiveChannel> {
  const channel = uuid.safeParse(channelId).success ? await ctx.services.channels.load(channelId) : null;
  if (!channel || channel.platform !== platform || !channel.inbound) throw new NotFound(`No ${platform} receive channel ${channelId}`);
  return channel as ReceiveChannel;
}

/** Stores a verified message and queues its processing, so the platform gets its answer within its deadline. */
export function acceptChatMessage(ctx: RouteContext, channel: ChannelWithSecrets, msg: ChannelMessage, request: FastifyRequest) {
  return ctx.services.chatInbound.acceptFromChannel(channel, msg, (err) => request.log.warn({ err }, 'enqueue of an inbound message failed; the sweeper will process it'));
}

/** Keeps the exact request bytes (signatures cover them) for JSON and XML bodies in this plugin's scope. */
export function keepRawBodies(app: FastifyInstance, bodyLimit = 64 * 1024): void {
  for (const type of ['application/json', 'text/xml', 'application/xml']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  }
}

/** The exact bytes keepRawBodies kept (empty when the request had no body). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Parses a verified raw body; malformed JSON is the sender's error (400), never a crash. */
export function parseJsonBody(raw: Buffer | string): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new Validation('body: not valid JSON');
  }
}
