import { openSecret, sealSecret } from '../domain/secret-box.ts';
import type { $Enums } from '../generated/prisma/client.ts';
import { NotFound } from '../http/errors.ts';
import type { Db } from '../store/prisma.ts';
import type { Transact } from './unit-of-work.ts';

export interface NewChannel {
  platform: $Enums.ChatPlatform;
  name: string;
  outbound?: { url: string; secret?: string };
  /** the platform's inbound credentials (signing secret, token, AES key …) */
  inbound?: Record<string, string>;
  /** non-secret options: message format, keyword, receive mode … */
  settings?: Record<string, unknown>;
}

export interface ChannelWithSecrets {
  id: string;
  villageId: string;
  platform: $Enums.ChatPlatform;
  name: string;
  outboundUrl: string | null;
  outboundSecret: string | null;
  inbound: Record<string, string> | null;
  settings: Record<string, unknown>;
  healthy: boolean;
}

/** Shows where a channel pushes without its key: scheme, host and path only. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/[0-9a-f-]{20,}/gi, '…')}`;
  } catch {
    return '…';
  }
}

/** Channel secrets are sealed with AES-256-GCM before they reach the database and opened only when used. */
export function createChannelService({ db, transact, secretKey }: { db: Db; transact: Transact; secretKey: Buffer }) {
  return {
    async create(villageId: string, input: NewChannel, actor: string) {
      if (!(await db.village.findUnique({ where: { id: villageId }, select: { id: true } }))) throw new NotFound(`Village ${villageId} not found`);
      return transact(async ({ tx, log }) => {
        const channel = await tx.channel.create({
          data: {
            villageId,
            platform: input.platform,
            name: input.name,
            outboundUrl: input.outbound?.url ? sealSecret(input.outbound.url, secretKey) : null,
            settings: (input.settings ?? {}) as object,
            outboundSecretEnc: input.outbound?.secret ? sealSecret(input.outbound.secret, secretKey) : null,
            inboundSecretEnc: input.inbound ? sealSecret(JSON.stringify(input.inbound), secretKey) : null,
          },
        });
        log({ villageId, type: 'channel.added', actor, payload: { channelId: channel.id, platform: input.platform, name: input.name, push: Boolean(input.outbound), receive: Boolean(input.inbound) } });
        return channel;
      });
    },

    async list(villageId: string) {
      const rows = await db.channel.findMany({
        where: { villageId },
        orderBy: { createdAt: 'asc' },
        select: { id: true, platform: true, name: true, outboundUrl: true, inboundSecretEnc: true, settings: true, healthy: true, healthMessage: true, createdAt: true },
      });
      return rows.map(({ outboundUrl, inboundSecretEnc, ...c }) => ({
        ...c,
        push: outboundUrl ? redactUrl(openSecret(outboundUrl, secretKey)) : null,
        receive: Boolean(inboundSecretEnc),
        inboundPath: `/hooks/${c.platform}/${c.id}`,
      }));
    },

    /** Push URLs stored before they were sealed (first versions kept them plain) are sealed at start-up. */
    async sealPlaintextUrls(): Promise<number> {
      const plain = await db.channel.findMany({ where: { outboundUrl: { not: null }, NOT: { outboundUrl: { startsWith: 'v1:' } } }, select: { id: true, outboundUrl: true } });
      for (const row of plain) await db.channel.update({ where: { id: row.id }, data: { outboundUrl: sealSecret(row.outboundUrl!, secretKey) } });
      return plain.length;
    },

    /** A configuration error answered by the platform marks the channel unhealthy, with the platform's words. */
    async markHealth(channelId: string, healthy: boolean, message: string | null) {
      await db.channel.update({ where: { id: channelId }, data: { healthy, healthMessage: message } });
    },

    async load(channelId: string): Promise<ChannelWithSecrets | null> {
      const row = await db.channel.findUnique({ where: { id: channelId } });
      if (!row) return null;
      return {
        id: row.id,
        villageId: row.villageId,
        platform: row.platform,
        name: row.name,
        outboundUrl: row.outboundUrl ? openSecret(row.outboundUrl, secretKey) : null,
        settings: (row.settings ?? {}) as Record<string, unknown>,
        healthy: row.healthy,
        outboundSecret: row.outboundSecretEnc ? openSecret(row.outboundSecretEnc, secretKey) : null,
        inbound: row.inboundSecretEnc ? (JSON.parse(openSecret(row.inboundSecretEnc, secretKey)) as Record<string, string>) : null,
      };
    },

    async deliveries(villageId: string, limit: number) {
      return db.outboundMessage.findMany({
        where: { villageId },
        orderBy: { createdAt: 'desc' },
        take: limit,
        select: { id: true, channelId: true, meetingId: true, type: true, status: true, attempts: true, lastError: true, response: true, createdAt: true, deliveredAt: true, text: true },
      });
    },
  };
}

export type ChannelService = ReturnType<typeof createChannelService>;
