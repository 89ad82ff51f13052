import type { Tx } from '../store/prisma.ts';
import type { RenderedMessage } from './templates.ts';
import type { OutboundDraft } from './unit-of-work.ts';

/** One outbox draft per push-capable channel of the village, each with an id derived from the cause. */
export async function draftsForVillage(
  tx: Tx,
  villageId: string,
  cause: { key: string; type: string; meetingId?: string | null },
  message: RenderedMessage,
): Promise<OutboundDraft[]> {
  const channels = await tx.channel.findMany({ where: { villageId, outboundUrl: { not: null } }, select: { id: true }, orderBy: { createdAt: 'asc' } });
  return channels.map((c) => ({
    id: `${cause.key}-${c.id}`,
    villageId,
    channelId: c.id,
    meetingId: cause.meetingId ?? null,
    type: cause.type,
    ...message,
  }));
}
