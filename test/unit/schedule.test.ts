import { describe, expect, it } from "vitest";
import {
  describeRule,
  isValidTimeZone,
  meetingInMonth,
  meetingRuleSchema,
  nextMeetings,
  type MeetingRule,
} from "../../src/domain/schedule.ts";

const SH = "Asia/Shanghai";
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const day = (d: number, time = "19:30"): MeetingRule => ({ kind: "monthlyDay", day: d, time });
const weekday = (nth: 1 | 2 | 3 | 4 | -1, wd: number, time = "19:30"): MeetingRule => ({
  kind: "monthlyWeekday",
  nth,
  weekday: wd,
  time,
});

describe("meetingRuleSchema", () => {
  it("accepts valid rules", () => {
    expect(meetingRuleSchema.safeParse(day(1, "00:00")).success).toBe(true);
    expect(meetingRuleSchema.safeParse(day(31, "23:59")).success).toBe(true);
    expect(meetingRuleSchema.safeParse(weekday(-1, 7)).success).toBe(true);
    expect(meetingRuleSchema.safeParse(weekday(4, 1)).success).toBe(true);
  });

  it.each([
    ["day 0", day(0)],
    ["day 32", day(32)],
    ["fractional day", day(5.5)],
    ["time 25:00", day(5, "25:00")],
    ["time 24:00", day(5, "24:00")],
    ["time 19:60", day(5, "19:60")],
    ["time without leading zero", day(5, "9:30")],
    ["time with seconds", day(5, "19:30:00")],
    ["nth 5", { kind: "monthlyWeekday", nth: 5, weekday: 5, time: "19:30" }],
    ["nth 0", { kind: "monthlyWeekday", nth: 0, weekday: 5, time: "19:30" }],
    ["nth -2", { kind: "monthlyWeekday", nth: -2, weekday: 5, time: "19:30" }],
    ["weekday 0", weekday(1, 0)],
    ["weekday 8", weekday(1, 8)],
    ["unknown kind", { kind: "weekly", weekday: 1, time: "19:30" }],
    ["missing time", { kind: "monthlyDay", day: 5 }],
    ["day as string", { kind: "monthlyDay", day: "5", time: "19:30" }],
  ])("rejects %s", (_label, rule) => {
    expect(meetingRuleSchema.safeParse(rule).success).toBe(false);
  });
});

describe("isValidTimeZone", () => {
  it("accepts IANA zones and rejects junk", () => {
    expect(isValidTimeZone("Asia/Shanghai")).toBe(true);
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(isValidTimeZone("+08:00")).toBe(false);
  });

  it("makes the schedule functions throw on an invalid zone", () => {
    expect(() => meetingInMonth(day(5), "Nope/Zone", 2025, 1)).toThrow(RangeError);
    expect(() => nextMeetings(day(5), "Nope/Zone", new Date(), 1)).toThrow(RangeError);
  });
});

