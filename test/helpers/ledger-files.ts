/**
 * Realistic 现金日记账 export files for tests, laid out the way township 代理记账 / 三资 platforms export them:
 *
 *   row 1  阳光村村民委员会现金日记账 2026年11月        (title, merged across the table in XLSX)
 *   row 2  编制单位：阳光村村民委员会  单位：元
 *   row 3  日期 | 凭证号 | 科目编码 | 科目名称 | 摘要 | 收入（元） | 支出（元） | 余额（元） | 对方单位
 *   row 4  上月结转 with the opening balance          (only with `opening`)
 *   row 5… one row per transaction, 余额 running from `opening`
 *   then   本月合计 and 期末余额                       (only when there is a closing balance)
 *
 * Usage:
 *   const rows = [{ date: '2026-11-03', voucherNo: '记-1', accountCode: '501', accountName: '经营收入',
 *                   summary: '收鱼塘承包费', income: '12000.00', counterparty: '王建国' }];
 *   const csv = await ledgerCsv(rows, { opening: '5000.00', gbk: true });   // Buffer, text/csv
 *   const xlsx = await ledgerXlsx(rows, { opening: '5000.00' });            // Buffer, .xlsx
 *
 * - Amounts are written as given, never converted: with `wan` they are taken to be 万元 already.
 * - XLSX writes 'YYYY-MM-DD' dates as date cells and plain decimal amounts as number cells; anything else
 *   (a bad date, "1,200") stays text, so tests can feed the normaliser bad input. CSV writes text, CRLF line ends.
 * - 期末余额 defaults to the running balance when `opening` is given; `closing` overrides it, `closing: null`
 *   leaves the 本月合计 / 期末余额 rows out.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export interface LedgerFileRow {
  date: string;
  voucherNo: string;
  accountCode: string;
  accountName: string;
  summary: string;
  income?: string | number;
  expense?: string | number;
  counterparty?: string;
}

export interface LedgerFileOptions {
  /** CSV only: encode as GBK (GB18030) like Chinese accounting software does */
  gbk?: boolean;
  /** CSV only: start with a UTF-8 byte order mark, as Excel's "CSV UTF-8" does */
  bom?: boolean;
  /** headers say 万元 instead of 元 */
  wan?: boolean;
  /** 上月结转 balance; also starts the running 余额 column */
  opening?: string | number;
  /** 期末余额; defaults to the running balance when `opening` is given, null leaves it out */
  closing?: string | number | null;
  /** title row; defaults to "阳光村村民委员会现金日记账 YYYY年M月" from the first row, null leaves it out */
  title?: string | null;
}

type Amount = string | number | undefined;
type Cell = string | number | Date | null;

/** A UTF-8 (optionally with BOM) or GBK CSV export. */
export async function ledgerCsv(rows: LedgerFileRow[], opts: LedgerFileOptions = {}): Promise<Buffer> {
  const workbook = buildWorkbook(rows, opts, false);
  const utf8 = Buffer.from(
    await workbook.csv.writeBuffer({ formatterOptions: { rowDelimiter: '\r\n', writeBOM: !opts.gbk && !!opts.bom } }),
  );
  return opts.gbk ? iconv.encode(utf8.toString('utf-8'), 'gb18030') : utf8;
}

/** An .xlsx export: one worksheet, dates as date cells, amounts as numbers. */
export async function ledgerXlsx(rows: LedgerFileRow[], opts: Omit<LedgerFileOptions, 'gbk' | 'bom'> = {}): Promise<Buffer> {
  const workbook = buildWorkbook(rows, opts, true);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const LEDGER_HEADERS = ['日期', '凭证号', '科目编码', '科目名称', '摘要', '收入', '支出', '余额', '对方单位'];

function buildWorkbook(rows: LedgerFileRow[], opts: LedgerFileOptions, typed: boolean): ExcelJS.Workbook {
  const unit = opts.wan ? '万元' : '元';
  const date = (text: string): Cell => (typed && /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : text);
  const amount = (value: Amount): Cell =>
    value === undefined ? null : typed && /^-?\d+(\.\d+)?$/.test(String(value)) ? Number(value) : String(value);
  const money = (value: number | null): Cell => (value === null ? null : amount(formatMicro(value)));

  const table: Cell[][] = [];
  const title = opts.title === undefined ? defaultTitle(rows) : opts.title;
  if (title !== null) table.push([title], [`编制单位：阳光村村民委员会  单位：${unit}`]);
  table.push(LEDGER_HEADERS.map((h) => (['收入', '支出', '余额'].includes(h) ? `${h}（${unit}）` : h)));

  let balance = opts.opening === undefined ? null : micro(opts.opening);
  let income = 0;
  let expense = 0;
  if (opts.opening !== undefined) table.push([null, null, null, null, '上月结转', null, null, amount(opts.opening), null]);
  for (const row of rows) {
    income += micro(row.income) || 0;
    expense += micro(row.expense) || 0;
    if (balance !== null) balance += micro(row.income) - micro(row.expense);
    table.push([
      date(row.date),
      row.voucherNo,
      row.accountCode,
      row.accountName,
      row.summary,
      amount(row.income),
      amount(row.expense),
      money(Number.isNaN(balance) ? null : balance),
      row.counterparty ?? null,
    ]);
  }
  const closing = opts.closing === undefined ? (balance === null || Number.isNaN(balance) ? null : formatMicro(balance)) : opts.closing;
  if (closing !== null) {
    table.push([null, null, null, null, '本月合计', money(income), money(expense), amount(closing), null]);
    table.push([null, null, null, null, '期末余额', null, null, amount(closing), null]);
  }

  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('现金日记账');
  sheet.addRows(table);
  if (title !== null && typed) sheet.mergeCells(1, 1, 1, LEDGER_HEADERS.length);
  sheet.getColumn(1).numFmt = 'yyyy-mm-dd';
  return workbook;
}

function defaultTitle(rows: LedgerFileRow[]): string {
  const month = /^(\d{4})-(\d{2})/.exec(rows[0]?.date ?? '');
  return `阳光村村民委员会现金日记账${month ? ` ${month[1]}年${Number(month[2])}月` : ''}`;
}

/** Amounts in millionths (fen of 万元 need six decimals), as an integer so the running balance stays exact. */
function micro(value: Amount): number {
  if (value === undefined || value === '') return 0;
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(String(value));
  if (!match) return Number.NaN;
  const units = Number(match[2]) * 1_000_000 + Number((match[3] ?? '').padEnd(6, '0'));
  return match[1] ? -units : units;
}

function formatMicro(value: number): string {
  return (value / 1_000_000).toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1');
}
