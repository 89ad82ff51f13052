import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readLedgerFile } from '../../src/finance/read-ledger.ts';
import { type LedgerFileRow, ledgerCsv, ledgerXlsx } from '../helpers/ledger-files.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ROWS: LedgerFileRow[] = [
  { date: '2026-11-03', voucherNo: '记-1', accountCode: '501', accountName: '经营收入', summary: '收鱼塘承包费', income: '12000.00', counterparty: '王建国' },
  { date: '2026-11-05', voucherNo: '记-2', accountCode: '541', accountName: '管理费用', summary: '购办公用品, "A4纸"', expense: '1234.50' },
  { date: '2026-11-20', voucherNo: '记-3', accountCode: '522', accountName: '补助收入', summary: '收乡镇转移支付', income: '30000', counterparty: '阳光镇财政所' },
];

const upload = (body: Buffer | string, type: string | undefined = 'text/csv') =>
  readLedgerFile(typeof body === 'string' ? Buffer.from(body) : body, type);

async function read(...args: Parameters<typeof upload>) {
  const result = await upload(...args);
  if (!result.ok) throw new Error(`expected ok, got ${result.message}`);
  return result;
}

async function failure(...args: Parameters<typeof upload>) {
  const result = await upload(...args);
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('readLedgerFile: CSV', () => {
  it('reads a UTF-8 export with its title rows, opening and closing balances and 本月合计', async () => {
    const { file, format, encoding } = await read(await ledgerCsv(ROWS, { opening: '5000.00' }));
    expect({ format, encoding, amountsInWan: file.amountsInWan }).toEqual({ format: 'csv', encoding: 'utf-8', amountsInWan: false });
    expect(file.opening).toEqual({ amount: '5000.00', line: 4, column: '余额（元）' });
    expect(file.closing).toEqual({ amount: '45765.50', line: 9, column: '余额（元）' });
    expect(file.rows.map((r) => r.line)).toEqual([5, 6, 7]);
    const { columns, ...values } = file.rows[0];
    expect(values).toEqual({ line: 5, ...ROWS[0] });
    expect(columns).toEqual({
      date: '日期', voucherNo: '凭证号', accountCode: '科目编码', accountName: '科目名称', summary: '摘要',
      income: '收入（元）', counterparty: '对方单位',
    });
    expect(file.rows[1]).toMatchObject({ summary: '购办公用品, "A4纸"', expense: '1234.50', columns: { expense: '支出（元）' } });
    expect(file.rows[1].income).toBeUndefined();
  });

  it('reads the same content encoded as GBK identically', async () => {
    const gbk = await ledgerCsv(ROWS, { opening: '5000.00', gbk: true });
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    const utf8 = await read(await ledgerCsv(ROWS, { opening: '5000.00' }));
    const fromGbk = await read(gbk, 'text/csv; charset=gbk');
    expect(fromGbk.encoding).toBe('gbk');
    expect(fromGbk.file).toEqual(utf8.file);
    // GB18030, the superset of GBK, also carries the rare characters in some villagers' names
    const rare = await read(await ledgerCsv([{ ...ROWS[0], counterparty: '𠮷建国' }], { gbk: true }));
    expect(rare.file.rows[0].counterparty).toBe('𠮷建国');
  });

  it('reads UTF-8 with a byte order mark', async () => {
    const body = await ledgerCsv(ROWS, { opening: '5000.00', bom: true });
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const plain = await read(await ledgerCsv(ROWS, { opening: '5000.00' }));
    const withBom = await read(body, 'application/octet-stream');
    expect(withBom.encoding).toBe('utf-8');
    expect(withBom.file).toEqual(plain.file);
  });

  it('reads a BOM glued to the header when there is no title row', async () => {
    const { file } = await read('\uFEFF日期,摘要,金额\n2026-11-03,收租金,100\n');
    expect(file.rows).toEqual([{ line: 2, date: '2026-11-03', summary: '收租金', amount: '100', columns: { date: '日期', summary: '摘要', amount: '金额' } }]);
  });

  it('maps debit/credit columns and splits "501 经营收入" account cells', async () => {
    const csv = [
      '记账日期,凭证字号,会计科目,摘要,借方金额,贷方金额,余额',
      '2026-11-01,,,年初余额,,,8000.00',
      '2026-11-03,记-1,501 经营收入,收承包费,5000.00,,13000.00',
      '2026-11-04,记-2,[541]管理费用,付电费,,230.00,12770.00',
      '2026-11-04,记-3,应付款,暂收押金,100,,12870.00',
    ].join('\r\n');
    const { file } = await read(csv);
    expect(file.opening).toEqual({ amount: '8000.00', line: 2, column: '余额' });
    expect(file.closing).toBeUndefined();
    expect(file.rows[0]).toMatchObject({ accountCode: '501', accountName: '经营收入', debit: '5000.00' });
    expect(file.rows[0].columns).toMatchObject({ accountCode: '会计科目', accountName: '会计科目', debit: '借方金额', voucherNo: '凭证字号' });
    expect(file.rows[1]).toMatchObject({ accountCode: '541', accountName: '管理费用', credit: '230.00', line: 4 });
    expect(file.rows[2].accountCode).toBeUndefined();
    expect(file.rows[2].accountName).toBe('应付款');
  });

  it('recognises spaced, full-width and unit-suffixed headers, an amount with direction, and ignores unknown columns', async () => {
    const csv = [
      '附件张数,日  期,凭证编号,科目代码,科目名称,摘　要,金 额（元）,收支方向,往来单位,备注',
      '2,2026-11-06,记-4,541,管理费用,付打印费,88.00,支出,阳光打印店,发票已附',
    ].join('\n');
    const { file } = await read(csv);
    expect(file.rows).toEqual([
      {
        line: 2, date: '2026-11-06', voucherNo: '记-4', accountCode: '541', accountName: '管理费用',
        summary: '付打印费', amount: '88.00', direction: '支出', counterparty: '阳光打印店',
        columns: {
          date: '日  期', voucherNo: '凭证编号', accountCode: '科目代码', accountName: '科目名称', summary: '摘　要',
          amount: '金 额（元）', direction: '收支方向', counterparty: '往来单位',
        },
      },
    ]);
  });

  it('flags 万元 amounts, and refuses a file mixing 万元 and 元 columns', async () => {
    const { file } = await read(await ledgerCsv(ROWS, { opening: '0.5', wan: true }));
    expect(file.amountsInWan).toBe(true);
    expect(file.rows[0].columns.income).toBe('收入（万元）');

    const bad = await failure('标题\n日期,摘要,收入(万元),支出(元)\n2026-11-03,收租,1.2,\n');
    expect(bad.line).toBe(2);
    expect(bad.message).toContain('金额单位不一致');
    expect(bad.message).toContain('收入(万元)');

    const byTitle = await read('现金日记账  单位：万元\n日期,摘要,收入,支出\n2026-11-03,收租,1.2,\n');
    expect(byTitle.file.amountsInWan).toBe(true);
  });

  it('keeps source line numbers right around a quoted multi-line 摘要 (CRLF and LF inside)', async () => {
    const csv = [
      '阳光村村民委员会现金日记账 2026年11月',
      '日期,凭证号,摘要,收入,支出',
      '2026-11-03,记-1,"收承包费',
      '（第一期）",100,',
      '',
      '2026-11-04,记-2,"付工资\r\n张三\r\n李四",,200',
      '2026-11-05,记-3,付电费,,30',
    ].join('\r\n');
    const { file } = await read(csv);
    expect(file.rows.map((r) => [r.line, r.voucherNo])).toEqual([[3, '记-1'], [6, '记-2'], [9, '记-3']]);
    expect(file.rows[0].summary).toBe('收承包费\n（第一期）');
  });

  it('skips subtotal, page carry-over and blank rows', async () => {
    const csv = [
      '日期,摘要,收入,支出,余额',
      ',上月结转,,,100',
      '2026-11-03,收租,50,,150',
      ',,,,',
      ',本月合计,50,0,150',
      ',本年累计,650,500,150',
      ',过次页,50,0,150',
      ',合  计,50,0,150',
      ',本月结余,,,150',
    ].join('\n');
    const { file } = await read(csv);
    expect(file.rows.map((r) => r.line)).toEqual([3]);
    expect(file.opening).toEqual({ amount: '100', line: 2, column: '余额' });
    expect(file.closing).toEqual({ amount: '150', line: 9, column: '余额' });
  });

  it('takes the opening amount from an amount column when there is no 余额 column', async () => {
    const { file } = await read('日期,摘要,收入,支出\n,期初余额,2000,\n2026-11-03,收租,50,\n,期末余额,2050,\n');
    expect(file.opening).toEqual({ amount: '2000', line: 2, column: '收入' });
    expect(file.closing).toEqual({ amount: '2050', line: 4, column: '收入' });
  });

  it('finds the header only within the first 10 rows, and only with a date and an amount column', async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `说明第${i + 1}行`);
    const bad = await failure([...titles, '日期,摘要,收入', '2026-11-03,收租,50'].join('\n'));
    expect(bad.message).toContain('没有找到表头');
    const ok = await read([...titles.slice(1), '日期,摘要,收入', '2026-11-03,收租,50'].join('\n'));
    expect(ok.file.rows[0].line).toBe(11);
    // a header needs a date column and an amount column
    expect((await failure('摘要,收入\n收租,50\n')).message).toContain('没有找到表头');
    expect((await failure('日期,摘要,对方单位\n2026-11-03,收租,张三\n')).message).toContain('没有找到表头');
  });

  it('reports an unclosed quote with its line', async () => {
    const bad = await failure('日期,摘要,收入\n2026-11-03,收租,50\n2026-11-04,"收押金,60\n2026-11-05,收租,70\n');
    expect(bad.line).toBe(3);
    expect(bad.message).toContain('引号');
  });
});

