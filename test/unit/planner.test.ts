import { describe, expect, it } from 'vitest';
import { planDue, type PlannerMeeting, type PlannerMotion, type PlannerVillage } from '../../src/domain/planner.ts';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;

/** 5th of every month, 19:30 Beijing time; agenda one day ahead. */
const sunshine: PlannerVillage = {
  id: 'v-sunshine',
  timezone: 'Asia/Shanghai',
  meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' },
  agendaLeadMinutes: 1440,
  reminderLeadMinutes: 60,
};
/** Second Tuesday of every month, 20:00 Beijing time; agenda two hours ahead. */
const river: PlannerVillage = {
  id: 'v-river',
  timezone: 'Asia/Shanghai',
  meetingRule: { kind: 'monthlyWeekday', nth: 2, weekday: 2, time: '20:00' },
  agendaLeadMinutes: 120,
  reminderLeadMinutes: 30,
};

const DEC_5 = at('2026-12-05T19:30:00+08:00');
const decMeeting: PlannerMeeting = { id: 'm-dec', villageId: sunshine.id, scheduledAt: DEC_5 };

const plan = (input: Partial<Parameters<typeof planDue>[0]>, now: Date) =>
  planDue({ villages: [], scheduledMeetings: [], openMotions: [], ...input }, now);
const named = (jobs: ReturnType<typeof planDue>, name: string) => jobs.filter((j) => j.name === name);

describe('planDue: the next meeting of each village', () => {
  it('plans one ensure-meeting job per village with an id made of the village and the instant', () => {
    const jobs = plan({ villages: [sunshine, river] }, at('2026-12-01T00:00:00+08:00'));
    expect(jobs).toEqual([
      {
        name: 'ensure-meeting',
        jobId: `ensure-meeting-v-sunshine-${DEC_5.getTime()}`,
        data: { villageId: 'v-sunshine', scheduledAt: '2026-12-05T11:30:00.000Z' },
      },
      {
        // 1 Dec 2026 is a Tuesday, so the second Tuesday is the 8th.
        name: 'ensure-meeting',
        jobId: `ensure-meeting-v-river-${at('2026-12-08T20:00:00+08:00').getTime()}`,
        data: { villageId: 'v-river', scheduledAt: '2026-12-08T12:00:00.000Z' },
      },
    ]);
  });

  it('is deterministic: the same input twice gives identical jobs, and the id does not depend on when the tick ran', () => {
    const input = { villages: [sunshine, river], scheduledMeetings: [decMeeting], openMotions: [{ id: 'x', closesAt: at('2026-12-01T00:00:00Z') }] };
    const now = at('2026-12-04T20:00:00+08:00');
    const first = planDue(input, now);
    const second = planDue(structuredClone(input), new Date(now.getTime()));
    expect(second).toEqual(first);
    expect(first.map((j) => j.name)).toEqual(['ensure-meeting', 'ensure-meeting', 'post-agenda', 'close-motion']);

    // Ticks a minute apart, or days apart, within the same period name the same meeting.
    const ids = (t: string) => named(plan({ villages: [sunshine, river] }, at(t)), 'ensure-meeting').map((j) => j.jobId);
    expect(ids('2026-12-01T00:01:00+08:00')).toEqual(ids('2026-12-01T00:00:00+08:00'));
    expect(ids('2026-12-04T23:59:00+08:00')).toEqual(ids('2026-12-01T00:00:00+08:00'));
  });

  it('follows a monthlyWeekday rule into the next month once this month’s meeting has begun', () => {
    const [sameInstant] = plan({ villages: [river] }, at('2026-12-08T20:00:00+08:00'));
    // Strictly after now: at 20:00 on the 8th the next one is the second Tuesday of January 2027 (the 12th).
    expect(sameInstant.data).toEqual({ villageId: 'v-river', scheduledAt: at('2027-01-12T20:00:00+08:00').toISOString() });
    const [justBefore] = plan({ villages: [river] }, at('2026-12-08T19:59:00+08:00'));
    expect(justBefore.data).toEqual({ villageId: 'v-river', scheduledAt: at('2026-12-08T20:00:00+08:00').toISOString() });
  });

  it('rolls a monthlyDay rule over to next month after the meeting', () => {
    const [job] = plan({ villages: [sunshine] }, at('2026-12-05T19:30:00+08:00'));
    expect(job).toMatchObject({ name: 'ensure-meeting', data: { scheduledAt: at('2027-01-05T19:30:00+08:00').toISOString() } });
  });
});

