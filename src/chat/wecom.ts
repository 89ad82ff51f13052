import { answerCode, postJson } from './http.ts';
import { classifyHttp, type PlatformPush, type PushAttempt, type RenderInput } from './platform.ts';

/** 消息推送 webhook limits, in UTF-8 bytes of `content` (a Chinese character is 3 bytes). */
export const WECOM_TEXT_LIMIT_BYTES = 2048;
export const WECOM_MARKDOWN_LIMIT_BYTES = 4096;
/** After 45009 the robot waits at least a minute: its budget is 20 messages per minute. */
export const WECOM_RATE_LIMIT_DELAY_MS = 60_000;

const RATE_LIMITED = 45009;
const INVALID_WEBHOOK_URL = 93000;
const CONTENT_TOO_LONG = 40058;
const SYSTEM_BUSY = -1;

export type WecomBody =
  | { msgtype: 'text'; text: { content: string; mentioned_mobile_list?: string[] } }
  | { msgtype: 'markdown'; markdown: { content: string } };

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
const partMarker = (index: number, total: number) => `(${index}/${total})\n`;

/** Cuts one line that alone exceeds the budget on code point boundaries, never inside a character. */
function cutLine(line: string, budget: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const n = byteLength(char);
    if (size + n > budget && current) {
      pieces.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += n;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Joins units greedily with `separator` into chunks of at most `budget` bytes (each unit already fits). */
function pack(units: string[], separator: string, budget: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const unit of units) {
    if (!unit) continue;
    const joined = current ? current + separator + unit : unit;
    if (current && byteLength(joined) > budget) {
      chunks.push(current);
      current = unit;
    } else current = joined;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Cuts between paragraphs where it can, else between lines, else inside an over-long line. */
function chunksOf(content: string, budget: number): string[] {
  const fits = (s: string) => byteLength(s) <= budget;
  const paragraphs = content.split(/\n{2,}/).map((p) => p.replace(/^\n+|\n+$/g, ''));
  const units = paragraphs.flatMap((p) => (fits(p) ? [p] : pack(p.split('\n').flatMap((line) => (fits(line) ? [line] : cutLine(line, budget))), '\n', budget)));
  return pack(units, '\n\n', budget);
}

/**
 * Splits a message into parts of at most `limitBytes` UTF-8 bytes, on paragraph or line boundaries, each part
 * numbered "(1/3)" on its own first line. A message that fits is returned as it is, without a number.
 */
export function splitByBytes(content: string, limitBytes: number): string[] {
  if (byteLength(content) <= limitBytes) return [content];
  // The marker's width depends on the number of parts; widen it until the count fits in the digits assumed.
  for (let digits = 1; ; digits++) {
    const widest = 10 ** digits - 1;
    const budget = limitBytes - byteLength(partMarker(widest, widest));
    if (budget < 4) throw new Error(`limit of ${limitBytes} bytes is too small to split into numbered parts`);
    const chunks = chunksOf(content, budget);
    if (chunks.length <= widest) return chunks.map((chunk, i) => partMarker(i + 1, chunks.length) + chunk);
  }
}

function formatOf(settings: Record<string, unknown>): 'text' | 'markdown' {
  return settings.format === 'markdown' ? 'markdown' : 'text';
}

/**
 * WeCom bodies for one message: `text` unless the channel chose markdown (markdown does not render for members
 * reading in WeChat). @ by mobile works only for text; it rides on the first part so members are notified once.
 */
export function renderWecom(input: RenderInput, settings: Record<string, unknown>): WecomBody[] {
  if (formatOf(settings) === 'markdown') {
    return splitByBytes(input.markdown, WECOM_MARKDOWN_LIMIT_BYTES).map((content) => ({ msgtype: 'markdown', markdown: { content } }));
  }
  const mobiles = [...new Set(input.mentionMobiles ?? [])];
  return splitByBytes(input.text, WECOM_TEXT_LIMIT_BYTES).map((content, i) => ({
    msgtype: 'text',
    text: i === 0 && mobiles.length > 0 ? { content, mentioned_mobile_list: mobiles } : { content },
  }));
}

function errmsgOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errmsg?: unknown };
    return typeof parsed.errmsg === 'string' ? parsed.errmsg : '';
  } catch {
    return '';
  }
}

/** Reads WeCom's answer: HTTP 200 carries failures too, in `errcode`/`errmsg`. */
export function classifyWecomAnswer(status: number, body: string): PushAttempt {
  if (status < 200 || status >= 300) return classifyHttp(status, body);
  const code = answerCode(body, 'errcode');
  if (code === null) return { outcome: 'retry', status, body, error: 'WeCom answered without an errcode' };
  if (code === 0) return { outcome: 'delivered', status, body };
  const error = `WeCom ${code}: ${errmsgOf(body) || 'no errmsg'}`;
  switch (code) {
    case RATE_LIMITED:
      return { outcome: 'rate_limited', delayMs: WECOM_RATE_LIMIT_DELAY_MS, status, body, error };
    case INVALID_WEBHOOK_URL:
      return { outcome: 'config_error', status, body, error };
    case SYSTEM_BUSY:
      return { outcome: 'retry', status, body, error };
    case CONTENT_TOO_LONG:
    default:
      return { outcome: 'fatal', status, body, error };
  }
}

/** The webhook key is the robot's only secret: keep it out of anything we store or log. */
export function redactKey(text: string): string {
  return text.replace(/key=[^&\s"']+/gi, 'key=…');
}

/** WeCom 消息推送 (group robot webhook): the key in the URL is the credential, no signing. */
export const wecomPush: PlatformPush = {
  limits: [{ points: 20, durationMs: 60_000 }],
  render: renderWecom,
  async send(target, body) {
    try {
      const answer = await postJson(target.url, JSON.stringify(body));
      return classifyWecomAnswer(answer.status, answer.body);
    } catch (err) {
      const { code, message } = err as { code?: string; message?: string };
      return { outcome: 'retry', error: redactKey(`network error${code ? ` ${code}` : ''}: ${message ?? 'unknown'}`) };
    }
  },
};
