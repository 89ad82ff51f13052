import { createHash, timingSafeEqual } from 'node:crypto';
import { AESCipher } from '@larksuiteoapi/node-sdk';
import type { ChannelMessage } from '../services/chat-inbound.ts';

/** A Feishu channel's receive credentials, as sealed in the channel row (see channel-schemas.ts). */
export interface FeishuInbound {
  encryptKey?: string;
  verificationToken?: string;
  appId?: string;
  appSecret?: string;
}

type Headers = Record<string, string | string[] | undefined>;

/** What one POST to /hooks/feishu/:channelId turned out to be. */
export type FeishuRequest =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'event'; eventId: string | null; eventType: string | null; message: ChannelMessage | null }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; reason: string };

export type ParsedMessage = { ok: true; message: ChannelMessage | null } | { ok: false; reason: string };

/** X-Lark-Signature: plain SHA-256 (not HMAC) over timestamp + nonce + encrypt key + the raw body bytes. */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

/** Compares secrets in constant time whatever their lengths (both sides are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** null when the request carries no signature headers at all (url_verification is never signed). */
export function verifyFeishuSignature(headers: Headers, rawBody: Buffer, encryptKey: string): boolean | null {
  const timestamp = header(headers, 'x-lark-request-timestamp');
  const nonce = header(headers, 'x-lark-request-nonce');
  const signature = header(headers, 'x-lark-signature');
  if (timestamp === undefined && nonce === undefined && signature === undefined) return null;
  if (!timestamp || !nonce || !signature) return false;
  return safeEqual(feishuSignature(timestamp, nonce, encryptKey, rawBody), signature.toLowerCase());
}

