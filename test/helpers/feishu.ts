import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Feishu's event encryption (mirror of the SDK's AESCipher.decrypt, which has no encrypt): key = SHA-256(encrypt key), IV in front. */
export function larkEncrypt(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export interface LarkRequest {
  headers: Record<string, string>;
  body: string;
}

/** A genuine encrypted and signed event-subscription request, as Feishu sends it (doc §3.3). */
export function larkRequest(encryptKey: string, event: object, opts: { timestamp?: string; nonce?: string; signWith?: string } = {}): LarkRequest {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  const body = JSON.stringify({ encrypt: larkEncrypt(encryptKey, JSON.stringify(event)) });
  const signature = createHash('sha256').update(timestamp + nonce + (opts.signWith ?? encryptKey) + body).digest('hex');
  return {
    headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature },
    body,
  };
}

/** The data object the SDK's adapters hand EventDispatcher.invoke: the parsed body with the headers on its prototype. */
export function sdkData(req: LarkRequest): Record<string, unknown> {
  return Object.assign(Object.create({ headers: req.headers }) as Record<string, unknown>, JSON.parse(req.body) as Record<string, unknown>);
}

/** An `im.message.receive_v1` event (schema 2.0) as Feishu sends it for "@村务助手 同意" in a group. */
export function messageEvent(opts: { eventId: string; messageId: string; openId: string; text: string; token?: string; messageType?: string; createTime?: number }) {
  return {
    schema: '2.0',
    header: { event_id: opts.eventId, event_type: 'im.message.receive_v1', create_time: String(opts.createTime ?? 1_608_725_989_000), token: opts.token ?? 'vt', app_id: 'cli_a1b2c3d4e5f60718', tenant_key: '2ca1d211f64f6438' },
    event: {
      sender: { sender_id: { union_id: `on_${opts.openId}`, user_id: 'e33ggbyz', open_id: opts.openId }, sender_type: 'user', tenant_key: '2ca1d211f64f6438' },
      message: {
        message_id: opts.messageId, root_id: '', parent_id: '', create_time: String(opts.createTime ?? 1_609_073_151_345), chat_id: 'oc_5ad11d72b830411d72b836c20', thread_id: '',
        chat_type: 'group', message_type: opts.messageType ?? 'text', content: JSON.stringify({ text: opts.text }),
        mentions: [{ key: '@_user_1', id: { union_id: 'on_bot', user_id: '', open_id: 'ou_bot' }, name: '村务助手', tenant_key: '2ca1d211f64f6438' }],
      },
    },
  };
}

export interface BotRequest {
  rawBody: string;
  body: Record<string, unknown>;
  answer: { status: number; body: string };
}

type Override = (body: Record<string, unknown>) => { status: number; body: string } | null;

/**
 * A local Feishu custom bot: checks `timestamp` (seconds, within one hour) and `sign` in the body exactly like
 * Feishu, the keyword, 5 requests per second, and answers with Feishu's real bodies. `override` answers first
 * (e.g. 9499 or 11232 on demand).
 */
export async function startFeishuBot(config: { secret?: string; keyword?: string; override?: Override } = {}) {
  const requests: BotRequest[] = [];
  const recent: number[] = [];
  const state = { ...config };
  const answer = (body: Record<string, unknown>, now: number): { status: number; body: string } => {
    const forced = state.override?.(body);
    if (forced) return forced;
    recent.push(now);
    while (recent.length > 0 && recent[0] <= now - 1000) recent.shift();
    if (recent.length > 5) return { status: 400, body: '{"code":9499,"msg":"too many request","data":{}}' };
    if (typeof body.msg_type !== 'string') return { status: 200, body: '{"code":19002,"msg":"params error, msg_type need"}' };
    if (state.secret) {
      const ts = Number(body.timestamp);
      const expected = createHmac('sha256', `${body.timestamp}\n${state.secret}`).update('').digest('base64');
      if (!Number.isInteger(ts) || Math.abs(now / 1000 - ts) > 3600 || body.sign !== expected) {
        return { status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
      }
    }
    if (state.keyword && !JSON.stringify(body.content ?? body.card ?? '').includes(state.keyword)) {
      return { status: 200, body: '{"code":19024,"msg":"Key Words Not Found"}' };
    }
    return { status: 200, body: '{"code":0,"data":{},"msg":"success"}' };
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        // answered below as Feishu does for a body without msg_type
      }
      const reply = answer(body, Date.now());
      requests.push({ rawBody, body, answer: reply });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/open-apis/bot/v2/hook/0f7c2b1e-6d4a-4e0b-9c5a-3f1e2d7b8a90`,
    requests,
    set(next: Partial<typeof config>) {
      Object.assign(state, next);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FeishuBot = Awaited<ReturnType<typeof startFeishuBot>>;
