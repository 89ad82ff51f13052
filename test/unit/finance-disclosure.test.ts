import { describe, expect, it } from 'vitest';
import { accountByCode } from '../../src/domain/finance/accounts.ts';
import { buildDisclosure, disclosureHash, type Disclosure, type DisclosureInput } from '../../src/domain/finance/disclosure.ts';
import type { LedgerEntry } from '../../src/domain/finance/types.ts';

let nextLine = 2;
function entry(date: string, voucherNo: string, code: string, direction: 'in' | 'out', amountFen: number, summary = '', counterparty: string | null = null): LedgerEntry {
  return { line: nextLine++, date, period: date.slice(0, 7), voucherNo, accountCode: code, accountName: accountByCode(code)!.name, summary, direction, amountFen, counterparty };
}

const ENTRIES = [
  entry('2026-11-03', '记-12', '501', 'in', 300000, '出租鱼塘', '张三'),
  entry('2026-11-04', '记-13', '521', 'in', 800000, '高标准农田建设补助', '县农业农村局'),
  entry('2026-11-05', '记-14', '242', 'in', 1000000, '道路硬化专项资金', '镇财政所'),
  entry('2026-11-06', '记-15', '242', 'out', 400000, '道路硬化工程款', '某建筑公司'),
  entry('2026-11-07', '记-16', '531', 'out', 50000, '办公用品', '文具店'),
  entry('2026-11-08', '记-17', '532', 'out', 499999, '敬老院慰问', '敬老院'),
  entry('2026-11-09', '记-18', '502', 'out', 500000, '鱼苗', '渔场'),
  entry('2026-11-10', '记-19', '112', 'in', 100000, '收回借款', '李四'),
  entry('2026-11-11', '记-20', '202', 'out', 30000, '偿还欠款', '王五'),
  entry('2026-11-12', '记-21', '501', 'out', 20000, '退还多收租金', '张三'),
];
const INPUT: DisclosureInput = {
  entity: 'village_committee', period: '2026-11', openingFen: 1200000, statedClosingFen: 1900001, entries: ENTRIES, largeThresholdFen: 500000,
};

function built(input: Partial<DisclosureInput> = {}): Disclosure {
  const r = buildDisclosure({ ...INPUT, ...input });
  if (!r.ok) throw new Error(r.reason);
  return r.disclosure;
}
function refused(input: Partial<DisclosureInput>): string {
  const r = buildDisclosure({ ...INPUT, ...input });
  if (r.ok) throw new Error('expected a refusal');
  return r.reason;
}

