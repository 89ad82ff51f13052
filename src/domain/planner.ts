import { nextMeetings, type MeetingRule } from './schedule.ts';

export interface PlannerVillage {
  id: string;
  timezone: string;
  meetingRule: MeetingRule;
  agendaLeadMinutes: number;
  reminderLeadMinutes: number;
}

export interface PlannerMeeting {
  id: string;
  villageId: string;
  scheduledAt: Date;
}

export interface PlannerMotion {
  id: string;
  closesAt: Date;
}

/** A meeting whose votes are open and whose reminder has not gone out; closesAt = its earliest open motion's. */
export interface PlannerReminder {
  meetingId: string;
  villageId: string;
  closesAt: Date;
}

export type PlannedJob =
  | { name: 'ensure-meeting'; jobId: string; data: { villageId: string; scheduledAt: string } }
  | { name: 'post-agenda'; jobId: string; data: { meetingId: string } }
  | { name: 'close-motion'; jobId: string; data: { motionId: string } }
  | { name: 'send-reminder'; jobId: string; data: { meetingId: string } };

/**
 * What is due at `now`, as jobs whose ids depend only on what they act on: planning twice, or on two
 * instances, yields the same ids, and the queue keeps one job per id.
 * - each village's next rule-based meeting exists;
 * - a scheduled meeting's agenda goes out once its lead time has begun (not for meetings already over);
 * - an open motion whose window ended is closed;
 * - once, the reminder goes out the village's reminder lead before the meeting's first vote closes.
 */
export function planDue(
  input: { villages: PlannerVillage[]; scheduledMeetings: PlannerMeeting[]; openMotions: PlannerMotion[]; reminders?: PlannerReminder[] },
  now: Date,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const villages = new Map(input.villages.map((v) => [v.id, v]));
  for (const village of input.villages) {
    const [next] = nextMeetings(village.meetingRule, village.timezone, now, 1);
    if (next) {
      jobs.push({ name: 'ensure-meeting', jobId: `ensure-meeting-${village.id}-${next.getTime()}`, data: { villageId: village.id, scheduledAt: next.toISOString() } });
    }
  }
  for (const meeting of input.scheduledMeetings) {
    const village = villages.get(meeting.villageId);
    if (!village) continue;
    const postAt = meeting.scheduledAt.getTime() - village.agendaLeadMinutes * 60_000;
    if (postAt <= now.getTime() && meeting.scheduledAt.getTime() > now.getTime()) {
      jobs.push({ name: 'post-agenda', jobId: `post-agenda-${meeting.id}`, data: { meetingId: meeting.id } });
    }
  }
  for (const motion of input.openMotions) {
    if (motion.closesAt.getTime() <= now.getTime()) {
      jobs.push({ name: 'close-motion', jobId: `close-motion-${motion.id}`, data: { motionId: motion.id } });
    }
  }
  for (const reminder of input.reminders ?? []) {
    const village = villages.get(reminder.villageId);
    if (!village) continue;
    const remindAt = reminder.closesAt.getTime() - village.reminderLeadMinutes * 60_000;
    if (remindAt <= now.getTime() && now.getTime() < reminder.closesAt.getTime()) {
      jobs.push({ name: 'send-reminder', jobId: `send-reminder-${reminder.meetingId}`, data: { meetingId: reminder.meetingId } });
    }
  }
  return jobs;
}
