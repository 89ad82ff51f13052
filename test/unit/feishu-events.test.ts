import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { createRecentIds, decryptFeishu, feishuSignature, messageFromEvent, openFeishuRequest, safeEqual, verifyFeishuSignature } from '../../src/chat/feishu-events.ts';
import { larkEncrypt, larkRequest, messageEvent, sdkData } from '../helpers/feishu.ts';

const F1 = { key: 'test key', encrypt: 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=' };
const F2 = {
  key: 'mazhe.nerd',
  encrypt: 'tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e',
  plaintext: '{"challenge":"5634b122-c042-4634-bc7f-b07a3c3e77ad","token":"iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6","type":"url_verification"}',
};
const F6 = '{"challenge":"ajls384kdjx98XX","token":"xxxxxx","type":"url_verification"}';

const EK = 'encrypt-key-0123';
const VT = 'verification-token-abc';
const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
const open = (req: { headers: Record<string, string>; body: string }, inbound: Record<string, string>) =>
  openFeishuRequest({ rawBody: Buffer.from(req.body), headers: req.headers, inbound });
const plain = (body: object | string) => ({ headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const vote = messageEvent({ eventId: 'ev-1', messageId: 'om_1', openId: 'ou_zhang', text: '@_user_1 同意', token: VT });

describe('official vectors (chat-protocols §8.3)', () => {
  it('F1: decrypts "hello world" with the SDK and with our helper', () => {
    expect(new lark.AESCipher(F1.key).decrypt(F1.encrypt)).toBe('hello world');
    expect(decryptFeishu(F1.key, F1.encrypt)).toBe('hello world');
  });

  it('F1: our test encryption with the vector\'s IV gives the vector byte for byte', () => {
    const iv = Buffer.from(F1.encrypt, 'base64').subarray(0, 16);
    expect(larkEncrypt(F1.key, 'hello world', iv)).toBe(F1.encrypt);
  });

  it('F2: the encrypted url_verification of the SDK\'s own test decrypts and is answered with its challenge', () => {
    expect(decryptFeishu(F2.key, F2.encrypt)).toBe(F2.plaintext);
    expect(open(plain({ encrypt: F2.encrypt }), { encryptKey: F2.key })).toEqual({ kind: 'challenge', challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' });
    // A wrong Encrypt Key cannot open it.
    expect(open(plain({ encrypt: F2.encrypt }), { encryptKey: 'other key' })).toMatchObject({ kind: 'unauthorized' });
  });

  it('F6: the plaintext url_verification is answered when its token is the Verification Token', () => {
    expect(open(plain(F6), { verificationToken: 'xxxxxx' })).toEqual({ kind: 'challenge', challenge: 'ajls384kdjx98XX' });
    expect(open(plain(F6), { verificationToken: 'yyyyyy' })).toMatchObject({ kind: 'unauthorized' });
    expect(open(plain(F6), { encryptKey: EK })).toMatchObject({ kind: 'unauthorized' });
    expect(open(plain(F6), { appId: 'cli_a1b2c3d4e5f60718', appSecret: 's' })).toMatchObject({ kind: 'unauthorized' });
  });

  it('the SDK\'s generateChallenge agrees on F2 and F6', () => {
    expect(lark.generateChallenge({ encrypt: F2.encrypt }, { encryptKey: F2.key })).toMatchObject({ isChallenge: true, challenge: { challenge: '5634b122-c042-4634-bc7f-b07a3c3e77ad' } });
    expect(lark.generateChallenge(JSON.parse(F6), { encryptKey: '' })).toMatchObject({ isChallenge: true, challenge: { challenge: 'ajls384kdjx98XX' } });
  });
});

describe('X-Lark-Signature', () => {
  const req = { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'abc123', 'x-lark-signature': 'b08f0d4f26a8f1fa937f07bcb6a9850caae9c10419772f1942a7482844b4ae70' };
  const body = Buffer.from('{"encrypt":"x"}');

  it('is SHA-256 hex over timestamp + nonce + encrypt key + raw body (independent sha256sum vector)', () => {
    expect(feishuSignature('1700000000', 'abc123', 'ek', body)).toBe(req['x-lark-signature']);
    expect(feishuSignature('1700000000', 'abc123', 'ek', body.toString())).toBe(req['x-lark-signature']);
  });

  it.each([
    ['genuine', req, body, true],
    ['upper-case hex', { ...req, 'x-lark-signature': req['x-lark-signature'].toUpperCase() }, body, true],
    ['tampered body', req, Buffer.from('{"encrypt":"y"}'), false],
    ['other nonce', { ...req, 'x-lark-request-nonce': 'abc124' }, body, false],
    ['other timestamp', { ...req, 'x-lark-request-timestamp': '1700000001' }, body, false],
    ['truncated signature', { ...req, 'x-lark-signature': req['x-lark-signature'].slice(0, 63) }, body, false],
    ['missing signature', { ...req, 'x-lark-signature': undefined }, body, false],
    ['missing nonce', { ...req, 'x-lark-request-nonce': undefined }, body, false],
    ['no headers at all', {}, body, null],
  ] as const)('%s', (_name, headers, raw, expected) => {
    expect(verifyFeishuSignature(headers, raw, 'ek')).toBe(expected);
  });

  it('wrong key never verifies', () => {
    expect(verifyFeishuSignature(req, body, 'ek2')).toBe(false);
  });

  it('safeEqual compares whatever the lengths', () => {
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'ab')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('openFeishuRequest', () => {
  it('opens a genuine encrypted vote and the official EventDispatcher accepts the same request', async () => {
    const req = larkRequest(EK, vote);
    expect(open(req, { encryptKey: EK })).toEqual({
      kind: 'event', eventId: 'ev-1', eventType: 'im.message.receive_v1',
      message: { messageId: 'om_1', senderId: 'ou_zhang', text: '@_user_1 同意', addressed: true, sentAt: new Date(1_609_073_151_345) },
    });
    const seen: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: EK, verificationToken: VT, logger: quietLogger }).register({ 'im.message.receive_v1': async (e: unknown) => void seen.push(e) });
    await dispatcher.invoke(sdkData(req));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ event_id: 'ev-1', message: { message_id: 'om_1', content: '{"text":"@_user_1 同意"}' } });
  });

  it('refuses what the official dispatcher refuses: a forged signature', async () => {
    const forged = larkRequest(EK, vote, { signWith: 'not-the-key' });
    expect(open(forged, { encryptKey: EK })).toEqual({ kind: 'unauthorized', reason: 'X-Lark-Signature does not match the body' });
    const seen: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: EK, logger: quietLogger }).register({ 'im.message.receive_v1': async (e: unknown) => void seen.push(e) });
    await dispatcher.invoke(sdkData(forged));
    expect(seen).toHaveLength(0);
  });

  it('refuses an encrypted event without signature headers, and encrypted bodies a channel cannot open', () => {
    const req = larkRequest(EK, vote);
    expect(open({ headers: { 'content-type': 'application/json' }, body: req.body }, { encryptKey: EK })).toMatchObject({ kind: 'unauthorized', reason: 'missing X-Lark-Signature headers' });
    expect(open(req, { verificationToken: VT })).toMatchObject({ kind: 'unauthorized' });
    expect(open(plain({ encrypt: 'bm90IGEgY2lwaGVydGV4dA==' }), { encryptKey: EK })).toMatchObject({ kind: 'unauthorized' });
  });

  it('answers an encrypted url_verification (no signature headers) with its challenge', () => {
    const body = JSON.stringify({ encrypt: larkEncrypt(EK, JSON.stringify({ challenge: 'c-123', token: VT, type: 'url_verification' })) });
    expect(open(plain(body), { encryptKey: EK, verificationToken: VT })).toEqual({ kind: 'challenge', challenge: 'c-123' });
  });

  it('checks the Verification Token of plaintext events itself (the SDK does not)', async () => {
    expect(open(plain(vote), { verificationToken: VT })).toMatchObject({ kind: 'event', message: { messageId: 'om_1' } });
    const wrong = messageEvent({ eventId: 'ev-2', messageId: 'om_2', openId: 'ou_x', text: '同意', token: 'forged' });
    expect(open(plain(wrong), { verificationToken: VT })).toEqual({ kind: 'unauthorized', reason: 'token does not match the Verification Token' });
    expect(open(plain({ ...wrong, header: { ...wrong.header, token: undefined } }), { verificationToken: VT })).toMatchObject({ kind: 'unauthorized' });
    expect(open(plain(vote), { appId: 'cli_a1b2c3d4e5f60718', appSecret: 's' })).toMatchObject({ kind: 'unauthorized' });
    // With an Encrypt Key configured, an unsigned plaintext event is refused too.
    expect(open(plain(vote), { encryptKey: EK, verificationToken: VT })).toMatchObject({ kind: 'unauthorized' });
    // The official dispatcher without an Encrypt Key dispatches even the wrong token (doc §3.3).
    const seen: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ verificationToken: VT, logger: quietLogger }).register({ 'im.message.receive_v1': async (e: unknown) => void seen.push(e) });
    await dispatcher.invoke(Object.assign(Object.create({ headers: {} }) as object, wrong));
    expect(seen).toHaveLength(1);
  });

  it('reads the v1 top-level token', () => {
    const v1 = { uuid: 'u-1', token: VT, ts: '1', type: 'event_callback', event: { type: 'message', text: 'hi' } };
    expect(open(plain(v1), { verificationToken: VT })).toEqual({ kind: 'event', eventId: 'u-1', eventType: 'message', message: null });
    expect(open(plain({ ...v1, token: 'x' }), { verificationToken: VT })).toMatchObject({ kind: 'unauthorized' });
  });

  it('accepts a signed plaintext event when an Encrypt Key is configured', () => {
    const body = JSON.stringify(vote);
    const headers = { 'content-type': 'application/json', 'x-lark-request-timestamp': '1', 'x-lark-request-nonce': 'n', 'x-lark-signature': feishuSignature('1', 'n', EK, body) };
    expect(open({ headers, body }, { encryptKey: EK })).toMatchObject({ kind: 'event', eventId: 'ev-1' });
  });

  it('ignores non-text messages and other event types, and rejects malformed ones', () => {
    const image = messageEvent({ eventId: 'ev-3', messageId: 'om_3', openId: 'ou_x', text: '', token: VT, messageType: 'image' });
    expect(open(plain(image), { verificationToken: VT })).toEqual({ kind: 'event', eventId: 'ev-3', eventType: 'im.message.receive_v1', message: null });
    const read = { schema: '2.0', header: { event_id: 'ev-4', event_type: 'im.message.message_read_v1', token: VT }, event: {} };
    expect(open(plain(read), { verificationToken: VT })).toEqual({ kind: 'event', eventId: 'ev-4', eventType: 'im.message.message_read_v1', message: null });
    expect(open(plain('not json'), { verificationToken: VT })).toMatchObject({ kind: 'malformed' });
    expect(open(plain('[1,2]'), { verificationToken: VT })).toMatchObject({ kind: 'malformed' });
    expect(open(plain({ ...vote, event: { ...vote.event, message: { ...vote.event.message, content: '{oops' } } }), { verificationToken: VT })).toMatchObject({ kind: 'malformed', reason: 'event.message.content is not JSON' });
    expect(open(plain({ type: 'url_verification', token: VT }), { verificationToken: VT })).toMatchObject({ kind: 'malformed' });
  });
});