describe('planDue: posting the agenda', () => {
  const agendaJobs = (now: Date, meetings: PlannerMeeting[] = [decMeeting], villages = [sunshine]) =>
    named(plan({ villages, scheduledMeetings: meetings }, now), 'post-agenda');

  it('is due exactly when the lead time begins (scheduledAt − lead == now)', () => {
    const leadStart = new Date(DEC_5.getTime() - sunshine.agendaLeadMinutes * MINUTE);
    expect(leadStart.toISOString()).toBe(at('2026-12-04T19:30:00+08:00').toISOString());
    expect(agendaJobs(leadStart)).toEqual([{ name: 'post-agenda', jobId: 'post-agenda-m-dec', data: { meetingId: 'm-dec' } }]);
  });

  it('is not due one minute before the lead time begins', () => {
    expect(agendaJobs(at('2026-12-04T19:29:00+08:00'))).toEqual([]);
    expect(agendaJobs(at('2026-12-04T19:29:59.999+08:00'))).toEqual([]);
  });

  it('stays due (with the same id) through the lead window, up to the meeting', () => {
    const a = agendaJobs(at('2026-12-04T19:31:00+08:00'));
    const b = agendaJobs(at('2026-12-05T19:29:00+08:00'));
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  });

  it('is not posted for a meeting that has already started or is over', () => {
    expect(agendaJobs(DEC_5)).toEqual([]);
    expect(agendaJobs(at('2026-12-05T19:31:00+08:00'))).toEqual([]);
    expect(agendaJobs(at('2026-12-06T00:00:00+08:00'))).toEqual([]);
  });

  it('uses each village’s own lead time', () => {
    const riverMeeting: PlannerMeeting = { id: 'm-river', villageId: river.id, scheduledAt: at('2026-12-08T20:00:00+08:00') };
    const meetings = [decMeeting, riverMeeting];
    // 18:00 on the 8th is inside the river village's two hours, long after the sunshine meeting.
    expect(agendaJobs(at('2026-12-08T18:00:00+08:00'), meetings, [sunshine, river]).map((j) => j.jobId)).toEqual(['post-agenda-m-river']);
    expect(agendaJobs(at('2026-12-08T17:59:00+08:00'), meetings, [sunshine, river])).toEqual([]);
  });

  it('ignores a meeting of a village it does not know', () => {
    const stray: PlannerMeeting = { id: 'm-stray', villageId: 'v-gone', scheduledAt: DEC_5 };
    const jobs = plan({ villages: [sunshine], scheduledMeetings: [stray] }, at('2026-12-05T12:00:00+08:00'));
    expect(named(jobs, 'post-agenda')).toEqual([]);
    expect(jobs.map((j) => j.name)).toEqual(['ensure-meeting']);
    // Not even a village-less plan posts it.
    expect(plan({ scheduledMeetings: [stray] }, at('2026-12-05T12:00:00+08:00'))).toEqual([]);
  });
});

describe('planDue: closing votes', () => {
  const closesAt = at('2026-12-05T22:30:00+08:00');
  const motion: PlannerMotion = { id: 'mo-1', closesAt };

  it('closes a motion whose window ends exactly now', () => {
    expect(plan({ openMotions: [motion] }, closesAt)).toEqual([{ name: 'close-motion', jobId: 'close-motion-mo-1', data: { motionId: 'mo-1' } }]);
  });

  it('closes a motion whose window ended earlier, with the same id', () => {
    expect(plan({ openMotions: [motion] }, at('2026-12-06T08:00:00+08:00'))).toEqual(plan({ openMotions: [motion] }, closesAt));
  });

  it('does not close a motion before its window ends', () => {
    expect(plan({ openMotions: [motion] }, new Date(closesAt.getTime() - 1))).toEqual([]);
    expect(plan({ openMotions: [motion] }, new Date(closesAt.getTime() - MINUTE))).toEqual([]);
  });

  it('plans only the due motions among several', () => {
    const later: PlannerMotion = { id: 'mo-2', closesAt: new Date(closesAt.getTime() + MINUTE) };
    const earlier: PlannerMotion = { id: 'mo-0', closesAt: new Date(closesAt.getTime() - MINUTE) };
    expect(plan({ openMotions: [earlier, motion, later] }, closesAt).map((j) => j.jobId)).toEqual(['close-motion-mo-0', 'close-motion-mo-1']);
  });
});

describe('planDue: the vote reminder', () => {
  const closesAt = new Date('2026-12-05T14:30:00Z');
  const reminders = [{ meetingId: 'm-dec', villageId: sunshine.id, closesAt }];
  const plan = (now: Date) => planDue({ villages: [sunshine], scheduledMeetings: [], openMotions: [], reminders }, now).filter((j) => j.name === 'send-reminder');

  it('is due from the reminder lead before the first close until that close', () => {
    expect(plan(new Date(closesAt.getTime() - 61 * MINUTE))).toEqual([]);
    expect(plan(new Date(closesAt.getTime() - 60 * MINUTE))).toEqual([{ name: 'send-reminder', jobId: 'send-reminder-m-dec', data: { meetingId: 'm-dec' } }]);
    expect(plan(new Date(closesAt.getTime() - 1))).toHaveLength(1);
    expect(plan(closesAt)).toEqual([]);
  });

  it('ignores a reminder of an unknown village', () => {
    expect(planDue({ villages: [], scheduledMeetings: [], openMotions: [], reminders }, closesAt)).toEqual([]);
  });
});
