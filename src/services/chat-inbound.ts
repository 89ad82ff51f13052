import { ACCEPTED_FORMS_ZH, parseBallot } from '../domain/ballot.ts';
import { stripMentions } from '../domain/mention.ts';
import { sealSecret } from '../domain/secret-box.ts';
import type { Queues } from '../jobs/queues.ts';
import type { Db } from '../store/prisma.ts';
import { addComment, attend, bind, query } from './chat-commands.ts';
import { isVotable, motionsOfCurrentMeeting, type ChatMessage, type InboundContext, type SenderMember } from './chat-context.ts';
import { castVote, type VoteResult } from './chat-votes.ts';
import { draftFor } from './outbox.ts';
import type { RenderedMessage, Templates } from './templates.ts';
import type { Transact, WorkContext } from './unit-of-work.ts';

export type { ChatMessage } from './chat-context.ts';

/** A verified message as a platform adapter hands it over; the channel supplies the rest. */
export type ChannelMessage = Omit<ChatMessage, 'channelId' | 'villageId' | 'platform'>;

export type InboundOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unknown_sender' }
  | { kind: 'comment'; commentId: string | null; ambiguous?: boolean }
  | { kind: 'vote'; results: VoteResult[] }
  | { kind: 'checked_in' | 'on_leave'; status: string }
  | { kind: 'bind'; status: string }
  | { kind: 'query' }
  | { kind: 'ignored'; reason: 'not_addressed' };

/**
 * Inbound chat messages in two steps. `accept` stores the raw message durably (unique per platform message id,
 * so a repeated delivery is recognised) and is all a platform's deadline has to wait for. `process` then has
 * the message's effect, its decision-log entries and its reply commit together, exactly once; rows left
 * unprocessed (a crash between the steps) are picked up by the sweeper.
 */
