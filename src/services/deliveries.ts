import type { PushAdapter, PushAttempt } from '../chat/push.ts';
import type { Db } from '../store/prisma.ts';
import type { ChannelService } from './channels.ts';
import type { Clock } from './clock.ts';

export type DeliveryStep = 'delivered' | 'already_done' | 'retry' | 'failed';

/**
 * Delivers one outbox row through its channel's platform adapter and records the platform's answer.
 * Idempotent: a row already delivered or failed is not sent again.
 */
export function createDeliveryService(deps: { db: Db; clock: Clock; channels: ChannelService; adapters: Partial<Record<string, PushAdapter>> }) {
  return {
    async deliver(outboundId: string, isLastAttempt: boolean): Promise<{ step: DeliveryStep; error?: string }> {
      const row = await deps.db.outboundMessage.findUnique({ where: { id: outboundId } });
      if (!row || row.status !== 'pending') return { step: 'already_done' };
      const channel = await deps.channels.load(row.channelId);
      const adapter = channel ? deps.adapters[channel.platform] : undefined;
      const now = deps.clock.now();
      const attempt: PushAttempt =
        channel && adapter
          ? await adapter(channel, { id: row.id, type: row.type, villageId: row.villageId, meetingId: row.meetingId, text: row.text, markdown: row.markdown }, now)
          : { outcome: 'fatal', error: `no push adapter for this channel` };
      const response = 'status' in attempt && attempt.status !== undefined ? { status: attempt.status, body: attempt.body ?? '' } : undefined;
      const failed = attempt.outcome === 'fatal' || (attempt.outcome === 'retry' && isLastAttempt);
      await deps.db.outboundMessage.update({
        where: { id: outboundId },
        data: {
          attempts: { increment: 1 },
          status: attempt.outcome === 'delivered' ? 'delivered' : failed ? 'failed' : 'pending',
          deliveredAt: attempt.outcome === 'delivered' ? now : undefined,
          lastError: attempt.outcome === 'delivered' ? null : attempt.error,
          ...(response ? { response } : {}),
        },
      });
      if (attempt.outcome === 'delivered') return { step: 'delivered' };
      return { step: failed ? 'failed' : 'retry', error: attempt.error };
    },

    /** Pending rows older than the grace period whose enqueue may have been lost (e.g. Redis restarted). */
    async stalePending(olderThan: Date, limit = 500) {
      const rows = await deps.db.outboundMessage.findMany({ where: { status: 'pending', createdAt: { lt: olderThan } }, select: { id: true }, take: limit });
      return rows.map((r) => r.id);
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
