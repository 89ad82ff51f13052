import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { CJK_FONT_HINT, DEBIAN_CJK_FONTS, findCjkFont, type CjkFont } from '../../src/finance/cjk-font.ts';
import type { Disclosure, DisclosureItem as Item } from '../../src/domain/finance/disclosure.ts';
import { formatFen } from '../../src/domain/finance/money.ts';
import { renderDisclosureSheet, type SheetMeta } from '../../src/finance/sheet-pdf.ts';

const INCOME = [
  { code: '5001', name: '经营收入', counterparty: '青山农业合作社' },
  { code: '5101', name: '补助收入', counterparty: '县农业农村局' },
  { code: '5301', name: '其他收入', counterparty: null },
];
const EXPENSE = [
  { code: '5401', name: '管理费用', counterparty: '镇供电所' },
  { code: '5501', name: '公益支出', counterparty: '青山建筑工程有限公司' },
  { code: '5601', name: '其他支出', counterparty: '张建国' },
];
const LONG_SUMMARY =
  '村西头道路硬化工程第二期进度款，含排水沟渠修缮、路灯安装及施工期间临时占地补偿，' +
  '经2026年10月28日村民代表会议决议通过，工程已由村务监督委员会现场验收';
const THRESHOLD = 500_000; // 5,000.00 元

function makeDisclosure(entity: Disclosure['entity'], count: number): Disclosure {
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const incoming = i % 3 === 0;
    const account = incoming ? INCOME[(i / 3) % 3] : EXPENSE[(i + Math.floor(i / 3)) % 3];
    let amountFen = (incoming ? 200_000 : 1_000) + ((i * 7_919) % 290_000);
    let summary = incoming ? `收到${account.name}（第${i + 1}笔）` : `支付${account.name}（第${i + 1}笔）`;
    if (i === 4) summary = LONG_SUMMARY;
    if (i === 4) amountFen = 1_288_000;
    if (i === 9) amountFen = 650_050;
    const day = String(1 + (i % 28)).padStart(2, '0');
    items.push({
      date: `2026-11-${day}`,
      voucherNo: `记-${String(i + 1).padStart(3, '0')}`,
      accountCode: account.code,
      accountName: account.name,
      summary,
      counterparty: account.counterparty,
      direction: incoming ? 'in' : 'out',
      amountFen,
      large: amountFen >= THRESHOLD,
    });
  }
  type Dir = Item['direction'];
  const rp = (n: number, code: string, name: string, summary: string, direction: Dir, amountFen: number): Item => ({
    date: '2026-11-30', voucherNo: `记-${n}`, accountCode: code, accountName: name, summary,
    counterparty: '青山农业合作社', direction, amountFen, large: false,
  });
  items.push(rp(count + 1, '1131', '应收款', '收回上年承包费欠款', 'in', 30_000));
  items.push(rp(count + 2, '2121', '应付款', '归还农资垫付款', 'out', 120_000));
  const byAccount = (dir: 'in' | 'out') => {
    const map = new Map<string, { code: string; name: string; totalFen: number; count: number }>();
    for (const it of items.filter((x) => x.direction === dir && x.accountCode.startsWith('5'))) {
      const row = map.get(it.accountCode) ?? { code: it.accountCode, name: it.accountName, totalFen: 0, count: 0 };
      row.totalFen += it.amountFen;
      row.count += 1;
      map.set(it.accountCode, row);
    }
    return [...map.values()].sort((a, b) => a.code.localeCompare(b.code));
  };
  const income = byAccount('in');
  const expense = byAccount('out');
  const incomeTotalFen = income.reduce((s, r) => s + r.totalFen, 0);
  const expenseTotalFen = expense.reduce((s, r) => s + r.totalFen, 0);
  const subsidyItems = items.filter((it) => it.accountCode === '5101');
  const openingFen = 1_200_000;
  const cash = (dir: 'in' | 'out') => items.filter((it) => it.direction === dir).reduce((s, it) => s + it.amountFen, 0);
  const [cashInFen, cashOutFen] = [cash('in'), cash('out')];
  return {
    entity,
    entityLabel: entity === 'collective' ? '村集体经济组织' : '村民委员会',
    period: '2026-11',
    openingFen,
    incomeTotalFen,
    expenseTotalFen,
    cashInFen,
    cashOutFen,
    closingFen: openingFen + cashInFen - cashOutFen,
    income,
    expense,
    items,
    largeItems: items.filter((it) => it.large),
    subsidies: { inFen: subsidyItems.reduce((s, it) => s + it.amountFen, 0), outFen: 0, items: subsidyItems },
    earmarked: { inFen: 0, outFen: 0, items: [] },
    receivablesPayables: [
      { code: '1131', name: '应收款', inFen: 30_000, outFen: 0 },
      { code: '2121', name: '应付款', inFen: 0, outFen: 120_000 },
    ],
    otherMovements: [],
    largeThresholdFen: THRESHOLD,
  };
}

