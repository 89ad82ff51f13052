import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFeishuAnswer, FEISHU_BODY_LIMIT, feishuPush, feishuSign, paginate } from '../../src/chat/feishu.ts';
import type { RenderInput } from '../../src/chat/platform.ts';
import { createTemplates } from '../../src/services/templates.ts';
import { startFeishuBot, type FeishuBot } from '../helpers/feishu.ts';

type Body = Record<string, any>;

const templates = createTemplates();
const input = (type: string, message: { text: string; markdown: string }): RenderInput => ({ type, villageId: 'v-1', meetingId: 'm-1', ...message });
const POST = { format: 'post' };
const CARD = { format: 'card' };

const agendaVars = (motions: Array<{ number: number; title: string; text: string; body: string }>) => ({
  village: { name: '阳光村' },
  meeting: { month: '2026年12月', when: '2026年12月5日（星期六）19:30' },
  motions,
  closesAt: '2026年12月7日（星期一）19:30',
});
const agenda = () => templates.render('agenda', agendaVars([
  { number: 1, title: '村西道路硬化', text: '硬化村西道路800米，预算12万元，由村集体经济列支。', body: '村民会议' },
  { number: 2, title: '路灯维修', text: '更换十盏路灯，预算8000元。', body: '村民代表会议' },
]));
const reminder = () => templates.render('reminder', { village: { name: '阳光村' }, meeting: { month: '2026年12月' }, closesAt: '2026年12月5日（星期六）22:30', motions: [{ number: 1, title: '村西道路硬化', voted: 16, pending: 9 }, { number: 2, title: '路灯维修', voted: 3, pending: 22 }] });
const result = () => templates.render('result', {
  motion: { number: 1, title: '村西道路硬化' },
  rule: { label: '村民会议' },
  counted: { yes: 120, no: 30, abstain: 5, byProxy: 8 },
  outcome: '通过',
  reason: '到会人数超过本村十八周岁以上村民的半数，同意票超过到会人员的半数。',
});
const longAgenda = () => templates.render('agenda', agendaVars(Array.from({ length: 6 }, (_, i) => ({
  number: i + 1, title: `第${i + 1}组水渠清淤`, text: `清理第${i + 1}组灌溉水渠，所需费用从村集体经济中列支。\n`.repeat(120).trim(), body: '村民代表会议',
}))));

/** The body exactly as send() posts it when the channel has a secret. */
const signedBytes = (body: unknown) => Buffer.byteLength(JSON.stringify({ timestamp: '1700000000', sign: feishuSign(1700000000, 'SECsecret-0123456789'), ...(body as Body) }));
const postLines = (body: Body): string[] => body.content.post.zh_cn.content.map((p: Array<{ text: string }>) => p.map((e) => e.text).join(''));
const cardLines = (body: Body): string[] => body.card.elements[0].content.split('\n');
const titleOf = (body: Body): string => body.msg_type === 'post' ? body.content.post.zh_cn.title : body.card.header?.title.content ?? '';

describe('feishuPush.render from the zh-CN templates', () => {
  it.each([['agenda', agenda], ['reminder', reminder], ['result', result]] as const)('%s as post rich text', async (type, make) => {
    const bodies = feishuPush.render(input(type, await make()), POST) as Body[];
    expect(bodies).toHaveLength(1);
    expect(bodies[0].msg_type).toBe('post');
    expect(postLines(bodies[0]).join('\n')).not.toMatch(/\*\*|^#/m);
    expect(bodies).toMatchSnapshot();
  });

  it.each([['agenda', agenda], ['reminder', reminder], ['result', result]] as const)('%s as an interactive card with a markdown element', async (type, make) => {
    const bodies = feishuPush.render(input(type, await make()), CARD) as Body[];
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ msg_type: 'interactive', card: { elements: [{ tag: 'markdown' }] } });
    expect(cardLines(bodies[0]).join('\n')).not.toMatch(/^#/m);
    expect(bodies).toMatchSnapshot();
  });

  it('takes the heading as the title and leaves it out of the lines', async () => {
    const [post] = feishuPush.render(input('agenda', await agenda()), POST) as Body[];
    expect(titleOf(post)).toBe('阳光村2026年12月主题党日暨阳光议事');
    expect(postLines(post)[0]).toBe('会议时间：2026年12月5日（星期六）19:30');
    const [card] = feishuPush.render(input('agenda', await agenda()), CARD) as Body[];
    expect(card.card.header).toEqual({ template: 'blue', title: { tag: 'plain_text', content: '阳光村2026年12月主题党日暨阳光议事' } });
    expect(cardLines(card)).toContain('**本次议题（共2项）**');
  });

  it('a message without a heading gets no card header and an empty post title', async () => {
    const status = await templates.render('replies/status', { motions: [{ number: 1, title: '村西道路硬化', open: true, yes: 12, no: 3, abstain: 1, outcome: null }] });
    const [post] = feishuPush.render(input('reply', status), POST) as Body[];
    const [card] = feishuPush.render(input('reply', status), CARD) as Body[];
    expect(titleOf(post)).toBe('');
    expect(card.card.header).toBeUndefined();
  });

  it('defaults to post for a missing or unknown format', async () => {
    const message = await result();
    expect(feishuPush.render(input('result', message), {})).toEqual(feishuPush.render(input('result', message), POST));
    expect(feishuPush.render(input('result', message), { format: 'text' })).toEqual(feishuPush.render(input('result', message), POST));
  });
});

