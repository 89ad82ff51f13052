import { ACCEPTED_FORMS_ZH, parseBallot } from '../domain/ballot.ts';
import { addComment, attend, bind, query } from './chat-commands.ts';
import { motionsOfCurrentMeeting, isVotable, type ChatMessage, type InboundContext, type SenderMember } from './chat-context.ts';
import { castVote, type VoteResult } from './chat-votes.ts';
import type { RenderedMessage, Templates } from './templates.ts';
import type { Transact, WorkContext } from './unit-of-work.ts';

export type { ChatMessage } from './chat-context.ts';

export type InboundOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unknown_sender' }
  | { kind: 'comment'; commentId: string | null; ambiguous?: boolean }
  | { kind: 'vote'; results: VoteResult[] }
  | { kind: 'checked_in' | 'on_leave'; status: string }
  | { kind: 'bind'; status: string }
  | { kind: 'query' };

/**
 * Records one inbound message exactly once: the InboundMessage row, its effect (vote, comment, check-in,
 * binding …), the decision-log entries and the reply all commit together; a repeated platform message id
 * has no second effect.
 */
export function createChatInboundService({ transact, templates }: { transact: Transact; templates: Templates }) {
  async function receive(msg: ChatMessage): Promise<InboundOutcome> {
    return transact(async (work) => {
      const [inbound] = await work.tx.inboundMessage.createManyAndReturn({
        data: [{ villageId: msg.villageId, channelId: msg.channelId, platform: msg.platform, messageId: msg.messageId, senderId: msg.senderId, text: msg.text, sentAt: msg.sentAt ?? null, receivedAt: work.now }],
        skipDuplicates: true,
        select: { id: true },
      });
      if (!inbound) return { kind: 'duplicate' } as const;
      const replies: RenderedMessage[] = [];
      const ic: InboundContext = { work, msg, inboundId: inbound.id, matched: [], reply: async (name, vars) => void replies.push(await templates.render(`replies/${name}`, vars)) };
      const outcome = await dispatch(ic);
      await work.tx.inboundMessage.update({ where: { id: inbound.id }, data: { outcome: outcome as object } });
      await queueReply(work, msg, inbound.id, replies);
      return outcome;
    });
  }

  return { receive };
}

async function dispatch(ic: InboundContext): Promise<InboundOutcome> {
  const { work, msg } = ic;
  const intent = parseBallot(msg.text);
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

async function queueReply(work: WorkContext, msg: ChatMessage, inboundId: string, replies: RenderedMessage[]) {
  if (replies.length === 0) return;
  const channel = await work.tx.channel.findUnique({ where: { id: msg.channelId }, select: { outboundUrl: true } });
  if (!channel?.outboundUrl) return;
  await work.send([{
    id: `reply-${inboundId}`, villageId: msg.villageId, channelId: msg.channelId, type: 'reply',
    text: replies.map((r) => r.text).join('\n'), markdown: replies.map((r) => r.markdown).join('\n\n'),
  }]);
}
