import type { AccountLine, Disclosure, DisclosureItem, FundSection, Movement } from './disclosure.ts';
import { formatFen, formatYuanZh } from './money.ts';

/*
 * Chat markdown limited to '## ' headings, '**bold**' and '- ' list lines: the platform adapters split long
 * messages on line boundaries and strip exactly this markdown for text-only platforms.
 */

/** Ledger text goes inside one list line: no line breaks, and no '*' that could pair into bold. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\*/g, '＊').trim();
}

function monthZh(period: string): string {
  const [year, month] = period.split('-');
  return `${year}年${Number(month)}月`;
}

function dayZh(date: string): string {
  const [, month, day] = date.split('-');
  return `${Number(month)}月${Number(day)}日`;
}

function title(d: Disclosure, villageName: string, what: string): string {
  return `## ${clean(villageName)}${monthZh(d.period)}${d.entityLabel}${what}`;
}

/** "11月3日 记-12 经营收入 出租鱼塘 张三 +3,000.00 元", large ones marked 【大额】. */
export function itemLine(item: DisclosureItem): string {
  const parts = [dayZh(item.date), item.voucherNo, item.accountName, item.summary, item.counterparty ?? ''].map(clean).filter(Boolean);
  const amount = `${item.direction === 'in' ? '+' : '-'}${formatYuanZh(item.amountFen)}`;
  return `- ${[...parts, amount].join(' ')}${item.large ? ' 【大额】' : ''}`;
}

function accountLines(lines: AccountLine[], none: string): string[] {
  if (lines.length === 0) return [`- ${none}`];
  return lines.map((l) => `- ${l.name}（${l.code}）：${formatYuanZh(l.totalFen)}，${l.count} 笔`);
}

function fundLines(fund: FundSection, inWord: string, outWord: string): string[] {
  if (fund.items.length === 0) return ['- 本月无'];
  return [`- ${inWord} ${formatYuanZh(fund.inFen)}，${outWord} ${formatYuanZh(fund.outFen)}`, ...fund.items.map(itemLine)];
}

function movementLines(movements: Movement[]): string[] {
  if (movements.length === 0) return ['- 本月无'];
  return movements.map((m) => `- ${m.name}（${m.code}）：收到 ${formatYuanZh(m.inFen)}，付出 ${formatYuanZh(m.outFen)}`);
}

/** The month at a glance: balances, income and expense by account, large items one by one, funds and 往来. */
export function renderFinanceSummary(d: Disclosure, villageName: string): string {
  const lines = [
    title(d, villageName, '财务公开'),
    `**期初余额：${formatYuanZh(d.openingFen)}**`,
    `- 本月收入：${formatYuanZh(d.incomeTotalFen)}`,
    `- 本月支出：${formatYuanZh(d.expenseTotalFen)}`,
    `- 资金收入合计（含往来、专项等）：${formatYuanZh(d.cashInFen)}`,
    `- 资金支出合计（含往来、专项等）：${formatYuanZh(d.cashOutFen)}`,
    `**期末余额：${formatYuanZh(d.closingFen)}**`,
    '',
    '## 收入（按科目）',
    ...accountLines(d.income, '本月无收入'),
    '',
    '## 支出（按科目）',
    ...accountLines(d.expense, '本月无支出'),
    '',
    `## 大额收支（单笔 ${formatFen(d.largeThresholdFen)} 元及以上）`,
    ...(d.largeItems.length === 0 ? ['- 本月无'] : d.largeItems.map(itemLine)),
    '',
    '## 补助资金（已计入收入）',
    ...fundLines(d.subsidies, '收到', '退回'),
    '',
    '## 专项资金（一事一议、专项应付款）',
    ...fundLines(d.earmarked, '收到', '使用'),
    '',
    '## 往来款项（债权债务）',
    ...movementLines(d.receivablesPayables),
  ];
  if (d.otherMovements.length > 0) lines.push('', '## 其他资金变动', ...movementLines(d.otherMovements));
  lines.push('', `本月共 ${d.items.length} 笔收支，逐项逐笔明细另行发送。`);
  return lines.join('\n');
}

/** Every item of the month, 逐项逐笔, in date and voucher order. */
export function renderFinanceDetail(d: Disclosure, villageName: string): string {
  const count = (direction: 'in' | 'out') => d.items.filter((i) => i.direction === direction).length;
  return [
    title(d, villageName, '财务明细（逐项逐笔）'),
    `**共 ${d.items.length} 笔：收入 ${count('in')} 笔 ${formatYuanZh(d.cashInFen)}，支出 ${count('out')} 笔 ${formatYuanZh(d.cashOutFen)}**`,
    ...(d.items.length === 0 ? ['- 本月无收支'] : d.items.map(itemLine)),
  ].join('\n');
}
