import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

const timeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time must be HH:MM (00:00–23:59)");

export const meetingRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("monthlyDay"),
    day: z.number().int().min(1).max(31),
    time: timeSchema,
  }),
  z.object({
    kind: z.literal("monthlyWeekday"),
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]),
    weekday: z.number().int().min(1).max(7),
    time: timeSchema,
  }),
]);

export type MeetingRule = z.infer<typeof meetingRuleSchema>;

export function isValidTimeZone(tz: string): boolean {
  return typeof tz === "string" && tz.length > 0 && IANAZone.isValidZone(tz);
}

function assertTimeZone(tz: string): void {
  if (!isValidTimeZone(tz)) throw new RangeError(`invalid IANA time zone: ${String(tz)}`);
}

function parseTime(time: string): { hour: number; minute: number } {
  const [hour, minute] = time.split(":").map(Number);
  return { hour, minute };
}

function dayOfMonth(rule: MeetingRule, year: number, month: number): number {
  // Zone-independent: only the calendar of the month matters here.
  const first = DateTime.utc(year, month, 1);
  const daysInMonth = first.daysInMonth ?? 28;
  if (rule.kind === "monthlyDay") return Math.min(rule.day, daysInMonth);
  if (rule.nth === -1) {
    const lastWeekday = first.set({ day: daysInMonth }).weekday;
    return daysInMonth - ((lastWeekday - rule.weekday + 7) % 7);
  }
  const offset = (rule.weekday - first.weekday + 7) % 7;
  return 1 + offset + (rule.nth - 1) * 7;
}

/**
 * The meeting instant of the given month (1–12) in `timezone`.
 * A wall-clock time inside a DST spring-forward gap is shifted forward by the
 * gap length (02:30 → 03:30), and an ambiguous fall-back time resolves the
 * way luxon does; both follow luxon's `DateTime.fromObject`.
 */
export function meetingInMonth(
  rule: MeetingRule,
  timezone: string,
  year: number,
  month: number,
): Date {
  assertTimeZone(timezone);
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`invalid year/month: ${year}-${month}`);
  }
  const { hour, minute } = parseTime(rule.time);
  const local = DateTime.fromObject(
    { year, month, day: dayOfMonth(rule, year, month), hour, minute },
    { zone: timezone },
  );
  if (!local.isValid) throw new RangeError(`cannot build meeting time: ${local.invalidReason}`);
  return local.toJSDate();
}

/** The next `count` meeting instants strictly after `after`, ascending. */
export function nextMeetings(
  rule: MeetingRule,
  timezone: string,
  after: Date,
  count: number,
): Date[] {
  assertTimeZone(timezone);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`invalid count: ${count}`);
  if (Number.isNaN(after.getTime())) throw new RangeError("invalid `after` date");

  // Start one month early so a meeting pushed across a month boundary is not missed.
  let cursor = DateTime.fromJSDate(after, { zone: timezone }).startOf("month").minus({ months: 1 });
  const result: Date[] = [];
  while (result.length < count) {
    const meeting = meetingInMonth(rule, timezone, cursor.year, cursor.month);
    if (meeting.getTime() > after.getTime()) result.push(meeting);
    cursor = cursor.plus({ months: 1 });
  }
  return result;
}

const ORDINALS: Record<number, string> = { 1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", [-1]: "最后一个" };
const WEEKDAYS = ["", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

/** Natural zh-CN description, e.g. "每月5日 19:30" or "每月最后一个星期五 19:30". */
export function describeRule(rule: MeetingRule): string {
  if (rule.kind === "monthlyDay") return `每月${rule.day}日 ${rule.time}`;
  return `每月${ORDINALS[rule.nth]}${WEEKDAYS[rule.weekday]} ${rule.time}`;
}
