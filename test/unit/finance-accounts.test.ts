import { describe, expect, it } from 'vitest';
import { CHART_2004, CHART_2023, accountByCode, resolveAccount } from '../../src/domain/finance/accounts.ts';

const resolved = (code: string, name: string, chart?: '2023' | '2004') => {
  const r = resolveAccount(code, name, chart ? { chart } : {});
  if (!r.ok) throw new Error(`expected ${code} ${name} to resolve: ${r.message}`);
  return r;
};

describe('the 2023 chart', () => {
  it('has 42 first-level accounts with unique codes and names', () => {
    expect(CHART_2023).toHaveLength(42);
    expect(new Set(CHART_2023.map((a) => a.code)).size).toBe(42);
    expect(new Set(CHART_2023.map((a) => a.name)).size).toBe(42);
  });

  it('lists every income and expense account', () => {
    const pick = (category: string) => CHART_2023.filter((a) => a.category === category).map((a) => `${a.code} ${a.name}`);
    expect(pick('income')).toEqual(['501 经营收入', '511 投资收益', '521 补助收入', '522 其他收入']);
    expect(pick('expense')).toEqual(['502 经营支出', '503 税金及附加', '531 管理费用', '532 公益支出', '533 其他支出', '541 所得税费用']);
  });

  it('marks cash, subsidies, earmarked funds and 往来', () => {
    expect(accountByCode('101')?.name).toBe('库存现金');
    expect(accountByCode('102')?.name).toBe('银行存款');
    expect(accountByCode('521')).toMatchObject({ name: '补助收入', subsidy: true });
    expect(CHART_2023.filter((a) => a.earmarked).map((a) => a.name)).toEqual(['一事一议资金', '专项应付款']);
    const rp = CHART_2023.filter((a) => a.receivableOrPayable).map((a) => a.name);
    expect(rp).toEqual(expect.arrayContaining(['应收款', '内部往来', '应付款']));
    expect(rp).not.toContain('专项应付款');
  });

  it('maps every 2004 account to an existing 2023 account', () => {
    expect(CHART_2004).toHaveLength(33);
    for (const a of CHART_2004) expect(accountByCode(a.mapsTo), a.name).toBeDefined();
  });
});

describe('resolveAccount', () => {
  it('matches 2023 codes, with or without the name', () => {
    expect(resolved('501', '经营收入')).toEqual({ ok: true, account: accountByCode('501') });
    expect(resolved('532', '').account.name).toBe('公益支出');
    expect(resolved('５２１', '补助收入').account.code).toBe('521');
  });

  it('resolves sub-accounts to their parent and keeps the detailed name', () => {
    expect(resolved('50103', '租赁收入')).toMatchObject({ account: { code: '501', name: '经营收入' }, detailName: '租赁收入' });
    expect(resolved('531.01', '管理费用-办公费')).toMatchObject({ account: { code: '531' }, detailName: '办公费' });
    expect(resolved('53201', '公益支出／道路维修')).toMatchObject({ account: { code: '532' }, detailName: '道路维修' });
    expect(resolved('242', '专项应付款——高标准农田')).toMatchObject({ account: { earmarked: true }, detailName: '高标准农田' });
  });

  it('maps 2004 accounts, 发包及上交收入 to 经营收入', () => {
    expect(resolved('511', '发包及上交收入')).toMatchObject({ account: { code: '501', name: '经营收入' }, mappedFrom: '511 发包及上交收入' });
    expect(resolved('521', '农业税附加返还收入')).toMatchObject({ account: { code: '522', name: '其他收入' }, mappedFrom: '521 农业税附加返还收入' });
    expect(resolved('522', '补助收入')).toMatchObject({ account: { code: '521', subsidy: true }, mappedFrom: '522 补助收入' });
    expect(resolved('531', '其他收入').account.code).toBe('522');
    expect(resolved('541', '管理费用').account.code).toBe('531');
    expect(resolved('551', '其他支出').account.code).toBe('533');
    expect(resolved('561', '投资收益').account.code).toBe('511');
    expect(resolved('231', '一事一议资金')).toMatchObject({ account: { code: '241', earmarked: true } });
    expect(resolved('101', '现金').account.name).toBe('库存现金');
  });

  it('reads codes the two charts share by the chart in force when the line was booked', () => {
    expect(resolved('511', '').account.name).toBe('投资收益');
    expect(resolved('511', '', '2004').account.name).toBe('经营收入');
    expect(resolved('51101', '土地承包收入', '2004')).toMatchObject({ account: { code: '501' }, detailName: '土地承包收入' });
    expect(resolved('551', '').account.name).toBe('其他支出');
    expect(resolved('531', '', '2004').account.name).toBe('其他收入');
    // a name equal to a 2023 account beats the 2004 default
    expect(resolved('531', '管理费用', '2004').account.code).toBe('531');
  });

  it('matches by exact name in either chart when there is no usable code', () => {
    expect(resolved('', '公益支出').account.code).toBe('532');
    expect(resolved('', '发包及上交收入')).toMatchObject({ account: { code: '501' }, mappedFrom: '511 发包及上交收入' });
    expect(resolved('', '生产(劳务)成本').account.code).toBe('401');
    expect(resolved('', '经营收入-租赁收入')).toMatchObject({ account: { code: '501' }, detailName: '租赁收入' });
    expect(resolved('1001', '库存现金').account.code).toBe('101');
  });

  it('refuses unknown accounts and contradictions in Chinese', () => {
    expect(resolveAccount('999', '某某')).toEqual({
      ok: false,
      message: '无法识别科目「999 某某」：既不在 2023 年《农村集体经济组织会计制度》科目表中，也不是 2004 年旧制度的科目',
    });
    expect(resolveAccount('', '租赁收入').ok).toBe(false);
    expect(resolveAccount('502', '经营收入')).toEqual({ ok: false, message: '科目编码 502（经营支出）与科目名称「经营收入」不一致，请核对' });
    expect(resolveAccount('abc', '')).toEqual({ ok: false, message: '科目编码「abc」格式不正确，应为数字（如 501 或 50101）' });
  });
});
