import type { ChannelWithSecrets } from '../services/channels.ts';
import type { ChannelMessage } from '../services/chat-inbound.ts';

export interface LongConnection {
  close(): Promise<void>;
}

/**
 * Opens a platform's long connection for one channel (DingTalk Stream, Feishu WSClient), so a village server
 * behind NAT receives without a public URL. Each verified message goes to `deliver`, the same pipeline the
 * HTTP hooks feed.
 */
export type LongConnectionStarter = (
  channel: ChannelWithSecrets,
  deliver: (msg: ChannelMessage) => Promise<unknown>,
  log: { info(msg: string): void; warn(obj: object, msg: string): void },
) => Promise<LongConnection>;
