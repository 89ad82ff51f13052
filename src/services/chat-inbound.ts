import { parseBallot, type BallotIntent } from '../domain/ballot.ts';
import type { $Enums } from '../generated/prisma/client.ts';
import type { Tx } from '../store/prisma.ts';
import type { RenderedMessage, Templates } from './templates.ts';
import type { Transact, WorkContext } from './unit-of-work.ts';

/** A chat message after its platform adapter verified and normalised it. */
export interface ChatMessage {
  platform: $Enums.ChatPlatform;
  channelId: string;
  villageId: string;
  messageId: string;
  senderId: string;
  text: string;
  sentAt?: Date;
}

export type InboundOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unknown_sender' }
  | { kind: 'comment'; commentId: string | null }
  | { kind: 'vote'; results: VoteResult[] };

type VoteResult = { motionNumber: number | null; status: 'cast' | 'changed' | 'unchanged' | 'refused'; reason?: string };

const CHOICE_LABEL = { yes: '同意', no: '反对', abstain: '弃权' } as const;
type Choice = keyof typeof CHOICE_LABEL;
type Member = { id: string; name: string; isAdult: boolean };
type OpenMotion = { id: string; number: number; title: string; status: string; closesAt: Date | null; meetingId: string };

/**
 * Records one inbound message exactly once: the InboundMessage row, the vote or comment, the decision-log
 * entries and the reply all commit together, and a repeated platform message id has no second effect.
 */
