import { buildDisclosure, disclosureHash, type Disclosure } from '../../domain/finance/disclosure.ts';
import { renderFinanceDetail, renderFinanceSummary } from '../../domain/finance/render.ts';
import { ENTITY_LABEL, type AccountingEntity } from '../../domain/finance/types.ts';
import { markdownToPlainText } from '../../domain/format.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { Conflict, NotFound } from '../../http/errors.ts';
import type { Db, Tx } from '../../store/prisma.ts';
import { draftsForVillage } from '../outbox.ts';
import type { Transact, WorkContext } from '../unit-of-work.ts';
import { loadMonth } from './ledger-store.ts';

type Step = 'confirm' | 'approve' | 'reject' | 'publish';

const STATUS_LABEL = { draft: '草稿', confirmed: '会计已确认，待监委会审核', approved: '监委会已审核，待发布', published: '已发布' } as const;
// Which status each sign-off step starts from: draft → confirmed → approved → published; reject goes back.
const FROM: Record<Step, keyof typeof STATUS_LABEL> = { confirm: 'draft', approve: 'confirmed', reject: 'confirmed', publish: 'approved' };
const REFUSAL: Record<Step, string> = {
  confirm: '只有草稿可以由会计确认',
  approve: '须先由会计确认，才能由村务监督委员会审核',
  reject: '只有会计已确认、待审核的财务公开可以退回',
  publish: '财务公开须经村务监督委员会审核通过后才能发布到群里',
};

/**
 * The monthly finance disclosure and its sign-off: draft → the accountant confirms (figures frozen with their
 * hash) → the supervisory committee approves, or rejects with a reason back to draft → the secretary
 * publishes. Every step is a decision-log entry; nothing reaches a chat before the committee's approval.
 */
export function createDisclosureService({ db, transact }: { db: Db; transact: Transact }) {
  async function build(tx: Db | Tx, villageId: string, entity: AccountingEntity, period: string): Promise<Disclosure> {
    const [month, village] = await Promise.all([loadMonth(tx, villageId, entity, period), tx.village.findUnique({ where: { id: villageId } })]);
    if (!village) throw new NotFound(`Village ${villageId} not found`);
    if (month.importId === null || month.openingFen === null) throw new NotFound(`没有 ${period} ${ENTITY_LABEL[entity]}的账目，请先导入`);
    const built = buildDisclosure({ entity, period, openingFen: month.openingFen, statedClosingFen: month.statedClosingFen, entries: month.entries, largeThresholdFen: village.largeItemThresholdFen });
    if (!built.ok) throw new Conflict(`账目不平，无法生成财务公开：${built.reason}`);
    return built.disclosure;
  }

  async function lockRow(tx: Tx, villageId: string, entity: AccountingEntity, period: string) {
    await tx.disclosure.createMany({ data: [{ villageId, entity, period }], skipDuplicates: true });
    const [row] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Disclosure" WHERE "villageId" = ${villageId}::uuid AND entity = ${entity}::"AccountingEntity" AND period = ${period} FOR UPDATE`;
    return tx.disclosure.findUniqueOrThrow({ where: { id: row.id } });
  }

  async function step(step: Step, villageId: string, entity: AccountingEntity, period: string, signer: string, actor: string, reason?: string) {
    return transact(async (ctx) => {
      const row = await lockRow(ctx.tx, villageId, entity, period);
      if (row.status !== FROM[step]) throw new Conflict(`${REFUSAL[step]}（${period} ${ENTITY_LABEL[entity]}当前状态：${STATUS_LABEL[row.status]}）`);
      const { tx, now } = ctx;
      if (step === 'confirm') {
        const disclosure = await build(tx, villageId, entity, period);
        const hash = disclosureHash(disclosure);
        await tx.disclosure.update({ where: { id: row.id }, data: { status: 'confirmed', snapshot: disclosure as object, snapshotHash: hash, confirmedBy: signer, confirmedAt: now, rejectedReason: null } });
        ctx.log({ villageId, type: 'finance.confirmed', actor, payload: { disclosureId: row.id, entity, period, hash, signedBy: signer } });
      } else if (step === 'approve') {
        await tx.disclosure.update({ where: { id: row.id }, data: { status: 'approved', approvedBy: signer, approvedAt: now } });
        ctx.log({ villageId, type: 'finance.approved', actor, payload: { disclosureId: row.id, entity, period, hash: row.snapshotHash, signedBy: signer } });
      } else if (step === 'reject') {
        await tx.disclosure.update({ where: { id: row.id }, data: { status: 'draft', snapshot: Prisma.DbNull, snapshotHash: null, confirmedBy: null, confirmedAt: null, rejectedReason: reason ?? null } });
        ctx.log({ villageId, type: 'finance.rejected', actor, payload: { disclosureId: row.id, entity, period, hash: row.snapshotHash, signedBy: signer, reason } });
      } else {
        await publishRow(ctx, row.id, signer, actor);
      }
      return present(await tx.disclosure.findUniqueOrThrow({ where: { id: row.id } }));
    });
  }

  return {
    /** The disclosure as it stands: frozen once confirmed, otherwise built now from the ledger (refused if it does not reconcile). */
    async view(villageId: string, entity: AccountingEntity, period: string) {
      const row = await db.disclosure.findUnique({ where: { villageId_entity_period: { villageId, entity, period } } });
      if (row && row.status !== 'draft') return present(row);
      const disclosure = await build(db, villageId, entity, period);
      return { ...present(row), status: 'draft' as const, disclosure, hash: disclosureHash(disclosure) };
    },
    confirm: (villageId: string, entity: AccountingEntity, period: string, signer: string, actor: string) => step('confirm', villageId, entity, period, signer, actor),
    approve: (villageId: string, entity: AccountingEntity, period: string, signer: string, actor: string) => step('approve', villageId, entity, period, signer, actor),
    reject: (villageId: string, entity: AccountingEntity, period: string, signer: string, reason: string, actor: string) => step('reject', villageId, entity, period, signer, actor, reason),
    publish: (villageId: string, entity: AccountingEntity, period: string, signer: string, actor: string) => step('publish', villageId, entity, period, signer, actor),
  };
}

