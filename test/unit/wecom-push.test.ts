import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyWecomAnswer, redactKey, WECOM_RATE_LIMIT_DELAY_MS, wecomPush } from '../../src/chat/wecom.ts';
import { startWecomServer, WECOM_ANSWERS, type WecomServer } from '../helpers/wecom-server.ts';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
let server: WecomServer;
const target = (key: string) => ({ deliveryId: 'd-1', url: server.urlFor(key), secret: null, settings: {} });
const textBody = (content: string) => ({ msgtype: 'text', text: { content } });
const now = new Date();

beforeAll(async () => {
  server = await startWecomServer([KEY]);
});
afterAll(async () => {
  await server?.close();
});

describe('wecomPush.send against a local WeCom webhook', () => {
  it('delivers on {"errcode":0,"errmsg":"ok"} and sends the body as JSON', async () => {
    const attempt = await wecomPush.send(target(KEY), textBody('同意请回复'), now);
    expect(attempt).toEqual({ outcome: 'delivered', status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    expect(server.received.at(-1)).toEqual({ key: KEY, body: textBody('同意请回复'), errcode: 0 });
  });

  it('a wrong key is a configuration error carrying WeCom\'s own errmsg', async () => {
    const attempt = await wecomPush.send(target('not-the-key'), textBody('x'), now);
    expect(attempt).toMatchObject({ outcome: 'config_error', status: 200, error: expect.stringMatching(/^WeCom 93000: invalid webhook url, hint: /) });
  });

  it('45009 delays for at least a minute', async () => {
    server.failWith(KEY, WECOM_ANSWERS.tooFrequent);
    try {
      const attempt = await wecomPush.send(target(KEY), textBody('x'), now);
      expect(attempt).toMatchObject({ outcome: 'rate_limited', delayMs: 60_000, error: expect.stringContaining('45009: api freq out of limit') });
      expect(WECOM_RATE_LIMIT_DELAY_MS).toBeGreaterThanOrEqual(60_000);
    } finally {
      server.recover(KEY);
    }
  });

  it('a message over the byte limit (40058) is fatal', async () => {
    const attempt = await wecomPush.send(target(KEY), textBody('村'.repeat(683)), now);
    expect(attempt).toMatchObject({ outcome: 'fatal', error: expect.stringContaining('40058: text.content exceed max length 2048') });
  });

  it('network failures are retried and never reveal the key', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = await wecomPush.send({ ...target(KEY), url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${KEY}` }, textBody('x'), now);
    expect(attempt.outcome).toBe('retry');
    expect(JSON.stringify(attempt)).not.toContain(KEY);
  });
});

describe('classifyWecomAnswer', () => {
  it.each([
    [200, '{"errcode":0,"errmsg":"ok"}', 'delivered'],
    [200, '{"errcode":45009,"errmsg":"api freq out of limit"}', 'rate_limited'],
    [200, '{"errcode":93000,"errmsg":"invalid webhook url"}', 'config_error'],
    [200, '{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}', 'fatal'],
    [200, '{"errcode":40008,"errmsg":"invalid message type"}', 'fatal'],
    [200, '{"errcode":-1,"errmsg":"system busy"}', 'retry'],
    [200, '<html>gateway</html>', 'retry'],
    [200, '{"errmsg":"ok"}', 'retry'],
    [502, 'bad gateway', 'retry'],
    [429, '', 'retry'],
    [404, 'not found', 'fatal'],
  ])('HTTP %i %s → %s', (status, body, outcome) => {
    expect(classifyWecomAnswer(status, body).outcome).toBe(outcome);
  });

  it('keeps the errmsg and names the code; a missing errmsg is said so', () => {
    expect(classifyWecomAnswer(200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toEqual({ outcome: 'config_error', status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}', error: 'WeCom 93000: invalid webhook url' });
    expect(classifyWecomAnswer(200, '{"errcode":40058}')).toMatchObject({ error: 'WeCom 40058: no errmsg' });
  });

  it('redacts the key from any text', () => {
    expect(redactKey(`connect ECONNREFUSED https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}&debug=1`)).toBe('connect ECONNREFUSED https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…&debug=1');
  });
});
