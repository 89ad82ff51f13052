import type { Db } from '../store/prisma.ts';
import type { ChannelService } from '../services/channels.ts';
import type { ChatInboundService } from '../services/chat-inbound.ts';
import { startDingtalkStream } from './dingtalk-stream.ts';
import { startFeishuLongConnection } from './feishu-ws.ts';
import type { LongConnection, LongConnectionStarter } from './long-connection.ts';

/** Which receive mode of which platform is a long connection, and who opens it. */
const LONG_CONNECTIONS: Record<string, { mode: string; start: LongConnectionStarter }> = {
  dingtalk: { mode: 'stream', start: startDingtalkStream },
  feishu: { mode: 'long_connection', start: startFeishuLongConnection },
};

type Log = { info(msg: string): void; warn(obj: object, msg: string): void };

/**
 * Opens the long connections of every channel configured for one (worker role). A channel that fails to
 * connect is logged and left to the next start; the others still run.
 */
export async function startLongConnections(deps: { db: Db; channels: ChannelService; chatInbound: ChatInboundService; log: Log }) {
  const rows = await deps.db.channel.findMany({ where: { platform: { in: ['dingtalk', 'feishu'] }, inboundSecretEnc: { not: null } }, select: { id: true } });
  const open: LongConnection[] = [];
  for (const { id } of rows) {
    const channel = await deps.channels.load(id);
    const kind = channel ? LONG_CONNECTIONS[channel.platform] : undefined;
    if (!channel || !kind || channel.settings.receiveMode !== kind.mode) continue;
    try {
      const deliver = (msg: Parameters<Parameters<LongConnectionStarter>[1]>[0]) =>
        deps.chatInbound.acceptFromChannel(channel, msg, (err) => deps.log.warn({ err }, 'enqueue of an inbound message failed; the sweeper will process it'));
      open.push(await kind.start(channel, deliver, deps.log));
      deps.log.info(`long connection open for ${channel.platform} channel ${channel.id}`);
    } catch (err) {
      deps.log.warn({ err, channelId: id }, 'could not open the long connection of this channel');
    }
  }
  return {
    count: open.length,
    async close() {
      await Promise.allSettled(open.map((c) => c.close()));
    },
  };
}