describe('keyword (security setting "自定义关键词")', () => {
  it('is added when missing, in post and card', async () => {
    const message = await result();
    const [post] = feishuPush.render(input('result', message), { ...POST, keyword: '村务通知' }) as Body[];
    expect(postLines(post).slice(-2)).toEqual(['', '【村务通知】']);
    const [card] = feishuPush.render(input('result', message), { ...CARD, keyword: '村务通知' }) as Body[];
    expect(card.card.elements[0].content.endsWith('\n\n【村务通知】')).toBe(true);
  });

  it('is not added twice when the message already has it (text or title)', async () => {
    const message = await result();
    expect(feishuPush.render(input('result', message), { ...POST, keyword: '表决' })).toEqual(feishuPush.render(input('result', message), POST));
    expect(feishuPush.render(input('result', message), { ...CARD, keyword: '村西道路' })).toEqual(feishuPush.render(input('result', message), CARD));
  });

  it('is in every part of a split message', async () => {
    const bodies = feishuPush.render(input('agenda', await longAgenda()), { ...POST, keyword: '村务通知' }) as Body[];
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(JSON.stringify(body.content)).toContain('村务通知');
  });
});

describe('20 KB body limit', () => {
  it.each([['post', POST], ['card', CARD]] as const)('splits a long agenda (%s) into numbered parts on line boundaries, none over 20 KB signed', async (_name, settings) => {
    const message = await longAgenda();
    const bodies = feishuPush.render(input('agenda', message), settings) as Body[];
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    bodies.forEach((body, i) => {
      expect(signedBytes(body)).toBeLessThanOrEqual(FEISHU_BODY_LIMIT);
      expect(titleOf(body)).toBe(`阳光村2026年12月主题党日暨阳光议事 (${i + 1}/${bodies.length})`);
    });
    const lines = bodies.flatMap(settings.format === 'card' ? cardLines : postLines);
    const source = (settings.format === 'card' ? message.markdown.replace(/^###\s+(.*)$/gm, '**$1**') : message.text).split('\n').slice(1);
    expect(lines.filter((l) => l !== '')).toEqual(source.filter((l) => l !== ''));
    expect(bodies.map((b) => ({ title: titleOf(b), lines: (settings.format === 'card' ? cardLines : postLines)(b).length, bytes: Buffer.byteLength(JSON.stringify(b)) }))).toMatchSnapshot();
  });

  it('cuts a single line longer than a body on character boundaries (emoji kept whole)', () => {
    const line = '😀村'.repeat(6000);
    const bodies = paginate({ title: '长消息', lines: [line] }, 'post');
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(signedBytes(body)).toBeLessThanOrEqual(FEISHU_BODY_LIMIT);
    expect(bodies.flatMap(postLines).join('')).toBe(line);
    expect(bodies.flatMap(postLines).join('')).not.toContain('\uFFFD');
  });

  it('counts bytes after JSON escaping (quotes, backslashes, newlines in card markdown)', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `"引号"\\反斜杠\t${i}`);
    for (const format of ['post', 'card'] as const) {
      const bodies = paginate({ title: '', lines }, format);
      for (const body of bodies) expect(signedBytes(body)).toBeLessThanOrEqual(FEISHU_BODY_LIMIT);
      expect(bodies.flatMap(format === 'card' ? cardLines : postLines)).toEqual(lines);
    }
  });

  it('property: any message splits into parts within the limit that keep every line', () => {
    const line = fc.string({ unit: fc.constantFrom('a', '村', '😀', '"', '\\', ' ', '民'), maxLength: 9000 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom('post', 'card'), fc.option(fc.constantFrom('通知', '阳光'), { nil: undefined }), (raw, format, keyword) => {
        const lines = raw.filter((l) => l.trim() !== '');
        const bodies = paginate({ title: '标题', lines }, format as 'post' | 'card', keyword);
        for (const body of bodies) {
          expect(signedBytes(body)).toBeLessThanOrEqual(FEISHU_BODY_LIMIT);
          if (keyword) expect(JSON.stringify(body)).toContain(keyword);
        }
        const got = bodies.flatMap(format === 'card' ? cardLines : postLines).filter((l) => l !== '' && !(keyword && l === `【${keyword}】`));
        expect(got.join('')).toBe(lines.join(''));
      }),
      { numRuns: 60 },
    );
  });
});

