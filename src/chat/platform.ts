/** What a platform adapter renders: one message of ours, before the platform's shape and limits. */
export interface RenderInput {
  type: string;
  villageId: string;
  meetingId: string | null;
  text: string;
  markdown: string;
  /** phone numbers to @ where the platform supports it (WeCom, DingTalk) */
  mentionMobiles?: string[];
}

/** Where and how to push one rendered body: the channel's URL and secret, opened only for the send. */
export interface PushTarget {
  /** the outbox row's id: lets a receiver de-duplicate our retries */
  deliveryId: string;
  url: string;
  secret: string | null;
  settings: Record<string, unknown>;
}

/**
 * What one push gave, read from the platform's own answer (several answer HTTP 200 with an error code):
 * - delivered;
 * - retry: transient (network, 5xx), BullMQ backs off;
 * - rate_limited: the platform asked us to slow down; the job waits `delayMs` and is never dropped;
 * - config_error: a wrong key, signature, keyword or IP list; no retry helps, the channel is marked unhealthy;
 * - fatal: the message itself is refused (too long, malformed); no retry.
 */
export type PushAttempt =
  | { outcome: 'delivered'; status: number; body: string }
  | { outcome: 'retry'; error: string; status?: number; body?: string }
  | { outcome: 'rate_limited'; delayMs: number; error: string; status?: number; body?: string }
  | { outcome: 'config_error'; error: string; status?: number; body?: string }
  | { outcome: 'fatal'; error: string; status?: number; body?: string };

export interface RateLimit {
  points: number;
  durationMs: number;
}

/** The push side of one chat platform: pure rendering within its limits, and one signed HTTP request. */
export interface PlatformPush {
  render(input: RenderInput, settings: Record<string, unknown>): unknown[];
  send(target: PushTarget, body: unknown, now: Date): Promise<PushAttempt>;
  /** per robot, shared by every worker through Redis */
  limits: RateLimit[];
}

/** Classifies a plain HTTP answer: 2xx ok, 429 and 5xx transient (exponential backoff), other 4xx permanent. */
export function classifyHttp(status: number, body: string): PushAttempt {
  if (status >= 200 && status < 300) return { outcome: 'delivered', status, body };
  if (status === 429 || status >= 500) return { outcome: 'retry', status, body, error: `HTTP ${status}` };
  return { outcome: 'fatal', status, body, error: `HTTP ${status}` };
}