describe("meetingInMonth", () => {
  it("converts Asia/Shanghai wall time to UTC", () => {
    expect(meetingInMonth(day(5), SH, 2025, 1).toISOString()).toBe("2025-01-05T11:30:00.000Z");
    expect(meetingInMonth(day(5, "07:00"), SH, 2025, 1).toISOString()).toBe("2025-01-04T23:00:00.000Z");
  });

  it.each([
    [4, "2025-04-30T11:30:00.000Z"],
    [6, "2025-06-30T11:30:00.000Z"],
    [9, "2025-09-30T11:30:00.000Z"],
    [11, "2025-11-30T11:30:00.000Z"],
    [5, "2025-05-31T11:30:00.000Z"],
  ])("clamps day 31 to the last day of month %i", (month, expected) => {
    expect(meetingInMonth(day(31), SH, 2025, month).toISOString()).toBe(expected);
  });

  it.each([
    [29, 2027, "2027-02-28"],
    [30, 2027, "2027-02-28"],
    [31, 2027, "2027-02-28"],
    [28, 2027, "2027-02-28"],
    [29, 2028, "2028-02-29"],
    [30, 2028, "2028-02-29"],
    [31, 2028, "2028-02-29"],
    [28, 2028, "2028-02-28"],
  ])("day %i in February %i falls on %s", (d, year, expected) => {
    expect(meetingInMonth(day(d, "12:00"), "UTC", year, 2).toISOString()).toBe(`${expected}T12:00:00.000Z`);
  });

  it("finds nth weekdays (August 2025 starts on a Friday)", () => {
    expect(meetingInMonth(weekday(1, 5), SH, 2025, 8).toISOString()).toBe("2025-08-01T11:30:00.000Z");
    expect(meetingInMonth(weekday(2, 5), SH, 2025, 8).toISOString()).toBe("2025-08-08T11:30:00.000Z");
    expect(meetingInMonth(weekday(4, 5), SH, 2025, 8).toISOString()).toBe("2025-08-22T11:30:00.000Z");
    expect(meetingInMonth(weekday(1, 4), SH, 2025, 8).toISOString()).toBe("2025-08-07T11:30:00.000Z");
    expect(meetingInMonth(weekday(1, 6), SH, 2025, 8).toISOString()).toBe("2025-08-02T11:30:00.000Z");
  });

  it("finds the last weekday (nth = -1)", () => {
    // August 2025 ends on Sunday the 31st.
    expect(meetingInMonth(weekday(-1, 5), SH, 2025, 8).toISOString()).toBe("2025-08-29T11:30:00.000Z");
    expect(meetingInMonth(weekday(-1, 7), SH, 2025, 8).toISOString()).toBe("2025-08-31T11:30:00.000Z");
    expect(meetingInMonth(weekday(-1, 1), SH, 2025, 8).toISOString()).toBe("2025-08-25T11:30:00.000Z");
    // February 2027 (28 days, starts Monday) ends on Sunday the 28th.
    expect(meetingInMonth(weekday(-1, 7), "UTC", 2027, 2).toISOString()).toBe("2027-02-28T19:30:00.000Z");
    expect(meetingInMonth(weekday(-1, 1), "UTC", 2027, 2).toISOString()).toBe("2027-02-22T19:30:00.000Z");
  });

  it("uses the zone's offset on each date in a DST zone", () => {
    const ny = "America/New_York";
    expect(meetingInMonth(day(15), ny, 2025, 1).toISOString()).toBe("2025-01-16T00:30:00.000Z");
    expect(meetingInMonth(day(15), ny, 2025, 7).toISOString()).toBe("2025-07-15T23:30:00.000Z");
  });

  it("shifts a time in the spring-forward gap forward by the gap (02:30 -> 03:30)", () => {
    // New York springs forward on the 2nd Sunday of March 2025 (the 9th).
    const ny = meetingInMonth(weekday(2, 7, "02:30"), "America/New_York", 2025, 3);
    expect(ny.toISOString()).toBe("2025-03-09T07:30:00.000Z"); // 03:30 EDT
    // Berlin springs forward on the last Sunday of March 2025 (the 30th).
    const berlin = meetingInMonth(weekday(-1, 7, "02:30"), "Europe/Berlin", 2025, 3);
    expect(berlin.toISOString()).toBe("2025-03-30T01:30:00.000Z"); // 03:30 CEST
  });

  it("resolves an ambiguous fall-back time to the later (standard-time) instant, like luxon", () => {
    const berlin = meetingInMonth(weekday(-1, 7, "02:30"), "Europe/Berlin", 2025, 10);
    expect(berlin.toISOString()).toBe("2025-10-26T01:30:00.000Z"); // 02:30 CET
  });

  it("rejects an invalid month", () => {
    expect(() => meetingInMonth(day(5), SH, 2025, 0)).toThrow(RangeError);
    expect(() => meetingInMonth(day(5), SH, 2025, 13)).toThrow(RangeError);
  });
});

