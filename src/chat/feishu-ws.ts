import * as lark from '@larksuiteoapi/node-sdk';
import { messageFromEvent } from './feishu-events.ts';
import type { LongConnectionStarter } from './long-connection.ts';

type Log = Parameters<LongConnectionStarter>[2];

/** The part of the SDK's WSClient we use; a test replaces it, since the real one dials Feishu's servers. */
export interface FeishuWsClient {
  start(params: { eventDispatcher: lark.EventDispatcher }): Promise<void>;
  close(params?: { force?: boolean }): void;
}

export type FeishuWsClientFactory = (params: { appId: string; appSecret: string; logger: lark.Logger }) => FeishuWsClient;

const realClient: FeishuWsClientFactory = (params) => new lark.WSClient({ ...params, loggerLevel: lark.LoggerLevel.warn, autoReconnect: true });

/** The SDK logs through console by default; route its warnings and errors into ours instead. */
function sdkLogger(log: Log): lark.Logger {
  const warn = (...msg: unknown[]) => log.warn({ sdk: msg.map(String).join(' ') }, 'feishu sdk');
  return { error: warn, warn, info: () => {}, debug: () => {}, trace: () => {} };
}

/**
 * Feishu long connection ("使用长连接接收事件"): the official WSClient dials out, so a village server behind
 * NAT needs no public URL. Events arrive in plaintext over the app's authenticated socket (no signature to
 * check); each text message goes to `deliver`, the same pipeline as the HTTP hook. A failing `deliver` throws
 * back into the SDK, which answers Feishu with an error so the event is redelivered.
 */
export function createFeishuLongConnectionStarter(makeClient: FeishuWsClientFactory = realClient): LongConnectionStarter {
  return async (channel, deliver, log) => {
    const { appId, appSecret, encryptKey, verificationToken } = channel.inbound ?? {};
    if (!appId || !appSecret) throw new Error(`feishu channel ${channel.id} needs appId and appSecret for the long connection`);
    const logger = sdkLogger(log);
    const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, logger, loggerLevel: lark.LoggerLevel.warn }).register({
      'im.message.receive_v1': async (data: unknown) => {
        const parsed = messageFromEvent(data);
        if (!parsed.ok) {
          log.warn({ channelId: channel.id, reason: parsed.reason }, 'ignored a malformed feishu event');
          return;
        }
        if (parsed.message) await deliver(parsed.message);
      },
    });
    const client = makeClient({ appId, appSecret, logger });
    await client.start({ eventDispatcher: dispatcher });
    return {
      async close() {
        client.close({ force: true });
      },
    };
  };
}

export const startFeishuLongConnection: LongConnectionStarter = createFeishuLongConnectionStarter();
