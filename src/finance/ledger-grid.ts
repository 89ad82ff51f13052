import type { RawField, RawLedgerFile, RawLedgerRow } from '../domain/finance/types.ts';

/** One non-empty row of a CSV or worksheet, cells already turned into trimmed text. */
export interface GridRow {
  /** 1-based source line (CSV) or row number (XLSX) */
  line: number;
  cells: string[];
  /** XLSX only: a numeric cell read as an Excel date serial (YYYY-MM-DD), used when it sits in the date column */
  dates?: (string | undefined)[];
}

export type GridResult = { ok: true; file: RawLedgerFile } | { ok: false; message: string; line?: number };

type ColumnKind = RawField | 'balance';

const HEADER_KINDS: Record<ColumnKind, string[]> = {
  date: ['日期', '记账日期', '凭证日期', '业务日期'],
  voucherNo: ['凭证号', '凭证编号', '凭证字号', '凭证字'],
  accountCode: ['科目编码', '科目代码', '会计科目编码', '会计科目代码', '科目编号'],
  accountName: ['科目名称', '会计科目', '科目', '会计科目名称'],
  summary: ['摘要'],
  income: ['收入', '收入金额'],
  expense: ['支出', '支出金额'],
  debit: ['借方', '借方金额', '借方发生额'],
  credit: ['贷方', '贷方金额', '贷方发生额'],
  amount: ['金额', '发生额', '发生金额'],
  direction: ['收支方向', '方向', '收支'],
  counterparty: ['对方单位', '往来单位', '对方户名', '收付款单位', '对方名称'],
  balance: ['余额', '结余'],
};
const KIND_BY_HEADER = new Map<string, ColumnKind>(
  Object.entries(HEADER_KINDS).flatMap(([kind, names]) => names.map((name) => [name, kind as ColumnKind] as const)),
);
const TRANSACTION_AMOUNTS: ColumnKind[] = ['income', 'expense', 'debit', 'credit', 'amount'];
const MONEY_KINDS: ColumnKind[] = [...TRANSACTION_AMOUNTS, 'balance'];

const OPENING_LABELS = new Set(['期初余额', '上月结转', '上期结转', '年初余额']);
const CLOSING_LABELS = new Set(['期末余额', '本月结余']);
// Subtotal and page carry-over lines repeat amounts already booked on transaction rows.
const TOTAL_LABELS = new Set(['本月合计', '本年累计', '合计', '本期合计', '本月累计', '本年合计', '总计', '过次页', '承前页']);

/** Folds full-width brackets, colons and spaces (NFKC) and drops all whitespace: "金 额（万元）" → "金额(万元)". */
function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

interface Column {
  index: number;
  kind: ColumnKind;
  header: string;
  unit: 'wan' | 'yuan' | null;
}

function parseHeader(cell: string, index: number): Column | null {
  const text = compact(cell);
  const base = text
    .replace(/[([【〔][^)\]】〕]*[)\]】〕]/g, '')
    .replace(/[/:]?(万元|元)$/, '')
    .replace(/^\*/, '');
  const kind = KIND_BY_HEADER.get(base);
  if (!kind) return null;
  const unit = text.includes('万元') ? 'wan' : text.includes('元') ? 'yuan' : null;
  return { index, kind, header: cell, unit };
}

function headerColumns(row: GridRow): Column[] | null {
  const columns: Column[] = [];
  row.cells.forEach((cell, index) => {
    const column = parseHeader(cell, index);
    // The first column of a kind wins; a later duplicate is ignored like any unknown column.
    if (column && !columns.some((c) => c.kind === column.kind)) columns.push(column);
  });
  const kinds = new Set(columns.map((c) => c.kind));
  return kinds.has('date') && TRANSACTION_AMOUNTS.some((k) => kinds.has(k)) ? columns : null;
}

/** "单位：万元" written in a title line above the header applies to columns whose header names no unit. */
function titleUnit(titleRows: GridRow[]): 'wan' | 'yuan' {
  const title = titleRows.flatMap((r) => r.cells.map(compact)).join(' ');
  return /单位:?万元/.test(title) ? 'wan' : 'yuan';
}

