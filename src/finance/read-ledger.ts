import { CsvError, parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { RawLedgerFile } from '../domain/finance/types.ts';
import { type GridRow, gridToLedger } from './ledger-grid.ts';

export type ReadLedgerResult =
  | { ok: true; file: RawLedgerFile; format: 'csv' | 'xlsx'; encoding: 'utf-8' | 'gbk' | null }
  | { ok: false; message: string; line?: number };

type Failure = Extract<ReadLedgerResult, { ok: false }>;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'text/plain']);
// Windows browsers with Excel installed label .csv uploads application/vnd.ms-excel, so that type is sniffed too.
const SNIFF_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/vnd.ms-excel']);

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** OLE2 compound file: the pre-2007 .xls format, which exceljs cannot read */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const UNREADABLE_XLSX = '无法读取这个 Excel 文件，文件可能已损坏。请在 Excel 或 WPS 中打开后另存为 .xlsx 或 CSV 再上传。';
const OLD_XLS = '暂不支持旧版 Excel（.xls）文件。请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再上传。';

/**
 * Reads an uploaded 现金日记账 / 银行日记账 export (CSV in UTF-8 or GBK, or XLSX) into raw text rows.
 * Nothing is validated here beyond finding the header: dates and amounts stay text for the normaliser.
 */
export async function readLedgerFile(body: Buffer, contentType: string | undefined): Promise<ReadLedgerResult> {
  if (body.length === 0) return { ok: false, message: '文件是空的，没有读到任何内容。' };
  const format = detectFormat(body, contentType);
  if (typeof format !== 'string') return format;
  if (format === 'xlsx') {
    const grid = await readXlsx(body);
    if (!grid) return { ok: false, message: UNREADABLE_XLSX };
    const result = gridToLedger(grid);
    return result.ok ? { ...result, format, encoding: null } : result;
  }
  if (body.includes(0)) {
    return { ok: false, message: '文件内容不是可识别的 CSV 文本（可能是二进制文件或 UTF-16 编码）。请上传 CSV 或 Excel（.xlsx）文件。' };
  }
  const { text, encoding } = decodeCsv(body);
  const grid = parseCsv(text);
  if (!Array.isArray(grid)) return grid;
  const result = gridToLedger(grid);
  return result.ok ? { ...result, format, encoding } : result;
}

function detectFormat(body: Buffer, contentType: string | undefined): 'csv' | 'xlsx' | Failure {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const isZip = body.subarray(0, 4).equals(ZIP_MAGIC);
  if (body.subarray(0, 8).equals(OLE_MAGIC)) return { ok: false, message: OLD_XLS };
  if (type === XLSX_TYPE) return isZip ? 'xlsx' : { ok: false, message: UNREADABLE_XLSX };
  // A ZIP labelled text/csv is still a workbook: browsers guess the type from the file name.
  if (CSV_TYPES.has(type) || SNIFF_TYPES.has(type)) return isZip ? 'xlsx' : 'csv';
  return { ok: false, message: `不支持的文件类型（${type}）。请上传 CSV 或 Excel（.xlsx）文件。` };
}

function decodeCsv(body: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  try {
    // Strips a UTF-8 BOM when present.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // GB18030 is a superset of GBK that also covers rare characters in villagers' names; GBK bytes decode the same.
    return { text: iconv.decode(body, 'gb18030'), encoding: 'gbk' };
  }
}

function parseCsv(text: string): GridRow[] | Failure {
  const grid: GridRow[] = [];
  let lastEnd = 0;
  try {
    // csv-parse counts a CRLF inside a quoted field as two lines, so Windows line ends are folded first.
    parse(text.replace(/\r\n/g, '\n'), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      on_record: (cells, context) => {
        // context.lines is where the record ends; a quoted multi-line 摘要 starts that many lines earlier.
        const embedded = cells.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
        grid.push({ line: context.lines - embedded, cells });
        lastEnd = context.lines;
        return null;
      },
    });
    return grid;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // An unclosed quote swallows the rest of the file: point at the line after the last complete record.
    const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? lastEnd + 1 : Number(error.lines);
    return { ok: false, message: `CSV 文件第 ${line} 行的引号不成对，无法读取。请在 Excel 或 WPS 中重新导出 CSV。`, line };
  }
}

async function readXlsx(body: Buffer): Promise<GridRow[] | null> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its input as an ArrayBuffer (a Node Buffer is a view, not one): hand it a copy.
    await workbook.xlsx.load(new Uint8Array(body).buffer);
  } catch {
    return null;
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return null;
  const epoch = workbook.properties.date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const grid: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    const dates: (string | undefined)[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      // A merged range repeats its first cell's value in every cell: keep it once.
      if (cell.type === ExcelJS.ValueType.Merge) return;
      cells[col - 1] = cellText(cell.value);
      dates[col - 1] = serialDate(cell.value, epoch);
    });
    const dense = Array.from(cells, (cell) => cell ?? '');
    if (dense.some((cell) => cell !== '')) grid.push({ line: row.number, cells: dense, dates });
  });
  return grid;
}

/**
 * Numbers keep at most 15 significant digits, the precision Excel itself stores and shows, so binary float noise
 * (0.1 + 0.2 = 0.30000000000000004, a SUM landing on 1234.5000000000002) disappears while every amount a person
 * typed or Excel displays survives exactly. Intl never switches to exponent notation and drops trailing zeros.
 */
const EXCEL_DIGITS = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 15, useGrouping: false });

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return EXCEL_DIGITS.format(value || 0); // `|| 0` turns -0 into 0
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Excel stores wall-clock dates; exceljs hands them over as that wall-clock time in UTC.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('').trim();
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result ?? null);
  if ('hyperlink' in value) return String(value.text ?? '').trim();
  if ('error' in value) return value.error;
  return '';
}

/**
 * exceljs recognises custom date formats but not Excel's built-in CJK ones (ids 27–36, 50–58, e.g. "2026年11月3日"),
 * which Chinese Excel and WPS use for dates: such cells arrive as bare serial numbers.
 */
function serialDate(value: ExcelJS.CellValue, epoch: number): string | undefined {
  const serial = value !== null && typeof value === 'object' && 'result' in value ? value.result : value;
  if (typeof serial !== 'number' || !Number.isInteger(serial) || serial < 1 || serial > 2958465) return undefined;
  return new Date(epoch + serial * 86_400_000).toISOString().slice(0, 10);
}
