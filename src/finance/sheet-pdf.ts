import PDFDocument from 'pdfkit';
import type { AccountLine, Disclosure, DisclosureItem, Movement } from '../domain/finance/disclosure.ts';
import { formatFen } from '../domain/finance/money.ts';
import type { CjkFont } from './cjk-font.ts';

/** `at`: an ISO date, or a timestamp printed as its date in China time; null leaves a line to sign by hand. */
export type SignOff = { role: string; name: string | null; at: string | null };
/** `publishedAt` as `at`, null for a blank to fill in; the first 16 hex digits of `hash` are printed as 校验码. */
export type SheetMeta = { villageName: string; signOff: SignOff[]; publishedAt: string | null; hash: string };

/** Who signs the sheet, in order; the collective's books are also signed by its 理事长 and 监事长. */
export const SIGN_OFF_ROLES: Record<Disclosure['entity'], readonly string[]> = {
  village_committee: ['会计（报账员）', '村务监督委员会', '党支部书记'],
  collective: ['会计（报账员）', '村务监督委员会', '党支部书记', '理事长', '监事长'],
};

const MARGIN = 40;
const FOOTER = 22; // reserved above the bottom margin
const PAD = 3;
const CELL = 9;
const NUMERALS = '一二三四五六七八九十';
const BLANK_DATE = '____年__月__日';

/** "2026-12-05" or an ISO timestamp (read in China time) as "2026年12月5日"; other text as given. */
function zhDate(value: string): string {
  let ymd = value;
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) {
    ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', dateStyle: 'short' }).format(new Date(value));
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : value;
}

type Col = { title: string; width: number; align?: 'left' | 'right' | 'center' };
const col = (title: string, width: number, align?: Col['align']): Col => ({ title, width, align });

class Sheet {
  y = MARGIN;
  constructor(readonly doc: PDFKit.PDFDocument) {}

  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER;
  }
  /** Starts a new page unless `height` still fits on this one; true when it did. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.doc.addPage();
    this.y = MARGIN;
    return true;
  }
  line(text: string, size: number, align: 'left' | 'center' | 'right' = 'left', gap = 4): void {
    const opts = { width: this.width, align };
    this.doc.fontSize(size);
    const h = this.doc.heightOfString(text, opts);
    this.ensure(h);
    this.doc.text(text, MARGIN, this.y, opts);
    this.y += h + gap;
  }
  heading(text: string): void {
    this.ensure(60); // keep a heading with the start of its section
    this.y += 6;
    this.line(text, 12, 'left', 6);
  }
  /** A ruled table; rows wrap within their cells and the header is repeated on every new page. */
  table(cols: Col[], rows: string[][], totalRow?: string[]): void {
    const scale = this.width / cols.reduce((s, c) => s + c.width, 0);
    const widths = cols.map((c) => c.width * scale);
    const doc = this.doc.fontSize(CELL).lineWidth(0.5).strokeColor('#333333');
    const height = (cells: string[]) =>
      Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * PAD }))) + 2 * PAD;
    const draw = (cells: string[], fill: string | null, header = false): void => {
      const h = height(cells);
      if (this.ensure(h) && !header) draw(cols.map((c) => c.title), '#e8e8e8', true);
      let x = MARGIN;
      cells.forEach((text, i) => {
        if (fill) doc.rect(x, this.y, widths[i], h).fill(fill).fillColor('black');
        doc.rect(x, this.y, widths[i], h).stroke();
        const align = header ? 'center' : (cols[i].align ?? 'left');
        doc.text(text, x + PAD, this.y + PAD, { width: widths[i] - 2 * PAD, align });
        x += widths[i];
      });
      this.y += h;
    };
    const head = cols.map((c) => c.title);
    this.ensure(height(head) + (rows[0] ? height(rows[0]) : 0));
    draw(head, '#e8e8e8', true);
    for (const row of rows) draw(row, null);
    if (totalRow) draw(totalRow, '#f4f4f4');
    this.y += 8;
  }
}

function accountTable(s: Sheet, rows: AccountLine[], totalFen: number, none: string): void {
  if (rows.length === 0) return s.line(none, 10, 'left', 8);
  const cols = [col('科目编码', 1.2), col('科目名称', 3), col('笔数', 0.8, 'right'), col('金额（元）', 2, 'right')];
  const count = rows.reduce((n, r) => n + r.count, 0);
  const body = rows.map((r) => [r.code, r.name, String(r.count), formatFen(r.totalFen)]);
  s.table(cols, body, ['', '合计', String(count), formatFen(totalFen)]);
}

const ITEM_COLS = [col('日期', 56), col('凭证号', 50), col('科目', 74), col('摘要', 125), col('对方单位', 82)]
  .concat([col('收入（元）', 64, 'right'), col('支出（元）', 64, 'right')]);

function itemTable(s: Sheet, items: DisclosureItem[], totals?: { inFen: number; outFen: number }): void {
  let inFen = 0;
  let outFen = 0;
  const rows = items.map((it) => {
    if (it.direction === 'in') inFen += it.amountFen;
    else outFen += it.amountFen;
    const amount = formatFen(it.amountFen);
    const summary = `${it.large ? '【大额】' : ''}${it.summary}`;
    const [inCell, outCell] = it.direction === 'in' ? [amount, ''] : ['', amount];
    const account = `${it.accountCode} ${it.accountName}`;
    return [it.date, it.voucherNo, account, summary, it.counterparty ?? '', inCell, outCell];
  });
  const t = totals ?? { inFen, outFen };
  s.table(ITEM_COLS, rows, ['', '', '', `合计（${items.length} 笔）`, '', formatFen(t.inFen), formatFen(t.outFen)]);
}

