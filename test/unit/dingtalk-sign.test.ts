import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackWindowMs, dingtalkSign, parseRobotMessage, replyUrlTrust, signRobotUrl, verifyCallback } from '../../src/chat/dingtalk-sign.ts';

/** Appendix C of chat-protocols.md, written out independently of the code under test. */
const appendixC = (ts: number | string, secret: string) => createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');

describe('dingtalkSign (加签 and callback sign)', () => {
  // Expected values computed with openssl: printf '%s\n%s' TS SECRET | openssl dgst -sha256 -hmac SECRET -binary | base64
  it.each([
    [1577262236757, 'SEC1234567890abcdef', 'f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk='],
    [1700000000000, 'SECd4f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2', '0DJpFNLXFrJbjmh4bVV+8At5Zt0jyGkTzTfA3I8VZuQ='],
    [1700000000000, 'appsecret-测试-0123', '2rSYuc2EV4rK2n0rmvIk/pN8gihGF/83Z9B/I5uQkds='],
  ])('matches the openssl vector for ts %s', (ts, secret, expected) => {
    expect(dingtalkSign(ts, secret)).toBe(expected);
    expect(dingtalkSign(String(ts), secret)).toBe(expected);
    expect(appendixC(ts, secret)).toBe(expected);
  });

  it('agrees with Appendix C for many timestamps and secrets', () => {
    for (let i = 0; i < 50; i++) {
      const ts = 1_600_000_000_000 + i * 7_919_993;
      const secret = `SEC${'abcdef0123456789'.repeat(4).slice(i % 16)}${i}`;
      expect(dingtalkSign(ts, secret)).toBe(appendixC(ts, secret));
    }
  });

  it('is keyed with the secret over timestamp + "\\n" + secret (not the Feishu reverse)', () => {
    const reversed = createHmac('sha256', '1700000000000\nSECx').update('').digest('base64');
    expect(dingtalkSign(1700000000000, 'SECx')).not.toBe(reversed);
    expect(dingtalkSign(1700000000, 'SECx')).not.toBe(dingtalkSign(1700000000000, 'SECx'));
  });
});

describe('signRobotUrl', () => {
  const base = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';
  const secret = 'SEC1234567890abcdef';
  const ts = 1577262236757;

  it('appends timestamp in ms and the url-encoded sign to the query', () => {
    const signed = signRobotUrl(base, secret, ts);
    expect(signed).toBe(`${base}&timestamp=${ts}&sign=${encodeURIComponent('f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk=')}`);
    expect(signed).toContain('sign=f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T%2BWkIqzDk%3D');
    const parsed = new URL(signed);
    expect(parsed.searchParams.get('sign')).toBe(dingtalkSign(ts, secret));
    expect(parsed.searchParams.get('access_token')).toBe('abc123');
  });

  it('never appends twice: an already signed URL gets a fresh pair in place of the old one', () => {
    const once = signRobotUrl(base, secret, ts);
    const twice = signRobotUrl(once, secret, ts + 1000);
    expect(twice.match(/timestamp=/g)).toHaveLength(1);
    expect(twice.match(/sign=/g)).toHaveLength(1);
    expect(new URL(twice).searchParams.get('timestamp')).toBe(String(ts + 1000));
    expect(signRobotUrl(signRobotUrl(twice, secret, ts), secret, ts)).toBe(once);
  });

  it('keeps the other parameters byte for byte and handles a URL without query', () => {
    expect(signRobotUrl(`${base}&x=a%2Fb`, secret, ts)).toMatch(/^https:\/\/oapi\.dingtalk\.com\/robot\/send\?access_token=abc123&x=a%2Fb&timestamp=/);
    expect(signRobotUrl('http://127.0.0.1:9/robot/send', secret, ts)).toMatch(/^http:\/\/127\.0\.0\.1:9\/robot\/send\?timestamp=1577262236757&sign=/);
    expect(signRobotUrl(`${base}&timestampx=1&signature=2`, secret, ts)).toContain('timestampx=1&signature=2&timestamp=');
  });
});

