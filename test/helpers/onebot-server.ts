import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OneBotApiRequest {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** what the server answered: the HTTP status, and whether the message was sent */
  status: number;
  ok: boolean;
}

/**
 * A local OneBot v11 HTTP API playing go-cqhttp: the access token as `Authorization: Bearer` (or `Token`) or
 * `?access_token=`, 401 without it and 403 with a wrong one; 404 for an unknown action, 406 for a body that is
 * not JSON; send_group_msg answers `{"status":"ok","retcode":0,"data":{"message_id":…}}`, or GROUP_NOT_FOUND
 * for a group the bot is not in.
 */
export async function startOneBotApi(opts: { accessToken: string | null; groups: number[] }) {
  const requests: OneBotApiRequest[] = [];
  let nextMessageId = 123;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, body?: { status: string; [field: string]: unknown }) => {
        requests.push({ path: url.pathname, headers: req.headers, rawBody, status, ok: body?.status === 'ok' });
        res.writeHead(status, body ? { 'content-type': 'application/json; charset=utf-8' } : {}).end(body ? JSON.stringify(body) : undefined);
      };
      if (opts.accessToken) {
        const auth = /^(?:Bearer|Token) (.+)$/.exec(req.headers.authorization ?? '');
        const token = auth?.[1] ?? url.searchParams.get('access_token');
        if (!token) return answer(401);
        if (token !== opts.accessToken) return answer(403);
      }
      if (url.pathname !== '/send_group_msg') return answer(404);
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return answer(406);
      let body: { group_id?: unknown; message?: unknown };
      try {
        body = JSON.parse(rawBody);
      } catch {
        return answer(400);
      }
      if (typeof body.group_id !== 'number' || !opts.groups.includes(body.group_id)) {
        return answer(200, { status: 'failed', retcode: 100, msg: 'GROUP_NOT_FOUND', wording: '群聊不存在', data: null });
      }
      if (typeof body.message !== 'string' || body.message === '') {
        return answer(200, { status: 'failed', retcode: 100, msg: 'EMPTY_MSG_ERROR', wording: '消息为空', data: null });
      }
      return answer(200, { status: 'ok', retcode: 0, data: { message_id: nextMessageId++ } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** the group messages the bot actually sent */
    sent: () => requests.filter((r) => r.ok).map((r) => JSON.parse(r.rawBody) as { group_id: number; message: string; auto_escape: boolean }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type OneBotApi = Awaited<ReturnType<typeof startOneBotApi>>;
