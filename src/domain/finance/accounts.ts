import type { Account, AccountCategory } from './types.ts';

/*
 * The 2023 chart: 《农村集体经济组织会计制度》(财会〔2023〕14号), in force since 2024-01-01, 42 first-level accounts.
 * Codes are from memory of the standard's 会计科目表 (the primary text was not at hand): the names and the
 * changes against 2004 match the Ministry's announcement (docs/domain.md §0.4); the numbering of the 生物资产,
 * 负债 and 损益 blocks must be verified against the published table before relying on codes alone.
 */
type Row = [code: string, name: string, category: AccountCategory, flags?: 'subsidy' | 'earmarked' | 'receivableOrPayable'];

const ROWS_2023: Row[] = [
  ['101', '库存现金', 'asset'],
  ['102', '银行存款', 'asset'],
  ['111', '短期投资', 'asset'],
  ['112', '应收款', 'asset', 'receivableOrPayable'],
  ['113', '内部往来', 'asset', 'receivableOrPayable'],
  ['121', '库存物资', 'asset'],
  ['131', '消耗性生物资产', 'asset'], // 131–134: verify
  ['132', '生产性生物资产', 'asset'],
  ['133', '生产性生物资产累计折旧', 'asset'],
  ['134', '公益性生物资产', 'asset'],
  ['141', '长期投资', 'asset'],
  ['151', '固定资产', 'asset'],
  ['152', '累计折旧', 'asset'],
  ['153', '在建工程', 'asset'], // 153/154 swapped against 2004: verify
  ['154', '固定资产清理', 'asset'],
  ['161', '无形资产', 'asset'],
  ['162', '累计摊销', 'asset'],
  ['171', '长期待摊费用', 'asset'],
  ['181', '待处理财产损溢', 'asset'],
  ['201', '短期借款', 'liability', 'receivableOrPayable'],
  ['202', '应付款', 'liability', 'receivableOrPayable'],
  ['211', '应付工资', 'liability', 'receivableOrPayable'],
  ['212', '应付劳务费', 'liability', 'receivableOrPayable'], // verify
  ['221', '应交税费', 'liability', 'receivableOrPayable'], // verify
  ['231', '长期借款及应付款', 'liability', 'receivableOrPayable'], // verify
  ['241', '一事一议资金', 'liability', 'earmarked'], // verify
  ['242', '专项应付款', 'liability', 'earmarked'], // verify
  ['301', '资本', 'equity'],
  ['311', '公积公益金', 'equity'],
  ['321', '本年收益', 'equity'],
  ['322', '收益分配', 'equity'],
  ['401', '生产（劳务）成本', 'cost'],
  ['501', '经营收入', 'income'],
  ['502', '经营支出', 'expense'],
  ['503', '税金及附加', 'expense'], // 503–541: verify
  ['511', '投资收益', 'income'],
  ['521', '补助收入', 'income', 'subsidy'],
  ['522', '其他收入', 'income'],
  ['531', '管理费用', 'expense'],
  ['532', '公益支出', 'expense'],
  ['533', '其他支出', 'expense'],
  ['541', '所得税费用', 'expense'],
];

export const CHART_2023: readonly Account[] = ROWS_2023.map(([code, name, category, flag]) => ({
  code, name, category, ...(flag ? { [flag]: true } : {}),
}));

/*
 * The 2004 chart (《村集体经济组织会计制度》财会〔2004〕12号, 33 accounts) mapped to the 2023 codes, for books
 * kept before 2024. Codes as listed in [ACC2004-T] and a reprinted 科目表; 541/551/561 (管理费用, 其他支出,
 * 投资收益) differ between secondary sources: verify.
 */
const MAP_2004: Array<[code: string, name: string, to: string]> = [
  ['101', '现金', '101'], ['102', '银行存款', '102'], ['111', '短期投资', '111'], ['112', '应收款', '112'],
  ['113', '内部往来', '113'], ['121', '库存物资', '121'],
  // 牲畜(禽) and 林木 are split by use in 2023 (消耗性/生产性/公益性); mapped to the commonest case: verify per book.
  ['131', '牲畜（禽）资产', '131'], ['132', '林木资产', '132'],
  ['141', '长期投资', '141'], ['151', '固定资产', '151'], ['152', '累计折旧', '152'],
  ['153', '固定资产清理', '154'], ['154', '在建工程', '153'],
  ['201', '短期借款', '201'], ['202', '应付款', '202'], ['211', '应付工资', '211'],
  // 应付福利费 was abolished; its cash movements are still a debt settled, so they stay with the payables.
  ['212', '应付福利费', '202'],
  ['221', '长期借款及应付款', '231'], ['231', '一事一议资金', '241'],
  ['301', '资本', '301'], ['311', '公积公益金', '311'], ['321', '本年收益', '321'], ['322', '收益分配', '322'],
  ['401', '生产（劳务）成本', '401'],
  ['501', '经营收入', '501'], ['502', '经营支出', '502'],
  // 2023 splits 发包及上交收入 by substance (承包金 → 经营收入, 村办企业上交利润 → 投资收益). One ledger line does
  // not say which, so all of it maps to 经营收入; an accountant who needs the split books it on 511 himself.
  ['511', '发包及上交收入', '501'],
  ['521', '农业税附加返还收入', '522'], // the account was abolished; such money is now 其他收入
  ['522', '补助收入', '521'], ['531', '其他收入', '522'],
  ['541', '管理费用', '531'], ['551', '其他支出', '533'], ['561', '投资收益', '511'],
];

