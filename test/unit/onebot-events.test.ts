import { describe, expect, it } from 'vitest';
import { parseOneBotEvent, textFromCq, verifyOneBotSignature } from '../../src/chat/onebot-events.ts';
import { stripMentions } from '../../src/domain/mention.ts';

const SECRET = 'onebot-secret-123';
// A go-cqhttp style report; the expected HMACs below were computed with Python's hmac module, not with node.
const REPORT =
  '{"time":1700000000,"self_id":10001,"post_type":"message","message_type":"group","sub_type":"normal","message_id":-2147000001,"group_id":123456789,"user_id":20002,"raw_message":"[CQ:at,qq=10001] 1号同意","message":"[CQ:at,qq=10001] 1号同意","font":0,"sender":{"user_id":20002,"nickname":"张三"}}';

describe('verifyOneBotSignature: independently computed vectors', () => {
  const vectors: Array<[string, string, string, string]> = [
    ['RFC 2202 HMAC-SHA1 test case 2', 'Jefe', 'what do ya want for nothing?', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['a group message with Chinese text, raw UTF-8 bytes', SECRET, REPORT, '583b34576f32e68995c915f85ad722c9a0d7616d'],
    ['an empty body', SECRET, '', '298a6ae95b9a90ab20f213b9c4af664714ee63a1'],
    ['a key longer than the SHA-1 block', 'k'.repeat(100), '{"post_type":"meta_event","meta_event_type":"heartbeat"}', '0b49906dfe3074b04d0a0d558cdf08e354a59a12'],
    ['a Chinese secret and full-width text', '秘密密钥12345678', '{"post_type":"message","raw_message":"２号同意！"}', 'fe420d64f06a4f24374d387abf02d0d33eaabca3'],
  ];
  for (const [name, secret, body, hex] of vectors) {
    it(`accepts ${name}`, () => {
      expect(verifyOneBotSignature(secret, `sha1=${hex}`, Buffer.from(body, 'utf8'))).toEqual({ ok: true });
    });
  }

  it('accepts upper-case hex and surrounding spaces', () => {
    expect(verifyOneBotSignature(SECRET, ` sha1=${'583b34576f32e68995c915f85ad722c9a0d7616d'.toUpperCase()} `, Buffer.from(REPORT))).toEqual({ ok: true });
  });

  it('is computed over the raw bytes: the same JSON re-serialised with \\u escapes does not verify', () => {
    const reserialised = JSON.stringify(JSON.parse(REPORT)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(JSON.parse(reserialised)).toEqual(JSON.parse(REPORT));
    // 549ca2… is what Python's json.dumps (ASCII escapes) gives; it signs different bytes.
    expect(verifyOneBotSignature(SECRET, 'sha1=549ca258735eac9fbba87edadc2a1459dd2a521b', Buffer.from(reserialised))).toEqual({ ok: true });
    expect(verifyOneBotSignature(SECRET, 'sha1=583b34576f32e68995c915f85ad722c9a0d7616d', Buffer.from(reserialised))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['a missing header', undefined, 'missing_signature'],
    ['an empty header', '', 'missing_signature'],
    ['no sha1= prefix', '583b34576f32e68995c915f85ad722c9a0d7616d', 'malformed_signature'],
    ['sha256= instead of sha1=', 'sha256=583b34576f32e68995c915f85ad722c9a0d7616d', 'malformed_signature'],
    ['a short digest', 'sha1=583b34576f32e68995c915f85ad722c9a0d761', 'malformed_signature'],
    ['non-hex characters', 'sha1=583b34576f32e68995c915f85ad722c9a0d761zz', 'malformed_signature'],
    ['one changed digit', 'sha1=583b34576f32e68995c915f85ad722c9a0d7616e', 'bad_signature'],
  ] as const)('refuses %s', (_name, header, reason) => {
    expect(verifyOneBotSignature(SECRET, header, Buffer.from(REPORT))).toEqual({ ok: false, reason });
  });

  it('refuses the right digest under another secret and a body changed by one byte', () => {
    expect(verifyOneBotSignature('another-secret', 'sha1=583b34576f32e68995c915f85ad722c9a0d7616d', Buffer.from(REPORT)).ok).toBe(false);
    expect(verifyOneBotSignature(SECRET, 'sha1=583b34576f32e68995c915f85ad722c9a0d7616d', Buffer.from(REPORT.replace('1号', '2号'))).ok).toBe(false);
  });
});

const GROUP = 123456789;
const event = (over: Record<string, unknown> = {}) => ({ ...JSON.parse(REPORT), ...over });

describe('parseOneBotEvent', () => {
  it('reads a group message: id per bot, sender QQ number, text with the @ code kept for mention stripping, time in seconds', () => {
    expect(parseOneBotEvent(JSON.parse(REPORT), GROUP)).toEqual({
      kind: 'message',
      message: { messageId: '10001:-2147000001', senderId: '20002', text: '[CQ:at,qq=10001] 1号同意', sentAt: new Date(1_700_000_000_000), addressed: true },
    });
  });

  it('marks a message that does not @ the bot (OneBot reports every group message) as not addressed', () => {
    const chatter = parseOneBotEvent(event({ raw_message: '今天晚上几点开会？' }), GROUP);
    expect(chatter.kind === 'message' && chatter.message.addressed).toBe(false);
    const toSomeoneElse = parseOneBotEvent(event({ raw_message: '[CQ:at,qq=30003] 同意' }), GROUP);
    expect(toSomeoneElse.kind === 'message' && toSomeoneElse.message.addressed).toBe(false);
  });

  it('the stored text parses as the vote once mentions are stripped', () => {
    const parsed = parseOneBotEvent(event({ raw_message: '[CQ:reply,id=-1234][CQ:at,qq=10001] [CQ:at,qq=10001] 2号反对[CQ:face,id=178]' }), GROUP);
    expect(parsed.kind === 'message' && stripMentions(parsed.message.text)).toBe('2号反对');
  });

  it.each([
    ['a face', '[CQ:face,id=14]同意', '同意'],
    ['an image with a URL', '[CQ:image,file=abc.image,url=https://gchat.qpic.cn/x?a=1&amp;b=2]意见：路灯不亮', '意见：路灯不亮'],
    ['a reply code', '[CQ:reply,id=-2147000000]1号弃权', '1号弃权'],
    ['escaped brackets typed by the villager', '意见：&#91;建议&#93; 修路&#44;装灯 &amp; 清淤', '意见：[建议] 修路,装灯 & 清淤'],
    ['an escaped CQ-like text is not treated as a code', '&#91;CQ:face,id=1&#93;同意', '[CQ:face,id=1]同意'],
    ['runs of spaces left by removed codes', '1号同意 [CQ:face,id=1] [CQ:face,id=2] 2号反对', '1号同意 2号反对'],
    ['an @ of someone else stays for mention.ts', '[CQ:at,qq=30003] 同意', '[CQ:at,qq=30003] 同意'],
  ])('strips %s', (_name, raw, text) => {
    expect(textFromCq(raw)).toBe(text);
  });

  it('falls back to a string `message`, then to the segment array (NapCat array format)', () => {
    expect(parseOneBotEvent(event({ raw_message: undefined, message: '[CQ:face,id=1]同意' }), GROUP)).toMatchObject({ kind: 'message', message: { text: '同意' } });
    const segments = [{ type: 'at', data: { qq: '10001' } }, { type: 'text', data: { text: ' 1号同意 [x]' } }, { type: 'image', data: { file: 'a.jpg' } }];
    expect(parseOneBotEvent(event({ raw_message: undefined, message: segments }), GROUP)).toMatchObject({ kind: 'message', message: { text: '[CQ:at,qq=10001] 1号同意 [x]' } });
  });

  it('accepts ids as numeric strings and leaves sentAt out without a usable time', () => {
    const parsed = parseOneBotEvent(event({ self_id: '10001', message_id: '55', user_id: '20002', group_id: String(GROUP), time: 'soon' }), GROUP);
    expect(parsed).toEqual({ kind: 'message', message: { messageId: '10001:55', senderId: '20002', text: '[CQ:at,qq=10001] 1号同意', addressed: true } });
  });

  it.each([
    ['a heartbeat', { post_type: 'meta_event', meta_event_type: 'heartbeat', status: {}, interval: 5000 }, 'not_a_message'],
    ['a lifecycle event', { post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' }, 'not_a_message'],
    ['a group notice', { post_type: 'notice', notice_type: 'group_increase', group_id: GROUP, user_id: 1 }, 'not_a_message'],
    ['a friend request', { post_type: 'request', request_type: 'friend' }, 'not_a_message'],
    ['the bot’s own message report', { post_type: 'message_sent', message_type: 'group', group_id: GROUP }, 'not_a_message'],
  ] as const)('ignores %s', (_name, body, reason) => {
    expect(parseOneBotEvent({ time: 1, self_id: 10001, ...body }, GROUP)).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    ['a private message', { message_type: 'private', sub_type: 'friend' }, 'not_a_group_message'],
    ['another group', { group_id: 987654321 }, 'other_group'],
    ['an anonymous member', { sub_type: 'anonymous', user_id: 80000000, anonymous: { id: 1, name: '匿名', flag: 'x' } }, 'anonymous'],
    ['a system notice message', { sub_type: 'notice' }, 'system_notice'],
    ['the bot itself', { user_id: 10001 }, 'own_message'],
    ['only an image', { raw_message: '[CQ:image,file=a.jpg]' }, 'empty'],
    ['only an @ of the bot', { raw_message: '[CQ:at,qq=10001] ' }, 'empty'],
  ])('ignores %s', (_name, over, reason) => {
    expect(parseOneBotEvent(event(over), GROUP)).toEqual({ kind: 'ignored', reason });
  });

  it('a missing group id is another group, not ours', () => {
    expect(parseOneBotEvent(event({ group_id: undefined }), GROUP)).toEqual({ kind: 'ignored', reason: 'other_group' });
  });

  it.each([
    ['an array', [], 'body: not a JSON object'],
    ['null', null, 'body: not a JSON object'],
    ['a string', 'hello', 'body: not a JSON object'],
    ['no post_type', { message_type: 'group' }, 'body.post_type: required'],
  ])('refuses %s as malformed', (_name, body, error) => {
    expect(parseOneBotEvent(body, GROUP)).toEqual({ kind: 'invalid', error });
  });

  it('refuses a message of our group without its ids', () => {
    expect(parseOneBotEvent(event({ message_id: undefined, user_id: 1.5 }), GROUP)).toEqual({ kind: 'invalid', error: 'body.message_id: required; body.user_id: required' });
    expect(parseOneBotEvent(event({ raw_message: undefined, message: undefined }), GROUP)).toEqual({ kind: 'invalid', error: 'body.raw_message: required' });
  });
});
