import { describe, expect, it } from 'vitest';
import { compareVouchers, normalizeLedger, parseLedgerDate } from '../../src/domain/finance/ledger.ts';
import type { LedgerEntry, RawLedgerFile, RawLedgerRow } from '../../src/domain/finance/types.ts';

const HEADERS = {
  date: '记账日期', voucherNo: '凭证号', accountCode: '科目编码', accountName: '科目名称', summary: '摘要',
  income: '收入金额', expense: '支出金额', counterparty: '对方单位',
} as const;

function row(line: number, fields: Omit<RawLedgerRow, 'line' | 'columns'>, columns: RawLedgerRow['columns'] = HEADERS): RawLedgerRow {
  return { line, ...fields, columns };
}
const base = { date: '2026-11-03', voucherNo: '记-1', accountCode: '501', accountName: '经营收入', summary: '出租鱼塘', income: '3,000.00', counterparty: '张三' };

function entries(file: Partial<RawLedgerFile> & { rows: RawLedgerRow[] }): LedgerEntry[] {
  const r = normalizeLedger({ amountsInWan: false, ...file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.entries;
}
function errors(file: Partial<RawLedgerFile> & { rows: RawLedgerRow[] }) {
  const r = normalizeLedger({ amountsInWan: false, ...file });
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseLedgerDate', () => {
  it.each([
    ['2026-11-03', '2026-11-03'],
    ['2026/11/3', '2026-11-03'],
    ['2026.11.03', '2026-11-03'],
    ['2026年11月3日', '2026-11-03'],
    ['２０２６年１１月３日', '2026-11-03'],
    ['2026-11-03T00:00:00.000Z', '2026-11-03'],
    ['2026-11-02T16:00:00.000Z', '2026-11-03'],
    ['2026-11-03T00:00:00+08:00', '2026-11-03'],
    ['2026-11-03 00:00:00', '2026-11-03'],
    ['2026-11-03T23:30:00', '2026-11-03'],
  ])('reads %s', (text, expected) => {
    expect(parseLedgerDate(text)).toBe(expected);
  });

  it.each(['2026-02-30', '2026/13/01', '2026-11/03', '03/11/2026', '20261103', '2026-11-03T25:00:00Z', 'abc', ''])('refuses %j', (text) => {
    expect(parseLedgerDate(text)).toBeNull();
  });
});

describe('normalizeLedger', () => {
  it('reads income and expense columns into cash in and out', () => {
    const [a, b] = entries({
      rows: [row(2, base), row(3, { ...base, voucherNo: '记-2', accountCode: '53101', accountName: '办公费', income: '', expense: '¥120.5', counterparty: '' })],
    });
    expect(a).toEqual({
      line: 2, date: '2026-11-03', period: '2026-11', voucherNo: '记-1', accountCode: '501', accountName: '经营收入',
      summary: '出租鱼塘', direction: 'in', amountFen: 300000, counterparty: '张三',
    });
    expect(b).toMatchObject({ accountCode: '531', accountName: '管理费用-办公费', direction: 'out', amountFen: 12050, counterparty: null });
    const [c] = entries({ rows: [row(2, { ...base, accountCode: '50103', accountName: '经营收入（租赁）' })] });
    expect(c.accountName).toBe('经营收入(租赁)');
  });

  it('reads debit as cash in and credit as cash out (cash journal), and zero in the other column as empty', () => {
    const rows = [
      row(2, { ...base, income: undefined, debit: '500', credit: '0.00' }),
      row(3, { ...base, voucherNo: '记-2', income: undefined, debit: '', credit: '200' }),
    ];
    expect(entries({ rows }).map((e) => [e.direction, e.amountFen])).toEqual([['in', 50000], ['out', 20000]]);
  });

  it('reads one amount column with a direction column', () => {
    const words = ['收', '收入', '借', '支', '支出', '贷'];
    const rows = words.map((direction, i) => row(i + 2, { ...base, voucherNo: `记-${i + 1}`, income: undefined, amount: '10', direction }));
    expect(entries({ rows }).map((e) => e.direction)).toEqual(['in', 'in', 'in', 'out', 'out', 'out']);
  });

  it('reads 万元 files to the fen', () => {
    expect(entries({ amountsInWan: true, rows: [row(2, { ...base, income: '1.2345' })] })[0].amountFen).toBe(1234500);
  });

  it('sorts by date, then voucher number as people count', () => {
    const rows = [
      row(2, { ...base, date: '2026-11-05', voucherNo: '记-1' }),
      row(3, { ...base, voucherNo: '记-12' }),
      row(4, { ...base, voucherNo: '记-2' }),
    ];
    expect(entries({ rows }).map((e) => `${e.date} ${e.voucherNo}`)).toEqual(['2026-11-03 记-2', '2026-11-03 记-12', '2026-11-05 记-1']);
    expect(compareVouchers('记-02', '记-2')).not.toBe(0);
    expect(compareVouchers('记-9', '记-10')).toBeLessThan(0);
  });

  it('reads books kept before 2024 on the 2004 chart', () => {
    const rows = [
      row(2, { ...base, date: '2023-12-05', accountCode: '511', accountName: '' }),
      row(3, { ...base, date: '2024-01-05', accountCode: '511', accountName: '' }),
    ];
    expect(entries({ rows }).map((e) => e.accountName)).toEqual(['经营收入', '投资收益']);
  });

  it('parses the opening and closing balances', () => {
    const r = normalizeLedger({
      amountsInWan: false, rows: [row(3, base)],
      opening: { amount: '12,000.00', line: 2, column: '余额' }, closing: { amount: '15,000.00', line: 4, column: '余额' },
    });
    expect(r).toMatchObject({ ok: true, openingFen: 1200000, closingFen: 1500000 });
    expect(normalizeLedger({ amountsInWan: false, rows: [] })).toEqual({ ok: true, entries: [], openingFen: null, closingFen: null });
  });

  it('skips blank lines and the totals of a printed journal', () => {
    const rows = [row(2, base), row(3, {}), row(4, { summary: '本月合计', income: '3,000.00' }), row(5, { summary: '本 年 累 计', income: '9,000.00' })];
    expect(entries({ rows })).toHaveLength(1);
  });

  it('reports every bad cell with its line and the file’s own column header', () => {
    const errs = errors({
      rows: [
        row(2, { ...base, date: '2026-02-30' }),
        row(3, { ...base, voucherNo: ' ' }),
        row(4, { ...base, accountCode: '999', accountName: '某某' }),
        row(5, { ...base, income: '12.345' }),
        row(6, { ...base, expense: '100' }),
        row(7, { ...base, income: '' }),
        row(8, { ...base, income: '-100' }),
        row(9, { ...base, accountCode: '', accountName: '' }),
      ],
    });
    expect(errs).toEqual([
      { line: 2, column: '记账日期', message: '无法识别日期「2026-02-30」：应为 2026-11-03、2026/11/3、2026.11.03 或 2026年11月3日' },
      { line: 3, column: '凭证号', message: '凭证号为空' },
      { line: 4, column: '科目编码', message: expect.stringContaining('无法识别科目「999 某某」') },
      { line: 5, column: '收入金额', message: '金额「12.345」超过两位小数：金额最多精确到分' },
      { line: 6, column: '支出金额', message: '「收入金额」和「支出金额」同时有金额：每行只能有一个方向的金额' },
      { line: 7, column: '收入金额', message: '这一行没有金额（金额为空或为零）' },
      { line: 8, column: '收入金额', message: expect.stringContaining('暂不支持红字冲销凭证') },
      { line: 9, column: '科目编码', message: '科目为空：请填写科目编码或科目名称' },
    ]);
  });

  it('collects several errors of one row, and falls back to the field name without a header', () => {
    const columns = { amount: '发生额' };
    const errs = errors({ rows: [row(2, { date: '', voucherNo: '', accountName: '租赁收入', amount: '1,23.4', direction: '进' }, columns)] });
    expect(errs).toEqual([
      { line: 2, column: '日期', message: '日期为空' },
      { line: 2, column: '凭证号', message: '凭证号为空' },
      { line: 2, column: '科目名称', message: expect.stringContaining('无法识别科目「租赁收入」') },
      { line: 2, column: '发生额', message: '金额「1,23.4」的千分位分隔符位置不正确' },
    ]);
    const noDirection = errors({ rows: [row(2, { ...base, income: undefined, amount: '5', direction: '进' }, columns)] });
    expect(noDirection).toEqual([{ line: 2, column: '方向', message: '无法识别收支方向「进」：应为 收、支、借 或 贷' }]);
    const empty = errors({ rows: [row(2, { ...base, income: undefined, amount: '5' }, { ...columns, direction: '收/支' })] });
    expect(empty).toEqual([{ line: 2, column: '收/支', message: '收支方向为空：应为 收、支、借 或 贷' }]);
  });

  it('imports nothing when any row or balance is bad (all or nothing)', () => {
    const r = normalizeLedger({
      amountsInWan: false, rows: [row(3, base), row(4, { ...base, date: 'x' }), row(5, base)],
      opening: { amount: 'abc', line: 2, column: '期初余额' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[2, '期初余额'], [4, '记账日期']]);
    expect(r.errors[0].message).toBe('期初余额：金额「abc」不是有效的数字');
    expect(r).not.toHaveProperty('entries');
  });
});
