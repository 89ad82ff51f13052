import type { PlatformPush } from './platform.ts';
import { webhookPush } from './webhook.ts';

/** The push side of every platform a channel can use; a platform missing here cannot push yet. */
export const PUSH_PLATFORMS: Partial<Record<string, PlatformPush>> = {
  webhook: webhookPush,
};
