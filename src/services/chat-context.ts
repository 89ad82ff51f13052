import type { $Enums } from '../generated/prisma/client.ts';
import type { Tx } from '../store/prisma.ts';
import type { WorkContext } from './unit-of-work.ts';

/** A chat message after its platform adapter verified and normalised it. */
export interface ChatMessage {
  platform: $Enums.ChatPlatform;
  channelId: string;
  villageId: string;
  messageId: string;
  senderId: string;
  text: string;
  sentAt?: Date;
  /** a platform's per-message reply URL (DingTalk sessionWebhook) and until when it works */
  replyVia?: { url: string; expiresAt: string };
  /**
   * false for a group message that did not @ the bot on a platform that delivers every message (OneBot):
   * votes and commands still count, but chatter is neither recorded as a comment nor answered
   */
  addressed?: boolean;
}

export type Reply = (template: string, vars: Record<string, unknown>) => Promise<void>;

/** Everything one inbound message's handlers share, inside its transaction. */
export interface InboundContext {
  work: WorkContext;
  msg: ChatMessage;
  inboundId: string;
  reply: Reply;
  /** the spans of the text the parser matched, logged with a vote to show why the text counted */
  matched: Array<{ start: number; end: number; text: string; role: string }>;
}

export interface SenderMember {
  id: string;
  name: string;
  householdId: string;
  isAdult: boolean;
  roles: string[];
  groupName: string | null;
  phone: string | null;
}

export type OpenMotion = {
  id: string;
  number: number;
  title: string;
  status: string;
  closesAt: Date | null;
  meetingId: string;
  decidingBody: string;
  subjectKind: string;
  householdRoute: boolean;
  groupName: string | null;
};

/**
 * The motions of the meeting villagers are voting in: the latest one with open motions, else the latest one
 * whose agenda went out (so "2号同意" after the close gets "already closed", not "no such motion").
 */
export async function motionsOfCurrentMeeting(tx: Tx, villageId: string): Promise<OpenMotion[]> {
  const latestOpen = await tx.motion.findFirst({ where: { villageId, status: 'open' }, orderBy: { meeting: { scheduledAt: 'desc' } }, select: { meetingId: true } });
  const meetingId = latestOpen?.meetingId ?? (await latestPostedMeetingId(tx, villageId));
  if (!meetingId) return [];
  return tx.motion.findMany({
    where: { meetingId, status: { not: 'draft' } },
    orderBy: { number: 'asc' },
    select: { id: true, number: true, title: true, status: true, closesAt: true, meetingId: true, decidingBody: true, subjectKind: true, householdRoute: true, groupName: true },
  });
}

async function latestPostedMeetingId(tx: Tx, villageId: string): Promise<string | null> {
  const meeting = await tx.meeting.findFirst({ where: { villageId, status: { not: 'scheduled' } }, orderBy: { scheduledAt: 'desc' }, select: { id: true } });
  return meeting?.id ?? null;
}

/** Open for votes right now: status open and its window not yet ended (the close job may lag a minute). */
export const isVotable = (m: OpenMotion, now: Date) => m.status === 'open' && !(m.closesAt && m.closesAt <= now);

export const CHOICE_LABEL = { yes: '同意', no: '反对', abstain: '弃权' } as const;
export type Choice = keyof typeof CHOICE_LABEL;
