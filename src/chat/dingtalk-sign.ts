import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelMessage } from '../services/chat-inbound.ts';

/** DingTalk accepts a signed request up to one hour away from its own clock, both ways. */
export const DINGTALK_WINDOW_SECONDS = 3600;

/** base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" + secret)): the robot's 加签 and the callback's sign. */
export function dingtalkSign(timestampMs: number | string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * The custom robot URL with `timestamp` (ms) and the url-encoded `sign` appended. Any timestamp or sign already
 * in the stored URL is replaced, never appended a second time; the other parameters are kept byte for byte.
 */
export function signRobotUrl(url: string, secret: string, nowMs: number): string {
  const hashAt = url.indexOf('#');
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const queryAt = base.indexOf('?');
  const path = queryAt >= 0 ? base.slice(0, queryAt) : base;
  const kept = (queryAt >= 0 ? base.slice(queryAt + 1) : '').split('&').filter((p) => p !== '' && !/^(timestamp|sign)(=|$)/.test(p));
  kept.push(`timestamp=${nowMs}`, `sign=${encodeURIComponent(dingtalkSign(nowMs, secret))}`);
  return `${path}?${kept.join('&')}`;
}

/** The callback window: the platform's hour, narrowed by the channel's `windowSeconds`. */
export function callbackWindowMs(settings: Record<string, unknown>): number {
  const configured = settings.windowSeconds;
  const seconds = typeof configured === 'number' && configured > 0 ? Math.min(configured, DINGTALK_WINDOW_SECONDS) : DINGTALK_WINDOW_SECONDS;
  return seconds * 1000;
}

export type CallbackVerification = { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

/**
 * Checks the `timestamp` (ms) and `sign` headers of an enterprise robot's HTTP callback. The signature covers
 * neither the body nor the URL, so a caller must also de-duplicate by msgId.
 */
export function verifyCallback(input: { appSecret: string; timestamp: string | undefined; sign: string | undefined; now: Date; windowMs: number }): CallbackVerification {
  const timestamp = input.timestamp?.trim();
  const sign = input.sign?.trim();
  if (!timestamp || !sign) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(input.now.getTime() - Number(timestamp)) > input.windowMs) return { ok: false, reason: 'stale_timestamp' };
  // Signed over the header text as sent, so leading zeros cannot make two texts share one sign.
  const expected = Buffer.from(dingtalkSign(timestamp, input.appSecret), 'utf8');
  const given = Buffer.from(sign, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

export type ParsedRobotMessage =
  | { kind: 'message'; msg: ChannelMessage }
  | { kind: 'ignored'; msgtype: string }
  | { kind: 'invalid'; error: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const epochMs = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/**
 * Normalises a robot message (HTTP callback body or Stream `data`). Only text is read; other message types
 * (pictures, files, rich text) are reported as ignored. `trustReplyUrl` decides whether the sessionWebhook
 * may be used for the reply; an untrusted or incomplete one is dropped and the reply takes the push side.
 */
export function parseRobotMessage(body: unknown, trustReplyUrl: (url: string) => boolean = () => true): ParsedRobotMessage {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { kind: 'invalid', error: 'body: not a JSON object' };
  const b = body as Record<string, unknown>;
  const msgtype = str(b.msgtype);
  if (!msgtype) return { kind: 'invalid', error: 'body.msgtype: required' };
  if (msgtype !== 'text') return { kind: 'ignored', msgtype };
  const messageId = str(b.msgId);
  const senderId = str(b.senderStaffId) ?? str(b.senderId);
  const content = (b.text as Record<string, unknown> | undefined)?.content;
  const errors = [
    !messageId && 'body.msgId: required',
    !senderId && 'body.senderStaffId or body.senderId: required',
    typeof content !== 'string' && 'body.text.content: required',
    messageId && messageId.length > 200 && 'body.msgId: too long',
    senderId && senderId.length > 200 && 'body.senderId: too long',
    typeof content === 'string' && content.length > 4000 && 'body.text.content: too long',
  ].filter(Boolean);
  if (errors.length > 0) return { kind: 'invalid', error: errors.join('; ') };

  const msg: ChannelMessage = { messageId: messageId!, senderId: senderId!, text: (content as string).trim() };
  const createAt = epochMs(b.createAt);
  if (createAt) msg.sentAt = new Date(createAt);
  const replyUrl = str(b.sessionWebhook);
  const expiresAt = epochMs(b.sessionWebhookExpiredTime);
  if (replyUrl && expiresAt && trustReplyUrl(replyUrl)) msg.replyVia = { url: replyUrl, expiresAt: new Date(expiresAt).toISOString() };
  return { kind: 'message', msg };
}

const DINGTALK_REPLY_ORIGIN = 'https://oapi.dingtalk.com';

/**
 * The body is not signed, so a sessionWebhook is only followed to DingTalk's API host or to the host of the
 * channel's own push URL (which the secretary configured); anything else could make us post to any address.
 */
export function replyUrlTrust(pushUrl: string | null): (url: string) => boolean {
  const origins = new Set([DINGTALK_REPLY_ORIGIN]);
  const pushOrigin = originOf(pushUrl);
  if (pushOrigin) origins.add(pushOrigin);
  return (url) => {
    const origin = originOf(url);
    return origin !== null && origins.has(origin);
  };
}

function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}
