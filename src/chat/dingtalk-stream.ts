import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { parseRobotMessage, replyUrlTrust } from './dingtalk-sign.ts';
import type { LongConnectionStarter } from './long-connection.ts';

export interface DingtalkStreamOptions {
  /**
   * Opens the client's socket. The default asks DingTalk's gateway for an endpoint and ticket (the SDK's
   * hard-coded GATEWAY_URL); tests set `dw_url` to a local WebSocket server and call `_connect()` instead.
   */
  connect?: (client: DWClient) => Promise<void>;
}

async function connectThroughGateway(client: DWClient): Promise<void> {
  // Not client.connect(): it swallows the first failure, and a wrong clientId should be reported at start.
  // Later drops are reconnected by the SDK itself (autoReconnect).
  await client.getEndpoint();
  await client._connect();
}

/**
 * DingTalk Stream mode through the official dingtalk-stream SDK: clientId and appSecret open the connection,
 * robot messages arrive as CALLBACK frames on TOPIC_ROBOT. A frame is acknowledged only after `deliver`
 * stored the message, so one we could not store is pushed again by DingTalk (within about 60 s).
 */
export function createDingtalkStreamStarter(options: DingtalkStreamOptions = {}): LongConnectionStarter {
  const connect = options.connect ?? connectThroughGateway;
  return async (channel, deliver, log) => {
    const clientId = channel.inbound?.clientId;
    const appSecret = channel.inbound?.appSecret;
    if (!clientId || !appSecret) throw new Error(`DingTalk channel ${channel.id} needs inbound.clientId and inbound.appSecret for Stream mode`);
    const client = new DWClient({ clientId, clientSecret: appSecret, keepAlive: true });
    const trust = replyUrlTrust(channel.outboundUrl);

    async function onRobotMessage(frame: DWClientDownStream) {
      const messageId = frame.headers?.messageId;
      let data: unknown;
      try {
        data = JSON.parse(frame.data);
      } catch {
        data = null;
      }
      const parsed = parseRobotMessage(data, trust);
      if (parsed.kind !== 'message') {
        // Nothing to store: acknowledge so DingTalk does not push it again.
        if (parsed.kind === 'invalid') log.warn({ channelId: channel.id, messageId, error: parsed.error }, 'ignored a malformed DingTalk Stream robot message');
        if (messageId) client.socketCallBackResponse(messageId, { status: 'ignored' });
        return;
      }
      try {
        const status = await deliver(parsed.msg);
        if (messageId) client.socketCallBackResponse(messageId, { status });
      } catch (err) {
        log.warn({ err, channelId: channel.id, messageId }, 'could not store a DingTalk Stream message; left unacknowledged so it is pushed again');
      }
    }

    client.registerCallbackListener(TOPIC_ROBOT, (frame) => void onRobotMessage(frame));
    try {
      await connect(client);
    } catch (err) {
      // A half-opened socket would otherwise reconnect on its own, behind the caller's back.
      client.disconnect();
      throw err;
    }
    return {
      async close() {
        client.disconnect();
      },
    };
  };
}

export const startDingtalkStream: LongConnectionStarter = createDingtalkStreamStarter();
