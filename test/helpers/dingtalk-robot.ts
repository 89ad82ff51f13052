import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One custom robot as configured in a DingTalk group: its access_token and security settings. */
export interface RobotConfig {
  token: string;
  /** 加签 secret "SEC…" */
  secret?: string;
  /** custom keyword the content must contain */
  keyword?: string;
}

export interface RobotRequest {
  path: string;
  query: URLSearchParams;
  rawBody: string;
  body: Record<string, any>;
  answer: { errcode: number; errmsg: string };
  at: number;
}

const OK = { errcode: 0, errmsg: 'ok' };
const TOO_FAST = { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };

/**
 * A local server playing DingTalk's robot API (chat-protocols.md §2.1) with DingTalk's real answers, all HTTP
 * 200: /robot/send checks access_token (300001), timestamp within an hour and the sign exactly as DingTalk
 * does — the query decoded like a servlet, so a missing url-encoding breaks it — (310000 sign not match), the
 * keyword (310000 keywords not in content), the 20000-byte body (460101) and 20 per minute, after which the
 * robot is throttled for 10 minutes (130101). /robot/sendBySession takes a registered session, unsigned.
 */
export async function startDingtalkRobot(robots: RobotConfig[]) {
  const byToken = new Map(robots.map((r) => [r.token, r]));
  const sessions = new Set<string>();
  const requests: RobotRequest[] = [];
  const sent = new Map<string, number[]>();
  const throttledUntil = new Map<string, number>();
  let forced: { token: string; answer: { errcode: number; errmsg: string } } | null = null;

  function answerSend(query: URLSearchParams, rawBody: string, body: Record<string, any>, now: number) {
    const robot = byToken.get(query.get('access_token') ?? '');
    if (!robot) return { errcode: 300001, errmsg: 'token is not exist' };
    if (robot.secret) {
      const timestamp = query.get('timestamp') ?? '';
      const sign = query.get('sign') ?? '';
      const expected = createHmac('sha256', robot.secret).update(`${timestamp}\n${robot.secret}`).digest('base64');
      const inWindow = /^\d+$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= 3_600_000;
      const same = sign.length === expected.length && timingSafeEqual(Buffer.from(sign), Buffer.from(expected));
      if (!inWindow || !same) return { errcode: 310000, errmsg: 'sign not match' };
    }
    if (forced?.token === robot.token) {
      const answer = forced.answer;
      forced = null;
      return answer;
    }
    if ((throttledUntil.get(robot.token) ?? 0) > now) return TOO_FAST;
    const recent = (sent.get(robot.token) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= 20) {
      throttledUntil.set(robot.token, now + 600_000);
      return TOO_FAST;
    }
    if (Buffer.byteLength(rawBody, 'utf8') > 20_000) return { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' };
    if (robot.keyword && !contentOf(body).includes(robot.keyword)) return { errcode: 310000, errmsg: 'keywords not in content' };
    sent.set(robot.token, [...recent, now]);
    return OK;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot.local');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = {};
      }
      const now = Date.now();
      const answer =
        url.pathname === '/robot/send' ? answerSend(url.searchParams, rawBody, body, now)
        : url.pathname === '/robot/sendBySession' ? (sessions.has(url.searchParams.get('session') ?? '') ? OK : { errcode: 300001, errmsg: 'session is not exist' })
        : { errcode: 404, errmsg: 'not found' };
      requests.push({ path: url.pathname, query: url.searchParams, rawBody, body, answer, at: now });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    requests,
    sendUrl: (token: string) => `${origin}/robot/send?access_token=${token}`,
    /** a sessionWebhook as DingTalk hands it out with a robot message */
    session(id: string) {
      sessions.add(id);
      return `${origin}/robot/sendBySession?session=${id}`;
    },
    /** the next valid send of this robot gets this answer instead (e.g. 130101) */
    answerNext(token: string, answer: { errcode: number; errmsg: string }) {
      forced = { token, answer };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the keyword check reads: the text, not the markdown title (strict, in case DingTalk skips it). */
export function contentOf(body: Record<string, any>): string {
  return `${body?.text?.content ?? ''}${body?.markdown?.text ?? ''}`;
}

export const TOO_FAST_ANSWER = TOO_FAST;