describe('callbackWindowMs', () => {
  it.each([
    [{}, 3_600_000],
    [{ windowSeconds: 300 }, 300_000],
    [{ windowSeconds: 7200 }, 3_600_000],
    [{ windowSeconds: 0 }, 3_600_000],
    [{ windowSeconds: '60' }, 3_600_000],
  ])('%j → %i ms', (settings, expected) => expect(callbackWindowMs(settings)).toBe(expected));
});

describe('verifyCallback', () => {
  const appSecret = 'app-secret-xyz-0123456789';
  const now = new Date(1_774_080_994_334);
  const verify = (tsMs: number | string, opts: { sign?: string; windowMs?: number; secret?: string } = {}) =>
    verifyCallback({ appSecret: opts.secret ?? appSecret, timestamp: String(tsMs), sign: opts.sign ?? appendixC(tsMs, appSecret), now, windowMs: opts.windowMs ?? 3_600_000 });

  it('accepts a sign made per Appendix C', () => expect(verify(now.getTime())).toEqual({ ok: true }));

  it('refuses missing headers, a non-numeric timestamp and a wrong secret or sign', () => {
    expect(verifyCallback({ appSecret, timestamp: undefined, sign: 'x', now, windowMs: 1000 })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyCallback({ appSecret, timestamp: '1', sign: '', now, windowMs: 1000 })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify('17740809943.34')).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(verify(now.getTime(), { secret: 'another-secret-0123456789' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(now.getTime(), { sign: appendixC(now.getTime() + 1, appSecret) })).toEqual({ ok: false, reason: 'bad_signature' });
    // The header carries the plain base64; the url-encoded form (the push URL's) does not match.
    const vector = { appSecret: 'SEC1234567890abcdef', timestamp: '1577262236757', now: new Date(1577262236757), windowMs: 1000 };
    expect(verifyCallback({ ...vector, sign: 'f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T+WkIqzDk=' })).toEqual({ ok: true });
    expect(verifyCallback({ ...vector, sign: 'f7qQ1A8KagEZ45y1gasTtKsEq5ERTeDXP9T%2BWkIqzDk%3D' })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts up to the window edge in both directions and refuses one millisecond beyond', () => {
    const hour = 3_600_000;
    expect(verify(now.getTime() - hour)).toEqual({ ok: true });
    expect(verify(now.getTime() + hour)).toEqual({ ok: true });
    expect(verify(now.getTime() - hour - 1)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(now.getTime() + hour + 1)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('a narrowed window refuses what the platform would still take', () => {
    const windowMs = callbackWindowMs({ windowSeconds: 300 });
    expect(verify(now.getTime() - 300_000, { windowMs })).toEqual({ ok: true });
    expect(verify(now.getTime() - 300_001, { windowMs })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(now.getTime() - 1_800_000, { windowMs })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses a timestamp in seconds (a frequent mistake)', () => {
    const seconds = Math.floor(now.getTime() / 1000);
    expect(verify(seconds)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });
});

/** Shaped like the Rust SDK's fixture test_resources/cb_msg_text.json (values ours). */
const robotBody = (over: Record<string, unknown> = {}) => ({
  chatbotCorpId: 'dinge19e25c0b3f73fd6',
  chatbotUserId: '$:LWCP_v1:$01B/44e/bot',
  conversationId: 'cidh6ezDLHQau9V23Es/xSLNo=',
  conversationType: '2',
  conversationTitle: '阳光村村民群',
  createAt: 1774080994334,
  isAdmin: false,
  isInAtList: true,
  msgId: 'msgBjXREkdlZkfTfrIiQomjAw==',
  msgtype: 'text',
  robotCode: 'dingf0apw4ibx5u5ktba',
  senderCorpId: 'dinge19e25c0b3f73fd6',
  senderId: '$:LWCP_v1:$gzXDEXQDiM8piyLH4HRRcg==',
  senderNick: '张三',
  senderStaffId: '032615015535634423',
  sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=3dc9981636af125f',
  sessionWebhookExpiredTime: 1774086394522,
  text: { content: ' 1号同意 ' },
  ...over,
});

describe('parseRobotMessage', () => {
  it('normalises a text message', () => {
    expect(parseRobotMessage(robotBody())).toEqual({
      kind: 'message',
      msg: {
        messageId: 'msgBjXREkdlZkfTfrIiQomjAw==',
        senderId: '032615015535634423',
        text: '1号同意',
        sentAt: new Date(1774080994334),
        replyVia: { url: 'https://oapi.dingtalk.com/robot/sendBySession?session=3dc9981636af125f', expiresAt: new Date(1774086394522).toISOString() },
      },
    });
  });

  it('falls back to senderId when the sender is outside the robot\'s org', () => {
    for (const senderStaffId of [undefined, '']) {
      const parsed = parseRobotMessage(robotBody({ senderStaffId }));
      expect(parsed.kind === 'message' && parsed.msg.senderId).toBe('$:LWCP_v1:$gzXDEXQDiM8piyLH4HRRcg==');
    }
  });

  it('ignores non-text message types', () => {
    expect(parseRobotMessage(robotBody({ msgtype: 'picture', text: undefined, content: { downloadCode: 'x' } }))).toEqual({ kind: 'ignored', msgtype: 'picture' });
    expect(parseRobotMessage(robotBody({ msgtype: 'richText' }))).toEqual({ kind: 'ignored', msgtype: 'richText' });
  });

  it('reports malformed bodies', () => {
    for (const body of [null, 'x', [], {}, robotBody({ msgId: undefined }), robotBody({ senderId: undefined, senderStaffId: undefined }), robotBody({ text: {} }), robotBody({ msgId: 'm'.repeat(201) }), robotBody({ text: { content: '同'.repeat(4001) } })]) {
      expect(parseRobotMessage(body).kind).toBe('invalid');
    }
  });

  it('leaves out the reply URL when it is missing, expired-less or untrusted, and sentAt when createAt is absent', () => {
    const noUrl = parseRobotMessage(robotBody({ sessionWebhook: undefined }));
    expect(noUrl.kind === 'message' && noUrl.msg.replyVia).toBeUndefined();
    const noExpiry = parseRobotMessage(robotBody({ sessionWebhookExpiredTime: undefined }));
    expect(noExpiry.kind === 'message' && noExpiry.msg.replyVia).toBeUndefined();
    const untrusted = parseRobotMessage(robotBody({ sessionWebhook: 'http://169.254.169.254/latest' }), replyUrlTrust(null));
    expect(untrusted.kind === 'message' && untrusted.msg.replyVia).toBeUndefined();
    const noCreate = parseRobotMessage(robotBody({ createAt: undefined }));
    expect(noCreate.kind === 'message' && noCreate.msg.sentAt).toBeUndefined();
    const stringTimes = parseRobotMessage(robotBody({ createAt: '1774080994334', sessionWebhookExpiredTime: '1774086394522' }));
    expect(stringTimes.kind === 'message' && stringTimes.msg.replyVia?.expiresAt).toBe('2026-03-21T09:46:34.522Z');
  });
});

describe('replyUrlTrust', () => {
  it('trusts DingTalk\'s API host and the host of the channel\'s push URL only', () => {
    const trust = replyUrlTrust('http://127.0.0.1:4567/robot/send?access_token=t');
    expect(trust('https://oapi.dingtalk.com/robot/sendBySession?session=1')).toBe(true);
    expect(trust('http://127.0.0.1:4567/robot/sendBySession?session=1')).toBe(true);
    expect(trust('http://127.0.0.1:4568/robot/sendBySession?session=1')).toBe(false);
    expect(trust('http://oapi.dingtalk.com/robot/sendBySession')).toBe(false);
    expect(trust('https://oapi.dingtalk.com.evil.example/x')).toBe(false);
    expect(trust('file:///etc/passwd')).toBe(false);
    expect(trust('not a url')).toBe(false);
    expect(replyUrlTrust(null)('http://127.0.0.1:4567/x')).toBe(false);
  });
});
