import { describe, expect, it } from 'vitest';
import { formatDateTimeZh, formatMonthZh, markdownToPlainText, maskPhone } from '../../src/domain/format.ts';

describe('zh-CN formatting', () => {
  it('writes dates the way villagers read them, in the village time zone', () => {
    expect(formatDateTimeZh(new Date('2026-12-04T11:30:00Z'), 'Asia/Shanghai')).toBe('2026年12月4日（星期五）19:30');
    expect(formatDateTimeZh(new Date('2026-12-31T16:05:00Z'), 'Asia/Shanghai')).toBe('2027年1月1日（星期五）00:05');
    expect(formatMonthZh(new Date('2026-12-31T16:05:00Z'), 'Asia/Shanghai')).toBe('2027年1月');
  });

  it('turns markdown into plain text for platforms that do not render it', () => {
    expect(markdownToPlainText('## 标题\n**第1项　修路**\n\n\n\n- 同意')).toBe('标题\n第1项　修路\n\n- 同意');
  });

  it('masks phone numbers', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('12345')).toBe('*****');
  });
});
