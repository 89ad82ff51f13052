import { createHmac } from 'node:crypto';
import { postJson } from './http.ts';
import { classifyHttp, type PlatformPush, type PushAttempt, type RenderInput } from './platform.ts';

/** Feishu refuses request bodies over 20 KB. */
export const FEISHU_BODY_LIMIT = 20 * 1024;
/** `"timestamp":"1700000000","sign":"<44 base64>",` is added at send time; keep room for it. */
const SIGN_RESERVE = 96;
/** The longest part label a message can get; reserved while splitting, replaced by the real one after. */
const LABEL_RESERVE = ' (999/999)';
const RATE_LIMIT_DELAY_MS = 60_000;
const RATE_LIMITED = new Set([9499, 11232]);
const CONFIG_ERRORS = new Set([19021, 19022, 19024]);

type Body = Record<string, unknown>;
type Format = 'post' | 'card';

interface Doc {
  title: string;
  lines: string[];
}

/**
 * Custom-bot signature, the reverse of DingTalk's: HMAC-SHA256 keyed with `timestamp + "\n" + secret` over an
 * empty message, base64; the timestamp is in seconds. Both go into the JSON body.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body), 'utf8');

/** The message's first heading becomes the title; the rest are its lines. */
function docOf(input: RenderInput, format: Format): Doc {
  const mdLines = input.markdown.split('\n');
  const heading = /^#{1,6}\s+(.*)$/.exec(mdLines[0] ?? '');
  const title = heading ? heading[1].replace(/\*\*(.+?)\*\*/g, '$1').trim() : '';
  const lines = format === 'card'
    // The card's markdown element renders bold, lists and links, not headings: sub-headings become bold lines.
    ? (heading ? mdLines.slice(1) : mdLines).map((l) => l.replace(/^#{1,6}\s+(.*)$/, '**$1**'))
    : (heading ? input.text.split('\n').slice(1) : input.text.split('\n'));
  return { title, lines: trimBlank(lines) };
}

function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}

/** `post` rich text: one paragraph of one text element per line. */
function postBody(title: string, lines: string[]): Body {
  return { msg_type: 'post', content: { post: { zh_cn: { title, content: lines.map((text) => [{ tag: 'text', text }]) } } } };
}

/** `interactive` card with one markdown element; the title goes into the header when there is one. */
function cardBody(title: string, lines: string[]): Body {
  const card: Body = { config: { wide_screen_mode: true }, elements: [{ tag: 'markdown', content: lines.join('\n') }] };
  if (title) card.header = { template: 'blue', title: { tag: 'plain_text', content: title } };
  return { msg_type: 'interactive', card };
}

/** The keyword of the bot's security settings must appear in every body, or Feishu answers 19024. */
function withKeyword(title: string, lines: string[], keyword: string | undefined): string[] {
  if (!keyword || title.includes(keyword) || lines.some((l) => l.includes(keyword))) return lines;
  return [...lines, '', `【${keyword}】`];
}

/** Splits one line that cannot fit a body on its own, on character (code point) boundaries. */
function splitLine(line: string, fits: (piece: string) => boolean): string[] {
  const chars = Array.from(line);
  const pieces: string[] = [];
  while (chars.length > 0) {
    let lo = 1;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(chars.slice(0, mid).join(''))) lo = mid;
      else hi = mid - 1;
    }
    pieces.push(chars.splice(0, lo).join(''));
  }
  return pieces;
}

/**
 * Builds the bodies of one message: a single body when it fits 20 KB (minus room for the signature), otherwise
 * parts split on line boundaries and numbered "(1/3)" in the title, each carrying the keyword.
 */
export function paginate(doc: Doc, format: Format, keyword?: string, budget = FEISHU_BODY_LIMIT - SIGN_RESERVE): Body[] {
  const build = (title: string, lines: string[]) => (format === 'card' ? cardBody : postBody)(title, withKeyword(title, lines, keyword));
  const whole = build(doc.title, doc.lines);
  if (bytes(whole) <= budget) return [whole];

  const reserved = `${doc.title}${LABEL_RESERVE}`;
  const fits = (lines: string[]) => bytes(build(reserved, lines)) <= budget;
  const lines = doc.lines.flatMap((l) => (fits([l]) ? [l] : splitLine(l, (piece) => fits([piece]))));
  const chunks: string[][] = [];
  let start = 0;
  while (start < lines.length) {
    // The largest run of lines from `start` that fits (size grows with every line, so bisect).
    let lo = start + 1;
    let hi = lines.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(lines.slice(start, mid))) lo = mid;
      else hi = mid - 1;
    }
    const chunk = trimBlank(lines.slice(start, lo));
    if (chunk.length > 0) chunks.push(chunk);
    start = lo;
  }
  return chunks.map((chunk, i) => build(`${doc.title} (${i + 1}/${chunks.length})`.trim(), chunk));
}

function parseAnswer(body: string): { code: number | null; msg: string } {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    // The out-of-date answer shape {"StatusCode":0,"StatusMessage":"success"} is still read.
    const code = typeof parsed.code === 'number' ? parsed.code : typeof parsed.StatusCode === 'number' ? parsed.StatusCode : null;
    const msg = typeof parsed.msg === 'string' ? parsed.msg : typeof parsed.StatusMessage === 'string' ? parsed.StatusMessage : '';
    return { code, msg };
  } catch {
    return { code: null, msg: '' };
  }
}

/** Reads a custom bot's answer: the code decides, whatever the HTTP status (9499 also comes with HTTP 400). */
export function classifyFeishuAnswer(status: number, body: string): PushAttempt {
  if (status >= 500) return { outcome: 'retry', status, body, error: `HTTP ${status}` };
  const { code, msg } = parseAnswer(body);
  const error = `Feishu ${code}: ${msg}`;
  if (code === 0 && status < 300) return { outcome: 'delivered', status, body };
  if (code !== null && RATE_LIMITED.has(code)) return { outcome: 'rate_limited', delayMs: RATE_LIMIT_DELAY_MS, status, body, error };
  if (code !== null && CONFIG_ERRORS.has(code)) return { outcome: 'config_error', status, body, error };
  if (code !== null && code !== 0) return { outcome: 'fatal', status, body, error };
  if (status === 429) return { outcome: 'rate_limited', delayMs: RATE_LIMIT_DELAY_MS, status, body, error: 'HTTP 429' };
  if (status >= 200 && status < 300) return { outcome: 'config_error', status, body, error: 'the push URL did not answer like a Feishu custom bot' };
  return classifyHttp(status, body);
}

/** Feishu custom bot (自定义机器人): `post` rich text by default, or an `interactive` card with markdown. */
export const feishuPush: PlatformPush = {
  limits: [
    { points: 5, durationMs: 1000 },
    { points: 100, durationMs: 60_000 },
  ],
  render(input, settings) {
    const format: Format = settings.format === 'card' ? 'card' : 'post';
    const keyword = typeof settings.keyword === 'string' && settings.keyword !== '' ? settings.keyword : undefined;
    return paginate(docOf(input, format), format, keyword);
  },
  async send(target, body, now) {
    const timestamp = Math.floor(now.getTime() / 1000);
    const signed = target.secret ? { timestamp: String(timestamp), sign: feishuSign(timestamp, target.secret), ...(body as Body) } : body;
    try {
      const answer = await postJson(target.url, JSON.stringify(signed));
      return classifyFeishuAnswer(answer.status, answer.body);
    } catch (err) {
      return { outcome: 'retry', error: (err as Error).message };
    }
  },
};