export interface Account2004 { code: string; name: string; mapsTo: string }
export const CHART_2004: readonly Account2004[] = MAP_2004.map(([code, name, mapsTo]) => ({ code, name, mapsTo }));

export type Chart = '2023' | '2004';

export type ResolveResult =
  | { ok: true; account: Account; mappedFrom?: string; detailName?: string }
  | { ok: false; message: string };

/** Case, width and spacing do not distinguish account names: （） and () are the same. */
export function normalizeAccountName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

const BY_CODE_2023 = new Map(CHART_2023.map((a) => [a.code, a]));
const BY_CODE_2004 = new Map(CHART_2004.map((a) => [a.code, a]));
const BY_NAME_2023 = new Map(CHART_2023.map((a) => [normalizeAccountName(a.name), a]));
const BY_NAME_2004 = new Map(CHART_2004.map((a) => [normalizeAccountName(a.name), a]));

export function accountByCode(code: string): Account | undefined {
  return BY_CODE_2023.get(code);
}

// "经营收入-租赁收入", "经营收入/租赁收入", "经营收入——租赁收入", "经营收入_租赁收入"
const NAME_SEPARATORS = /\s*(?:[-_/\\|:：·—]+)\s*/;

function splitName(raw: string): { head: string; rest: string } {
  const trimmed = raw.normalize('NFKC').trim();
  const parts = trimmed.split(NAME_SEPARATORS).filter((p) => p !== '');
  return { head: normalizeAccountName(parts[0] ?? ''), rest: parts.slice(1).join('-') };
}

function topLevelByName(head: string): { account: Account; from?: Account2004 } | undefined {
  const a23 = BY_NAME_2023.get(head);
  if (a23) return { account: a23 };
  const a04 = BY_NAME_2004.get(head);
  return a04 ? { account: BY_CODE_2023.get(a04.mapsTo)!, from: a04 } : undefined;
}

/**
 * Resolves a ledger line's account to the 2023 chart. The code decides (sub-accounts by their first three
 * digits); where the 2004 and 2023 charts give one code different meanings (511 was 发包及上交收入, is now 投资收益),
 * a name equal to either chart's name at that code decides, else `opts.chart` (the chart in force when the line
 * was booked; default 2023). Without a usable code the exact first-level name of either chart decides. A name
 * that is another account's first-level name is refused rather than guessed.
 */
export function resolveAccount(code: string, name: string, opts: { chart?: Chart } = {}): ResolveResult {
  const digits = code.normalize('NFKC').replace(/[\s.\-_]/g, '');
  const top = /^\d{3,}$/.test(digits) ? digits.slice(0, 3) : '';
  const { head, rest } = splitName(name);
  const shown = [code.trim(), name.trim()].filter(Boolean).join(' ');
  if (code.trim() !== '' && top === '' && head === '') return { ok: false, message: `科目编码「${code.trim()}」格式不正确，应为数字（如 501 或 50101）` };

  const c23 = BY_CODE_2023.get(top);
  const c04 = BY_CODE_2004.get(top);
  let found: { account: Account; from?: Account2004 } | undefined;
  if (c23 && head === normalizeAccountName(c23.name)) found = { account: c23 };
  else if (c04 && head === normalizeAccountName(c04.name)) found = { account: BY_CODE_2023.get(c04.mapsTo)!, from: c04 };
  else if (c04 && opts.chart === '2004') found = { account: BY_CODE_2023.get(c04.mapsTo)!, from: c04 };
  else if (c23) found = { account: c23 };
  else if (c04) found = { account: BY_CODE_2023.get(c04.mapsTo)!, from: c04 };

  const byName = head === '' ? undefined : topLevelByName(head);
  if (found && byName && byName.account.code !== found.account.code) {
    return { ok: false, message: `科目编码 ${top}（${found.account.name}）与科目名称「${name.trim()}」不一致，请核对` };
  }
  found ??= byName;
  if (!found) {
    return { ok: false, message: `无法识别科目「${shown}」：既不在 2023 年《农村集体经济组织会计制度》科目表中，也不是 2004 年旧制度的科目` };
  }
  // The detail is what the line says beyond the first-level name: "租赁收入" of 50103, or of "经营收入-租赁收入".
  const detail = byName !== undefined ? rest : name.normalize('NFKC').trim();
  return {
    ok: true,
    account: found.account,
    ...(found.from ? { mappedFrom: `${found.from.code} ${found.from.name}` } : {}),
    ...(detail ? { detailName: detail } : {}),
  };
}
