// Benchmarks printing figures; not part of `npm test`. Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { createCore } from '../src/core.ts';
import { parseBallot } from '../src/domain/ballot.ts';
import { hashEntry } from '../src/domain/decision-log.ts';
import { signWebhook } from '../src/domain/webhook-signature.ts';
import { buildDisclosure } from '../src/domain/finance/disclosure.ts';
import { normalizeLedger } from '../src/domain/finance/ledger.ts';
import { findCjkFont } from '../src/finance/cjk-font.ts';
import { readLedgerFile } from '../src/finance/read-ledger.ts';
import { renderDisclosureSheet } from '../src/finance/sheet-pdf.ts';
import { systemClock } from '../src/services/clock.ts';
import { applyMigrations } from '../src/store/migrate.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function rate(label: string, iterations: number, fn: (i: number) => void) {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn(i);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label.padEnd(48)} ${Math.round(iterations / seconds).toLocaleString('en')} ops/s`);
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function inboundVotes(total: number, concurrency: number) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  await applyMigrations({ databaseUrl: DATABASE_URL, schema });
  const core = createCore({ databaseUrl: DATABASE_URL, schema, redisUrl: REDIS_URL, prefix: `ygbench-${schema}`, secretKey: randomBytes(32), clock: systemClock, logger: pino({ level: 'silent' }) });
  const app = await buildApp({ db: core.db, redis: core.redis, services: core.services, feed: core.feed, queues: core.queues, clock: systemClock });
  try {
    const { services } = core;
    const village = await services.villages.create({ name: '压测村', code: '000000000001', meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' }, timezone: 'Asia/Shanghai' }, 'bench');
    const secret = 'bench-inbound-secret-0123456789';
    const channel = await services.channels.create(village.id, { platform: 'webhook', name: 'bench', inbound: { secret } }, 'bench');
    const members = 500;
    for (let i = 0; i < members; i++) {
      const m = await services.members.create(village.id, { name: `村民${i}`, householdId: `H${i}`, isAdult: true, roles: ['villager'] }, 'bench');
      await services.members.bindIdentity(village.id, m.id, 'webhook', `u${i}`, 'bench');
    }
    const meeting = await services.meetings.schedule(village.id, new Date(Date.now() + 86_400_000), 'bench');
    await services.meetings.addMotion(meeting!.id, { title: '压测议题', text: '压测', decidingBody: 'villagers_assembly' }, 'bench');
    await services.meetings.postAgenda(meeting!.id, 'bench');

    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const body = JSON.stringify({ messageId: `b${i}`, senderId: `u${i % members}`, text: i % 2 ? '同意' : '反对' });
          const ts = Math.floor(Date.now() / 1000);
          const t0 = performance.now();
          const res = await app.inject({ method: 'POST', url: `/hooks/webhook/${channel.id}`, headers: { 'content-type': 'application/json', 'x-yangguang-timestamp': String(ts), 'x-yangguang-signature': signWebhook(secret, ts, body) }, payload: body });
          latencies.push(performance.now() - t0);
          if (res.statusCode !== 200) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(`${`signed inbound votes, one village (${concurrency} in flight)`.padEnd(48)} ${Math.round(total / seconds)} msg/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    const verifyStart = performance.now();
    const verified = await services.log.verify(village.id);
    console.log(`${'verify decision log'.padEnd(48)} ${verified.ok ? 'ok' : 'BROKEN'}, ${'count' in verified ? verified.count : '?'} entries in ${(performance.now() - verifyStart).toFixed(0)} ms`);
  } finally {
    await app.close();
    await core.close();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  }
}

const texts = ['同意', '2号反对', '１、２同意 ３反对', '同意，但建议路灯装到村口', '意见：垃圾桶不够', '我不知道同意不同意'];
rate('parseBallot', 200_000, (i) => parseBallot(texts[i % texts.length]));
rate('hashEntry (canonical JSON + SHA-256)', 100_000, (i) =>
  hashEntry({ seq: i, villageId: 'v', type: 'vote.cast', actor: 'member:x', payload: { motionId: 'm', choice: 'yes', memberName: '张三' }, createdAt: new Date(0), prevHash: '0'.repeat(64) }),
);
await inboundVotes(2000, 20);
await financeMonth(3000);

/** A busy month of books: read a 3,000-row CSV, validate it, build the disclosure, print the sheet. */
async function financeMonth(rows: number) {
  const lines = ['日期,凭证号,科目编码,科目名称,摘要,收入,支出,对方单位', '2026-11-01,,,,期初余额,"100,000.00",,'];
  let balance = 10_000_000;
  for (let i = 0; i < rows; i++) {
    const income = i % 3 === 0;
    const fen = 1_000 + ((i * 7_919) % 900_000);
    balance += income ? fen : -fen;
    const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    lines.push(`2026-11-${String((i % 28) + 1).padStart(2, '0')},记-${i + 1},${income ? '501,经营收入' : '531,管理费用'},第${i + 1}笔业务,${income ? amount : ''},${income ? '' : amount},往来单位${i % 50}`);
  }
  const csv = Buffer.from(lines.join('\n'));
  let start = performance.now();
  const read = await readLedgerFile(csv, 'text/csv');
  if (!read.ok) throw new Error(read.message);
  const normalized = normalizeLedger(read.file);
  if (!normalized.ok) throw new Error(JSON.stringify(normalized.errors.slice(0, 3)));
  console.log(`${`read + validate a ${rows}-row ledger CSV`.padEnd(48)} ${(performance.now() - start).toFixed(0)} ms`);
  start = performance.now();
  const built = buildDisclosure({ entity: 'collective', period: '2026-11', openingFen: 10_000_000, statedClosingFen: null, entries: normalized.entries, largeThresholdFen: 500_000 });
  if (!built.ok) throw new Error(built.reason);
  console.log(`${'build the monthly disclosure'.padEnd(48)} ${(performance.now() - start).toFixed(0)} ms`);
  const font = findCjkFont();
  if (!font) return console.log(`${'print the 公开栏 sheet (PDF)'.padEnd(48)} skipped: no CJK font installed`);
  start = performance.now();
  const pdf = await renderDisclosureSheet(built.disclosure, { villageName: '压测村', signOff: [], publishedAt: null, hash: '0'.repeat(64) }, font);
  console.log(`${'print the 公开栏 sheet (PDF)'.padEnd(48)} ${(performance.now() - start).toFixed(0)} ms, ${(pdf.length / 1024).toFixed(0)} KiB`);
}
const mem = process.memoryUsage();
console.log(`${'memory after run'.padEnd(48)} rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
process.exit(0);
