import { signRobotUrl } from './dingtalk-sign.ts';
import { answerCode, postJson, type HttpAnswer } from './http.ts';
import { classifyHttp, type PlatformPush, type PushAttempt, type RenderInput } from './platform.ts';

/** DingTalk refuses a body over 20000 bytes (460101); every part is measured as the exact JSON we send. */
export const DINGTALK_MAX_BODY_BYTES = 20_000;
/** 130101 throttles the robot for 10 minutes. */
const THROTTLE_MS = 600_000;
/** the wrong secret, keyword, IP list or access_token: no retry helps */
const CONFIG_ERRORS = new Set([310000, 300001]);
/** the width "(99/99)" takes while parts are packed; the real numbers are never wider */
const NUMBER_RESERVE = 99;

type Kind = 'markdown' | 'text';

interface Decor {
  keyword?: string;
  mobiles: string[];
}

/**
 * The custom robot. Replies go out as `text` (short, read in the chat list and notifications as they are);
 * everything else (agendas, results, reminders, finance) as `markdown` titled with its first line. DingTalk
 * markdown has no tables or code blocks and needs "\n\n" between lines, so the markdown is rewritten first.
 */
export const dingtalkPush: PlatformPush = {
  limits: [{ points: 20, durationMs: 60_000 }],
  render(input, settings) {
    const kind: Kind = input.type === 'reply' ? 'text' : 'markdown';
    const keyword = typeof settings.keyword === 'string' && settings.keyword !== '' ? settings.keyword : undefined;
    const decor: Decor = { keyword, mobiles: (input.mentionMobiles ?? []).map((m) => m.replace(/\s+/g, '')).filter(Boolean) };
    const lines = kind === 'markdown' ? dingtalkMarkdownLines(input.markdown) : tablesToLists(input.text.replace(/\r\n?/g, '\n').split('\n'), false);
    return splitIntoBodies(kind, titleOf(input), paragraphsOf(lines), decor);
  },
  async send(target, body, now) {
    // A sessionWebhook is authorised by its own session parameter and takes no 加签.
    const viaSession = target.settings.viaSession === true;
    const url = !viaSession && target.secret ? signRobotUrl(target.url, target.secret, now.getTime()) : target.url;
    let answer: HttpAnswer;
    try {
      answer = await postJson(url, JSON.stringify(body));
    } catch (err) {
      return { outcome: 'retry', error: (err as Error).message };
    }
    return classifyDingtalk(answer, viaSession);
  },
};

/** Reads DingTalk's answer: HTTP 200 carries the errors too, in `errcode` and `errmsg`. */
export function classifyDingtalk(answer: HttpAnswer, viaSession = false): PushAttempt {
  const { status, body } = answer;
  if (status < 200 || status >= 300) return classifyHttp(status, body);
  const errcode = answerCode(body, 'errcode');
  if (errcode === 0) return { outcome: 'delivered', status, body };
  if (errcode === null) return { outcome: 'retry', status, body, error: `unexpected answer from DingTalk: ${body.slice(0, 200)}` };
  const error = `DingTalk ${errcode}: ${errmsgOf(body)}`;
  if (errcode === 130101) return { outcome: 'rate_limited', delayMs: THROTTLE_MS, status, body, error };
  // A refused sessionWebhook says nothing about the channel's own robot, which must stay healthy.
  if (CONFIG_ERRORS.has(errcode) && !viaSession) return { outcome: 'config_error', status, body, error };
  return { outcome: 'fatal', status, body, error };
}

function errmsgOf(body: string): string {
  try {
    const msg = (JSON.parse(body) as { errmsg?: unknown }).errmsg;
    return typeof msg === 'string' ? msg : '';
  } catch {
    return '';
  }
}

/** Markdown lines as DingTalk renders them: tables become lists and code fences go (blank lines kept). */
export function dingtalkMarkdownLines(markdown: string): string[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n').filter((l) => !/^\s*(```|~~~)/.test(l));
  return tablesToLists(lines, true).map((l) => l.trimEnd());
}

/** The whole message as DingTalk markdown: every line its own paragraph ("\n\n"), no empty ones. */
export function dingtalkMarkdown(markdown: string): string {
  return dingtalkMarkdownLines(markdown).filter((l) => l.trim() !== '').join('\n\n');
}

/** Lines grouped by the blank lines between them; a split keeps a paragraph together where it can. */
function paragraphsOf(lines: string[]): string[][] {
  const out: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') {
      if (out.at(-1)!.length > 0) out.push([]);
    } else out.at(-1)!.push(line);
  }
  return out.filter((p) => p.length > 0);
}

const isSeparatorRow = (l: string) => /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(l) && l.includes('-');
const cellsOf = (l: string) =>
  l.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));

