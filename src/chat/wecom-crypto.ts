import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/** WeCom's callbacks carry no replay window of their own; we refuse timestamps further than this from our clock. */
export const WECOM_TIMESTAMP_WINDOW_SECONDS = 3600;

/** A verified, normalised WeCom message, ready for acceptChatMessage. */
export interface WecomMessage {
  messageId: string;
  senderId: string;
  text: string;
  sentAt?: Date;
}

export type Parsed = { kind: 'message'; message: WecomMessage } | { kind: 'ignored'; reason: string } | { kind: 'invalid'; reason: string };

/** `msg_signature` = SHA-1 over the sorted token, timestamp, nonce and ciphertext, compared in constant time. */
export function verifySignature(token: string, timestamp: string, nonce: string, encrypted: string, signature: string): boolean {
  const expected = Buffer.from(getSignature(token, timestamp, nonce, encrypted), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The timestamp must be unix seconds within the window around `now`. */
export function timestampFresh(timestamp: string, now: Date, windowSeconds = WECOM_TIMESTAMP_WINDOW_SECONDS): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - now.getTime() / 1000) <= windowSeconds;
}

export type Decrypted = { ok: true; message: string } | { ok: false; reason: 'undecryptable' | 'wrong_receive_id' };

/**
 * Decrypts with the official library and checks what it does not: the library never fails on a wrong key (it
 * unpads leniently and returns garbage with an empty id) and never compares the receive id. So the plaintext
 * must re-encrypt to the very same ciphertext, and the receive id must be the expected one ('' for a smart bot).
 */
