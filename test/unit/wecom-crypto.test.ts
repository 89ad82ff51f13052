import { encrypt, getSignature } from '@wecom/crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decryptPayload, extractEncrypted, parseAppXml, parseFlatXml, parseJsonMessage, parseWecomMessage, timestampFresh, verifySignature,
} from '../../src/chat/wecom-crypto.ts';

// chat-protocols.md §8.1: the official samples (weworkapi_python callback/Sample.py, weworkapi_golang sample.go).
const W1_TOKEN = 'QDG6eK';
const W1_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const W1_CORP = 'wx5823bf96d3bd56c7';
const W1 = { ts: '1409659589', nonce: '263014780', echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==', sig: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', plain: '1616140317555161061' };
const W2 = {
  ts: '1409659813', nonce: '1372623149', sig: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  plain: '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>',
};
const W3_TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';
const W3_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const W3_CORP = 'ww1436e0e65a779aee';
const W3 = {
  ts: '1476422779', nonce: '1597212914', sig: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
  encrypt: 'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
  plain: '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
};
const W3_URL = { ts: '1476416373', nonce: '47744683', echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==', sig: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb', plain: '1288432023552776189' };
const W4 = {
  ts: '1409659813', nonce: '1372623149', sig: '0623cbc5a8cbee5bcc137c70de99575366fc2af3',
  encrypt: 'CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=',
  plain: '{"ToUserName":"wx5823bf96d3bd56c7","FromUserName":"mycreate","CreateTime": 1409659813,"MsgType":"text","Content":"hello","MsgId":4561255354251345929,"AgentID": 218}',
};

describe('official vectors (§8.1)', () => {
  it.each([
    ['W1 URL check', W1_TOKEN, W1.ts, W1.nonce, W1.echostr, W1.sig],
    ['W2 app XML message', W1_TOKEN, W2.ts, W2.nonce, W2.encrypt, W2.sig],
    ['W3 live message', W3_TOKEN, W3.ts, W3.nonce, W3.encrypt, W3.sig],
    ['W3 URL check', W3_TOKEN, W3_URL.ts, W3_URL.nonce, W3_URL.echostr, W3_URL.sig],
    ['W4 JSON message', W1_TOKEN, W4.ts, W4.nonce, W4.encrypt, W4.sig],
  ])('%s: the signature verifies, and fails for any changed input', (_name, token, ts, nonce, enc, sig) => {
    expect(verifySignature(token, ts, nonce, enc, sig)).toBe(true);
    expect(verifySignature(token, ts, nonce, enc, sig.toUpperCase())).toBe(true);
    expect(verifySignature(`${token}x`, ts, nonce, enc, sig)).toBe(false);
    expect(verifySignature(token, String(Number(ts) + 1), nonce, enc, sig)).toBe(false);
    expect(verifySignature(token, ts, `${nonce}1`, enc, sig)).toBe(false);
    expect(verifySignature(token, ts, nonce, enc.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), sig)).toBe(false);
    expect(verifySignature(token, ts, nonce, enc, sig.slice(0, -1))).toBe(false);
    expect(verifySignature(token, ts, nonce, enc, '')).toBe(false);
    expect(verifySignature(token, ts, nonce, enc, `${sig}00`)).toBe(false);
  });

  it.each([
    ['W1', W1_KEY, W1.echostr, W1_CORP, W1.plain],
    ['W2', W1_KEY, W2.encrypt, W1_CORP, W2.plain],
    ['W3', W3_KEY, W3.encrypt, W3_CORP, W3.plain],
    ['W3 URL check', W3_KEY, W3_URL.echostr, W3_CORP, W3_URL.plain],
    ['W4', W1_KEY, W4.encrypt, W1_CORP, W4.plain],
  ])('%s decrypts to the published plaintext for its corp id only', (_name, key, enc, corp, plain) => {
    expect(decryptPayload(key, enc, corp)).toEqual({ ok: true, message: plain });
    expect(decryptPayload(key, enc, '')).toEqual({ ok: false, reason: 'wrong_receive_id' });
    expect(decryptPayload(key, enc, `${corp}x`)).toEqual({ ok: false, reason: 'wrong_receive_id' });
    const otherKey = key === W1_KEY ? W3_KEY : W1_KEY;
    expect(decryptPayload(otherKey, enc, corp)).toEqual({ ok: false, reason: 'undecryptable' });
  });

  it('normalises W2 (app XML), W3 (Chinese content) and W4 (app JSON, 64-bit MsgId kept exact)', () => {
    expect(parseWecomMessage(W2.plain)).toEqual({ kind: 'message', message: { messageId: `${W1_CORP}:4561255354251345929`, senderId: 'mycreate', text: 'hello', sentAt: new Date(1409659813_000) } });
    expect(parseWecomMessage(W3.plain)).toEqual({ kind: 'message', message: { messageId: `${W3_CORP}:1456453720`, senderId: 'ChenJiaShun', text: '你好', sentAt: new Date(1476422779_000) } });
    expect(parseWecomMessage(W4.plain)).toEqual({ kind: 'message', message: { messageId: `${W1_CORP}:4561255354251345929`, senderId: 'mycreate', text: 'hello', sentAt: new Date(1409659813_000) } });
  });
});