/** "| 项目 | 金额 |" tables become "- 项目：修路，金额：3000元" lines (bold first cell in markdown). */
export function tablesToLists(lines: string[], markdown: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!(lines[i].includes('|') && i + 1 < lines.length && isSeparatorRow(lines[i + 1]))) {
      out.push(lines[i]);
      continue;
    }
    const header = cellsOf(lines[i]);
    let j = i + 2;
    for (; j < lines.length && lines[j].includes('|') && lines[j].trim() !== ''; j++) {
      const pairs = cellsOf(lines[j])
        .map((cell, k) => ({ cell, head: header[k] ?? '' }))
        .filter((p) => p.cell !== '')
        .map((p, k) => {
          const value = markdown && k === 0 ? `**${p.cell}**` : p.cell;
          return p.head ? `${p.head}：${value}` : value;
        });
      if (pairs.length > 0) out.push(`- ${pairs.join('，')}`);
    }
    i = j - 1;
  }
  return out;
}

/** The notification title: the message's first line without markdown marks. */
function titleOf(input: RenderInput): string {
  const first = input.markdown.split('\n').find((l) => l.trim() !== '') ?? input.text.split('\n')[0] ?? '';
  const plain = first.replace(/^\s*(#{1,6}\s+|>\s*|[-*+]\s+)/, '').replace(/\*\*|__|`/g, '').trim();
  return [...plain].slice(0, 64).join('') || '阳光议事';
}

function bodyOf(kind: Kind, title: string, paragraphs: string[][], decor: Decor, index: number, total: number): object {
  // DingTalk markdown needs "\n\n" for every line break; a text message keeps single ones.
  const lines = paragraphs.map((p) => p.join(kind === 'markdown' ? '\n\n' : '\n'));
  const tail: string[] = [];
  if (index === 0 && decor.mobiles.length > 0) tail.push(decor.mobiles.map((m) => `@${m}`).join(' '));
  // The keyword security setting checks every message, so each part carries it.
  if (decor.keyword && !lines.some((l) => l.includes(decor.keyword!))) tail.push(`【${decor.keyword}】`);
  if (total > 1) tail.push(`(${index + 1}/${total})`);
  const at = index === 0 && decor.mobiles.length > 0 ? { at: { atMobiles: decor.mobiles, isAtAll: false } } : {};
  if (kind === 'text') return { msgtype: 'text', text: { content: [lines.join('\n\n'), ...tail].join('\n') }, ...at };
  const numberedTitle = total > 1 ? `${title} (${index + 1}/${total})` : title;
  return { msgtype: 'markdown', markdown: { title: numberedTitle, text: [...lines, ...tail].join('\n\n') }, ...at };
}

const bytesOf = (body: object) => Buffer.byteLength(JSON.stringify(body), 'utf8');

/**
 * Packs paragraphs into as few bodies as fit DingTalk's byte limit, numbering them "(1/N)" when there is more
 * than one. A paragraph too long for a body is split into its lines, and a line too long is cut on character
 * boundaries.
 */
function splitIntoBodies(kind: Kind, title: string, paragraphs: string[][], decor: Decor): object[] {
  const single = bodyOf(kind, title, paragraphs, decor, 0, 1);
  if (bytesOf(single) <= DINGTALK_MAX_BODY_BYTES) return [single];

  const fits = (chunk: string[][], index: number) => bytesOf(bodyOf(kind, title, chunk, decor, index, NUMBER_RESERVE)) <= DINGTALK_MAX_BODY_BYTES;
  const chunks: string[][][] = [];
  let current: string[][] = [];
  const queue = [...paragraphs];
  while (queue.length > 0) {
    const paragraph = queue.shift()!;
    if (fits([...current, paragraph], chunks.length)) {
      current.push(paragraph);
    } else if (current.length > 0) {
      chunks.push(current);
      current = [];
      queue.unshift(paragraph);
    } else if (paragraph.length > 1) {
      queue.unshift(...paragraph.map((line) => [line]));
    } else {
      const [head, rest] = cutToFit(paragraph[0], (piece) => fits([[piece]], chunks.length));
      chunks.push([[head]]);
      if (rest !== '') queue.unshift([rest]);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk, i) => bodyOf(kind, title, chunk, decor, i, chunks.length));
}

/** The longest prefix (whole code points) that fits, and the rest. */
function cutToFit(line: string, fits: (piece: string) => boolean): [string, string] {
  const chars = [...line];
  let lo = 1;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(chars.slice(0, mid).join(''))) lo = mid;
    else hi = mid - 1;
  }
  return [chars.slice(0, lo).join(''), chars.slice(lo).join('')];
}