/** Publishes one approved disclosure inside the caller's transaction: frozen row, summary and detail to every chat, log. */
export async function publishRow(ctx: WorkContext, disclosureId: string, signer: string, actor: string) {
  const { tx, now } = ctx;
  const row = await tx.disclosure.findUniqueOrThrow({ where: { id: disclosureId } });
  const village = await tx.village.findUniqueOrThrow({ where: { id: row.villageId } });
  const disclosure = row.snapshot as unknown as Disclosure;
  await tx.disclosure.update({ where: { id: row.id }, data: { status: 'published', publishedBy: signer, publishedAt: now } });
  // The summary first, then every item: one outbox row per chat whose parts go out in that order.
  const messages = [renderFinanceSummary(disclosure, village.name), renderFinanceDetail(disclosure, village.name)].map((markdown) => ({ markdown, text: markdownToPlainText(markdown) }));
  await ctx.send(await draftsForVillage(tx, row.villageId, { key: `finance-${row.id}`, type: 'finance' }, messages));
  ctx.log({ villageId: row.villageId, type: 'finance.published', actor, payload: { disclosureId: row.id, entity: row.entity, period: row.period, hash: row.snapshotHash, signedBy: signer } });
}

/** With the meeting's agenda on the fixed day: every approved disclosure of the village goes out too. */
export async function publishApproved(ctx: WorkContext, villageId: string, actor: string): Promise<number> {
  const approved = await ctx.tx.disclosure.findMany({ where: { villageId, status: 'approved' }, orderBy: [{ period: 'asc' }, { entity: 'asc' }], select: { id: true } });
  for (const { id } of approved) await publishRow(ctx, id, '随主题党日议程发布', actor);
  return approved.length;
}

function present(row: { id: string; entity: string; period: string; status: string; snapshot: unknown; snapshotHash: string | null; confirmedBy: string | null; confirmedAt: Date | null; approvedBy: string | null; approvedAt: Date | null; rejectedReason: string | null; publishedBy: string | null; publishedAt: Date | null } | null) {
  return {
    id: row?.id ?? null,
    status: (row?.status ?? 'draft') as keyof typeof STATUS_LABEL,
    statusLabel: STATUS_LABEL[(row?.status ?? 'draft') as keyof typeof STATUS_LABEL],
    disclosure: (row?.snapshot ?? null) as Disclosure | null,
    hash: row?.snapshotHash ?? null,
    signOff: {
      confirmed: row?.confirmedBy ? { by: row.confirmedBy, at: row.confirmedAt } : null,
      approved: row?.approvedBy ? { by: row.approvedBy, at: row.approvedAt } : null,
      published: row?.publishedBy ? { by: row.publishedBy, at: row.publishedAt } : null,
    },
    rejectedReason: row?.rejectedReason ?? null,
  };
}

export type DisclosureService = ReturnType<typeof createDisclosureService>;