describe('buildDisclosure', () => {
  it('reconciles: opening + all cash in − all cash out = closing', () => {
    const d = built();
    expect(d).toMatchObject({ entity: 'village_committee', entityLabel: '村民委员会', period: '2026-11', openingFen: 1200000, cashInFen: 2200000, cashOutFen: 1499999, closingFen: 1900001 });
    expect(d.items).toHaveLength(ENTRIES.length);
    expect(built({ statedClosingFen: null }).closingFen).toBe(1900001);
  });

  it('totals income and expense by account, a 冲减 lowering its account', () => {
    const d = built();
    expect(d.income).toEqual([
      { code: '501', name: '经营收入', totalFen: 280000, count: 2 },
      { code: '521', name: '补助收入', totalFen: 800000, count: 1 },
    ]);
    expect(d.expense).toEqual([
      { code: '502', name: '经营支出', totalFen: 500000, count: 1 },
      { code: '531', name: '管理费用', totalFen: 50000, count: 1 },
      { code: '532', name: '公益支出', totalFen: 499999, count: 1 },
    ]);
    expect(d.incomeTotalFen).toBe(1080000);
    expect(d.expenseTotalFen).toBe(1049999);
  });

  it('refuses a stated closing balance the figures do not reach, with both figures and the difference', () => {
    expect(refused({ statedClosingFen: 1900000 })).toBe(
      '期初 12,000.00 元 + 收入 22,000.00 元 − 支出 14,999.99 元 = 计算期末 19,000.01 元，与账面期末余额 19,000.00 元 不符，相差 0.01 元',
    );
    expect(refused({ statedClosingFen: 2000001 })).toContain('相差 1,000.00 元');
  });

  it('flags large items at the threshold and above: 500,000 fen is large, 499,999 is not', () => {
    const d = built();
    const large = (summary: string) => d.items.find((i) => i.summary === summary)!.large;
    expect(large('鱼苗')).toBe(true);
    expect(large('敬老院慰问')).toBe(false);
    expect(d.largeItems.map((i) => i.summary)).toEqual(['高标准农田建设补助', '道路硬化专项资金', '鱼苗']);
    expect(built({ largeThresholdFen: 499999 }).largeItems.map((i) => i.summary)).toContain('敬老院慰问');
    expect(d.largeThresholdFen).toBe(500000);
  });

  it('shows subsidies apart (and in income), earmarked funds and 往来 in their own sections', () => {
    const d = built();
    expect(d.subsidies).toMatchObject({ inFen: 800000, outFen: 0 });
    expect(d.subsidies.items.map((i) => i.summary)).toEqual(['高标准农田建设补助']);
    expect(d.earmarked).toMatchObject({ inFen: 1000000, outFen: 400000 });
    expect(d.earmarked.items.map((i) => i.voucherNo)).toEqual(['记-14', '记-15']);
    expect(d.receivablesPayables).toEqual([
      { code: '112', name: '应收款', inFen: 100000, outFen: 0 },
      { code: '202', name: '应付款', inFen: 0, outFen: 30000 },
    ]);
    expect(d.otherMovements).toEqual([]);
  });

  it('puts other balance-sheet movements apart, still moving cash', () => {
    const extra = [entry('2026-11-20', '记-30', '102', 'in', 10000, '现金存入银行'), entry('2026-11-20', '记-30', '151', 'out', 60000, '购置办公桌')];
    const d = built({ entries: [...ENTRIES, ...extra], statedClosingFen: 1900001 + 10000 - 60000 });
    expect(d.otherMovements).toEqual([
      { code: '102', name: '银行存款', inFen: 10000, outFen: 0 },
      { code: '151', name: '固定资产', inFen: 0, outFen: 60000 },
    ]);
    expect(d.incomeTotalFen).toBe(1080000);
  });

  it('lists every item in date and voucher order', () => {
    const d = built({ entries: [...ENTRIES].reverse() });
    expect(d.items.map((i) => i.voucherNo)).toEqual(ENTRIES.map((e) => e.voucherNo));
    expect(d.items[0]).toEqual({
      date: '2026-11-03', voucherNo: '记-12', accountCode: '501', accountName: '经营收入', summary: '出租鱼塘',
      counterparty: '张三', direction: 'in', amountFen: 300000, large: false,
    });
  });

  it('refuses entries outside the month, naming each line', () => {
    const outside = [...ENTRIES, { ...entry('2026-10-31', '记-9', '501', 'in', 100), line: 7 }, { ...entry('2026-12-01', '记-1', '501', 'in', 100), line: 8 }];
    expect(refused({ entries: outside })).toBe('第 7 行日期 2026-10-31 不在 2026-11 月份内；第 8 行日期 2026-12-01 不在 2026-11 月份内');
  });

  it('refuses what it cannot publish', () => {
    expect(refused({ period: '2026-13' })).toContain('月份「2026-13」格式不正确');
    expect(refused({ largeThresholdFen: 0 })).toBe('大额标准必须是正的整数分');
    expect(refused({ openingFen: 1.5 })).toBe('期初余额不是整数分');
    expect(refused({ entries: [{ ...ENTRIES[0], amountFen: 0, line: 4 }] })).toBe('第 4 行金额 0 不是正的整数分');
    expect(refused({ entries: [{ ...ENTRIES[0], accountCode: '999', accountName: '某某', line: 5 }] })).toBe('第 5 行科目 999 某某 不在 2023 年科目表中');
    const many = Array.from({ length: 7 }, (_, i) => ({ ...ENTRIES[0], date: '2026-10-01', line: i + 2 }));
    expect(refused({ entries: many })).toMatch(/第 6 行.*；另有 2 处$/);
    const huge = [entry('2026-11-01', '记-1', '501', 'in', Number.MAX_SAFE_INTEGER), entry('2026-11-02', '记-2', '501', 'in', 1)];
    expect(refused({ entries: huge, statedClosingFen: null })).toBe('金额合计超出可处理的范围，请核对账目');
  });

  it('builds an empty month: closing = opening', () => {
    const d = built({ entries: [], statedClosingFen: 1200000 });
    expect(d).toMatchObject({ closingFen: 1200000, income: [], expense: [], items: [], largeItems: [], incomeTotalFen: 0 });
  });
});

describe('disclosureHash', () => {
  it('is a SHA-256 hex digest, stable under the order and line numbers of the entries', () => {
    const h = disclosureHash(built());
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const shuffled = [...ENTRIES].sort((a, b) => (a.summary < b.summary ? -1 : 1)).map((e, i) => ({ ...e, line: 100 + i }));
    expect(disclosureHash(built({ entries: shuffled }))).toBe(h);
    expect(disclosureHash(JSON.parse(JSON.stringify(built())) as Disclosure)).toBe(h);
  });

  it('changes with any figure', () => {
    const h = disclosureHash(built());
    const changed = ENTRIES.map((e, i) => (i === 0 ? { ...e, amountFen: e.amountFen + 1 } : e));
    expect(disclosureHash(built({ entries: changed, statedClosingFen: null }))).not.toBe(h);
    expect(disclosureHash(built({ entity: 'collective' }))).not.toBe(h);
  });
});
