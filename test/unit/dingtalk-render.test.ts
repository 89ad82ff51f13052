import { describe, expect, it } from 'vitest';
import { classifyDingtalk, DINGTALK_MAX_BODY_BYTES, dingtalkMarkdown, dingtalkPush, tablesToLists } from '../../src/chat/dingtalk.ts';
import type { RenderInput } from '../../src/chat/platform.ts';
import { createTemplates } from '../../src/services/templates.ts';

type Body = { msgtype: string; markdown?: { title: string; text: string }; text?: { content: string }; at?: { atMobiles: string[]; isAtAll: boolean } };

const templates = createTemplates();
const bytes = (b: unknown) => Buffer.byteLength(JSON.stringify(b), 'utf8');
const contentOf = (b: Body) => b.markdown?.text ?? b.text?.content ?? '';

async function input(type: string, template: string, vars: Record<string, unknown>, extra: Partial<RenderInput> = {}): Promise<RenderInput> {
  const message = await templates.render(template, vars);
  return { type, villageId: 'v-1', meetingId: 'm-1', ...message, ...extra };
}

const agendaVars = (motions: Array<{ title: string; text: string }>) => ({
  village: { name: '阳光村' },
  meeting: { month: '2026年12月', when: '2026年12月5日（星期六）19:30' },
  motions: motions.map((m, i) => ({ number: i + 1, title: m.title, text: m.text, body: '村民会议' })),
  closesAt: '2026年12月6日（星期日）19:30',
});

const resultVars = {
  motion: { number: 1, title: '村西道路硬化' },
  rule: { label: '村民会议' },
  counted: { yes: 120, no: 8, abstain: 3, byProxy: 5 },
  outcome: '通过',
  reason: '到会 131 人，超过本村 18 周岁以上村民的过半数；同意票超过到会人数的一半。',
};

const render = (i: RenderInput, settings: Record<string, unknown> = {}) => dingtalkPush.render(i, settings) as Body[];

describe('DingTalk rendering of the zh-CN templates', () => {
  it('agenda: one markdown message titled with its first line, "\\n\\n" between lines', async () => {
    const bodies = render(await input('agenda', 'agenda', agendaVars([{ title: '村西道路硬化', text: '硬化村西道路 800 米，预算 24 万元。' }, { title: '路灯维修', text: '更换十盏路灯。' }])));
    expect(bodies).toHaveLength(1);
    expect(bodies[0].msgtype).toBe('markdown');
    expect(bodies[0].markdown!.title).toBe('阳光村2026年12月主题党日暨阳光议事');
    expect(bodies[0].markdown!.text).not.toMatch(/[^\n]\n[^\n]/);
    expect(bodies[0].markdown!.text).not.toContain('\n\n\n');
    expect(bodies).toMatchSnapshot();
  });

  it('result: markdown with the keyword inserted when the security keyword is missing', async () => {
    const bodies = render(await input('result', 'result', resultVars), { keyword: '阳光议事' });
    expect(bodies).toHaveLength(1);
    expect(bodies[0].markdown!.text).toContain('阳光议事');
    expect(bodies[0].markdown!.title).toBe('表决结果：第1项　村西道路硬化');
    expect(bodies).toMatchSnapshot();
  });

  it('does not insert the keyword when the message already contains it', async () => {
    const [body] = render(await input('agenda', 'agenda', agendaVars([{ title: '修路', text: '修路' }])), { keyword: '主题党日' });
    expect(body.markdown!.text.match(/主题党日/g)).toHaveLength(1);
    expect(body.markdown!.text).not.toContain('【主题党日】');
  });

  it('reminder: @ by mobile in at.atMobiles and written into the text', async () => {
    const reminder: RenderInput = {
      ...(await input('reminder', 'reminder', { village: { name: '阳光村' }, meeting: { month: '2026年12月' }, closesAt: '2026年12月5日（星期六）22:30', motions: [{ number: 1, title: '村西道路硬化', voted: 16, pending: 9 }] })),
      mentionMobiles: ['13800138000', '139 0013 9000'],
    };
    const bodies = render(reminder, { keyword: '阳光议事' });
    expect(bodies[0].at).toEqual({ atMobiles: ['13800138000', '13900139000'], isAtAll: false });
    expect(bodies[0].markdown!.text).toContain('@13800138000 @13900139000');
    expect(bodies).toMatchSnapshot();
  });

  it('reply: short text message, single line breaks kept', async () => {
    const bodies = render(await input('reply', 'replies/which-motion', { name: '张三', choice: '同意', motions: [{ number: 1, title: '村西道路硬化' }, { number: 2, title: '路灯维修' }] }), { keyword: '阳光议事' });
    expect(bodies).toHaveLength(1);
    expect(bodies[0].msgtype).toBe('text');
    expect(bodies[0].text!.content).toContain('\n- 第1项：村西道路硬化\n');
    expect(bodies).toMatchSnapshot();
  });

  it('finance tables become lists (DingTalk markdown has no tables)', () => {
    const markdown = [
      '## 2026年11月村级财务公开',
      '| 项目 | 收入（元） | 支出（元） |',
      '|:---|---:|---:|',
      '| 道路硬化 |  | 240000 |',
      '| 上级补助 | 200000 | |',
      '| 路灯 \\| 维修 | | 3000 |',
      '',
      '合计支出 243000 元。',
      '```',
      '备注：原始凭证可查阅',
      '```',
    ].join('\n');
    const [body] = render({ type: 'finance', villageId: 'v', meetingId: null, markdown, text: markdown });
    expect(body.markdown!.text).not.toMatch(/\|\s*-{3}/);
    expect(body.markdown!.text).not.toContain('```');
    expect(body.markdown!.text).toContain('- 项目：**道路硬化**，支出（元）：240000');
    expect(body.markdown!.text).toContain('- 项目：**路灯 | 维修**，支出（元）：3000');
    expect(body).toMatchSnapshot();
  });

  it('a long agenda is split within 20000 bytes per body and numbered (1/N)', async () => {
    const motions = Array.from({ length: 40 }, (_, i) => ({ title: `议题${i + 1}：村集体资产处置`, text: `${'为规范村集体资产管理，经村两委研究，'.repeat(12)}（第${i + 1}项说明完）` }));
    const i = await input('agenda', 'agenda', agendaVars(motions), { mentionMobiles: ['13800138000'] });
    const bodies = render(i, { keyword: '阳光议事' });
    expect(bodies.length).toBeGreaterThan(1);
    const n = bodies.length;
    bodies.forEach((b, k) => {
      expect(bytes(b)).toBeLessThanOrEqual(DINGTALK_MAX_BODY_BYTES);
      expect(b.markdown!.title).toBe(`阳光村2026年12月主题党日暨阳光议事 (${k + 1}/${n})`);
      expect(b.markdown!.text.endsWith(`(${k + 1}/${n})`)).toBe(true);
      expect(b.markdown!.text).toContain('阳光议事');
      expect(Boolean(b.at)).toBe(k === 0);
    });
    // Nothing lost, nothing repeated: the parts' lines are the original lines in order.
    const decor = /^(@13800138000|【阳光议事】|\(\d+\/\d+\))$/;
    const rejoined = bodies.flatMap((b) => b.markdown!.text.split('\n\n').filter((l) => !decor.test(l)));
    expect(rejoined).toEqual(dingtalkMarkdown(i.markdown).split('\n\n'));
    expect(bodies.map((b) => ({ title: b.markdown!.title, bytes: bytes(b), head: b.markdown!.text.slice(0, 40), tail: b.markdown!.text.slice(-30) }))).toMatchSnapshot();
  });

  it('cuts a single line longer than a body on character boundaries', () => {
    const line = '村'.repeat(15_000);
    const bodies = render({ type: 'reply', villageId: 'v', meetingId: null, markdown: line, text: line });
    expect(bodies).toHaveLength(3);
    for (const b of bodies) expect(bytes(b)).toBeLessThanOrEqual(DINGTALK_MAX_BODY_BYTES);
    expect(bodies.map((b) => b.text!.content.replace(/\n\(\d\/3\)$/, '')).join('')).toBe(line);
    expect(bodies.map((b) => contentOf(b).slice(-7))).toEqual(['村\n(1/3)', '村\n(2/3)', '村\n(3/3)']);
  });
});

