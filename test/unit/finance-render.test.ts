import { describe, expect, it } from 'vitest';
import { accountByCode } from '../../src/domain/finance/accounts.ts';
import { buildDisclosure, type Disclosure } from '../../src/domain/finance/disclosure.ts';
import { renderFinanceDetail, renderFinanceSummary } from '../../src/domain/finance/render.ts';
import type { LedgerEntry } from '../../src/domain/finance/types.ts';
import { markdownToPlainText } from '../../src/domain/format.ts';

function entry(line: number, date: string, voucherNo: string, code: string, direction: 'in' | 'out', amountFen: number, summary: string, counterparty: string | null, detail?: string): LedgerEntry {
  const name = accountByCode(code)!.name;
  return { line, date, period: date.slice(0, 7), voucherNo, accountCode: code, accountName: detail ? `${name}-${detail}` : name, summary, direction, amountFen, counterparty };
}

const ENTRIES = [
  entry(2, '2026-11-03', '记-12', '501', 'in', 300000, '出租鱼塘', '张三'),
  entry(3, '2026-11-04', '记-13', '521', 'in', 800000, '高标准农田建设补助', '县农业农村局'),
  entry(4, '2026-11-05', '记-14', '242', 'in', 1000000, '道路硬化专项资金', '镇财政所', '道路硬化'),
  entry(5, '2026-11-06', '记-15', '242', 'out', 400000, '道路硬化工程款', '某建筑公司', '道路硬化'),
  entry(6, '2026-11-07', '记-16', '531', 'out', 50000, '办公用品\n（打印纸**两箱**）', null, '办公费'),
  entry(7, '2026-11-09', '记-18', '502', 'out', 500000, '鱼苗', '渔场'),
  entry(8, '2026-11-10', '记-19', '112', 'in', 100000, '收回借款', '李四'),
  entry(9, '2026-11-20', '记-30', '151', 'out', 60000, '购置办公桌', '家具店'),
];

function disclosure(entries = ENTRIES, openingFen = 1200000): Disclosure {
  const r = buildDisclosure({ entity: 'village_committee', period: '2026-11', openingFen, statedClosingFen: null, entries, largeThresholdFen: 500000 });
  if (!r.ok) throw new Error(r.reason);
  return r.disclosure;
}

/** Only the markdown the chat adapters know: '## ' headings, '**bold**' and '- ' lines. */
function onlyKnownMarkdown(markdown: string) {
  for (const line of markdown.split('\n')) {
    expect(line).not.toMatch(/^#(?!# )|^###|^\s*[*+] |^>|^\d+\. |\|/);
    expect(line.replace(/\*\*[^*]+\*\*/g, '')).not.toContain('*');
  }
}

describe('renderFinanceSummary', () => {
  it('gives balances, totals by account, large items, subsidies, 专项 and 往来', () => {
    const md = renderFinanceSummary(disclosure(), '阳光村');
    expect(md.split('\n')[0]).toBe('## 阳光村2026年11月村民委员会财务公开');
    expect(md).toContain('- 经营收入（501）：3,000.00 元，1 笔');
    expect(md).toContain('- 11月9日 记-18 经营支出 鱼苗 渔场 -5,000.00 元 【大额】');
    onlyKnownMarkdown(md);
    expect(md).toMatchSnapshot();
  });

  it('says so when a section is empty', () => {
    const md = renderFinanceSummary(disclosure([], 50000), '阳光村');
    expect(md).toContain('## 收入（按科目）\n- 本月无收入');
    expect(md).toContain('## 大额收支（单笔 5,000.00 元及以上）\n- 本月无');
    expect(md).not.toContain('其他资金变动');
    expect(md).toMatchSnapshot();
  });
});

describe('renderFinanceDetail', () => {
  it('lists every item on its own line, large ones marked', () => {
    const md = renderFinanceDetail(disclosure(), '阳光村');
    const lines = md.split('\n');
    expect(lines[0]).toBe('## 阳光村2026年11月村民委员会财务明细（逐项逐笔）');
    expect(lines).toContain('- 11月3日 记-12 经营收入 出租鱼塘 张三 +3,000.00 元');
    expect(lines).toContain('- 11月5日 记-14 专项应付款-道路硬化 道路硬化专项资金 镇财政所 +10,000.00 元 【大额】');
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(ENTRIES.length);
    onlyKnownMarkdown(md);
    expect(md).toMatchSnapshot();
  });

  it('keeps ledger text on one line and out of the markdown', () => {
    const md = renderFinanceDetail(disclosure(), '阳光村');
    expect(md).toContain('- 11月7日 记-16 管理费用-办公费 办公用品 （打印纸＊＊两箱＊＊） -500.00 元');
    expect(markdownToPlainText(md)).toContain('11月7日 记-16 管理费用-办公费 办公用品 （打印纸＊＊两箱＊＊） -500.00 元');
    expect(renderFinanceDetail(disclosure([]), '阳光村')).toContain('- 本月无收支');
  });
});
