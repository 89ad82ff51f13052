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
  const listeners = new Map<string, Set<(entry: SerializedLogEntry) => void>>();
  const channelOf = (villageId: string) => `${prefix}:log:${villageId}`;

  subscriber.on('message', (channel: string, message: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    const entry = JSON.parse(message) as SerializedLogEntry;
    for (const listener of set) listener(entry);
  });

  return {
    async publish(entries) {
      for (const entry of entries) {
        await publisher.publish(channelOf(entry.villageId), JSON.stringify(serializeLogEntry(entry)));
      }
    },
    async subscribe(villageId, listener) {
      const channel = channelOf(villageId);
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await subscriber.subscribe(channel);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          await subscriber.unsubscribe(channel);
        }
      };
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