describe('decryptPayload beyond the library', () => {
  const random = Buffer.from('0123456789abcdef');

  it('accepts a smart bot message (receive id "") and refuses it for an app channel', () => {
    const enc = encrypt(W1_KEY, '{"msgid":"x"}', '', random);
    expect(decryptPayload(W1_KEY, enc, '')).toEqual({ ok: true, message: '{"msgid":"x"}' });
    expect(decryptPayload(W1_KEY, enc, W1_CORP)).toEqual({ ok: false, reason: 'wrong_receive_id' });
  });

  it('refuses a wrong key even for a smart bot, where the library returns garbage with an empty id', () => {
    const enc = encrypt(W3_KEY, 'hello', '', random);
    expect(decryptPayload(W1_KEY, enc, '')).toEqual({ ok: false, reason: 'undecryptable' });
  });

  it.each([
    ['empty', ''],
    ['not base64', '!!!!'],
    ['too short for a block', 'AAAA'],
    ['not a whole block', Buffer.alloc(40).toString('base64')],
    ['truncated', encrypt(W1_KEY, '一段足够长的消息，超过一个三十二字节的块', '', Buffer.alloc(16)).slice(0, 44)],
  ])('refuses %s ciphertext without throwing', (_name, enc) => {
    expect(decryptPayload(W1_KEY, enc, '')).toEqual({ ok: false, reason: 'undecryptable' });
  });

  it('refuses a malformed EncodingAESKey without throwing', () => {
    expect(decryptPayload('short', W1.echostr, W1_CORP)).toEqual({ ok: false, reason: 'undecryptable' });
  });

  it('never throws on a tampered ciphertext; tampering is the signature\'s to catch (CBC is not authenticated)', () => {
    const enc = encrypt(W1_KEY, '@村务助手 同意', '', random);
    const sig = getSignature(W1_TOKEN, '1700000000', 'n1', enc);
    const bytes = Buffer.from(enc, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x01;
      const tampered = copy.toString('base64');
      expect(verifySignature(W1_TOKEN, '1700000000', 'n1', tampered, sig)).toBe(false);
      expect(() => decryptPayload(W1_KEY, tampered, '')).not.toThrow();
    }
  });

  it('round-trips any message and receive id produced by the official encrypt', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('', W1_CORP, 'ww0000'), fc.uint8Array({ minLength: 16, maxLength: 16 }), (message, id, rnd) => {
        const enc = encrypt(W1_KEY, message, id, Buffer.from(rnd));
        expect(decryptPayload(W1_KEY, enc, id)).toEqual({ ok: true, message });
        expect(verifySignature(W1_TOKEN, '1700000000', 'n1', enc, getSignature(W1_TOKEN, '1700000000', 'n1', enc))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('timestampFresh', () => {
  const now = new Date('2026-11-05T12:00:00Z');
  const secs = now.getTime() / 1000;
  it.each([
    [String(secs), true],
    [String(secs - 3600), true],
    [String(secs + 3600), true],
    [String(secs - 3601), false],
    [String(secs + 3601), false],
    ['', false],
    ['12a', false],
    ['-5', false],
    [String(secs * 1000), false],
    ['1'.repeat(20), false],
  ])('%s → %s', (ts, fresh) => {
    expect(timestampFresh(ts, now)).toBe(fresh);
  });
});

describe('WeCom XML fields', () => {
  it('reads CDATA, plain text with entities, and CDATA split around "]]>"', () => {
    const fields = parseFlatXml('<xml><A><![CDATA[x < y & z]]></A><B>1 &lt; 2 &amp;&#x4e2d;&#25991;</B>\n<C><![CDATA[a]]]]><![CDATA[>b]]></C><D></D></xml>');
    expect(Object.fromEntries(fields!)).toEqual({ A: 'x < y & z', B: '1 < 2 &中文', C: 'a]]>b', D: '' });
  });

  it('never takes a field from inside a CDATA section (a villager typing XML)', () => {
    const xml = '<xml><ToUserName>ww1</ToUserName><FromUserName>zhang</FromUserName><MsgType>text</MsgType><Content><![CDATA[<MsgId>1</MsgId><FromUserName>li</FromUserName>]]></Content><MsgId>99</MsgId></xml>';
    expect(parseAppXml(xml)).toEqual({ kind: 'message', message: { messageId: 'ww1:99', senderId: 'zhang', text: '<MsgId>1</MsgId><FromUserName>li</FromUserName>', sentAt: undefined } });
  });

  it('skips nested elements of events and keeps the first occurrence of a field', () => {
    const fields = parseFlatXml('<xml><Event>x</Event><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item></PicList></SendPicsInfo><Event>y</Event></xml>');
    expect(Object.fromEntries(fields!)).toEqual({ Event: 'x', SendPicsInfo: '' });
  });

  it.each([
    ['no root', '<A>1</A>'],
    ['unclosed field', '<xml><A>1</xml>'],
    ['unclosed CDATA', '<xml><A><![CDATA[1</A></xml>'],
    ['attributes', '<xml><A x="1">1</A></xml>'],
    ['mismatched close', '<xml><A>1</B></xml>'],
    ['text between fields', '<xml>junk<A>1</A></xml>'],
    ['too deep', `<xml>${'<a>'.repeat(20)}x${'</a>'.repeat(20)}</xml>`],
  ])('refuses %s', (_name, xml) => {
    expect(parseFlatXml(xml)).toBeNull();
  });

  it('extracts the ciphertext from an app body and from a smart bot body', () => {
    expect(extractEncrypted('<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>')).toBe('abc+/=');
    expect(extractEncrypted(' {"encrypt":"abc+/="} ')).toBe('abc+/=');
    expect(extractEncrypted('{"encrypt":""}')).toBeNull();
    expect(extractEncrypted('{"encrypt":5}')).toBeNull();
    expect(extractEncrypted('{"other":"x"}')).toBeNull();
    expect(extractEncrypted('{not json')).toBeNull();
    expect(extractEncrypted('<xml><ToUserName>ww1</ToUserName></xml>')).toBeNull();
    expect(extractEncrypted('encrypt=abc')).toBeNull();
    expect(extractEncrypted('')).toBeNull();
  });
});

describe('normalising messages', () => {
  const bot = (over: object) => JSON.stringify({ msgid: 'm1', aibotid: 'AIBOT', chatid: 'CHAT', chattype: 'group', from: { userid: 'zhangsan' }, response_url: 'https://x', msgtype: 'text', text: { content: '@村务助手 同意' }, ...over });

  it('smart bot text: drops the leading mentions, keeps the bot id with the message id', () => {
    expect(parseWecomMessage(bot({}))).toEqual({ kind: 'message', message: { messageId: 'AIBOT:m1', senderId: 'zhangsan', text: '同意', sentAt: undefined } });
    expect(parseJsonMessage(bot({ text: { content: '@张三\u2005@村务助手\u20051号反对 太贵' } }))).toMatchObject({ message: { text: '1号反对 太贵' } });
    expect(parseJsonMessage(bot({ text: { content: '@村务助手' } }))).toMatchObject({ message: { text: '@村务助手' } });
    expect(parseJsonMessage(bot({ text: { content: '同意 @村务助手' } }))).toMatchObject({ message: { text: '同意 @村务助手' } });
    expect(parseJsonMessage(bot({ aibotid: undefined, create_time: 1700000000 }))).toMatchObject({ message: { messageId: 'm1', sentAt: new Date(1700000000_000) } });
  });

  it('smart bot mixed and voice messages give their text', () => {
    const mixed = bot({ msgtype: 'mixed', text: undefined, mixed: { msg_item: [{ msgtype: 'text', text: { content: '@村务助手 意见：' } }, { msgtype: 'image', image: { url: 'u' } }, { msgtype: 'text', text: { content: '路灯坏了' } }] } });
    expect(parseJsonMessage(mixed)).toMatchObject({ kind: 'message', message: { text: '意见：\n路灯坏了' } });
    expect(parseJsonMessage(bot({ msgtype: 'voice', text: undefined, voice: { content: '同意' } }))).toMatchObject({ message: { text: '同意' } });
  });

  it('ignores what carries no text, and calls incomplete messages invalid', () => {
    expect(parseJsonMessage(bot({ msgtype: 'image' }))).toEqual({ kind: 'ignored', reason: 'msgtype image' });
    expect(parseJsonMessage(bot({ msgtype: 'event', event: { eventtype: 'enter_chat' } }))).toMatchObject({ kind: 'ignored' });
    expect(parseJsonMessage(bot({ from: {} }))).toMatchObject({ kind: 'invalid' });
    expect(parseJsonMessage(bot({ text: { content: '' } }))).toMatchObject({ kind: 'invalid' });
    expect(parseJsonMessage(bot({ msgid: 7 }))).toMatchObject({ kind: 'invalid' });
    expect(parseJsonMessage('[1]')).toMatchObject({ kind: 'invalid' });
    expect(parseJsonMessage('{')).toMatchObject({ kind: 'invalid' });
    expect(parseWecomMessage('hello')).toMatchObject({ kind: 'invalid' });
    expect(parseWecomMessage('<xml><MsgType>event</MsgType><Event>enter_agent</Event></xml>')).toEqual({ kind: 'ignored', reason: 'MsgType event' });
    expect(parseWecomMessage('<xml><MsgType>text</MsgType><Content>x</Content></xml>')).toMatchObject({ kind: 'invalid' });
  });

  it('app voice messages use the speech recognition text', () => {
    const xml = '<xml><ToUserName>ww1</ToUserName><FromUserName>li</FromUserName><CreateTime>1700000000</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Recognition><![CDATA[反对]]></Recognition><MsgId>5</MsgId></xml>';
    expect(parseWecomMessage(xml)).toEqual({ kind: 'message', message: { messageId: 'ww1:5', senderId: 'li', text: '反对', sentAt: new Date(1700000000_000) } });
  });
});
