import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for qyapi.weixin.qq.com's 消息推送 webhook (chat-protocols.md §1.1): the key in the query is
 * the only credential, every answer is HTTP 200 with errcode/errmsg, content is limited in UTF-8 bytes and
 * each robot takes at most 20 messages a minute.
 */
export interface WecomReceived {
  key: string;
  /** null when the request was refused before its body was read */
  body: null | { msgtype: string; text?: { content: string; mentioned_mobile_list?: string[] }; markdown?: { content: string } };
  errcode: number;
}

interface Answer {
  errcode: number;
  errmsg: string;
}

const hint = (code: number) => `hint: [${Math.floor(Date.now() / 1000)}_test_${code}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`;
export const WECOM_ANSWERS = {
  ok: () => ({ errcode: 0, errmsg: 'ok' }),
  invalidUrl: () => ({ errcode: 93000, errmsg: `invalid webhook url, ${hint(93000)}` }),
  tooFrequent: () => ({ errcode: 45009, errmsg: `api freq out of limit, ${hint(45009)}` }),
  tooLong: (field: string, max: number) => ({ errcode: 40058, errmsg: `${field}.content exceed max length ${max}. invalid Request Parameter, ${hint(40058)}` }),
  badType: () => ({ errcode: 40008, errmsg: `invalid message type, ${hint(40008)}` }),
  badJson: () => ({ errcode: 40035, errmsg: `invalid parameter: body is not JSON, ${hint(40035)}` }),
} satisfies Record<string, (...args: never[]) => Answer>;

const LIMITS = { text: 2048, markdown: 4096 } as const;

export async function startWecomServer(validKeys: string[]) {
  const keys = new Set(validKeys);
  const received: WecomReceived[] = [];
  const sentAt = new Map<string, number[]>();
  const forced = new Map<string, () => Answer>();

  function judge(key: string | null, raw: string, contentType: string | undefined): { answer: Answer; body: WecomReceived['body'] } {
    if (!key || !keys.has(key)) return { answer: WECOM_ANSWERS.invalidUrl(), body: null };
    let body: NonNullable<WecomReceived['body']>;
    try {
      if (!contentType?.startsWith('application/json')) throw new Error('not JSON');
      body = JSON.parse(raw);
    } catch {
      return { answer: WECOM_ANSWERS.badJson(), body: null };
    }
    const force = forced.get(key);
    if (force) return { answer: force(), body };
    const recent = (sentAt.get(key) ?? []).filter((t) => t > Date.now() - 60_000);
    if (recent.length >= 20) return { answer: WECOM_ANSWERS.tooFrequent(), body };
    sentAt.set(key, [...recent, Date.now()]);
    if (body.msgtype !== 'text' && body.msgtype !== 'markdown') return { answer: WECOM_ANSWERS.badType(), body };
    const content = body[body.msgtype]?.content;
    if (typeof content !== 'string') return { answer: WECOM_ANSWERS.badType(), body };
    if (Buffer.byteLength(content, 'utf8') > LIMITS[body.msgtype]) return { answer: WECOM_ANSWERS.tooLong(body.msgtype, LIMITS[body.msgtype]), body };
    return { answer: WECOM_ANSWERS.ok(), body };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const key = req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send' ? url.searchParams.get('key') : null;
      const { answer, body } = judge(key, Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
      received.push({ key: key ?? '', body, errcode: answer.errcode });
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    urlFor: (key: string) => `${base}/cgi-bin/webhook/send?key=${key}`,
    received,
    delivered: (key: string) => received.filter((r) => r.key === key && r.errcode === 0),
    /** answers every request of this robot with `answer` until `recover` */
    failWith(key: string, answer: () => Answer) {
      forced.set(key, answer);
    },
    recover(key: string) {
      forced.delete(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WecomServer = Awaited<ReturnType<typeof startWecomServer>>;