describe('readLedgerFile: XLSX', () => {
  it('reads dates, numbers without float noise, formulas, rich text, merged titles and the balances', async () => {
    const rows: LedgerFileRow[] = [
      { ...ROWS[0], income: 1234.5 },
      { ...ROWS[1], expense: 0.1 + 0.2 },
      { ...ROWS[2], income: 1234.5000000000002 },
      { date: '2026-11-21', voucherNo: '记-4', accountCode: '541', accountName: '管理费用', summary: '付电费', expense: 50 },
    ];
    const workbook = new ExcelJS.Workbook();
    const closing = 7468.400000000001; // 7468.4 with the float noise a SUM() can leave
    await workbook.xlsx.load(new Uint8Array(await ledgerXlsx(rows, { opening: 5000, closing })).buffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getCell('E4').value).toBe('上月结转');
    sheet.getCell('G8').value = { formula: 'G6*0.7+G6*0.3', result: (0.1 + 0.2) * 0.7 + (0.1 + 0.2) * 0.3 };
    sheet.getCell('E7').value = { richText: [{ text: '收乡镇' }, { text: '转移支付', font: { bold: true } }] };
    sheet.getCell('A8').value = 46347; // 2026-11-21 as a bare serial, as built-in CJK date formats arrive
    const body = Buffer.from(await workbook.xlsx.writeBuffer());

    const { file, format, encoding } = await read(body, XLSX_TYPE);
    expect({ format, encoding }).toEqual({ format: 'xlsx', encoding: null });
    expect(file.rows.map((r) => [r.line, r.date, r.income ?? r.expense])).toEqual([
      [5, '2026-11-03', '1234.5'],
      [6, '2026-11-05', '0.3'],
      [7, '2026-11-20', '1234.5'],
      [8, '2026-11-21', '0.3'],
    ]);
    expect(file.rows[2].summary).toBe('收乡镇转移支付');
    expect(file.rows[0]).toMatchObject({ voucherNo: '记-1', accountCode: '501', counterparty: '王建国', columns: { income: '收入（元）' } });
    expect(file.opening).toEqual({ amount: '5000', line: 4, column: '余额（元）' });
    expect(String(closing)).not.toBe('7468.4');
    expect(file.closing).toEqual({ amount: '7468.4', line: 10, column: '余额（元）' });
  });

  it('reads an XLSX whatever the upload was labelled', async () => {
    const body = await ledgerXlsx(ROWS);
    for (const type of [undefined, 'application/octet-stream', 'text/csv', 'application/vnd.ms-excel']) {
      const result = await read(body, type);
      expect(result.format).toBe('xlsx');
      expect(result.file.rows).toHaveLength(3);
    }
  });

  it('reads the same rows from CSV and XLSX exports of the same ledger', async () => {
    const rows = ROWS.map((r) => ({ ...r, income: r.income && Number(r.income), expense: r.expense && Number(r.expense) }));
    const fromCsv = await read(await ledgerCsv(rows, { opening: 5000 }));
    const fromXlsx = await read(await ledgerXlsx(rows, { opening: 5000 }), XLSX_TYPE);
    expect(fromXlsx.file.rows).toEqual(fromCsv.file.rows);
    expect(fromXlsx.file.opening).toEqual(fromCsv.file.opening);
    // CSV carries the text the software printed ("45765.50"), XLSX the number behind it.
    expect(fromCsv.file.closing?.amount).toBe('45765.50');
    expect(fromXlsx.file.closing?.amount).toBe('45765.5');
  });
});

describe('readLedgerFile: unreadable input', () => {
  const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256));

  it('refuses garbage, empty files and other formats with a zh-CN message', async () => {
    expect((await failure(Buffer.alloc(0))).message).toContain('文件是空的');
    expect((await failure('\uFEFF\r\n\r\n')).message).toContain('文件是空的');
    expect((await failure(garbage)).message).toMatch(/不是可识别的 CSV/);
    expect((await failure(garbage, 'application/octet-stream')).ok).toBe(false);
    expect((await failure(iconv.encode('随便写的一段话，没有表格。', 'gbk'))).message).toContain('没有找到表头');
    expect((await failure(Buffer.concat([Buffer.from('PK\x03\x04'), garbage]), XLSX_TYPE)).message).toContain('无法读取这个 Excel 文件');
    expect((await failure('日期,摘要,收入\n', XLSX_TYPE)).message).toContain('无法读取这个 Excel 文件');
    expect((await failure(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'application/vnd.ms-excel')).message).toContain('.xls');
    expect((await failure('%PDF-1.7', 'application/pdf')).message).toContain('不支持的文件类型');
  });
});