function makeMeta(entity: Disclosure['entity']): SheetMeta {
  const signOff: SheetMeta['signOff'] = [
    { role: '会计（报账员）', name: '李会计', at: '2026-12-02' },
    { role: '村务监督委员会', name: '王监督', at: '2026-12-02T17:00:00Z' },
    { role: '党支部书记', name: null, at: null },
  ];
  if (entity === 'collective') signOff.push({ role: '理事长', name: '赵理事', at: '2026-12-03' });
  return { villageName: '青山村', signOff, publishedAt: '2026-12-05', hash: 'ab12cd34ef56ab78' + '9'.repeat(48) };
}

function cjkFont(): CjkFont {
  const font = findCjkFont(process.env.FINANCE_PDF_FONT);
  if (!font) throw new Error(CJK_FONT_HINT);
  return font;
}

async function extract(buf: Buffer) {
  const pdf = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, disableFontFace: true }).promise;
  const pages: Array<{ width: number; height: number; text: string }> = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const { width, height } = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const text = content.items.map((it) => ('str' in it ? it.str : '')).join('');
    pages.push({ width, height, text: text.replace(/\s+/g, '') });
  }
  await pdf.destroy();
  return { pages, all: pages.map((p) => p.text).join('') };
}

describe('renderDisclosureSheet', () => {
  it('prints the village committee sheet: title, summary, every voucher, large items, sign-off, footer', async () => {
    const d = makeDisclosure('village_committee', 24);
    expect(d.largeItems).toHaveLength(2);
    const buf = await renderDisclosureSheet(d, makeMeta(d.entity), cjkFont());
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, all } = await extract(buf);
    for (const p of pages) {
      expect(p.width).toBeCloseTo(595.28, 1);
      expect(p.height).toBeCloseTo(841.89, 1);
    }
    expect(all).toContain('青山村村民委员会2026年11月财务公开');
    expect(all).toContain('公开时间：2026年12月5日');
    expect(all).toContain('期初余额');
    expect(all).toContain('12,000.00');
    expect(all).toContain(formatFen(d.closingFen));
    expect(all).toContain(formatFen(d.cashInFen));
    expect(all).toContain(formatFen(d.cashOutFen));
    expect(all).toContain(`其中收入类科目${formatFen(d.incomeTotalFen)}元、支出类科目${formatFen(d.expenseTotalFen)}元`);
    for (const it of d.items) expect(all).toContain(it.voucherNo);
    expect(all).toContain('【大额】');
    expect(all).toContain('12,880.00');
    expect(all).toContain('6,500.50');
    expect(all).toContain('大额收支');
    expect(all).toContain('村西头道路硬化工程第二期进度款');
    expect(all).toContain('工程已由村务监督委员会现场验收');
    expect(all).toContain('补助资金收支');
    expect(all).not.toContain('专项资金收支');
    expect(all).toContain('往来款项');
    expect(all).toContain('李会计');
    expect(all).toContain('王监督');
    expect(all).toContain('2026年12月3日'); // 17:00Z on the 2nd is 01:00 on the 3rd in China
    expect(all).toContain('党支部书记');
    expect(all).not.toContain('监事长');
    expect(all).not.toContain('理事长');
    expect(pages[0].text).toContain(`第1页共${pages.length}页`);
    expect(pages.at(-1)!.text).toContain(`第${pages.length}页共${pages.length}页`);
    for (const p of pages) expect(p.text).toContain('校验码：ab12cd34ef56ab78');
    expect(all).not.toContain('ab12cd34ef56ab789');
  });

  it('adds 理事长 and 监事长 for the collective, with blank lines where nobody has signed', async () => {
    const d = makeDisclosure('collective', 22);
    const { all } = await extract(await renderDisclosureSheet(d, makeMeta(d.entity), cjkFont()));
    expect(all).toContain('青山村村集体经济组织2026年11月财务公开');
    expect(all).toContain('理事长');
    expect(all).toContain('赵理事');
    expect(all).toContain('监事长');
    expect(all).toContain('党支部书记：日期：年月日'); // nobody has signed: lines to sign and date by hand
  });

  it('continues the detail table over several pages with the header repeated', async () => {
    const d = makeDisclosure('village_committee', 120);
    const started = performance.now();
    const buf = await renderDisclosureSheet(d, makeMeta(d.entity), cjkFont());
    const ms = performance.now() - started;
    const { pages, all } = await extract(buf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((p, i) => expect(p.text).toContain(`第${i + 1}页共${pages.length}页`));
    for (const it of d.items) expect(all).toContain(it.voucherNo);
    const withHeader = pages.filter((p) => p.text.includes('日期凭证号科目摘要对方单位收入（元）支出（元）'));
    expect(withHeader.length).toBeGreaterThanOrEqual(3);
    expect(ms).toBeLessThan(10_000);
  });

  it('is byte-identical for equal input', async () => {
    const d = makeDisclosure('collective', 30);
    const a = await renderDisclosureSheet(d, makeMeta(d.entity), cjkFont());
    const b = await renderDisclosureSheet(structuredClone(d), makeMeta(d.entity), cjkFont());
    expect(a.equals(b)).toBe(true);
  });

  it('prints a blank publication date when not yet published', async () => {
    const d = makeDisclosure('village_committee', 3);
    const meta = { ...makeMeta(d.entity), publishedAt: null };
    const { all } = await extract(await renderDisclosureSheet(d, meta, cjkFont()));
    expect(all).toContain('公开时间：____年__月__日');
  });
});

