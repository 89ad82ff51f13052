import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RenderInput } from '../../src/chat/platform.ts';
import { PUSH_PLATFORMS } from '../../src/chat/registry.ts';
import { renderWecom, splitByBytes, WECOM_MARKDOWN_LIMIT_BYTES, WECOM_TEXT_LIMIT_BYTES, wecomPush, type WecomBody } from '../../src/chat/wecom.ts';
import { createTemplates } from '../../src/services/templates.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const templates = createTemplates();
const MARKER = /^\((\d+)\/(\d+)\)\n/;

const motion = (number: number, title: string, text: string) => ({ number, title, text, body: '村民会议' });

function agendaVars(motions: ReturnType<typeof motion>[]) {
  return { village: { name: '阳光村' }, meeting: { month: '2026年12月', when: '2026年12月5日（星期六）19:30' }, motions, closesAt: '2026年12月6日（星期日）19:30' };
}

async function input(template: string, vars: Record<string, unknown>, type: string, mentionMobiles?: string[]): Promise<RenderInput> {
  const message = await templates.render(template, vars);
  return { type, villageId: 'v-1', meetingId: 'm-1', ...message, mentionMobiles };
}

const LONG_TEXT = '为改善村西片区群众出行条件，拟对村西主干道约一点二公里路段进行水泥硬化，路面宽四点五米，两侧设排水沟，预算约四十八万元，其中上级补助三十万元，村集体自筹十八万元，由村务监督委员会全程监督施工质量与资金使用。';
const longAgenda = () => agendaVars(Array.from({ length: 14 }, (_, i) => motion(i + 1, `第${i + 1}号工程事项`, LONG_TEXT)));

const contentOf = (body: WecomBody) => (body.msgtype === 'text' ? body.text.content : body.markdown.content);

describe('WeCom rendering of the real templates', () => {
  it('is registered as the wecom push platform with 20 messages a minute per robot', () => {
    expect(PUSH_PLATFORMS.wecom).toBe(wecomPush);
    expect(wecomPush.limits).toEqual([{ points: 20, durationMs: 60_000 }]);
  });

  it('agenda: text by default, markdown when the channel chose it', async () => {
    const agenda = await input('agenda', agendaVars([motion(1, '村西道路硬化', '硬化村西道路一点二公里'), motion(2, '路灯维修', '更换十盏路灯')]), 'agenda');
    expect(wecomPush.render(agenda, {})).toMatchSnapshot('text');
    expect(wecomPush.render(agenda, { format: 'text' })).toEqual(wecomPush.render(agenda, {}));
    expect(wecomPush.render(agenda, { format: 'markdown' })).toMatchSnapshot('markdown');
  });

  it('reminder: text @-mentions by mobile through mentioned_mobile_list, markdown cannot', async () => {
    const vars = { village: { name: '阳光村' }, meeting: { month: '2026年12月' }, closesAt: '2026年12月5日（星期六）22:30', motions: [{ number: 1, title: '村西道路硬化', voted: 16, pending: 9 }, { number: 2, title: '路灯维修', voted: 3, pending: 22 }] };
    const reminder = await input('reminder', vars, 'reminder', ['13800001111', '13900002222', '13800001111']);
    const text = renderWecom(reminder, { format: 'text' });
    expect(text).toMatchSnapshot('text');
    expect(text[0]).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800001111', '13900002222'] } });
    const markdown = renderWecom(reminder, { format: 'markdown' });
    expect(markdown).toMatchSnapshot('markdown');
    expect(JSON.stringify(markdown)).not.toContain('mentioned');
  });

  it('result', async () => {
    const result = await input('result', { motion: { number: 1, title: '村西道路硬化' }, rule: { label: '村民会议' }, counted: { yes: 120, no: 31, abstain: 4, byProxy: 6 }, outcome: '通过', reason: '到会人数过半，同意票超过到会人数的一半。' }, 'result');
    expect(wecomPush.render(result, {})).toMatchSnapshot('text');
    expect(wecomPush.render(result, { format: 'markdown' })).toMatchSnapshot('markdown');
  });

  it('a long agenda is split into numbered parts within 2048 bytes (text) and 4096 bytes (markdown)', async () => {
    const agenda = await input('agenda', longAgenda(), 'agenda', ['13800001111']);
    const text = renderWecom(agenda, {});
    expect(text).toMatchSnapshot('text parts');
    expect(text.length).toBe(3);
    text.forEach((body, i) => {
      const content = contentOf(body);
      expect(bytes(content)).toBeLessThanOrEqual(WECOM_TEXT_LIMIT_BYTES);
      expect(content.startsWith(`(${i + 1}/3)\n`)).toBe(true);
    });
    expect(text.map((b) => (b.msgtype === 'text' ? b.text.mentioned_mobile_list : null))).toEqual([['13800001111'], undefined, undefined]);
    // Only whole lines move between parts: removing the markers gives back every line in order.
    const lines = (s: string) => s.split('\n').filter(Boolean);
    expect(text.flatMap((b) => lines(contentOf(b).replace(MARKER, '')))).toEqual(lines(agenda.text));

    const markdown = renderWecom(agenda, { format: 'markdown' });
    expect(markdown).toMatchSnapshot('markdown parts');
    expect(markdown.length).toBe(2);
    for (const body of markdown) expect(bytes(contentOf(body))).toBeLessThanOrEqual(WECOM_MARKDOWN_LIMIT_BYTES);
    expect(markdown.flatMap((b) => lines(contentOf(b).replace(MARKER, '')))).toEqual(lines(agenda.markdown));
  });
});