export function createChatInboundService({ transact, templates }: { transact: Transact; templates: Templates }) {
  async function receive(msg: ChatMessage): Promise<InboundOutcome> {
    return transact(async (ctx) => {
      const [inbound] = await ctx.tx.inboundMessage.createManyAndReturn({
        data: [{ villageId: msg.villageId, channelId: msg.channelId, platform: msg.platform, messageId: msg.messageId, senderId: msg.senderId, text: msg.text, sentAt: msg.sentAt ?? null, receivedAt: ctx.now }],
        skipDuplicates: true,
        select: { id: true },
      });
      if (!inbound) return { kind: 'duplicate' } as const;
      const replies: RenderedMessage[] = [];
      const outcome = await process(ctx, msg, inbound.id, replies);
      await ctx.tx.inboundMessage.update({ where: { id: inbound.id }, data: { outcome: outcome as object } });
      if (replies.length > 0) {
        const channel = await ctx.tx.channel.findUnique({ where: { id: msg.channelId }, select: { outboundUrl: true } });
        if (channel?.outboundUrl) {
          await ctx.send([{ id: `reply-${inbound.id}`, villageId: msg.villageId, channelId: msg.channelId, type: 'reply', text: replies.map((r) => r.text).join('\n'), markdown: replies.map((r) => r.markdown).join('\n\n') }]);
        }
      }
      return outcome;
    });
  }

  async function process(ctx: WorkContext, msg: ChatMessage, inboundId: string, replies: RenderedMessage[]): Promise<InboundOutcome> {
    const reply = async (name: string, vars: Record<string, unknown>) => replies.push(await templates.render(`replies/${name}`, vars));
    const identity = await ctx.tx.chatIdentity.findUnique({
      where: { villageId_platform_externalId: { villageId: msg.villageId, platform: msg.platform, externalId: msg.senderId } },
      include: { member: { select: { id: true, name: true, isAdult: true } } },
    });
    if (!identity) {
      await reply('unknown-sender', {});
      return { kind: 'unknown_sender' };
    }
    const member = identity.member;
    const intent = parseBallot(msg.text);
    const motions = await motionsOfOpenMeeting(ctx.tx, msg.villageId);
    if (intent.kind === 'comment') return { kind: 'comment', commentId: await addComment(ctx, msg, member, motions, intent.text, null, inboundId, reply) };

    const results: VoteResult[] = [];
    for (const { motionNumber, choice } of intent.choices) {
      results.push(await castOne(ctx, msg, member, motions, motionNumber, choice, inboundId, reply));
    }
    if (intent.comment) {
      const target = results.length === 1 ? motions.find((m) => m.number === results[0].motionNumber) ?? null : null;
      await addComment(ctx, msg, member, motions, intent.comment, target?.id ?? null, inboundId, reply);
    }
    return { kind: 'vote', results };
  }

  async function castOne(
    ctx: WorkContext, msg: ChatMessage, member: Member, motions: OpenMotion[], motionNumber: number | null, choice: Choice, inboundId: string,
    reply: (name: string, vars: Record<string, unknown>) => Promise<unknown>,
  ): Promise<VoteResult> {
    const open = motions.filter((m) => m.status === 'open' && !(m.closesAt && m.closesAt <= ctx.now));
    const refuse = async (reason: string, template: string, vars: Record<string, unknown>) => {
      await reply(template, { name: member.name, ...vars });
      return { motionNumber, status: 'refused' as const, reason };
    };
    let motion: OpenMotion | undefined;
    if (motionNumber === null) {
      if (open.length === 0) return refuse('no_open_motion', 'no-open-motion', {});
      if (open.length > 1) return refuse('which_motion', 'which-motion', { motions: open, choice: CHOICE_LABEL[choice] });
      motion = open[0];
    } else {
      motion = motions.find((m) => m.number === motionNumber);
      if (!motion) return refuse('no_such_motion', 'no-such-motion', { number: motionNumber, motions: open });
      if (!open.includes(motion)) return refuse('closed', 'motion-closed', { motion });
    }
    if (!member.isAdult) return refuse('not_eligible', 'not-eligible', { motion });

    const existing = await ctx.tx.vote.findUnique({ where: { motionId_memberId: { motionId: motion.id, memberId: member.id } } });
    if (existing?.choice === choice) {
      await reply('vote-unchanged', { name: member.name, motion, choice: CHOICE_LABEL[choice] });
      return { motionNumber: motion.number, status: 'unchanged' };
    }
    await ctx.tx.vote.upsert({
      where: { motionId_memberId: { motionId: motion.id, memberId: member.id } },
      create: { motionId: motion.id, memberId: member.id, choice, createdAt: ctx.now, updatedAt: ctx.now },
      update: { choice, updatedAt: ctx.now },
    });
    await ctx.log({
      villageId: msg.villageId,
      type: existing ? 'vote.changed' : 'vote.cast',
      actor: `member:${member.id}`,
      payload: { motionId: motion.id, motionNumber: motion.number, memberId: member.id, memberName: member.name, choice, previousChoice: existing?.choice ?? null, platform: msg.platform, inboundMessageId: inboundId },
    });
    await reply('vote-recorded', { name: member.name, motion, choice: CHOICE_LABEL[choice], previous: existing ? CHOICE_LABEL[existing.choice] : null });
    return { motionNumber: motion.number, status: existing ? 'changed' : 'cast' };
  }

  async function addComment(
    ctx: WorkContext, msg: ChatMessage, member: Member, motions: OpenMotion[], text: string, motionId: string | null, inboundId: string,
    reply: (name: string, vars: Record<string, unknown>) => Promise<unknown>,
  ): Promise<string | null> {
    const meetingId = motions[0]?.meetingId ?? null;
    if (!meetingId) {
      await reply('comment-no-meeting', { name: member.name });
      return null;
    }
    const comment = await ctx.tx.comment.create({ data: { meetingId, motionId, memberId: member.id, text, createdAt: ctx.now } });
    await ctx.log({
      villageId: msg.villageId,
      type: 'comment.added',
      actor: `member:${member.id}`,
      payload: { commentId: comment.id, meetingId, motionId, memberId: member.id, memberName: member.name, text, platform: msg.platform, inboundMessageId: inboundId },
    });
    await reply('comment-recorded', { name: member.name });
    return comment.id;
  }

  return { receive };
}

/**
 * The motions of the meeting villagers are voting in: the latest one with open motions, else the latest one
 * whose agenda went out (so "2号同意" after the close gets "already closed", not "no such motion").
 */
async function motionsOfOpenMeeting(tx: Tx, villageId: string): Promise<OpenMotion[]> {
  const latestOpen = await tx.motion.findFirst({ where: { villageId, status: 'open' }, orderBy: { meeting: { scheduledAt: 'desc' } }, select: { meetingId: true } });
  const meetingId = latestOpen?.meetingId ?? (await latestPostedMeetingId(tx, villageId));
  if (!meetingId) return [];
  return tx.motion.findMany({ where: { meetingId, status: { not: 'draft' } }, orderBy: { number: 'asc' }, select: { id: true, number: true, title: true, status: true, closesAt: true, meetingId: true } });
}

async function latestPostedMeetingId(tx: Tx, villageId: string): Promise<string | null> {
  const meeting = await tx.meeting.findFirst({ where: { villageId, status: { not: 'scheduled' } }, orderBy: { scheduledAt: 'desc' }, select: { id: true } });
  return meeting?.id ?? null;
}

export type ChatInboundService = ReturnType<typeof createChatInboundService>;
export type { BallotIntent };