function signOffBlock(s: Sheet, d: Disclosure, signOff: SignOff[]): void {
  const roles = [...SIGN_OFF_ROLES[d.entity]];
  for (const line of signOff) if (!roles.includes(line.role)) roles.push(line.role);
  const doc = s.doc;
  const rowH = 30;
  s.ensure(rowH * roles.length + 40);
  s.heading('审核签字');
  for (const role of roles) {
    const line = signOff.find((l) => l.role === role);
    s.ensure(rowH);
    const base = s.y + rowH - 8;
    const name = line?.name ?? '';
    const at = line?.at ? zhDate(line.at) : '';
    doc.fontSize(11).text(`${role}：`, MARGIN, base - 13, { width: 150, lineBreak: false });
    doc.text(name, MARGIN + 150, base - 13, { width: 150, align: 'center', lineBreak: false });
    doc.moveTo(MARGIN + 150, base).lineTo(MARGIN + 300, base).stroke();
    doc.text('日期：', MARGIN + 320, base - 13, { width: 40, lineBreak: false });
    const date = { width: 150, align: at ? 'center' : 'right', lineBreak: false } as const;
    doc.text(at || '年　　　月　　　日', MARGIN + 360, base - 13, date);
    doc.moveTo(MARGIN + 360, base).lineTo(MARGIN + 510, base).stroke();
    s.y += rowH;
  }
}

/** Renders the printable 公开栏 sheet of a monthly disclosure: A4 portrait, byte-identical for equal input. */
export async function renderDisclosureSheet(d: Disclosure, meta: SheetMeta, font: CjkFont): Promise<Buffer> {
  const [year, month] = d.period.split('-').map(Number);
  const title = `${meta.villageName}${d.entityLabel} ${year}年${month}月 财务公开`;
  const published = meta.publishedAt ? Date.parse(meta.publishedAt) : Number.NaN;
  const creationDate = new Date(Number.isNaN(published) ? Date.UTC(year, month - 1, 1) : published);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Subject: '村务财务公开', Author: meta.villageName, CreationDate: creationDate },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');

  const s = new Sheet(doc);
  s.line(title, 18, 'center', 6);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const when = meta.publishedAt ? zhDate(meta.publishedAt) : BLANK_DATE;
  s.line(`公开期间：${year}年${month}月1日至${year}年${month}月${lastDay}日　　公开时间：${when}`, 10, 'center', 10);

  let n = 0;
  const section = (name: string) => s.heading(`${NUMERALS[n++] ?? n}、${name}`);
  section('收支总表');
  const summary: Col[] = ['期初余额', '本月收入', '本月支出', '期末余额'].map((t) => ({ title: t, width: 1, align: 'right' }));
  s.table(summary, [[d.openingFen, d.cashInFen, d.cashOutFen, d.closingFen].map(formatFen)]);
  let note = `金额单位：元。单笔 ${formatFen(d.largeThresholdFen)} 元及以上的收支标注【大额】。`;
  if (d.cashInFen !== d.incomeTotalFen || d.cashOutFen !== d.expenseTotalFen) {
    note += `本月收支含往来款项等全部资金收付，其中收入类科目 ${formatFen(d.incomeTotalFen)} 元、支出类科目 ${formatFen(d.expenseTotalFen)} 元。`;
  }
  s.line(note, 9, 'left', 6);
  section('收入明细（按科目）');
  accountTable(s, d.income, d.incomeTotalFen, '本月无收入。');
  section('支出明细（按科目）');
  accountTable(s, d.expense, d.expenseTotalFen, '本月无支出。');
  section('逐项逐笔收支明细');
  if (d.items.length === 0) s.line('本月无收支。', 10, 'left', 8);
  else itemTable(s, d.items, { inFen: d.cashInFen, outFen: d.cashOutFen });
  section(`大额收支（单笔 ${formatFen(d.largeThresholdFen)} 元及以上）`);
  if (d.largeItems.length === 0) s.line('本月无大额收支。', 10, 'left', 8);
  else itemTable(s, d.largeItems);
  const funds = [
    ['补助资金收支', d.subsidies],
    ['专项资金收支', d.earmarked],
  ] as const;
  for (const [name, fund] of funds) {
    if (fund.items.length === 0 && fund.inFen === 0 && fund.outFen === 0) continue;
    section(name);
    s.line(`本月收入 ${formatFen(fund.inFen)} 元，支出 ${formatFen(fund.outFen)} 元。`, 10, 'left', 6);
    if (fund.items.length > 0) itemTable(s, fund.items, fund);
  }
  const movements = [
    ['往来款项（应收、应付）', d.receivablesPayables],
    ['其他资金收付', d.otherMovements],
  ] as const;
  for (const [name, rows] of movements) {
    if (rows.length === 0) continue;
    section(name);
    const cols = [col('科目编码', 1.2), col('科目名称', 3), col('收入（元）', 2, 'right'), col('支出（元）', 2, 'right')];
    s.table(cols, rows.map((r: Movement) => [r.code, r.name, formatFen(r.inFen), formatFen(r.outFen)]));
  }
  signOffBlock(s, d, meta.signOff);

  const range = doc.bufferedPageRange();
  const code = meta.hash.slice(0, 16);
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    doc.page.margins.bottom = 0; // footer text sits inside the margin: keep pdfkit from paging
    const y = doc.page.height - MARGIN - 8;
    doc.fontSize(8).fillColor('#444444');
    doc.text(`第 ${i + 1} 页 共 ${range.count} 页`, MARGIN, y, { width: s.width, align: 'center', lineBreak: false });
    doc.text(`校验码：${code}`, MARGIN, y, { width: s.width, align: 'right', lineBreak: false });
    doc.fillColor('black');
  }
  doc.end();
  return done;
}