describe('splitByBytes', () => {
  it('leaves a message that fits as it is, without a number, up to exactly the limit', () => {
    expect(splitByBytes('同意', 2048)).toEqual(['同意']);
    const exact = '村'.repeat(682) + 'ab';
    expect(bytes(exact)).toBe(2048);
    expect(splitByBytes(exact, 2048)).toEqual([exact]);
  });

  it('counts bytes, not characters: 683 Chinese characters (2049 bytes) need two parts', () => {
    const parts = splitByBytes('村'.repeat(683), 2048);
    expect(parts).toHaveLength(2);
    expect(parts[0].startsWith('(1/2)\n')).toBe(true);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2048);
  });

  it('splits between paragraphs where it can, else between lines, and drops blank lines at the cut', () => {
    expect(splitByBytes('aaaa\n\nbbbb\ncccc', 12)).toEqual(['(1/3)\naaaa', '(2/3)\nbbbb', '(3/3)\ncccc']);
    expect(splitByBytes('aa\nbb\ncc\ndd\nee', 13)).toEqual(['(1/3)\naa\nbb', '(2/3)\ncc\ndd', '(3/3)\nee']);
    expect(splitByBytes('aa\nbb\n\ncc\ndd\n\nee', 15)).toEqual(['(1/2)\naa\nbb', '(2/2)\ncc\ndd\n\nee']);
  });

  it('cuts a line longer than a part on character boundaries (no broken 3- or 4-byte characters)', () => {
    const line = '表决😀'.repeat(50);
    const parts = splitByBytes(line, 64);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(64);
      expect(p).not.toContain('\ufffd');
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
    }
    expect(parts.map((p) => p.replace(MARKER, '')).join('')).toBe(line);
  });

  it('widens the number when there are ten parts or more, still within the limit', () => {
    const parts = splitByBytes(Array.from({ length: 30 }, (_, i) => `第${i + 1}行`).join('\n'), 24);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    expect(parts[0].startsWith(`(1/${parts.length})\n`)).toBe(true);
    expect(parts.at(-1)!.startsWith(`(${parts.length}/${parts.length})\n`)).toBe(true);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(24);
  });

  it('refuses a limit too small to hold a number and some text', () => {
    expect(() => splitByBytes('a'.repeat(20), 8)).toThrow(/too small/);
  });

  it('property: every part fits, is numbered in order, and together they keep every character of every line', () => {
    const line = fc.string({ unit: fc.constantFrom('a', '同', '意', '😀', ' ', '，', 'é'), maxLength: 120 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 16, max: 300 }), (lines, limit) => {
        const content = lines.join('\n');
        const parts = splitByBytes(content, limit);
        for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(limit);
        if (parts.length === 1 && !MARKER.test(parts[0])) {
          expect(parts[0]).toBe(content);
          return;
        }
        parts.forEach((p, i) => expect(p.match(MARKER)?.slice(1)).toEqual([String(i + 1), String(parts.length)]));
        expect(parts.map((p) => p.replace(MARKER, '')).join('').replace(/\n/g, '')).toBe(content.replace(/\n/g, ''));
      }),
      { numRuns: 300 },
    );
  });
});
