/** The two sets of books a village may keep apart (分账管理). */
export type AccountingEntity = 'village_committee' | 'collective';

export const ENTITY_LABEL: Record<AccountingEntity, string> = {
  village_committee: '村民委员会',
  collective: '村集体经济组织',
};

export type AccountCategory = 'asset' | 'liability' | 'equity' | 'cost' | 'income' | 'expense';

export interface Account {
  code: string;
  name: string;
  category: AccountCategory;
  /** 补助收入 and the like: shown apart in the disclosure */
  subsidy?: boolean;
  /** 专项应付款, 一事一议资金: earmarked funds shown apart */
  earmarked?: boolean;
  /** 应收款 / 应付款 and the like: 债权债务 movements */
  receivableOrPayable?: boolean;
}

/**
 * One row of an import after the file was read, with the column values still as text. `line` is the 1-based
 * line (CSV) or row (XLSX) of the source file; `columns` maps each canonical field to the source column's
 * header as the user sees it, for error messages ("第 12 行「金额」列").
 */
export interface RawLedgerRow {
  line: number;
  date?: string;
  voucherNo?: string;
  accountCode?: string;
  accountName?: string;
  summary?: string;
  /** one amount column with a direction column, or separate income/expense, or debit/credit columns */
  amount?: string;
  direction?: string;
  income?: string;
  expense?: string;
  debit?: string;
  credit?: string;
  counterparty?: string;
  columns: Partial<Record<RawField, string>>;
}

export type RawField = Exclude<keyof RawLedgerRow, 'line' | 'columns'>;

/** What the file says besides its transactions. */
export interface RawLedgerFile {
  rows: RawLedgerRow[];
  /** "期初余额" (opening balance) text and its source line, when the file carries one */
  opening?: { amount: string; line: number; column: string };
  /** "期末余额" (closing balance) text, when the file carries one: the disclosure must reconcile to it */
  closing?: { amount: string; line: number; column: string };
  /** true when the amount columns are in 万元 (ten-thousand yuan) */
  amountsInWan: boolean;
}

/** A validated ledger line: money in integer fen, account resolved to the 2023 chart. */
export interface LedgerEntry {
  line: number;
  date: string; // YYYY-MM-DD
  period: string; // YYYY-MM
  voucherNo: string;
  accountCode: string;
  accountName: string;
  summary: string;
  /** cash in (收入/借方 of cash) or out (支出) */
  direction: 'in' | 'out';
  amountFen: number;
  counterparty: string | null;
}

export interface LedgerError {
  line: number;
  column: string;
  message: string;
}

export type NormalizeResult =
  | { ok: true; entries: LedgerEntry[]; openingFen: number | null; closingFen: number | null }
  | { ok: false; errors: LedgerError[] };