describe('findCjkFont', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cjk-font-'));
  const debian = join(dir, 'wqy-zenhei.ttc');
  const own = join(dir, 'own.ttf');
  writeFileSync(debian, 'x');
  writeFileSync(own, 'x');
  const candidates: CjkFont[] = [
    { path: join(dir, 'missing.ttc'), family: 'Missing' },
    { path: debian, family: 'WenQuanYiZenHei' },
  ];

  it('uses the configured font when it exists', () => {
    expect(findCjkFont(own, candidates)).toEqual({ path: own });
    const mono = { path: debian, family: 'WenQuanYiZenHeiMono' };
    expect(findCjkFont(`${debian}#WenQuanYiZenHeiMono`, candidates)).toEqual(mono);
    expect(findCjkFont(debian, candidates)).toEqual({ path: debian, family: 'WenQuanYiZenHei' });
  });

  it('falls back to the first installed Debian font when the configured one is missing', () => {
    expect(findCjkFont(join(dir, 'nope.ttf'), candidates)).toEqual({ path: debian, family: 'WenQuanYiZenHei' });
    expect(findCjkFont(null, candidates)).toEqual({ path: debian, family: 'WenQuanYiZenHei' });
    expect(findCjkFont(dir, candidates)).toEqual({ path: debian, family: 'WenQuanYiZenHei' }); // a directory is no font
  });

  it('returns null when no font exists', () => {
    expect(findCjkFont(join(dir, 'nope.ttf'), [candidates[0]])).toBeNull();
    expect(findCjkFont(undefined, [])).toBeNull();
    expect(CJK_FONT_HINT).toContain('apt-get install -y fonts-wqy-zenhei');
  });

  it('knows the Debian packages', () => {
    expect(DEBIAN_CJK_FONTS.map((f) => f.path)).toContain('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc');
  });
});
