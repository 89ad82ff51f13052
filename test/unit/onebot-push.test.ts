import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionUrl, classifyOneBotAnswer, ONEBOT_MAX_CHARS, onebotPush, splitPlainText } from '../../src/chat/onebot.ts';
import type { RenderInput } from '../../src/chat/platform.ts';
import { createTemplates } from '../../src/services/templates.ts';

const templates = createTemplates();
const SETTINGS = { groupId: 123456789, botName: '村务助手' };
const input = (type: string, message: { text: string; markdown: string }): RenderInput => ({ type, villageId: 'v-1', meetingId: 'm-1', ...message });
const unnumbered = (part: string) => part.replace(/^\(\d+\/\d+\)\n/, '');

const agendaVars = (motions: Array<{ number: number; title: string; text: string; body: string }>) => ({
  village: { name: '阳光村' },
  meeting: { month: '2026年12月', when: '2026年12月5日（星期六）19:30' },
  motions,
  closesAt: '2026年12月7日（星期一）19:30',
});

describe('onebotPush.render: QQ plain text from the zh-CN templates', () => {
  it('renders an agenda as one send_group_msg body with auto_escape', async () => {
    const message = await templates.render('agenda', agendaVars([
      { number: 1, title: '村西道路硬化', text: '硬化村西道路800米，预算12万元，由村集体经济列支。', body: '村民会议' },
      { number: 2, title: '路灯维修', text: '更换十盏路灯 [CQ:at,qq=all] 不应被解析。', body: '村民代表会议' },
    ]));
    const bodies = onebotPush.render(input('agenda', message), SETTINGS);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ group_id: 123456789, auto_escape: true });
    expect((bodies[0] as { message: string }).message).not.toMatch(/\*\*|^#/m);
    expect(bodies).toMatchSnapshot();
  });

  it('renders a reminder', async () => {
    const message = await templates.render('reminder', { village: { name: '阳光村' }, meeting: { month: '2026年12月' }, closesAt: '2026年12月5日（星期六）22:30', motions: [{ number: 1, title: '村西道路硬化', voted: 16, pending: 9 }, { number: 2, title: '路灯维修', voted: 3, pending: 22 }] });
    expect(onebotPush.render(input('reminder', message), SETTINGS)).toMatchSnapshot();
  });

  it('renders a result', async () => {
    const message = await templates.render('result', {
      motion: { number: 1, title: '村西道路硬化' },
      rule: { label: '村民会议' },
      counted: { yes: 120, no: 30, abstain: 5, byProxy: 8 },
      outcome: '通过',
      reason: '到会人数超过本村十八周岁以上村民的半数，同意票超过到会人员的半数。',
    });
    expect(onebotPush.render(input('result', message), SETTINGS)).toMatchSnapshot();
  });

  it('splits a long agenda into numbered parts within the limit, on line boundaries', async () => {
    const motions = Array.from({ length: 40 }, (_, i) => ({
      number: i + 1,
      title: `第${i + 1}组水渠清淤`,
      text: `清理第${i + 1}组灌溉水渠，`.repeat(12) + '所需费用从村集体经济中列支，并在村务公开栏公示。',
      body: '村民代表会议',
    }));
    const message = await templates.render('agenda', agendaVars(motions));
    expect(message.text.length).toBeGreaterThan(ONEBOT_MAX_CHARS);
    const bodies = onebotPush.render(input('agenda', message), SETTINGS) as Array<{ message: string }>;
    expect(bodies.length).toBeGreaterThan(1);
    bodies.forEach((b, i) => {
      expect(b.message.length).toBeLessThanOrEqual(ONEBOT_MAX_CHARS);
      expect(b.message.startsWith(`(${i + 1}/${bodies.length})\n`)).toBe(true);
    });
    // Nothing lost or reordered: the parts are the message's lines, cut only at line breaks.
    expect(bodies.map((b) => unnumbered(b.message)).join('\n').replace(/\n+/g, '\n')).toBe(message.text.replace(/\n+/g, '\n'));
    expect(bodies).toMatchSnapshot();
  });
});

