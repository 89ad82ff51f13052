import { PUSH_PLATFORMS } from '../chat/registry.ts';
import type { Tx } from '../store/prisma.ts';
import type { RenderedMessage } from './templates.ts';
import type { OutboundDraft } from './unit-of-work.ts';

interface Cause {
  /** makes the outbox id deterministic: the same cause for the same channel is one row */
  key: string;
  type: string;
  meetingId?: string | null;
}

interface PushChannel {
  id: string;
  platform: string;
  settings: unknown;
}

/**
 * One outbox draft for one channel, rendered into that platform's bodies within its limits. Several messages
 * (a finance summary and its detail) become one row whose parts are delivered in order.
 */
export function draftFor(channel: PushChannel, villageId: string, cause: Cause, message: RenderedMessage | RenderedMessage[], extra: { mentionMobiles?: string[]; replyViaEnc?: string | null } = {}): OutboundDraft {
  const platform = PUSH_PLATFORMS[channel.platform];
  const messages = Array.isArray(message) ? message : [message];
  const settings = (channel.settings ?? {}) as Record<string, unknown>;
  const parts = platform
    ? messages.flatMap((m) => platform.render({ type: cause.type, villageId, meetingId: cause.meetingId ?? null, ...m, mentionMobiles: extra.mentionMobiles }, settings))
    : [];
  return {
    id: `${cause.key}-${channel.id}`,
    villageId,
    channelId: channel.id,
    meetingId: cause.meetingId ?? null,
    type: cause.type,
    text: messages.map((m) => m.text).join('\n\n'),
    markdown: messages.map((m) => m.markdown).join('\n\n'),
    parts,
    replyViaEnc: extra.replyViaEnc ?? null,
  };
}

/** One draft per push-capable channel of the village. */
export async function draftsForVillage(tx: Tx, villageId: string, cause: Cause, message: RenderedMessage | RenderedMessage[], extra: { mentionMobiles?: string[] } = {}): Promise<OutboundDraft[]> {
  const channels = await tx.channel.findMany({ where: { villageId, outboundUrl: { not: null } }, select: { id: true, platform: true, settings: true }, orderBy: { createdAt: 'asc' } });
  return channels.map((c) => draftFor(c, villageId, cause, message, extra));
}
