import { createHmac, timingSafeEqual } from 'node:crypto';

export type OneBotSignatureCheck = { ok: true } | { ok: false; reason: 'missing_signature' | 'malformed_signature' | 'bad_signature' };

/**
 * Checks `X-Signature: sha1=<hex HMAC-SHA1(secret, body)>` over the exact request bytes: re-serialising the parsed
 * JSON would change how Chinese characters are escaped, and the HMAC with them.
 */
export function verifyOneBotSignature(secret: string, header: string | undefined, rawBody: Buffer): OneBotSignatureCheck {
  if (!header) return { ok: false, reason: 'missing_signature' };
  const match = /^sha1=([0-9a-fA-F]{40})$/.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed_signature' };
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex')) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export interface OneBotChatMessage {
  messageId: string;
  senderId: string;
  text: string;
  sentAt?: Date;
  /** the message @s the bot */
  addressed: boolean;
}

export type OneBotEvent =
  | { kind: 'message'; message: OneBotChatMessage }
  | { kind: 'ignored'; reason: 'not_a_message' | 'not_a_group_message' | 'other_group' | 'anonymous' | 'system_notice' | 'own_message' | 'empty' }
  | { kind: 'invalid'; error: string };

/** An id as OneBot v11 sends it (a JSON number; some implementations send a numeric string). */
function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return value;
  return null;
}

interface Segment {
  type?: unknown;
  data?: { text?: unknown; qq?: unknown } | null;
}

/** The message as CQ-code text: raw_message, else a string `message`, else the segment array written as CQ codes. */
function rawTextOf(event: Record<string, unknown>): string | null {
  if (typeof event.raw_message === 'string') return event.raw_message;
  if (typeof event.message === 'string') return event.message;
  if (!Array.isArray(event.message)) return null;
  return (event.message as Segment[])
    .map((s) => {
      if (s?.type === 'text' && typeof s.data?.text === 'string') return escapeCq(s.data.text);
      if (s?.type === 'at' && s.data?.qq !== undefined) return `[CQ:at,qq=${String(s.data.qq)}]`;
      return ' ';
    })
    .join('');
}

function escapeCq(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/\[/g, '&#91;').replace(/\]/g, '&#93;');
}

/**
 * What a villager typed, from CQ-code text: faces, images, replies and other codes become spaces, @ codes stay
 * for src/domain/mention.ts, and the CQ escapes (&#91; &#93; &#44; &amp;) are undone after the codes are gone.
 */
export function textFromCq(raw: string): string {
  return raw
    .replace(/\[CQ:(?!at,)[^\]]*\]/g, ' ')
    .replace(/&#91;/g, '[')
    .replace(/&#93;/g, ']')
    .replace(/&#44;/g, ',')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * A OneBot v11 event report, reduced to the group message we act on (§4): post_type "message", message_type
 * "group", from the channel's group. Heartbeats, notices, requests, other groups, anonymous and system messages,
 * and the bot's own messages are ignored. Message ids are per bot, so the id carries the bot's QQ number.
 */
export function parseOneBotEvent(json: unknown, groupId: number): OneBotEvent {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { kind: 'invalid', error: 'body: not a JSON object' };
  const event = json as Record<string, unknown>;
  if (typeof event.post_type !== 'string') return { kind: 'invalid', error: 'body.post_type: required' };
  if (event.post_type !== 'message') return { kind: 'ignored', reason: 'not_a_message' };
  if (event.message_type !== 'group') return { kind: 'ignored', reason: 'not_a_group_message' };
  if (idOf(event.group_id) !== String(groupId)) return { kind: 'ignored', reason: 'other_group' };
  if (event.sub_type === 'anonymous' || (event.anonymous !== null && typeof event.anonymous === 'object')) return { kind: 'ignored', reason: 'anonymous' };
  if (event.sub_type === 'notice') return { kind: 'ignored', reason: 'system_notice' };

  const selfId = idOf(event.self_id);
  const messageId = idOf(event.message_id);
  const userId = idOf(event.user_id);
  const raw = rawTextOf(event);
  const missing = [!selfId && 'self_id', !messageId && 'message_id', !userId && 'user_id', raw === null && 'raw_message'].filter(Boolean);
  if (missing.length > 0) return { kind: 'invalid', error: missing.map((f) => `body.${f as string}: required`).join('; ') };
  if (userId === selfId) return { kind: 'ignored', reason: 'own_message' };

  const text = textFromCq(raw!);
  if (text.replace(/\[CQ:at,[^\]]*\]/g, '').trim() === '') return { kind: 'ignored', reason: 'empty' };
  const time = typeof event.time === 'number' && Number.isFinite(event.time) && event.time > 0 ? new Date(event.time * 1000) : undefined;
  // OneBot reports every group message: only one that @s the bot is addressed to it (chatter is not a comment).
  const addressed = text.includes(`[CQ:at,qq=${selfId}]`);
  return { kind: 'message', message: { messageId: `${selfId}:${messageId}`, senderId: userId!, text, addressed, ...(time ? { sentAt: time } : {}) } };
}
