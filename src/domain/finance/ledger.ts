import { resolveAccount } from './accounts.ts';
import { parseAmountToFen } from './money.ts';
import type { LedgerEntry, LedgerError, NormalizeResult, RawField, RawLedgerFile, RawLedgerRow } from './types.ts';

/** The field's name when the file gave no header for it. */
const FIELD_LABEL: Record<RawField, string> = {
  date: '日期', voucherNo: '凭证号', accountCode: '科目编码', accountName: '科目名称', summary: '摘要',
  amount: '金额', direction: '方向', income: '收入', expense: '支出', debit: '借方', credit: '贷方', counterparty: '对方单位',
};

/*
 * The file is a cash journal (现金/银行存款日记账) as township bookkeeping exports it: each line's account is the
 * counter-account of cash, and 借方/贷方 are the sides of the cash account, so 借方 = cash in, 贷方 = cash out.
 */
const DIRECTION: Record<string, 'in' | 'out'> = {
  收: 'in', 收入: 'in', 借: 'in', 借方: 'in',
  支: 'out', 支出: 'out', 贷: 'out', 贷方: 'out',
};

// Total and carry-forward lines of a printed journal: no voucher, nothing to import.
const TOTAL_LINES = new Set(['本月合计', '本年累计', '本期合计', '合计', '承前页', '过次页', '期初余额', '期末余额', '上年结转', '结转下年']);

const FIRST_DAY_OF_2023_CHART = '2024-01-01';
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

