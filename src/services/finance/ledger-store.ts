import type { AccountingEntity, LedgerEntry } from '../../domain/finance/types.ts';
import type { Db, Tx } from '../../store/prisma.ts';

/** The month's ledger as the pure disclosure code takes it: entries in fen and the month's balances. */
export async function loadMonth(db: Db | Tx, villageId: string, entity: AccountingEntity, period: string) {
  const [rows, balance] = await Promise.all([
    db.ledgerEntry.findMany({ where: { villageId, entity, period }, orderBy: [{ date: 'asc' }, { voucherNo: 'asc' }, { line: 'asc' }] }),
    db.ledgerBalance.findUnique({ where: { villageId_entity_period: { villageId, entity, period } } }),
  ]);
  const entries: LedgerEntry[] = rows.map((r) => ({
    line: r.line,
    date: r.date,
    period: r.period,
    voucherNo: r.voucherNo,
    accountCode: r.accountCode,
    accountName: r.accountName,
    summary: r.summary,
    direction: r.direction as 'in' | 'out',
    amountFen: Number(r.amountFen),
    counterparty: r.counterparty,
  }));
  return {
    entries,
    openingFen: balance ? Number(balance.openingFen) : null,
    statedClosingFen: balance?.closingFen == null ? null : Number(balance.closingFen),
    importId: balance?.importId ?? null,
  };
}

/** The previous month's closing: as stated in its file, else opening + in − out (used when a file has no opening). */
export async function previousClosingFen(db: Db | Tx, villageId: string, entity: AccountingEntity, period: string): Promise<number | null> {
  const [year, month] = period.split('-').map(Number);
  const prev = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  const { entries, openingFen, statedClosingFen } = await loadMonth(db, villageId, entity, prev);
  if (statedClosingFen !== null) return statedClosingFen;
  if (openingFen === null) return null;
  return entries.reduce((sum, e) => sum + (e.direction === 'in' ? e.amountFen : -e.amountFen), openingFen);
}