describe('messageFromEvent', () => {
  const event = vote.event;
  it('takes message_id, the open_id, the text with its @_user_N placeholders and create_time', () => {
    expect(messageFromEvent(event)).toEqual({ ok: true, message: { messageId: 'om_1', senderId: 'ou_zhang', text: '@_user_1 同意', addressed: true, sentAt: new Date(1_609_073_151_345) } });
  });

  it('reads the flattened object the SDK dispatcher hands a handler', () => {
    expect(messageFromEvent({ event_id: 'ev-1', event_type: 'im.message.receive_v1', ...event })).toMatchObject({ ok: true, message: { messageId: 'om_1' } });
  });

  it.each([
    ['no message', {}, { ok: false, reason: 'event.message is missing' }],
    ['no message_id', { ...event, message: { ...event.message, message_id: '' } }, { ok: false, reason: 'event.message.message_id is missing' }],
    ['no open_id', { ...event, sender: { sender_id: { union_id: 'on_1' }, sender_type: 'user' } }, { ok: false, reason: 'event.sender.sender_id.open_id is missing' }],
    ['content without text', { ...event, message: { ...event.message, content: '{"title":"x"}' } }, { ok: false, reason: 'event.message.content has no text' }],
    ['a post message', { ...event, message: { ...event.message, message_type: 'post' } }, { ok: true, message: null }],
    ['an app sender', { ...event, sender: { ...event.sender, sender_type: 'app' } }, { ok: true, message: null }],
  ])('%s', (_name, input, expected) => {
    expect(messageFromEvent(input)).toEqual(expected);
  });

  it('leaves sentAt out when create_time is missing', () => {
    const { create_time: _omit, ...message } = event.message;
    expect(messageFromEvent({ ...event, message })).toEqual({ ok: true, message: { messageId: 'om_1', senderId: 'ou_zhang', text: '@_user_1 同意', addressed: true } });
  });
});

describe('createRecentIds', () => {
  it('remembers up to its capacity and forgets the oldest first', () => {
    const ids = createRecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('a');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.size]).toEqual([true, false, true, 2]);
  });
});

describe('messages Feishu delivers without an @ (all-group-messages scope)', () => {
  it('marks a group message without mentions as not addressed, and a 1:1 message as addressed', () => {
    const event = (chatType: string, mentions: unknown[]) => ({
      sender: { sender_id: { open_id: 'ou_zhang' }, sender_type: 'user' },
      message: { message_id: 'om_9', chat_type: chatType, message_type: 'text', content: JSON.stringify({ text: '今天开会吗' }), mentions },
    });
    expect(messageFromEvent(event('group', []))).toMatchObject({ ok: true, message: { addressed: false } });
    expect(messageFromEvent(event('p2p', []))).toMatchObject({ ok: true, message: { addressed: true } });
  });
});