/** AES-256-CBC, key = SHA-256(encrypt key), IV in front; decrypted by the official SDK. Throws on a bad body. */
export function decryptFeishu(encryptKey: string, encrypt: string): string {
  return new AESCipher(encryptKey).decrypt(encrypt);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The text message of an `im.message.receive_v1` event (the `event` object of the v2 schema, or the flattened
 * object the SDK's dispatcher hands a handler). null for what is no vote or comment: other message types and
 * senders that are not users.
 * The sender is its open_id: the only id every app bot receives without extra scopes (user_id needs
 * contact:user.employee_id:readonly). It is per app, so a new app means binding again; union_id would survive
 * that (same developer), but open_id is what Feishu's own mention and @ APIs use.
 */
export function messageFromEvent(event: unknown): ParsedMessage {
  if (!isObject(event) || !isObject(event.message)) return { ok: false, reason: 'event.message is missing' };
  const { message, sender } = event as { message: Record<string, unknown>; sender?: unknown };
  if (typeof message.message_id !== 'string' || message.message_id === '') return { ok: false, reason: 'event.message.message_id is missing' };
  if (message.message_type !== 'text') return { ok: true, message: null };
  if (isObject(sender) && sender.sender_type !== undefined && sender.sender_type !== 'user') return { ok: true, message: null };
  const senderId = isObject(sender) && isObject(sender.sender_id) ? sender.sender_id.open_id : undefined;
  if (typeof senderId !== 'string' || senderId === '') return { ok: false, reason: 'event.sender.sender_id.open_id is missing' };
  let text: unknown;
  try {
    text = (JSON.parse(String(message.content)) as { text?: unknown }).text;
  } catch {
    return { ok: false, reason: 'event.message.content is not JSON' };
  }
  if (typeof text !== 'string') return { ok: false, reason: 'event.message.content has no text' };
  const created = Number(message.create_time);
  const sentAt = Number.isFinite(created) && created > 0 ? new Date(created) : undefined;
  // With the all-group-messages scope Feishu also delivers chatter: a group message is addressed only when it @s someone.
  const addressed = message.chat_type !== 'group' || (Array.isArray(message.mentions) && message.mentions.length > 0);
  return { ok: true, message: { messageId: message.message_id, senderId, text, addressed, ...(sentAt ? { sentAt } : {}) } };
}

/** The v2 schema carries the token in `header`, v1 (and url_verification) at the top. */
function tokenOf(body: Record<string, unknown>): unknown {
  return isObject(body.header) ? body.header.token : body.token;
}

function eventOf(body: Record<string, unknown>): FeishuRequest {
  if (body.schema === '2.0' && isObject(body.header)) {
    const eventId = typeof body.header.event_id === 'string' ? body.header.event_id : null;
    const eventType = typeof body.header.event_type === 'string' ? body.header.event_type : null;
    if (eventType !== 'im.message.receive_v1') return { kind: 'event', eventId, eventType, message: null };
    const parsed = messageFromEvent(body.event);
    return parsed.ok ? { kind: 'event', eventId, eventType, message: parsed.message } : { kind: 'malformed', reason: parsed.reason };
  }
  // v1 events (type "event_callback") carry no im.message.receive_v1; they are answered and ignored.
  const eventType = isObject(body.event) && typeof body.event.type === 'string' ? body.event.type : null;
  return { kind: 'event', eventId: typeof body.uuid === 'string' ? body.uuid : null, eventType, message: null };
}

function challengeOf(body: Record<string, unknown>): FeishuRequest {
  return typeof body.challenge === 'string' ? { kind: 'challenge', challenge: body.challenge } : { kind: 'malformed', reason: 'url_verification without a challenge' };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Verifies and opens one event-subscription request.
 * - With an Encrypt Key: events must carry a valid X-Lark-Signature over the raw bytes; the encrypted
 *   url_verification carries none, and decrypting it with our key is its proof.
 * - Without one: Feishu signs nothing, so the Verification Token in the body is compared (the SDK skips this).
 */
export function openFeishuRequest(input: { rawBody: Buffer; headers: Headers; inbound: FeishuInbound }): FeishuRequest {
  const { rawBody, headers, inbound } = input;
  const outer = parseObject(rawBody.toString('utf8'));
  if (!outer) return { kind: 'malformed', reason: 'body: not a JSON object' };
  const { encryptKey, verificationToken } = inbound;
  const tokenMatches = (body: Record<string, unknown>) => typeof tokenOf(body) === 'string' && verificationToken !== undefined && safeEqual(tokenOf(body) as string, verificationToken);
  const signed = encryptKey ? verifyFeishuSignature(headers, rawBody, encryptKey) : null;
  if (signed === false) return { kind: 'unauthorized', reason: 'X-Lark-Signature does not match the body' };

  if (typeof outer.encrypt === 'string') {
    if (!encryptKey) return { kind: 'unauthorized', reason: 'encrypted event, but this channel has no Encrypt Key' };
    let body: Record<string, unknown> | null;
    try {
      body = parseObject(decryptFeishu(encryptKey, outer.encrypt));
    } catch {
      body = null;
    }
    if (!body) return { kind: 'unauthorized', reason: 'the body does not decrypt with this channel\'s Encrypt Key' };
    if (body.type === 'url_verification') return challengeOf(body);
    if (signed !== true) return { kind: 'unauthorized', reason: 'missing X-Lark-Signature headers' };
    return eventOf(body);
  }

  if (outer.type === 'url_verification') {
    return tokenMatches(outer) ? challengeOf(outer) : { kind: 'unauthorized', reason: 'url_verification token does not match the Verification Token' };
  }
  if (signed === true) return eventOf(outer);
  if (encryptKey) return { kind: 'unauthorized', reason: 'missing X-Lark-Signature headers' };
  if (!verificationToken) return { kind: 'unauthorized', reason: 'this channel has neither an Encrypt Key nor a Verification Token to check events with' };
  if (!tokenMatches(outer)) return { kind: 'unauthorized', reason: 'token does not match the Verification Token' };
  return eventOf(outer);
}

/** A bounded set of recently seen ids (oldest forgotten first): a cheap first filter before the database. */
export function createRecentIds(capacity: number) {
  const seen = new Set<string>();
  return {
    has: (id: string) => seen.has(id),
    add(id: string) {
      seen.delete(id);
      seen.add(id);
      if (seen.size > capacity) seen.delete(seen.values().next().value as string);
    },
    get size() {
      return seen.size;
    },
  };
}
