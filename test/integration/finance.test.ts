import pg from 'pg';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatSink } from '../helpers/chat-sink.ts';
import { createHarness, DATABASE_URL, eventually, type Harness } from '../helpers/harness.ts';
import { ledgerCsv, ledgerXlsx, type LedgerFileRow } from '../helpers/ledger-files.ts';
import { createVillageWithTokens, type Auth } from '../helpers/village.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const october: LedgerFileRow[] = [
  { date: '2026-10-03', voucherNo: '记-1', accountCode: '501', accountName: '经营收入', summary: '收鱼塘承包费', income: 3000, counterparty: '王建国' },
  { date: '2026-10-08', voucherNo: '记-2', accountCode: '521', accountName: '补助收入', summary: '收到镇财政拨付村级运转补助', income: 20000, counterparty: '镇财政所' },
  { date: '2026-10-15', voucherNo: '记-3', accountCode: '531', accountName: '管理费用', summary: '购买办公用品', expense: 800, counterparty: '惠民超市' },
  { date: '2026-10-28', voucherNo: '记-4', accountCode: '532', accountName: '公益支出', summary: '村道路灯维修', expense: 6000, counterparty: '县电力安装队' },
];
const november: LedgerFileRow[] = [
  { date: '2026-11-02', voucherNo: '记-1', accountCode: '501', accountName: '经营收入', summary: '出租村集体仓库', income: '5,000.00', counterparty: '李记粮油' },
  { date: '2026-11-09', voucherNo: '记-2', accountCode: '502', accountName: '经营支出', summary: '仓库屋顶修缮', expense: '1,234.50', counterparty: '张师傅' },
  { date: '2026-11-20', voucherNo: '记-3', accountCode: '511', accountName: '投资收益', summary: '合作社分红', income: '800.00', counterparty: '果蔬合作社' },
];