describe('tablesToLists', () => {
  it('leaves lines with pipes but no separator row alone', () => {
    expect(tablesToLists(['a | b', 'c | d'], true)).toEqual(['a | b', 'c | d']);
  });
  it('handles tables without outer pipes and plain text', () => {
    expect(tablesToLists(['名称 | 金额', '--- | ---', '修路 | 3000', '后文'], false)).toEqual(['- 名称：修路，金额：3000', '后文']);
  });
});

describe('classifyDingtalk', () => {
  const answer = (status: number, body: object | string) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });
  it.each([
    [answer(200, { errcode: 0, errmsg: 'ok' }), { outcome: 'delivered' }],
    [answer(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }), { outcome: 'rate_limited', delayMs: 600_000, error: 'DingTalk 130101: send too fast, exceed 20 times per minute' }],
    [answer(200, { errcode: 310000, errmsg: 'sign not match' }), { outcome: 'config_error', error: 'DingTalk 310000: sign not match' }],
    [answer(200, { errcode: 310000, errmsg: 'keywords not in content' }), { outcome: 'config_error', error: 'DingTalk 310000: keywords not in content' }],
    [answer(200, { errcode: 300001, errmsg: 'token is not exist' }), { outcome: 'config_error', error: 'DingTalk 300001: token is not exist' }],
    [answer(200, { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' }), { outcome: 'fatal', error: 'DingTalk 460101: message too long, exceed 20000 bytes' }],
    [answer(200, { errcode: 400013, errmsg: 'whatever' }), { outcome: 'fatal' }],
    [answer(200, '<html>proxy</html>'), { outcome: 'retry' }],
    [answer(502, 'bad gateway'), { outcome: 'retry' }],
    [answer(429, ''), { outcome: 'retry' }],
    [answer(404, ''), { outcome: 'fatal' }],
  ])('%j', (a, expected) => expect(classifyDingtalk(a)).toMatchObject(expected));

  it('a refused sessionWebhook fails the reply without marking the channel unhealthy', () => {
    expect(classifyDingtalk(answer(200, { errcode: 300001, errmsg: 'session is expired' }), true)).toMatchObject({ outcome: 'fatal' });
  });
});