export function createChatInboundService({ db, transact, templates, secretKey, queues }: { db: Db; transact: Transact; templates: Templates; secretKey: Buffer; queues: Queues }) {
  async function accept(msg: ChatMessage): Promise<{ status: 'accepted' | 'duplicate'; inboundId: string | null }> {
    const [row] = await db.inboundMessage.createManyAndReturn({
      data: [{
        villageId: msg.villageId, channelId: msg.channelId, platform: msg.platform, messageId: msg.messageId, senderId: msg.senderId, text: msg.text,
        sentAt: msg.sentAt ?? null, replyViaEnc: msg.replyVia ? sealSecret(JSON.stringify(msg.replyVia), secretKey) : null, addressed: msg.addressed ?? true,
      }],
      skipDuplicates: true,
      select: { id: true },
    });
    return row ? { status: 'accepted', inboundId: row.id } : { status: 'duplicate', inboundId: null };
  }

  async function process(inboundId: string): Promise<InboundOutcome | null> {
    return transact(async (work) => {
      // The row lock makes a sweeper and a worker that pick the same message take turns; the second sees it done.
      const [row] = await work.tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "InboundMessage" WHERE id = ${inboundId}::uuid AND "processedAt" IS NULL FOR UPDATE`;
      if (!row) return null;
      const stored = await work.tx.inboundMessage.findUniqueOrThrow({ where: { id: inboundId } });
      const msg: ChatMessage = { platform: stored.platform, channelId: stored.channelId, villageId: stored.villageId, messageId: stored.messageId, senderId: stored.senderId, text: stored.text, sentAt: stored.sentAt ?? undefined, addressed: stored.addressed };
      const replies: RenderedMessage[] = [];
      const ic: InboundContext = { work, msg, inboundId, matched: [], reply: async (name, vars) => void replies.push(await templates.render(`replies/${name}`, vars)) };
      const outcome = await dispatch(ic);
      await work.tx.inboundMessage.update({ where: { id: inboundId }, data: { outcome: outcome as object, processedAt: work.now } });
      await queueReply(work, msg, inboundId, stored.replyViaEnc, replies);
      return outcome;
    });
  }

  return {
    accept,
    process,
    /**
     * What a platform hook or long connection calls with a verified message: strip the @bot mention, store the
     * message, queue its processing. A failed enqueue is only logged: the sweeper processes stored rows.
     */
    async acceptFromChannel(channel: { id: string; villageId: string; platform: ChatMessage['platform']; settings: Record<string, unknown> }, msg: ChannelMessage, onEnqueueError: (err: Error) => void) {
      const text = stripMentions(msg.text, (channel.settings.botName as string | undefined) ?? null);
      const accepted = await accept({ ...msg, text, platform: channel.platform, channelId: channel.id, villageId: channel.villageId });
      if (accepted.inboundId) await queues.enqueueInbound(accepted.inboundId).catch(onEnqueueError);
      return accepted.status;
    },
    /** Both steps at once, for callers that answer with the outcome (our own signed webhook). */
    async receive(msg: ChatMessage): Promise<InboundOutcome> {
      const accepted = await accept(msg);
      if (!accepted.inboundId) return { kind: 'duplicate' };
      return (await process(accepted.inboundId)) ?? { kind: 'duplicate' };
    },
    /** Accepted messages still unprocessed after the grace period (the process job was lost). */
    async staleUnprocessed(olderThan: Date, limit = 500) {
      const rows = await db.inboundMessage.findMany({ where: { processedAt: null, receivedAt: { lt: olderThan } }, select: { id: true }, take: limit });
      return rows.map((r) => r.id);
    },
  };
}

async function dispatch(ic: InboundContext): Promise<InboundOutcome> {
  const { work, msg } = ic;
  const intent = parseBallot(msg.text);
  if (intent.kind === 'comment' && msg.addressed === false) return { kind: 'ignored', reason: 'not_addressed' };
  if (intent.kind === 'bind') return bind(ic, intent.code);
  const identity = await work.tx.chatIdentity.findUnique({
    where: { villageId_platform_externalId: { villageId: msg.villageId, platform: msg.platform, externalId: msg.senderId } },
    include: { member: { select: { id: true, name: true, householdId: true, isAdult: true, roles: true, groupName: true, phone: true } } },
  });
  const motions = await motionsOfCurrentMeeting(work.tx, msg.villageId);
  if (intent.kind === 'query') return query(ic, identity?.member ?? null, motions);
  if (!identity) {
    await ic.reply('unknown-sender', {});
    return { kind: 'unknown_sender' };
  }
  const member: SenderMember = identity.member;
  switch (intent.kind) {
    case 'check_in':
      return attend(ic, member, motions, 'checked_in', null);
    case 'leave':
      return attend(ic, member, motions, 'on_leave', intent.reason || null);
    case 'comment':
      if (intent.ambiguous) {
        await ic.reply('ambiguous', { name: member.name, forms: ACCEPTED_FORMS_ZH });
        const { commentId } = await addComment({ ...ic, reply: async () => {} }, member, motions, intent.text, null);
        return { kind: 'comment', commentId, ambiguous: true };
      }
      return addComment(ic, member, motions, intent.text, null);
    case 'vote':
    case 'all': {
      ic.matched = intent.spans;
      // "全部同意" means every motion open now; with none open, castVote's own "no open motion" reply applies.
      const open = motions.filter((m) => isVotable(m, work.now));
      const targets = intent.kind === 'vote' ? intent.choices
        : open.length > 0 ? open.map((m) => ({ motionNumber: m.number, choice: intent.choice }))
        : [{ motionNumber: null, choice: intent.choice }];
      const results: VoteResult[] = [];
      for (const { motionNumber, choice } of targets) results.push(await castVote(ic, member, motions, motionNumber, choice));
      if (intent.comment) {
        const single = results.length === 1 ? motions.find((m) => m.number === results[0].motionNumber) : undefined;
        await addComment(ic, member, motions, intent.comment, single?.id ?? null);
      }
      return { kind: 'vote', results };
    }
  }
}

/** The reply goes back to the channel the message came from: its push side, or the message's own reply URL. */
async function queueReply(work: WorkContext, msg: ChatMessage, inboundId: string, replyViaEnc: string | null, replies: RenderedMessage[]) {
  if (replies.length === 0) return;
  const channel = await work.tx.channel.findUnique({ where: { id: msg.channelId }, select: { id: true, platform: true, settings: true, outboundUrl: true } });
  if (!channel || (!channel.outboundUrl && !replyViaEnc)) return;
  const message = { text: replies.map((r) => r.text).join('\n'), markdown: replies.map((r) => r.markdown).join('\n\n') };
  await work.send([draftFor(channel, msg.villageId, { key: `reply-${inboundId}`, type: 'reply' }, message, { replyViaEnc })]);
}

export type ChatInboundService = ReturnType<typeof createChatInboundService>;
