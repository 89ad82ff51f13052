const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

function partsIn(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekdayIndex = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { year: get('year'), month: String(Number(get('month'))), day: String(Number(get('day'))), hour: get('hour'), minute: get('minute'), weekday: WEEKDAYS[weekdayIndex] };
}

/** "2026年12月5日（星期六）19:30" in the village's time zone. */
export function formatDateTimeZh(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.year}年${p.month}月${p.day}日（${p.weekday}）${p.hour}:${p.minute}`;
}

/** "2026年12月" */
export function formatMonthZh(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${p.year}年${p.month}月`;
}

/** Chat platforms that cannot render markdown get this plain-text form of the same message. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Phone numbers are personal information: logs and chat replies show only 138****5678. */
export function maskPhone(phone: string): string {
  const digits = normalizeMobile(phone);
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Digits only; a mainland mobile with its +86 country code becomes the 11-digit number villagers know. */
export function normalizeMobile(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^86(1\d{10})$/, '$1');
}