describe('custom-bot signature', () => {
  it('is base64(HMAC-SHA256(key = timestamp + "\\n" + secret, message = "")) (independent Python vector)', () => {
    expect(feishuSign(1599360473, 'demo')).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=');
    expect(feishuSign(1700000000, 'SECdemo')).toBe('U1q8KAchlt+ocM9vRG/rtwroY6XMkyjtyUV9XOpczwI=');
  });

  it('is not the DingTalk algorithm (key and message swapped, pitfall 12)', () => {
    const dingtalk = createHmac('sha256', 'demo').update('1599360473\ndemo').digest('base64');
    expect(feishuSign(1599360473, 'demo')).not.toBe(dingtalk);
  });
});

describe('classifyFeishuAnswer', () => {
  it.each([
    [200, '{"code":0,"data":{},"msg":"success"}', { outcome: 'delivered' }],
    [200, '{"StatusCode":0,"StatusMessage":"success"}', { outcome: 'delivered' }],
    [200, '{"code":9499,"msg":"Bad Request"}', { outcome: 'rate_limited', delayMs: 60_000, error: 'Feishu 9499: Bad Request' }],
    [400, '{"code":9499,"msg":"too many request","data":{}}', { outcome: 'rate_limited', delayMs: 60_000, error: 'Feishu 9499: too many request' }],
    [200, '{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}', { outcome: 'rate_limited', delayMs: 60_000 }],
    [200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', { outcome: 'config_error', error: 'Feishu 19021: sign match fail or timestamp is not within one hour from current time' }],
    [200, '{"code":19022,"msg":"Ip Not Allowed"}', { outcome: 'config_error', error: 'Feishu 19022: Ip Not Allowed' }],
    [200, '{"code":19024,"msg":"Key Words Not Found"}', { outcome: 'config_error', error: 'Feishu 19024: Key Words Not Found' }],
    [200, '{"code":19002,"msg":"params error, msg_type need"}', { outcome: 'fatal', error: 'Feishu 19002: params error, msg_type need' }],
    [400, '{"code":9999,"msg":"unknown"}', { outcome: 'fatal' }],
    [500, '{"code":0}', { outcome: 'retry', error: 'HTTP 500' }],
    [502, '<html>bad gateway</html>', { outcome: 'retry' }],
    [429, '', { outcome: 'rate_limited', delayMs: 60_000 }],
    [404, 'not found', { outcome: 'fatal', error: 'HTTP 404' }],
    [200, 'ok', { outcome: 'config_error', error: 'the push URL did not answer like a Feishu custom bot' }],
  ] as const)('HTTP %i %s', (status, body, expected) => {
    expect(classifyFeishuAnswer(status, body)).toMatchObject({ ...expected, status, body });
  });

  it('keeps the limits of a Feishu bot: 5 per second and 100 per minute', () => {
    expect(feishuPush.limits).toEqual([{ points: 5, durationMs: 1000 }, { points: 100, durationMs: 60_000 }]);
  });
});

describe('feishuPush.send against a local custom bot', () => {
  let bot: FeishuBot;
  const SECRET = 'SECsecret-0123456789';
  const target = (url: string, secret: string | null) => ({ deliveryId: 'd-1', url, secret, settings: {} });
  const body = { msg_type: 'post', content: { post: { zh_cn: { title: 't', content: [[{ tag: 'text', text: '阳光' }]] } } } };

  beforeAll(async () => {
    bot = await startFeishuBot({ secret: SECRET });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('puts timestamp (seconds) and sign into the body, and the bot accepts them', async () => {
    const now = new Date();
    expect(await feishuPush.send(target(bot.url, SECRET), body, now)).toMatchObject({ outcome: 'delivered', status: 200, body: '{"code":0,"data":{},"msg":"success"}' });
    const sent = bot.requests.at(-1)!.body;
    expect(sent).toEqual({ timestamp: String(Math.floor(now.getTime() / 1000)), sign: feishuSign(Math.floor(now.getTime() / 1000), SECRET), ...body });
  });

  it('19021 for a wrong secret or a timestamp more than an hour off', async () => {
    expect(await feishuPush.send(target(bot.url, 'SECwrong-0123456789'), body, new Date())).toMatchObject({ outcome: 'config_error', error: expect.stringContaining('19021') });
    expect(await feishuPush.send(target(bot.url, SECRET), body, new Date(Date.now() - 3_700_000))).toMatchObject({ outcome: 'config_error' });
  });

  it('sends no signature fields without a secret', async () => {
    expect(await feishuPush.send(target(bot.url, null), body, new Date())).toMatchObject({ outcome: 'config_error' });
    expect(bot.requests.at(-1)!.body).toEqual(body);
  });

  it('a network failure is retried', async () => {
    expect(await feishuPush.send(target('http://127.0.0.1:1/hook', SECRET), body, new Date())).toMatchObject({ outcome: 'retry' });
  });
});