/** 晾晒财务 end to end: import (XLSX and GBK CSV) → disclosure → sign-off → chats and the printable sheet. */
describe('monthly finance disclosure', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof startChatSink>>;
  let villageId: string;
  let secretary: Auth;
  let committee: Auth;
  let accountant: Auth;

  const send = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Auth, payload?: object | Buffer, contentType?: string) =>
    h.app.inject({ method, url: `/api/villages/${villageId}${url}`, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }, payload });
  const importFile = (entity: string, file: Buffer, type: string) => send('POST', `/finance/imports?entity=${entity}`, accountant, file, type);
  const disclosure = (period: string, entity: string) => send('GET', `/finance/disclosures/${period}?entity=${entity}`, committee);
  const stepOf = (step: string, period: string, entity: string, who: Auth, body: object) => send('POST', `/finance/disclosures/${period}/${step}?entity=${entity}`, who, body);
  const logTypes = async () => (await h.core.db.decisionLogEntry.findMany({ where: { villageId }, orderBy: { seq: 'asc' } })).map((e) => e.type);

  beforeAll(async () => {
    h = await createHarness({ workers: true });
    sink = await startChatSink();
    ({ villageId, secretary, committee } = await createVillageWithTokens(h, { name: '阳光村', code: '330106001040' }));
    accountant = { authorization: `Bearer ${(await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/tokens`, headers: h.adminAuth, payload: { role: 'accountant' } })).json().token}` };
    await send('POST', '/channels', secretary, { platform: 'webhook', name: '村民群', outbound: { url: sink.url, secret: 'outbound-secret-finance-01' } });
  });
  afterAll(async () => {
    await h?.close();
    await sink?.close();
  });

  it('imports a month from an XLSX export, once', async () => {
    const file = await ledgerXlsx(october, { opening: 12000 });
    const first = await importFile('village_committee', file, XLSX_TYPE);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ status: 'imported', periods: ['2026-10'], rows: 4 });
    const again = await importFile('village_committee', file, XLSX_TYPE);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'unchanged', importId: first.json().importId });
    expect((await logTypes()).filter((t) => t === 'finance.imported')).toHaveLength(1);
  });

  it('builds the disclosure in fen, reconciled, with large items and subsidies apart', async () => {
    const res = await disclosure('2026-10', 'village_committee');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json().disclosure;
    expect(res.json().status).toBe('draft');
    expect(d).toMatchObject({ entity: 'village_committee', period: '2026-10', openingFen: 1_200_000, closingFen: 2_820_000, incomeTotalFen: 2_300_000, expenseTotalFen: 680_000 });
    expect(d.items).toHaveLength(4);
    expect(d.largeItems.map((i: { voucherNo: string }) => i.voucherNo)).toEqual(['记-2', '记-4']);
    expect(d.subsidies.inFen).toBe(2_000_000);
  });

  it('imports a GBK-encoded CSV for the collective, kept apart from the committee books', async () => {
    const res = await importFile('collective', await ledgerCsv(november, { opening: '8,000.00', gbk: true }), 'text/csv');
    expect(res.statusCode, res.body).toBe(201);
    const d = (await disclosure('2026-11', 'collective')).json().disclosure;
    expect(d).toMatchObject({ entity: 'collective', openingFen: 800_000, closingFen: 800_000 + 500_000 - 123_450 + 80_000 });
    expect((await disclosure('2026-11', 'village_committee')).statusCode).toBe(404);
  });

  it('refuses a file with a bad row, naming its line and column, and imports nothing of it', async () => {
    const bad = [...november.slice(0, 1), { ...november[1], expense: '12.345' }, { ...november[2], date: '2026-13-01' }].map((r) => ({ ...r, date: r.date.replace('2026-11', '2026-12') }));
    const res = await importFile('collective', await ledgerCsv(bad, { opening: '1000.00' }), 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/第 \d+ 行「支出/);
    expect(res.json().details.errors.length).toBeGreaterThanOrEqual(2);
    expect(await h.core.db.ledgerEntry.count({ where: { villageId, period: '2026-12' } })).toBe(0);
  });

  it('refuses to build a disclosure that does not reconcile, and says why', async () => {
    const res = await importFile('village_committee', await ledgerCsv(november.map((r) => ({ ...r })), { opening: '28,200.00', closing: '99,999.00' }), 'text/csv');
    expect(res.statusCode, res.body).toBe(201);
    const refused = await disclosure('2026-11', 'village_committee');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/不符|相差/);
    expect((await stepOf('confirm', '2026-11', 'village_committee', accountant, { name: '李会计' })).statusCode).toBe(409);
  });

  it('goes through sign-off; nothing reaches a chat before the committee approves', async () => {
    const publishEarly = await stepOf('publish', '2026-10', 'village_committee', secretary, { name: '王书记' });
    expect(publishEarly.statusCode).toBe(409);
    expect(publishEarly.json().message).toContain('村务监督委员会审核');
    expect((await stepOf('approve', '2026-10', 'village_committee', committee, { name: '赵监督' })).statusCode).toBe(409);
    expect((await stepOf('confirm', '2026-10', 'village_committee', committee, { name: '赵监督' })).statusCode).toBe(403);

    expect((await stepOf('confirm', '2026-10', 'village_committee', accountant, { name: '李会计' })).json().status).toBe('confirmed');
    const rejected = await stepOf('reject', '2026-10', 'village_committee', committee, { name: '赵监督', reason: '记-3 缺少发票复印件' });
    expect(rejected.json()).toMatchObject({ status: 'draft', rejectedReason: '记-3 缺少发票复印件' });
    expect((await stepOf('confirm', '2026-10', 'village_committee', accountant, { name: '李会计' })).json().status).toBe('confirmed');
    expect((await stepOf('approve', '2026-10', 'village_committee', committee, { name: '赵监督' })).json().status).toBe('approved');
    expect(sink.requests).toHaveLength(0);

    const published = await stepOf('publish', '2026-10', 'village_committee', secretary, { name: '王书记' });
    expect(published.json()).toMatchObject({ status: 'published', signOff: { confirmed: { by: '李会计' }, approved: { by: '赵监督' }, published: { by: '王书记' } } });
    const bodies = await eventually(async () => (sink.requests.length >= 2 ? sink.requests.map((r) => JSON.parse(r.rawBody)) : null));
    expect(bodies.map((b: { type: string }) => b.type)).toEqual(['finance', 'finance']);
    const all = bodies.map((b: { text: string }) => b.text).join('\n');
    expect(all).toContain('阳光村');
    expect(all).toContain('村民委员会');
    expect(all).toContain('20,000.00');
    expect(all).toContain('【大额】');

    const types = await logTypes();
    expect(types.filter((t) => t.startsWith('finance.'))).toEqual([
      'finance.imported', 'finance.imported', 'finance.imported', 'finance.confirmed', 'finance.rejected', 'finance.confirmed', 'finance.approved', 'finance.published',
    ]);
    const entry = await h.core.db.decisionLogEntry.findFirstOrThrow({ where: { villageId, type: 'finance.published' } });
    expect((entry.payload as { hash: string }).hash).toBe(published.json().hash);
    expect(published.json().hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the published disclosure frozen, even against SQL', async () => {
    const again = await importFile('village_committee', await ledgerXlsx(october.slice(0, 2), { opening: 1 }), XLSX_TYPE);
    expect(again.statusCode).toBe(409);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${h.schema}"`);
      await expect(client.query(`UPDATE "Disclosure" SET "snapshotHash" = repeat('0', 64) WHERE "villageId" = $1 AND period = '2026-10'`, [villageId])).rejects.toThrow(/frozen/);
    } finally {
      await client.end();
    }
  });

  it('prints the 公开栏 sheet as an A4 PDF with the sign-off names', async () => {
    const res = await send('GET', '/finance/disclosures/2026-10/sheet.pdf?entity=village_committee', committee);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await getDocument({ data: new Uint8Array(res.rawPayload), useSystemFonts: false, disableFontFace: true }).promise;
    const page = await pdf.getPage(1);
    const [, , width, height] = page.view;
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    let text = '';
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      text += content.items.map((i) => ('str' in i ? i.str : '')).join('');
    }
    const flat = text.replace(/\s+/g, '');
    for (const expected of ['阳光村', '财务公开', '期初余额', '12,000.00', '28,200.00', '记-4', '【大额】', '李会计', '赵监督', '王书记']) expect(flat).toContain(expected);
    await pdf.destroy();
  });

  it('publishes an approved disclosure together with the meeting agenda', async () => {
    await stepOf('confirm', '2026-11', 'collective', accountant, { name: '李会计' });
    await stepOf('approve', '2026-11', 'collective', committee, { name: '赵监督' });
    const meeting = (await send('POST', '/meetings', secretary, { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })).json().id;
    expect((await h.app.inject({ method: 'POST', url: `/api/meetings/${meeting}/agenda/post`, headers: secretary })).statusCode).toBe(202);
    expect((await disclosure('2026-11', 'collective')).json().status).toBe('published');
    const types = await eventually(async () => {
      const sent = sink.requests.map((r) => JSON.parse(r.rawBody).type);
      return sent.length >= 5 ? sent : null;
    });
    // Agenda and finance are separate deliveries; within the finance row, the summary precedes the detail.
    expect(types.slice(2).sort()).toEqual(['agenda', 'finance', 'finance']);
  });
});