function checkUnits(columns: Column[], fallback: 'wan' | 'yuan'): { wan: boolean } | { message: string } {
  const money = columns.filter((c) => MONEY_KINDS.includes(c.kind));
  const wan = money.filter((c) => (c.unit ?? fallback) === 'wan');
  if (wan.length === 0) return { wan: false };
  if (wan.length === money.length) return { wan: true };
  const yuan = money.find((c) => !wan.includes(c))!;
  return {
    message: `金额单位不一致：「${wan[0].header}」是万元，「${yuan.header}」是元。请把所有金额列统一为元或万元后再上传。`,
  };
}

/** "501 经营收入", "[501]经营收入", "501-经营收入" → code and name. */
function splitAccount(text: string): { code: string; name: string } | null {
  const match = /^[[(【]?(\d{3,}(?:\.\d+)*)[\])】]?\s*[-_—－、:：]?\s*(\D.*)$/u.exec(text);
  return match ? { code: match[1], name: match[2].trim() } : null;
}

function balanceOf(row: GridRow, columns: Column[]): { amount: string; line: number; column: string } | undefined {
  const ordered = [
    ...columns.filter((c) => c.kind === 'balance'),
    ...columns.filter((c) => TRANSACTION_AMOUNTS.includes(c.kind)),
  ];
  const column = ordered.find((c) => (row.cells[c.index] ?? '') !== '');
  return column && { amount: row.cells[column.index], line: row.line, column: column.header };
}

function toRawRow(row: GridRow, columns: Column[]): RawLedgerRow | null {
  const raw: RawLedgerRow = { line: row.line, columns: {} };
  let filled = false;
  for (const column of columns) {
    const value = (column.kind === 'date' ? row.dates?.[column.index] : undefined) ?? row.cells[column.index] ?? '';
    if (column.kind === 'balance' || value === '') continue;
    raw[column.kind] = value;
    raw.columns[column.kind] = column.header;
    filled = true;
  }
  if (!filled) return null;
  const split = raw.accountName === undefined ? null : splitAccount(raw.accountName);
  if (split && (raw.accountCode === undefined || raw.accountCode === split.code)) {
    if (raw.accountCode === undefined) raw.columns.accountCode = raw.columns.accountName;
    raw.accountCode = split.code;
    raw.accountName = split.name;
  }
  return raw;
}

/**
 * Finds the header among the first 10 rows, maps the known columns and sorts the rows below it into
 * transactions, the opening / closing balance lines and subtotal lines (dropped).
 */
export function gridToLedger(grid: GridRow[]): GridResult {
  if (grid.length === 0) return { ok: false, message: '文件是空的，没有读到任何内容。' };
  let headerAt = -1;
  let columns: Column[] | null = null;
  for (let i = 0; i < Math.min(grid.length, 10) && !columns; i++) {
    columns = headerColumns(grid[i]);
    headerAt = i;
  }
  if (!columns) {
    return {
      ok: false,
      message: '没有找到表头：前 10 行里需要有「日期」列和至少一个金额列（「收入」「支出」「借方」「贷方」或「金额」）。请确认上传的是现金日记账或银行日记账。',
    };
  }
  const units = checkUnits(columns, titleUnit(grid.slice(0, headerAt)));
  if ('message' in units) return { ok: false, message: units.message, line: grid[headerAt].line };

  const file: RawLedgerFile = { rows: [], amountsInWan: units.wan };
  for (const row of grid.slice(headerAt + 1)) {
    const labels = new Set(row.cells.map(compact));
    const is = (set: Set<string>) => [...labels].some((label) => set.has(label));
    if (is(OPENING_LABELS)) {
      // A file spanning several months repeats 上月结转: the first one opens the file, the last 期末余额 closes it.
      const opening = file.opening ? undefined : balanceOf(row, columns);
      if (opening) file.opening = opening;
    } else if (is(CLOSING_LABELS)) {
      const closing = balanceOf(row, columns);
      if (closing) file.closing = closing;
    } else if (!is(TOTAL_LABELS)) {
      const raw = toRawRow(row, columns);
      if (raw) file.rows.push(raw);
    }
  }
  return { ok: true, file };
}
