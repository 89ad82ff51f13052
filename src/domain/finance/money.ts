/*
 * Money is integer fen (分). Amounts are parsed digit by digit from their text and formatted from the digits of
 * the integer: no floating-point arithmetic touches a sum of money.
 */

export type ParseAmountResult = { ok: true; fen: number } | { ok: false; message: string };

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

function fail(message: string): ParseAmountResult {
  return { ok: false, message };
}

/** Digits and at most one kind of thousands separator, in groups of three. */
function integerDigits(part: string): string | null {
  if (/^\d+$/.test(part)) return part;
  if (/^\d{1,3}(?:,\d{3})+$/.test(part) || /^\d{1,3}(?: \d{3})+$/.test(part)) return part.replace(/[, ]/g, '');
  return null;
}

/** A string of decimal digits as a number, or null beyond Number.MAX_SAFE_INTEGER. */
function digitsToSafeInteger(digits: string): number | null {
  const d = digits.replace(/^0+(?=\d)/, '');
  if (d.length > MAX_SAFE_DIGITS.length || (d.length === MAX_SAFE_DIGITS.length && d > MAX_SAFE_DIGITS)) return null;
  let n = 0;
  for (const c of d) n = n * 10 + (c.charCodeAt(0) - 48);
  return n;
}

/**
 * Reads an amount as exported by bookkeeping software or typed into a sheet: "1,234.50", "1234.5", "￥1,234.50",
 * "1 234.50", full-width digits, a trailing "元", "(1,234.50)" or "-1234.5" (negative, reported as such: the
 * caller decides). In a 万元 column (`inWan`) up to six decimals are exact to the fen; in yuan up to two.
 * Trailing zeros beyond that ("12.340") are exact and accepted; "12.345" is not.
 */
export function parseAmountToFen(text: string, opts: { inWan?: boolean } = {}): ParseAmountResult {
  const shown = text.trim();
  let s = text.normalize('NFKC').trim();
  if (s === '') return fail('金额为空');
  let negatives = 0;
  if (s.startsWith('(') && s.endsWith(')')) {
    negatives += 1;
    s = s.slice(1, -1).trim();
  }
  let wan = opts.inWan === true;
  if (/万元?$/.test(s)) {
    wan = true;
    s = s.replace(/\s*万元?$/, '');
  } else if (s.endsWith('元')) {
    if (wan) return fail(`金额「${shown}」以「元」为单位，但这一列是万元，请统一单位`);
    s = s.replace(/\s*元$/, '');
  }
  const sign = /^[-−]\s*/;
  if (sign.test(s)) { negatives += 1; s = s.replace(sign, ''); }
  s = s.replace(/^¥\s*/, '');
  if (sign.test(s)) { negatives += 1; s = s.replace(sign, ''); }
  if (negatives > 1) return fail(`金额「${shown}」不是有效的数字`);

  const m = /^([\d, ]+?)(?:\.(\d+))?$/.exec(s);
  if (!m || !/^\d/.test(m[1])) return fail(`金额「${shown}」不是有效的数字`);
  const whole = integerDigits(m[1]);
  if (whole === null) return fail(`金额「${shown}」的千分位分隔符位置不正确`);
  const places = wan ? 6 : 2;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > places) {
    return fail(wan ? `金额「${shown}」超过六位小数：万元金额最多精确到分（6 位小数）` : `金额「${shown}」超过两位小数：金额最多精确到分`);
  }
  const fen = digitsToSafeInteger(whole + fraction.padEnd(places, '0'));
  if (fen === null) return fail(`金额「${shown}」超出可处理的范围`);
  return { ok: true, fen: negatives === 1 && fen !== 0 ? -fen : fen };
}

/** 123456 → "1,234.56"; -5 → "-0.05". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount must be integer fen: ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${fen < 0 ? '-' : ''}${yuan}.${digits.slice(-2)}`;
}

/** 123456 → "1,234.56 元" */
export function formatYuanZh(fen: number): string {
  return `${formatFen(fen)} 元`;
}
