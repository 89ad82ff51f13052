import { findCjkFont, CJK_FONT_HINT } from '../../finance/cjk-font.ts';
import { renderDisclosureSheet } from '../../finance/sheet-pdf.ts';
import type { AccountingEntity } from '../../domain/finance/types.ts';
import { AppError } from '../../http/errors.ts';
import type { Db } from '../../store/prisma.ts';
import type { Transact } from '../unit-of-work.ts';
import { createDisclosureService } from './disclosures.ts';
import { createFinanceImportService } from './imports.ts';

/** 晾晒财务 use cases: import, disclosure with sign-off, and the printable sheet. */
export function createFinanceServices({ db, transact, cjkFont }: { db: Db; transact: Transact; cjkFont?: string }) {
  const disclosures = createDisclosureService({ db, transact });
  return {
    imports: createFinanceImportService({ db, transact }),
    disclosures,
    async sheet(villageId: string, entity: AccountingEntity, period: string): Promise<Buffer> {
      const view = await disclosures.view(villageId, entity, period);
      const village = await db.village.findUniqueOrThrow({ where: { id: villageId }, select: { name: true } });
      const font = findCjkFont(cjkFont);
      if (!font) throw new AppError(503, 'Service Unavailable', CJK_FONT_HINT);
      // Full timestamps: the sheet prints them as China-time dates.
      const at = (d: Date | null | undefined) => (d ? d.toISOString() : null);
      const signOff = [
        { role: '会计（报账员）', name: view.signOff.confirmed?.by ?? null, at: at(view.signOff.confirmed?.at) },
        { role: '村务监督委员会', name: view.signOff.approved?.by ?? null, at: at(view.signOff.approved?.at) },
        { role: '党支部书记', name: view.signOff.published?.by ?? null, at: at(view.signOff.published?.at) },
        ...(entity === 'collective' ? [{ role: '理事长', name: null, at: null }, { role: '监事长', name: null, at: null }] : []),
      ];
      return renderDisclosureSheet(view.disclosure!, { villageName: village.name, signOff, publishedAt: at(view.signOff.published?.at), hash: view.hash ?? '' }, font);
    },
  };
}

export type FinanceServices = ReturnType<typeof createFinanceServices>;
