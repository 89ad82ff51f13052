import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { accountByCode } from './accounts.ts';
import { compareVouchers } from './ledger.ts';
import { formatYuanZh } from './money.ts';
import { ENTITY_LABEL, type Account, type AccountingEntity, type LedgerEntry } from './types.ts';

/** One income or expense account over the month: its net amount and how many lines make it up. */
export interface AccountLine { code: string; name: string; totalFen: number; count: number }

/** One ledger line as published, 逐项逐笔. */
export interface DisclosureItem {
  date: string;
  voucherNo: string;
  accountCode: string;
  accountName: string;
  summary: string;
  counterparty: string | null;
  direction: 'in' | 'out';
  amountFen: number;
  large: boolean;
}
export type Item = DisclosureItem;

/** Cash in and out booked to one balance-sheet account. */
export interface Movement { code: string; name: string; inFen: number; outFen: number }
export interface FundSection { inFen: number; outFen: number; items: DisclosureItem[] }

/**
 * A month's disclosure for one set of books. The figures reconcile: openingFen + cashInFen − cashOutFen =
 * closingFen. Cash in and out are the sum of every item; incomeTotalFen and expenseTotalFen are the part booked to
 * income and expense accounts; the rest is in subsidies (also counted in income), earmarked funds,
 * receivablesPayables and otherMovements.
 */
export interface Disclosure {
  entity: AccountingEntity;
  entityLabel: string;
  period: string;
  openingFen: number;
  incomeTotalFen: number;
  expenseTotalFen: number;
  cashInFen: number;
  cashOutFen: number;
  closingFen: number;
  income: AccountLine[];
  expense: AccountLine[];
  items: DisclosureItem[];
  largeItems: DisclosureItem[];
  subsidies: FundSection;
  earmarked: FundSection;
  receivablesPayables: Movement[];
  otherMovements: Movement[];
  largeThresholdFen: number;
}

export interface DisclosureInput {
  entity: AccountingEntity;
  period: string;
  openingFen: number;
  statedClosingFen: number | null;
  entries: LedgerEntry[];
  largeThresholdFen: number;
}

export type BuildDisclosureResult = { ok: true; disclosure: Disclosure } | { ok: false; reason: string };

const MAX_LISTED = 5;