function text(value: string | undefined): string {
  return (value ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim();
}

function validYmd(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * "2026-11-03", "2026/11/3", "2026.11.03", "2026年11月3日", or a timestamp as a spreadsheet reader writes a date
 * cell. A timestamp with a zone (…Z, +08:00) is read as the date in China time, so both UTC midnight and China
 * midnight of a day give that day; one without a zone is taken as written.
 */
export function parseLedgerDate(value: string): string | null {
  const s = text(value);
  let m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(s) ?? /^(\d{4})(年)(\d{1,2})月(\d{1,2})日$/.exec(s);
  if (m) return validYmd(Number(m[1]), Number(m[3]), Number(m[4]));
  m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,9})?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, hh, mm] = [1, 2, 3, 4, 5].map((i) => Number(m![i]));
  if (validYmd(y, mo, d) === null || hh > 23 || mm > 59) return null;
  if (m[6] === undefined && m[7] === undefined) return validYmd(y, mo, d);
  const offsetMinutes = m[7] === undefined ? 0 : (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const utcMs = Date.UTC(y, mo - 1, d, hh, mm) - offsetMinutes * 60_000;
  return new Date(utcMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function blank(row: RawLedgerRow): boolean {
  return (Object.keys(FIELD_LABEL) as RawField[]).every((f) => text(row[f]) === '');
}

type Amount = { direction: 'in' | 'out'; fen: number } | null;

function readAmount(row: RawLedgerRow, inWan: boolean, error: (field: RawField, message: string) => void): Amount {
  const candidates: Array<{ field: RawField; direction?: 'in' | 'out'; fen: number }> = [];
  const sides: Array<[RawField, 'in' | 'out' | undefined]> = [['income', 'in'], ['expense', 'out'], ['debit', 'in'], ['credit', 'out'], ['amount', undefined]];
  let bad = false;
  for (const [field, direction] of sides) {
    const raw = text(row[field]);
    if (raw === '') continue;
    const parsed = parseAmountToFen(raw, { inWan });
    if (!parsed.ok) { error(field, parsed.message); bad = true; continue; }
    if (parsed.fen < 0) {
      error(field, `金额「${raw}」为负数：暂不支持红字冲销凭证，请在导出前把红字凭证与原凭证一并处理，或改为反方向金额`);
      bad = true;
      continue;
    }
    if (parsed.fen > 0) candidates.push({ field, direction, fen: parsed.fen });
  }
  if (bad) return null;
  const header = (f: RawField) => row.columns[f] ?? FIELD_LABEL[f];
  if (candidates.length === 0) {
    const field = (['amount', 'income', 'debit', 'expense', 'credit'] as RawField[]).find((f) => row.columns[f]) ?? 'amount';
    error(field, '这一行没有金额（金额为空或为零）');
    return null;
  }
  if (candidates.length > 1) {
    error(candidates[1].field, `「${header(candidates[0].field)}」和「${header(candidates[1].field)}」同时有金额：每行只能有一个方向的金额`);
    return null;
  }
  const [only] = candidates;
  if (only.direction) return { direction: only.direction, fen: only.fen };
  const word = text(row.direction);
  const direction = DIRECTION[word];
  if (!direction) {
    error('direction', word === '' ? '收支方向为空：应为 收、支、借 或 贷' : `无法识别收支方向「${word}」：应为 收、支、借 或 贷`);
    return null;
  }
  return { direction, fen: only.fen };
}

/** "经营收入-租赁收入" for a sub-account; a detail that already starts with the account's name stays as it is. */
function accountName(name: string, detail: string | undefined): string {
  if (!detail) return name;
  return detail.startsWith(name.normalize('NFKC')) ? detail : `${name}-${detail}`;
}

/**
 * Validates every row of an imported journal and returns either all entries (sorted by date, then voucher) or
 * every error found, each with its line and the file's own column header: a file with one bad row imports nothing.
 */
export function normalizeLedger(file: RawLedgerFile): NormalizeResult {
  const errors: LedgerError[] = [];
  const entries: LedgerEntry[] = [];
  for (const row of file.rows) {
    if (blank(row) || (text(row.voucherNo) === '' && TOTAL_LINES.has(text(row.summary).replace(/\s/g, '')))) continue;
    const rowErrors: LedgerError[] = [];
    const error = (field: RawField, message: string) => rowErrors.push({ line: row.line, column: row.columns[field] ?? FIELD_LABEL[field], message });

    const rawDate = text(row.date);
    const date = rawDate === '' ? null : parseLedgerDate(rawDate);
    if (rawDate === '') error('date', '日期为空');
    else if (date === null) error('date', `无法识别日期「${rawDate}」：应为 2026-11-03、2026/11/3、2026.11.03 或 2026年11月3日`);

    const voucherNo = text(row.voucherNo);
    if (voucherNo === '') error('voucherNo', '凭证号为空');

    const code = text(row.accountCode);
    const name = text(row.accountName);
    // A line booked before 2024 was booked on the 2004 chart; that decides codes the two charts use differently.
    const chart = date !== null && date < FIRST_DAY_OF_2023_CHART ? '2004' : '2023';
    const account = code === '' && name === '' ? null : resolveAccount(code, name, { chart });
    if (account === null) error(row.columns.accountCode ? 'accountCode' : 'accountName', '科目为空：请填写科目编码或科目名称');
    else if (!account.ok) error(code !== '' ? 'accountCode' : 'accountName', account.message);

    const amount = readAmount(row, file.amountsInWan, error);
    errors.push(...rowErrors);
    if (rowErrors.length > 0 || date === null || account === null || !account.ok || amount === null) continue;
    const counterparty = text(row.counterparty);
    entries.push({
      line: row.line,
      date,
      period: date.slice(0, 7),
      voucherNo,
      accountCode: account.account.code,
      accountName: accountName(account.account.name, account.detailName),
      summary: text(row.summary),
      direction: amount.direction,
      amountFen: amount.fen,
      counterparty: counterparty === '' ? null : counterparty,
    });
  }

  const balance = (b: RawLedgerFile['opening'], label: string): number | null => {
    if (!b) return null;
    const parsed = parseAmountToFen(text(b.amount), { inWan: file.amountsInWan });
    if (parsed.ok) return parsed.fen;
    errors.push({ line: b.line, column: b.column || label, message: `${label}：${parsed.message}` });
    return null;
  };
  const openingFen = balance(file.opening, '期初余额');
  const closingFen = balance(file.closing, '期末余额');

  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : compareVouchers(a.voucherNo, b.voucherNo) || a.line - b.line));
  return { ok: true, entries, openingFen, closingFen };
}

/** "记-2" before "记-12": runs of digits compare as numbers, the rest by code point. */
export function compareVouchers(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const [nx, ny] = [x.replace(/^0+/, ''), y.replace(/^0+/, '')];
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}
