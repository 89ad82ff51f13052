import type { Redis } from 'ioredis';
import { serializeLogEntry, type LogEntry } from './decision-log.ts';

export type SerializedLogEntry = ReturnType<typeof serializeLogEntry>;

/**
 * Fans decision-log entries out over Redis pub/sub, so a WebSocket client on any instance sees entries
 * written by every instance. One subscriber connection per process, shared by all sockets.
 */
export interface LogFeed {
  publish(entries: LogEntry[]): Promise<void>;
  subscribe(villageId: string, listener: (entry: SerializedLogEntry) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createLogFeed(publisher: Redis, prefix: string, onError: (err: Error) => void): LogFeed {
  const subscriber = publisher.duplicate();
  subscriber.on('error', onError);
  // One Redis subscription per village channel; every socket waits for the same confirmation.
  const channels = new Map<string, { listeners: Set<(entry: SerializedLogEntry) => void>; ready: Promise<unknown> }>();
  const channelOf = (villageId: string) => `${prefix}:log:${villageId}`;

  subscriber.on('message', (channel: string, message: string) => {
    const subscription = channels.get(channel);
    if (!subscription) return;
    const entry = JSON.parse(message) as SerializedLogEntry;
    for (const listener of subscription.listeners) listener(entry);
  });

  return {
    async publish(entries) {
      for (const entry of entries) {
        await publisher.publish(channelOf(entry.villageId), JSON.stringify(serializeLogEntry(entry)));
      }
    },
    async subscribe(villageId, listener) {
      const channel = channelOf(villageId);
      let subscription = channels.get(channel);
      if (!subscription) {
        const created = { listeners: new Set<(entry: SerializedLogEntry) => void>(), ready: subscriber.subscribe(channel) };
        // A failed subscribe must not leave a channel that looks subscribed but is never fed.
        created.ready.catch(() => channels.get(channel) === created && channels.delete(channel));
        channels.set(channel, created);
        subscription = created;
      }
      subscription.listeners.add(listener);
      try {
        await subscription.ready;
      } catch (err) {
        subscription.listeners.delete(listener);
        throw err;
      }
      const current = subscription;
      return async () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && channels.get(channel) === current) {
          channels.delete(channel);
          await subscriber.unsubscribe(channel);
        }
      };
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
