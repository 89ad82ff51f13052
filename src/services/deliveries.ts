import { PUSH_PLATFORMS } from '../chat/registry.ts';
import type { PushAttempt } from '../chat/platform.ts';
import { openSecret } from '../domain/secret-box.ts';
import type { Db } from '../store/prisma.ts';
import type { ChannelService } from './channels.ts';
import type { Clock } from './clock.ts';
import type { RateLimits } from './rate-limits.ts';

export type DeliveryStep =
  | { step: 'delivered' | 'already_done' }
  | { step: 'retry' | 'failed'; error: string }
  | { step: 'delayed'; delayMs: number; error: string };

interface ReplyVia {
  url: string;
  expiresAt: string;
}

/**
 * Delivers one outbox row, part by part, through its channel's platform and records the platform's answer.
 * Idempotent: a delivered or failed row is not sent again, and a retry resumes after the parts already sent.
 */
export function createDeliveryService(deps: { db: Db; clock: Clock; channels: ChannelService; rateLimits: RateLimits; secretKey: Buffer }) {
  const { db } = deps;

  async function finish(outboundId: string, data: Parameters<Db['outboundMessage']['update']>[0]['data']) {
    await db.outboundMessage.update({ where: { id: outboundId }, data });
  }

  return {
    async deliver(outboundId: string, isLastAttempt: boolean): Promise<DeliveryStep> {
      const row = await db.outboundMessage.findUnique({ where: { id: outboundId } });
      if (!row || row.status !== 'pending') return { step: 'already_done' };
      const channel = await deps.channels.load(row.channelId);
      const platform = channel ? PUSH_PLATFORMS[channel.platform] : undefined;
      const parts = row.parts as unknown[];
      // A reply may go back through the platform's short-lived per-message URL while it is still valid.
      const via = row.replyViaEnc ? (JSON.parse(openSecret(row.replyViaEnc, deps.secretKey)) as ReplyVia) : null;
      const useVia = Boolean(via && new Date(via.expiresAt) > deps.clock.now());
      const url = useVia ? via!.url : channel?.outboundUrl;
      if (!channel || !platform || !url || parts.length === 0) {
        const error = useVia || !via ? 'this channel has no push side' : 'the reply window of this message has passed and the channel has no push side';
        await finish(outboundId, { status: 'failed', lastError: error });
        return { step: 'failed', error };
      }
      const target = { deliveryId: row.id, url, secret: channel.outboundSecret, settings: { ...channel.settings, viaSession: useVia } };

      for (let part = row.partsSent; part < parts.length; part++) {
        const wait = await deps.rateLimits.take(channel.id, platform.limits);
        if (wait > 0) return { step: 'delayed', delayMs: wait, error: 'rate limit of this robot reached' };
        const now = deps.clock.now();
        const attempt: PushAttempt = await platform.send(target, parts[part], now);
        const response = attempt.status !== undefined ? { status: attempt.status, body: attempt.body ?? '' } : undefined;
        const common = { attempts: { increment: 1 }, ...(response ? { response } : {}) };
        switch (attempt.outcome) {
          case 'delivered':
            await finish(outboundId, { ...common, partsSent: part + 1, lastError: null, ...(part + 1 === parts.length ? { status: 'delivered', deliveredAt: now } : {}) });
            if (!channel.healthy) await deps.channels.markHealth(channel.id, true, null);
            continue;
          case 'rate_limited':
            await deps.rateLimits.block(channel.id, attempt.delayMs);
            await finish(outboundId, { ...common, lastError: attempt.error });
            return { step: 'delayed', delayMs: attempt.delayMs, error: attempt.error };
          case 'config_error':
            await finish(outboundId, { ...common, status: 'failed', lastError: attempt.error });
            await deps.channels.markHealth(channel.id, false, attempt.error);
            return { step: 'failed', error: attempt.error };
          case 'fatal':
            await finish(outboundId, { ...common, status: 'failed', lastError: attempt.error });
            return { step: 'failed', error: attempt.error };
          case 'retry':
            await finish(outboundId, { ...common, lastError: attempt.error, ...(isLastAttempt ? { status: 'failed' } : {}) });
            return { step: isLastAttempt ? 'failed' : 'retry', error: attempt.error };
        }
      }
      return { step: 'delivered' };
    },

    /** Pending rows older than the grace period whose enqueue may have been lost (e.g. Redis restarted). */
    async stalePending(olderThan: Date, limit = 500) {
      const rows = await db.outboundMessage.findMany({ where: { status: 'pending', createdAt: { lt: olderThan } }, select: { id: true }, take: limit });
      return rows.map((r) => r.id);
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