describe('splitPlainText', () => {
  it('keeps a message within the limit as it is, unnumbered', () => {
    expect(splitPlainText('同意', 10)).toEqual(['同意']);
    expect(splitPlainText('x'.repeat(4500), 4500)).toEqual(['x'.repeat(4500)]);
  });

  it('cuts between lines and numbers the parts', () => {
    const text = ['第一行内容', '第二行内容', '第三行内容', '第四行内容', '第五行内容', '第六行内容'].join('\n');
    expect(splitPlainText(text, 30)).toEqual(['(1/2)\n第一行内容\n第二行内容\n第三行内容', '(2/2)\n第四行内容\n第五行内容\n第六行内容']);
  });

  it('drops the blank lines at a cut, not inside a part', () => {
    expect(splitPlainText('aaaaa\n\nbbbbb\n\n\ncccccccccc', 24)).toEqual(['(1/2)\naaaaa\n\nbbbbb', '(2/2)\ncccccccccc']);
  });

  it('cuts a line longer than the limit between code points, never inside an emoji', () => {
    const line = '👍同'.repeat(20);
    const parts = splitPlainText(line, 22);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(22);
      expect(unnumbered(part)).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    expect(parts.map(unnumbered).join('')).toBe(line);
  });

  it('property: every part within the limit, labels 1..n, the text preserved up to blank lines at cuts', () => {
    const lineArb = fc.string({ unit: fc.constantFrom('同', '意', 'a', ' ', '👍', '，'), maxLength: 60 });
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 40 }), fc.integer({ min: 20, max: 120 }), (lines, max) => {
        const text = lines.join('\n');
        const parts = splitPlainText(text, max);
        if (text.length <= max) {
          expect(parts).toEqual([text]);
          return;
        }
        for (const [i, part] of parts.entries()) {
          expect(part.length).toBeLessThanOrEqual(max);
          if (parts.length > 1) expect(part.startsWith(`(${i + 1}/${parts.length})\n`)).toBe(true);
        }
        const squash = (s: string) => s.replace(/\n+/g, '');
        expect(squash(parts.map(unnumbered).join(''))).toBe(squash(text).replace(/^\n+|\n+$/g, ''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('classifyOneBotAnswer: the answers of go-cqhttp / NapCat', () => {
  it.each([
    ['ok', 'delivered', 200, '{"status":"ok","retcode":0,"data":{"message_id":123}}'],
    ['async (retcode 1)', 'delivered', 200, '{"status":"async","retcode":1,"data":null}'],
    ['failed retcode 100', 'fatal', 200, '{"status":"failed","retcode":100,"msg":"SEND_MSG_API_ERROR","wording":"请参考 go-cqhttp 端输出","data":null}'],
    ['group not found', 'config_error', 200, '{"status":"failed","retcode":100,"msg":"GROUP_NOT_FOUND","wording":"群聊不存在","data":null}'],
    ['ok with a non-zero retcode', 'fatal', 200, '{"status":"ok","retcode":1200}'],
    ['no token (401)', 'config_error', 401, ''],
    ['bad token (403)', 'config_error', 403, ''],
    ['unknown action (404)', 'config_error', 404, ''],
    ['bad content type (406)', 'fatal', 406, ''],
    ['a proxy throttling (429)', 'rate_limited', 429, ''],
    ['a server error (502)', 'retry', 502, 'Bad Gateway'],
    ['not JSON', 'config_error', 200, '<html>nginx</html>'],
    ['JSON but not an object', 'config_error', 200, '"ok"'],
  ] as const)('%s → %s', (_name, outcome, status, body) => {
    expect(classifyOneBotAnswer(status, body).outcome).toBe(outcome);
  });

  it('names the cause in the error that marks the channel unhealthy', () => {
    expect(classifyOneBotAnswer(403, '')).toMatchObject({ error: expect.stringContaining('access token is wrong'), status: 403 });
    expect(classifyOneBotAnswer(200, '{"status":"failed","retcode":100,"msg":"GROUP_NOT_FOUND","wording":"群聊不存在"}')).toMatchObject({ error: 'OneBot send_group_msg failed: retcode 100 GROUP_NOT_FOUND 群聊不存在' });
  });
});

describe('actionUrl', () => {
  it.each([
    ['http://127.0.0.1:5700', 'http://127.0.0.1:5700/send_group_msg'],
    ['http://127.0.0.1:5700/', 'http://127.0.0.1:5700/send_group_msg'],
    ['https://bot.example.cn/onebot/v11/', 'https://bot.example.cn/onebot/v11/send_group_msg'],
    ['http://127.0.0.1:5700/?access_token=abc', 'http://127.0.0.1:5700/send_group_msg?access_token=abc'],
  ])('%s', (base, expected) => {
    expect(actionUrl(base, 'send_group_msg')).toBe(expected);
  });
});