function compareItems(a: DisclosureItem, b: DisclosureItem): number {
  const keys: Array<keyof DisclosureItem> = ['accountCode', 'direction', 'summary', 'counterparty', 'accountName'];
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const byVoucher = compareVouchers(a.voucherNo, b.voucherNo);
  if (byVoucher !== 0) return byVoucher;
  if (a.amountFen !== b.amountFen) return a.amountFen - b.amountFen;
  for (const k of keys) {
    const [x, y] = [String(a[k] ?? ''), String(b[k] ?? '')];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function refusal(problems: string[]): BuildDisclosureResult {
  const more = problems.length > MAX_LISTED ? `；另有 ${problems.length - MAX_LISTED} 处` : '';
  return { ok: false, reason: problems.slice(0, MAX_LISTED).join('；') + more };
}

/**
 * Builds the monthly disclosure, or refuses with the reason in Chinese: a line outside the month, an amount
 * that is not positive integer fen, an account outside the 2023 chart, or a stated closing balance the figures do
 * not reach. Cash out booked to an income account (or in to an expense account) is a 冲减 (refund, reversal):
 * it is listed as it is and lowers that account's total, and so the income or expense total. An item is large
 * when its amount is at or above the village's threshold (≥, "5,000 元及以上"), whichever way the cash went.
 */
export function buildDisclosure(input: DisclosureInput): BuildDisclosureResult {
  const { entity, period, openingFen, statedClosingFen, entries, largeThresholdFen } = input;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return { ok: false, reason: `月份「${period}」格式不正确，应为 2026-11 这样的年-月` };
  if (!Number.isSafeInteger(openingFen)) return { ok: false, reason: '期初余额不是整数分' };
  if (statedClosingFen !== null && !Number.isSafeInteger(statedClosingFen)) return { ok: false, reason: '账面期末余额不是整数分' };
  if (!Number.isSafeInteger(largeThresholdFen) || largeThresholdFen <= 0) return { ok: false, reason: '大额标准必须是正的整数分' };

  const problems: string[] = [];
  const accounts: Account[] = [];
  for (const e of entries) {
    if (e.date.slice(0, 7) !== period || e.period !== period) problems.push(`第 ${e.line} 行日期 ${e.date} 不在 ${period} 月份内`);
    if (!Number.isSafeInteger(e.amountFen) || e.amountFen <= 0) problems.push(`第 ${e.line} 行金额 ${e.amountFen} 不是正的整数分`);
    const account = accountByCode(e.accountCode);
    if (!account) problems.push(`第 ${e.line} 行科目 ${e.accountCode} ${e.accountName} 不在 2023 年科目表中`);
    else accounts.push(account);
  }
  if (problems.length > 0) return refusal(problems);

  let overflow = false;
  const add = (a: number, b: number) => {
    const sum = a + b;
    if (!Number.isSafeInteger(sum)) overflow = true;
    return sum;
  };
  const lines = { income: new Map<string, AccountLine>(), expense: new Map<string, AccountLine>() };
  const movements = { rp: new Map<string, Movement>(), other: new Map<string, Movement>() };
  const subsidies: FundSection = { inFen: 0, outFen: 0, items: [] };
  const earmarked: FundSection = { inFen: 0, outFen: 0, items: [] };
  let cashInFen = 0;
  let cashOutFen = 0;
  const items: DisclosureItem[] = [];

  entries.forEach((e, i) => {
    const account = accounts[i];
    const item: DisclosureItem = {
      date: e.date, voucherNo: e.voucherNo, accountCode: e.accountCode, accountName: e.accountName, summary: e.summary,
      counterparty: e.counterparty, direction: e.direction, amountFen: e.amountFen, large: e.amountFen >= largeThresholdFen,
    };
    items.push(item);
    const signedIn = e.direction === 'in' ? e.amountFen : -e.amountFen;
    if (e.direction === 'in') cashInFen = add(cashInFen, e.amountFen);
    else cashOutFen = add(cashOutFen, e.amountFen);

    if (account.category === 'income' || account.category === 'expense') {
      const map = lines[account.category];
      const line = map.get(account.code) ?? { code: account.code, name: account.name, totalFen: 0, count: 0 };
      line.totalFen = add(line.totalFen, account.category === 'income' ? signedIn : -signedIn);
      line.count += 1;
      map.set(account.code, line);
    } else {
      const map = account.receivableOrPayable ? movements.rp : account.earmarked ? null : movements.other;
      if (map) {
        const m = map.get(account.code) ?? { code: account.code, name: account.name, inFen: 0, outFen: 0 };
        if (e.direction === 'in') m.inFen = add(m.inFen, e.amountFen);
        else m.outFen = add(m.outFen, e.amountFen);
        map.set(account.code, m);
      }
    }
    const fund = account.subsidy ? subsidies : account.earmarked ? earmarked : null;
    if (fund) {
      if (e.direction === 'in') fund.inFen = add(fund.inFen, e.amountFen);
      else fund.outFen = add(fund.outFen, e.amountFen);
      fund.items.push(item);
    }
  });

  const byCode = <T extends { code: string }>(m: Map<string, T>) => [...m.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const income = byCode(lines.income);
  const expense = byCode(lines.expense);
  const incomeTotalFen = income.reduce((s, l) => add(s, l.totalFen), 0);
  const expenseTotalFen = expense.reduce((s, l) => add(s, l.totalFen), 0);
  const computed = add(openingFen, add(cashInFen, -cashOutFen));
  if (overflow) return { ok: false, reason: '金额合计超出可处理的范围，请核对账目' };

  if (statedClosingFen !== null && statedClosingFen !== computed) {
    const diff = Math.abs(computed - statedClosingFen);
    return {
      ok: false,
      reason: `期初 ${formatYuanZh(openingFen)} + 收入 ${formatYuanZh(cashInFen)} − 支出 ${formatYuanZh(cashOutFen)} = 计算期末 ${formatYuanZh(computed)}，与账面期末余额 ${formatYuanZh(statedClosingFen)} 不符，相差 ${formatYuanZh(diff)}`,
    };
  }

  items.sort(compareItems);
  subsidies.items.sort(compareItems);
  earmarked.items.sort(compareItems);
  return {
    ok: true,
    disclosure: {
      entity, entityLabel: ENTITY_LABEL[entity], period, openingFen, incomeTotalFen, expenseTotalFen, cashInFen, cashOutFen,
      closingFen: computed, income, expense, items, largeItems: items.filter((i) => i.large), subsidies, earmarked,
      receivablesPayables: byCode(movements.rp), otherMovements: byCode(movements.other), largeThresholdFen,
    },
  };
}

/** SHA-256 (lowercase hex) of the disclosure's RFC 8785 canonical JSON: what the sign-off freezes. */
export function disclosureHash(d: Disclosure): string {
  const canonical = canonicalize(d);
  if (canonical === undefined) throw new Error('disclosure is not serialisable');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
