import { postJson } from './http.ts';
import type { PlatformPush, PushAttempt } from './platform.ts';

/** QQ takes about 4500 characters in one text message; parts stay below this, their "(1/2)" line included. */
export const ONEBOT_MAX_CHARS = 4500;

export interface OneBotGroupMessage {
  group_id: number;
  message: string;
  /** send the text as it is: no CQ codes, so "[CQ:…]" typed into a motion cannot inject images or @all */
  auto_escape: true;
}

/**
 * Splits plain text into parts of at most `maxChars` UTF-16 units, on line boundaries where possible (a longer
 * line is cut between code points), and numbers the parts "(1/3)" on a line of their own when there are several.
 */
export function splitPlainText(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  // "(99/99)\n" is 8 units; reserving more keeps every numbered part within the limit.
  const budget = maxChars - 12;
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    const trimmed = current.replace(/^\n+|\n+$/g, '');
    if (trimmed) chunks.push(trimmed);
    current = '';
  };
  for (const line of text.split('\n')) {
    for (const piece of cutLine(line, budget)) {
      const joined = current ? `${current}\n${piece}` : piece;
      if (joined.length > budget) {
        flush();
        current = piece;
      } else {
        current = joined;
      }
    }
  }
  flush();
  return chunks.length <= 1 ? chunks : chunks.map((chunk, i) => `(${i + 1}/${chunks.length})\n${chunk}`);
}

/** A line longer than the budget, cut into pieces between code points (never inside a surrogate pair). */
function cutLine(line: string, budget: number): string[] {
  if (line.length <= budget) return [line];
  const pieces: string[] = [];
  let piece = '';
  for (const char of line) {
    if (piece.length + char.length > budget) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** The API base with an action appended: "http://127.0.0.1:5700/" + send_group_msg, keeping any query. */
export function actionUrl(base: string, action: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${action}`;
  return url.toString();
}

interface OneBotAnswer {
  status?: unknown;
  retcode?: unknown;
  msg?: unknown;
  wording?: unknown;
}

/** Reads a OneBot v11 API answer: the HTTP status first (the token), then status/retcode in the JSON. */
export function classifyOneBotAnswer(status: number, body: string): PushAttempt {
  const base = { status, body };
  if (status === 401) return { outcome: 'config_error', ...base, error: 'OneBot API answered 401: the access token is missing (set it as the outbound secret)' };
  if (status === 403) return { outcome: 'config_error', ...base, error: 'OneBot API answered 403: the access token is wrong' };
  if (status === 404) return { outcome: 'config_error', ...base, error: 'OneBot API answered 404: no send_group_msg at this address (check the HTTP API URL)' };
  if (status === 429) return { outcome: 'rate_limited', ...base, delayMs: 60_000, error: 'OneBot API answered 429' };
  if (status >= 500) return { outcome: 'retry', ...base, error: `OneBot API answered HTTP ${status}` };
  if (status < 200 || status >= 300) return { outcome: 'fatal', ...base, error: `OneBot API answered HTTP ${status}` };
  let answer: OneBotAnswer;
  try {
    answer = JSON.parse(body) as OneBotAnswer;
  } catch {
    return { outcome: 'config_error', ...base, error: 'the answer is not OneBot v11 JSON (check the HTTP API URL)' };
  }
  if (answer === null || typeof answer !== 'object') return { outcome: 'config_error', ...base, error: 'the answer is not OneBot v11 JSON (check the HTTP API URL)' };
  // "async" (retcode 1) means queued by the implementation, e.g. through a _rate_limited or _async action.
  if (answer.status === 'async') return { outcome: 'delivered', ...base };
  if (answer.status === 'ok' && (answer.retcode === 0 || answer.retcode === undefined)) return { outcome: 'delivered', ...base };
  const detail = [answer.msg, answer.wording].filter((v) => typeof v === 'string' && v).join(' ');
  const error = `OneBot send_group_msg failed: retcode ${String(answer.retcode)}${detail ? ` ${detail}` : ''}`;
  // go-cqhttp answers retcode 100 GROUP_NOT_FOUND when the bot is not in the configured group: a channel setting.
  if (answer.msg === 'GROUP_NOT_FOUND') return { outcome: 'config_error', ...base, error };
  return { outcome: 'fatal', ...base, error };
}

/** OneBot v11 (QQ through go-cqhttp, NapCat, Lagrange): send_group_msg on the bot's HTTP API with its access token. */
export const onebotPush: PlatformPush = {
  // OneBot itself has no quota; QQ throttles and bans busy accounts, so stay well below what a person types.
  limits: [{ points: 20, durationMs: 60_000 }],
  render(input, settings): OneBotGroupMessage[] {
    const groupId = Number(settings.groupId);
    return splitPlainText(input.text, ONEBOT_MAX_CHARS).map((message) => ({ group_id: groupId, message, auto_escape: true }));
  },
  async send(target, body) {
    let url: string;
    try {
      url = actionUrl(target.url, 'send_group_msg');
    } catch {
      return { outcome: 'config_error', error: 'the OneBot HTTP API URL is not a valid URL' };
    }
    const headers: Record<string, string> = target.secret ? { authorization: `Bearer ${target.secret}` } : {};
    try {
      const answer = await postJson(url, JSON.stringify(body), headers);
      return classifyOneBotAnswer(answer.status, answer.body);
    } catch (err) {
      return { outcome: 'retry', error: (err as Error).message };
    }
  },
};
