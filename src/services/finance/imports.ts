import { createHash } from 'node:crypto';
import { normalizeLedger } from '../../domain/finance/ledger.ts';
import { formatFen } from '../../domain/finance/money.ts';
import { ENTITY_LABEL, type AccountingEntity } from '../../domain/finance/types.ts';
import { readLedgerFile } from '../../finance/read-ledger.ts';
import { Conflict, NotFound, Validation } from '../../http/errors.ts';
import type { Db } from '../../store/prisma.ts';
import type { Transact } from '../unit-of-work.ts';
import { previousClosingFen } from './ledger-store.ts';

const MAX_LISTED_ERRORS = 5;

/**
 * Ledger import, all or nothing: the file is read (CSV in UTF-8 or GBK, or XLSX), every row validated, and only
 * a file without a single bad row is stored. The same file twice changes nothing (its hash is remembered).
 */
export function createFinanceImportService({ db, transact }: { db: Db; transact: Transact }) {
  return {
    async import(villageId: string, entity: AccountingEntity, body: Buffer, contentType: string | undefined, actor: string) {
      if (!(await db.village.findUnique({ where: { id: villageId }, select: { id: true } }))) throw new NotFound(`Village ${villageId} not found`);
      const fileHash = createHash('sha256').update(body).digest('hex');
      const previous = await db.ledgerImport.findUnique({ where: { villageId_entity_fileHash: { villageId, entity, fileHash } } });
      if (previous) return { status: 'unchanged' as const, importId: previous.id, periods: previous.periods, rows: previous.rowCount };

      const read = await readLedgerFile(body, contentType);
      if (!read.ok) throw new Validation(read.line ? `第 ${read.line} 行：${read.message}` : read.message);
      const normalized = normalizeLedger(read.file);
      if (!normalized.ok) {
        const listed = normalized.errors.slice(0, MAX_LISTED_ERRORS).map((e) => `第 ${e.line} 行「${e.column}」列：${e.message}`);
        const more = normalized.errors.length > MAX_LISTED_ERRORS ? `；另有 ${normalized.errors.length - MAX_LISTED_ERRORS} 处错误` : '';
        throw new Validation(`文件有 ${normalized.errors.length} 处错误，整个文件都没有导入：${listed.join('；')}${more}`, { errors: normalized.errors });
      }
      const periods = [...new Set(normalized.entries.map((e) => e.period))];
      if (periods.length !== 1) throw new Validation(`一个文件只能包含一个月份的账目，这个文件包含 ${periods.length === 0 ? '0 个月份' : periods.join('、')}`);
      const [period] = periods;

      return transact(async ({ tx, log }) => {
        const published = await tx.disclosure.findUnique({ where: { villageId_entity_period: { villageId, entity, period } } });
        if (published && published.status !== 'draft') throw new Conflict(`${period} ${ENTITY_LABEL[entity]}的财务公开已经${published.status === 'published' ? '发布' : '进入审核'}，不能再导入账目`);
        const existing = await tx.ledgerBalance.findUnique({ where: { villageId_entity_period: { villageId, entity, period } } });
        if (existing) throw new Conflict(`${period} ${ENTITY_LABEL[entity]}的账目已经导入（导入编号 ${existing.importId}）；如需更正，请先撤回那次导入`);
        const openingFen = normalized.openingFen ?? (await previousClosingFen(tx, villageId, entity, period));
        if (openingFen === null) throw new Validation(`文件中没有期初余额，${period} 的上一个月也没有导入账目：请在文件中加上「期初余额」行`);

        const created = await tx.ledgerImport.create({ data: { villageId, entity, fileHash, format: read.format, encoding: read.encoding, periods, rowCount: normalized.entries.length, importedBy: actor } });
        await tx.ledgerEntry.createMany({
          data: normalized.entries.map((e) => ({ ...e, villageId, entity, importId: created.id, amountFen: BigInt(e.amountFen) })),
        });
        await tx.ledgerBalance.create({ data: { villageId, entity, period, openingFen: BigInt(openingFen), closingFen: normalized.closingFen === null ? null : BigInt(normalized.closingFen), importId: created.id } });
        log({
          villageId, type: 'finance.imported', actor,
          payload: { importId: created.id, entity, period, fileHash, format: read.format, encoding: read.encoding, rows: normalized.entries.length, opening: formatFen(openingFen), closing: normalized.closingFen === null ? null : formatFen(normalized.closingFen) },
        });
        return { status: 'imported' as const, importId: created.id, periods, rows: normalized.entries.length };
      });
    },

    /** Withdraws an import (to correct the books) while its month is not yet confirmed. */
    async withdraw(villageId: string, importId: string, actor: string) {
      return transact(async ({ tx, log }) => {
        const row = await tx.ledgerImport.findFirst({ where: { id: importId, villageId } });
        if (!row) throw new NotFound(`Import ${importId} not found in this village`);
        const locked = await tx.disclosure.findFirst({ where: { villageId, entity: row.entity, period: { in: row.periods }, status: { not: 'draft' } } });
        if (locked) throw new Conflict(`${locked.period} 的财务公开已经${locked.status === 'published' ? '发布' : '进入审核'}，不能撤回这次导入`);
        await tx.ledgerBalance.deleteMany({ where: { importId } });
        await tx.ledgerEntry.deleteMany({ where: { importId } });
        await tx.ledgerImport.delete({ where: { id: importId } });
        log({ villageId, type: 'finance.import_withdrawn', actor, payload: { importId, entity: row.entity, periods: row.periods, fileHash: row.fileHash } });
      });
    },
  };
}

export type FinanceImportService = ReturnType<typeof createFinanceImportService>;