export function decryptPayload(encodingAESKey: string, encrypted: string, receiveId: string): Decrypted {
  let opened: ReturnType<typeof decrypt>;
  try {
    opened = decrypt(encodingAESKey, encrypted);
    const again = encrypt(encodingAESKey, opened.message, opened.id, opened.random);
    if (!Buffer.from(again, 'base64').equals(Buffer.from(encrypted, 'base64'))) return { ok: false, reason: 'undecryptable' };
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
  return opened.id === receiveId ? { ok: true, message: opened.message } : { ok: false, reason: 'wrong_receive_id' };
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const OPEN_TAG = /<([A-Za-z_][\w.-]*)>/y;
const MAX_DEPTH = 8;

/** Reads child elements up to `close` (or the end); first occurrence wins; nested elements count as ''. */
function readElements(s: string, start: number, close: string | null, depth: number): { fields: Map<string, string>; pos: number } | null {
  const fields = new Map<string, string>();
  let pos = start;
  for (;;) {
    while (pos < s.length && /\s/.test(s[pos])) pos++;
    if (close && s.startsWith(close, pos)) return { fields, pos: pos + close.length };
    if (!close && pos >= s.length) return { fields, pos };
    OPEN_TAG.lastIndex = pos;
    const open = OPEN_TAG.exec(s);
    if (!open) return null;
    const name = open[1];
    const end = `</${name}>`;
    pos = OPEN_TAG.lastIndex;
    let value = '';
    for (;;) {
      if (s.startsWith('<![CDATA[', pos)) {
        const stop = s.indexOf(']]>', pos + 9);
        if (stop < 0) return null;
        value += s.slice(pos + 9, stop);
        pos = stop + 3;
      } else if (s.startsWith(end, pos)) {
        pos += end.length;
        break;
      } else if (s[pos] === '<') {
        if (value.trim() || depth >= MAX_DEPTH) return null;
        const nested = readElements(s, pos, end, depth + 1);
        if (!nested) return null;
        pos = nested.pos;
        break;
      } else {
        const next = s.indexOf('<', pos);
        if (next < 0) return null;
        value += decodeEntities(s.slice(pos, next));
        pos = next;
      }
    }
    if (!fields.has(name)) fields.set(name, value);
  }
}

/**
 * The top-level fields of WeCom's `<xml>…</xml>`: CDATA or entity-escaped text, no attributes. Read in one pass
 * so that text inside a CDATA section (a villager typing "<MsgId>1</MsgId>") can never pose as a field.
 */
export function parseFlatXml(xml: string): Map<string, string> | null {
  const root = /^\s*<xml>([\s\S]*)<\/xml>\s*$/.exec(xml);
  return root ? (readElements(root[1], 0, null, 0)?.fields ?? null) : null;
}

/** The `Encrypt` field of an app callback body, or `encrypt` of a smart bot's JSON body. */
export function extractEncrypted(raw: string): string | null {
  const body = raw.trim();
  if (body.startsWith('<')) return parseFlatXml(body)?.get('Encrypt')?.trim() || null;
  if (!body.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(body) as { encrypt?: unknown; Encrypt?: unknown };
    const value = parsed.encrypt ?? parsed.Encrypt;
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

function unixSeconds(value: unknown): Date | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
}

function appMessage(fields: { corpId: string | null; msgId: string | null; from: string | null; type: string | null; content: string | null; recognition: string | null; createTime: unknown }): Parsed {
  if (fields.type !== 'text' && fields.type !== 'voice') return { kind: 'ignored', reason: `MsgType ${fields.type ?? 'missing'}` };
  const text = fields.type === 'text' ? fields.content : fields.recognition;
  if (!fields.msgId || !fields.from || text === null || text === '') return { kind: 'invalid', reason: 'MsgId, FromUserName or Content missing' };
  // MsgId is only unique within a corp; the corp id keeps two villages' corps apart in one table.
  const messageId = fields.corpId ? `${fields.corpId}:${fields.msgId}` : fields.msgId;
  return { kind: 'message', message: { messageId, senderId: fields.from, text, sentAt: unixSeconds(fields.createTime) } };
}

/** A self-built app's decrypted XML message. */
export function parseAppXml(xml: string): Parsed {
  const fields = parseFlatXml(xml);
  if (!fields) return { kind: 'invalid', reason: 'not a WeCom XML message' };
  const f = (tag: string) => fields.get(tag) ?? null;
  return appMessage({ corpId: f('ToUserName'), msgId: f('MsgId'), from: f('FromUserName'), type: f('MsgType'), content: f('Content'), recognition: f('Recognition'), createTime: f('CreateTime') });
}

interface SmartBotJson {
  msgid?: unknown;
  aibotid?: unknown;
  create_time?: unknown;
  from?: { userid?: unknown };
  msgtype?: unknown;
  text?: { content?: unknown };
  voice?: { content?: unknown };
  mixed?: { msg_item?: Array<{ msgtype?: unknown; text?: { content?: unknown } }> };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** WeCom puts the group mentions first ("@村务助手 同意"); they are not part of what the villager typed. */
function stripLeadingMentions(text: string): string {
  const stripped = text.replace(/^(?:\s*[@＠][^\s\u2005]+[\s\u2005]+)+/, '');
  return stripped.trim() ? stripped : text;
}

function smartBotMessage(json: SmartBotJson): Parsed {
  const type = str(json.msgtype);
  let text: string | null = null;
  if (type === 'text') text = str(json.text?.content);
  else if (type === 'voice') text = str(json.voice?.content);
  else if (type === 'mixed') {
    const items = Array.isArray(json.mixed?.msg_item) ? json.mixed.msg_item : [];
    text = items.filter((i) => i.msgtype === 'text').map((i) => str(i.text?.content) ?? '').join('\n') || null;
  } else return { kind: 'ignored', reason: `msgtype ${type ?? 'missing'}` };
  const msgId = str(json.msgid);
  const from = str(json.from?.userid);
  if (!msgId || !from || !text) return { kind: 'invalid', reason: 'msgid, from.userid or the text missing' };
  const botId = str(json.aibotid);
  const messageId = botId ? `${botId}:${msgId}` : msgId;
  return { kind: 'message', message: { messageId, senderId: from, text: stripLeadingMentions(text), sentAt: unixSeconds(json.create_time) } };
}

/**
 * A decrypted JSON message: the smart bot's (`msgid`, `from.userid`, `text.content`) or an app's JSON callback
 * (`MsgId`, `FromUserName`, `Content`). The app's MsgId is a 64-bit number, read from the raw text so that
 * JSON.parse cannot round it.
 */
export function parseJsonMessage(raw: string): Parsed {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { kind: 'invalid', reason: 'not valid JSON' };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { kind: 'invalid', reason: 'not a JSON object' };
  if ('msgtype' in json || 'msgid' in json) return smartBotMessage(json as SmartBotJson);
  const msgId = /"MsgId"\s*:\s*"?(\d+)/.exec(raw)?.[1] ?? str(json.MsgId);
  return appMessage({ corpId: str(json.ToUserName), msgId, from: str(json.FromUserName), type: str(json.MsgType), content: str(json.Content), recognition: str(json.Recognition), createTime: json.CreateTime });
}

/** Any decrypted WeCom message, by its shape. */
export function parseWecomMessage(plaintext: string): Parsed {
  const body = plaintext.trim();
  if (body.startsWith('<')) return parseAppXml(body);
  if (body.startsWith('{')) return parseJsonMessage(body);
  return { kind: 'invalid', reason: 'neither XML nor JSON' };
}
