import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { decryptPayload, extractEncrypted, parseWecomMessage, timestampFresh, verifySignature } from '../chat/wecom-crypto.ts';
import { Unauthorized, Validation } from '../http/errors.ts';
import type { RouteContext } from './context.ts';
import { acceptChatMessage, keepRawBodies, loadReceiveChannel, type ReceiveChannel, rawBodyOf } from './hooks-common.ts';

const BODY_LIMIT = 64 * 1024;

const REASONS = {
  bad_signature: 'msg_signature does not match',
  stale_timestamp: 'timestamp is more than an hour away from server time',
  undecryptable: 'the message cannot be decrypted with this channel\'s EncodingAESKey',
  wrong_receive_id: 'the message was encrypted for another receive id (corp id, or "" for a smart bot)',
} as const;

type Reason = keyof typeof REASONS;

interface Credentials {
  token: string;
  encodingAESKey: string;
  receiveId: string;
}

function credentialsOf(channel: ReceiveChannel): Credentials {
  const { token, encodingAESKey, receiveId } = channel.inbound;
  return { token, encodingAESKey, receiveId: receiveId ?? '' };
}

/** A query parameter as one string; fastify's parser turns an unescaped "+" of base64 into a space, so put it back. */
function param(query: unknown, name: string, base64 = false): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  const one = Array.isArray(value) ? value[0] : value;
  if (typeof one !== 'string' || one === '') throw new Validation(`querystring.${name}: required`);
  return base64 ? one.replaceAll(' ', '+') : one;
}

/**
 * Signature, then the timestamp window, then decryption with our own receive id check. Every failure is a 401
 * that is logged without any secret, and nothing is stored.
 */
function open(request: FastifyRequest, channel: ReceiveChannel, now: Date, encrypted: string): string {
  const creds = credentialsOf(channel);
  const reject = (reason: Reason): never => {
    request.log.warn({ channelId: channel.id, reason }, 'rejected WeCom callback');
    throw new Unauthorized(REASONS[reason]);
  };
  const signature = param(request.query, 'msg_signature');
  const timestamp = param(request.query, 'timestamp');
  const nonce = param(request.query, 'nonce');
  if (!verifySignature(creds.token, timestamp, nonce, encrypted, signature)) reject('bad_signature');
  if (!timestampFresh(timestamp, now)) reject('stale_timestamp');
  const opened = decryptPayload(creds.encodingAESKey, encrypted, creds.receiveId);
  if (!opened.ok) return reject(opened.reason);
  return opened.message;
}

/**
 * Receive side of WeCom at /hooks/wecom/:channelId, for the 智能机器人 (JSON body, receive id "") and for a
 * self-built app (XML body, receive id = corp id); the channel's receiveId says which one to expect.
 */
export const wecomHookRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  keepRawBodies(app, BODY_LIMIT);
  // WeCom's content type is not documented; every other one is read raw as well and judged by its shape.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  // URL check when the callback is configured: answer the decrypted echostr as the raw body, nothing around it.
  app.get('/hooks/wecom/:channelId', async (request, reply) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'wecom', channelId);
    const echo = open(request, channel, ctx.clock.now(), param(request.query, 'echostr', true));
    return reply.type('text/plain; charset=utf-8').send(echo);
  });

  app.post('/hooks/wecom/:channelId', async (request, reply) => {
    const { channelId } = request.params as { channelId: string };
    const channel = await loadReceiveChannel(ctx, 'wecom', channelId);
    const raw = rawBodyOf(request).toString('utf8');
    const encrypted = extractEncrypted(raw);
    if (!encrypted) throw new Validation('body: expected {"encrypt": …} (smart bot) or <xml><Encrypt>…</Encrypt></xml> (app)');
    const plaintext = open(request, channel, ctx.clock.now(), encrypted.replaceAll(' ', '+'));
    const parsed = parseWecomMessage(plaintext);
    if (parsed.kind === 'invalid') {
      request.log.warn({ channelId, reason: parsed.reason }, 'unreadable WeCom message');
      throw new Validation(`message: ${parsed.reason}`);
    }
    if (parsed.kind === 'message') {
      const status = await acceptChatMessage(ctx, channel, parsed.message, request);
      request.log.info({ channelId, status }, 'WeCom message received');
    }
    // An empty 200 acknowledges without a passive reply and stops WeCom's retries; replies go out via the push side.
    return reply.code(200).type('text/plain; charset=utf-8').send('');
  });
};
