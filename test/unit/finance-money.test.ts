import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, formatYuanZh, parseAmountToFen } from '../../src/domain/finance/money.ts';

const fen = (text: string, inWan = false) => {
  const r = parseAmountToFen(text, { inWan });
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.message}`);
  return r.fen;
};
const refused = (text: string, inWan = false) => {
  const r = parseAmountToFen(text, { inWan });
  if (r.ok) throw new Error(`expected ${text} to be refused, got ${r.fen}`);
  return r.message;
};

describe('parseAmountToFen', () => {
  it.each([
    ['1,234.50', 123450],
    ['1234.5', 123450],
    ['1234', 123400],
    ['￥1,234.50', 123450],
    ['¥1234', 123400],
    ['¥ 1,234.50', 123450],
    ['1 234.50', 123450],
    ['1\u00a0234.50', 123450],
    ['１，２３４．５０', 123450],
    ['1234.50元', 123450],
    ['1,234.50 元', 123450],
    ['0.01', 1],
    ['0', 0],
    ['  88  ', 8800],
    ['12.340', 1234],
    ['007', 700],
    ['1,234,567.89', 123456789],
  ])('reads %s as %i fen', (text, expected) => {
    expect(fen(text)).toBe(expected);
  });

  it('reads negatives, in brackets or with a sign, and reports them as such', () => {
    expect(fen('(1,234.50)')).toBe(-123450);
    expect(fen('（1,234.50）')).toBe(-123450);
    expect(fen('-1234.5')).toBe(-123450);
    expect(fen('−1234.5')).toBe(-123450);
    expect(fen('-¥1,234.50')).toBe(-123450);
    expect(fen('¥-1,234.50')).toBe(-123450);
    expect(Object.is(fen('-0.00'), 0)).toBe(true);
  });

  it('refuses more than two decimals in yuan', () => {
    expect(refused('12.345')).toBe('金额「12.345」超过两位小数：金额最多精确到分');
    expect(refused('1234.5000000001')).toContain('超过两位小数');
  });

  it.each(['', '   ', 'abc', '1.2.3', '1e5', '1234.', '.5', '--5', '(-5)', '12元5', '¥', '1,2345', '1,234 567'])('refuses %j', (text) => {
    expect(refused(text)).toMatch(/金额/);
  });

  it('refuses misplaced thousands separators with their own message', () => {
    expect(refused('1,23.4')).toBe('金额「1,23.4」的千分位分隔符位置不正确');
    expect(refused('12,34')).toContain('千分位');
    expect(refused('1,234 567.00')).toContain('千分位');
  });

  it('says an empty amount is empty', () => {
    expect(refused('')).toBe('金额为空');
  });

  it('reads 万元 exactly to the fen: up to six decimals', () => {
    expect(fen('1.2345', true)).toBe(1234500);
    expect(fen('0.000001', true)).toBe(1);
    expect(fen('12', true)).toBe(12000000);
    expect(fen('1,234.5', true)).toBe(1234500000);
    expect(fen('1.2万')).toBe(1200000);
    expect(fen('1.2万元')).toBe(1200000);
    expect(refused('0.0000001', true)).toBe('金额「0.0000001」超过六位小数：万元金额最多精确到分（6 位小数）');
    expect(refused('12000元', true)).toContain('万元');
  });

  it('refuses amounts beyond Number.MAX_SAFE_INTEGER fen', () => {
    expect(fen('90,071,992,547,409.91')).toBe(Number.MAX_SAFE_INTEGER);
    expect(refused('90,071,992,547,409.92')).toContain('超出可处理的范围');
    expect(refused('900719925474099.2', true)).toContain('超出可处理的范围');
    expect(refused('1'.repeat(30))).toContain('超出可处理的范围');
  });
});

describe('formatFen and formatYuanZh', () => {
  it('groups thousands and always shows two decimals', () => {
    expect(formatFen(123450)).toBe('1,234.50');
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(-5)).toBe('-0.05');
    expect(formatFen(100000000)).toBe('1,000,000.00');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91');
    expect(formatYuanZh(123450)).toBe('1,234.50 元');
  });

  it('refuses anything but safe integer fen', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
    expect(() => formatFen(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips: parse(formatFen(n)) = n for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const r = parseAmountToFen(formatFen(n), {});
        expect(r).toEqual({ ok: true, fen: n });
        const zh = parseAmountToFen(`￥${formatYuanZh(n)}`.replace('￥-', '-￥'), {});
        expect(zh).toEqual({ ok: true, fen: n });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips through 万元 text built from the digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const digits = String(n).padStart(7, '0');
        const wan = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
        expect(parseAmountToFen(wan, { inWan: true })).toEqual({ ok: true, fen: n });
      }),
      { numRuns: 300 },
    );
  });
});