describe("nextMeetings", () => {
  it("returns the next meetings in order", () => {
    const after = new Date("2025-01-01T00:00:00Z");
    expect(iso(nextMeetings(day(5), SH, after, 3))).toEqual([
      "2025-01-05T11:30:00.000Z",
      "2025-02-05T11:30:00.000Z",
      "2025-03-05T11:30:00.000Z",
    ]);
  });

  it("excludes a meeting exactly at `after` and includes one a millisecond later", () => {
    const meeting = new Date("2025-01-05T11:30:00.000Z");
    expect(iso(nextMeetings(day(5), SH, meeting, 1))).toEqual(["2025-02-05T11:30:00.000Z"]);
    const justBefore = new Date(meeting.getTime() - 1);
    expect(iso(nextMeetings(day(5), SH, justBefore, 1))).toEqual(["2025-01-05T11:30:00.000Z"]);
  });

  it("skips this month's meeting once it has passed", () => {
    const after = new Date("2025-01-05T12:00:00Z");
    expect(iso(nextMeetings(day(5), SH, after, 1))).toEqual(["2025-02-05T11:30:00.000Z"]);
  });

  it("rolls over from December into January of the next year", () => {
    const after = new Date("2025-12-20T00:00:00Z");
    expect(iso(nextMeetings(weekday(-1, 5), SH, after, 3))).toEqual([
      "2025-12-26T11:30:00.000Z",
      "2026-01-30T11:30:00.000Z",
      "2026-02-27T11:30:00.000Z",
    ]);
    const lateDecember = new Date("2025-12-31T00:00:00Z");
    expect(iso(nextMeetings(day(5), SH, lateDecember, 1))).toEqual(["2026-01-05T11:30:00.000Z"]);
  });

  it("works in the zone's local month, not the UTC month", () => {
    // 2025-01-31T20:00Z is already 1 February 04:00 in Shanghai.
    const after = new Date("2025-01-31T20:00:00Z");
    // 1 February 07:00 local is still ahead; 03:00 local has already passed.
    expect(iso(nextMeetings(day(1, "07:00"), SH, after, 2))).toEqual([
      "2025-01-31T23:00:00.000Z",
      "2025-02-28T23:00:00.000Z",
    ]);
    expect(iso(nextMeetings(day(1, "03:00"), SH, after, 1))).toEqual(["2025-02-28T19:00:00.000Z"]);
  });

  it("clamps day 31 across a run of months", () => {
    const after = new Date("2027-01-01T00:00:00Z");
    expect(iso(nextMeetings(day(31, "12:00"), "UTC", after, 4))).toEqual([
      "2027-01-31T12:00:00.000Z",
      "2027-02-28T12:00:00.000Z",
      "2027-03-31T12:00:00.000Z",
      "2027-04-30T12:00:00.000Z",
    ]);
  });

  it("crosses the DST gap in a DST zone", () => {
    const after = new Date("2025-02-15T00:00:00Z");
    expect(iso(nextMeetings(weekday(2, 7, "02:30"), "America/New_York", after, 2))).toEqual([
      "2025-03-09T07:30:00.000Z",
      "2025-04-13T06:30:00.000Z",
    ]);
  });

  it("returns a strictly increasing list of the requested length", () => {
    const result = nextMeetings(weekday(3, 2), SH, new Date("2025-06-10T00:00:00Z"), 24);
    expect(result).toHaveLength(24);
    for (let i = 1; i < result.length; i++) {
      expect(result[i].getTime()).toBeGreaterThan(result[i - 1].getTime());
    }
  });

  it("handles count 0 and rejects bad arguments", () => {
    expect(nextMeetings(day(5), SH, new Date(), 0)).toEqual([]);
    expect(() => nextMeetings(day(5), SH, new Date(), -1)).toThrow(RangeError);
    expect(() => nextMeetings(day(5), SH, new Date(), 1.5)).toThrow(RangeError);
    expect(() => nextMeetings(day(5), SH, new Date("nope"), 1)).toThrow(RangeError);
  });
});

describe("describeRule", () => {
  it.each([
    [day(5), "每月5日 19:30"],
    [day(31, "08:00"), "每月31日 08:00"],
    [weekday(1, 5), "每月第一个星期五 19:30"],
    [weekday(2, 1), "每月第二个星期一 19:30"],
    [weekday(3, 3), "每月第三个星期三 19:30"],
    [weekday(4, 6), "每月第四个星期六 19:30"],
    [weekday(-1, 5), "每月最后一个星期五 19:30"],
    [weekday(-1, 7, "09:00"), "每月最后一个星期日 09:00"],
  ])("describes %j as %s", (rule, expected) => {
    expect(describeRule(rule)).toBe(expected);
  });
});
