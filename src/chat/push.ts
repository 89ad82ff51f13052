import type { ChannelWithSecrets } from '../services/channels.ts';

export interface OutboundPayload {
  id: string;
  type: string;
  villageId: string;
  meetingId: string | null;
  text: string;
  markdown: string;
}

/** What one attempt to push a message gave: delivered, worth retrying, or a failure no retry can fix. */
export type PushAttempt =
  | { outcome: 'delivered'; status: number; body: string }
  | { outcome: 'retry'; status?: number; body?: string; error: string }
  | { outcome: 'fatal'; status?: number; body?: string; error: string };

export type PushAdapter = (channel: ChannelWithSecrets, message: OutboundPayload, now: Date) => Promise<PushAttempt>;

/** Classifies an HTTP answer the way most webhooks mean it: 2xx ok, 429 and 5xx transient, other 4xx permanent. */
export function classifyHttp(status: number, body: string): PushAttempt {
  if (status >= 200 && status < 300) return { outcome: 'delivered', status, body };
  if (status === 429 || status >= 500) return { outcome: 'retry', status, body, error: `HTTP ${status}` };
  return { outcome: 'fatal', status, body, error: `HTTP ${status}` };
}
