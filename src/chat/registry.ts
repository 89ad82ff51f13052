import { dingtalkPush } from './dingtalk.ts';
import { feishuPush } from './feishu.ts';
import { onebotPush } from './onebot.ts';
import type { PlatformPush } from './platform.ts';
import { webhookPush } from './webhook.ts';
import { wecomPush } from './wecom.ts';

/** The push side of every platform a channel can use; a platform missing here cannot push yet. */
export const PUSH_PLATFORMS: Partial<Record<string, PlatformPush>> = {
  webhook: webhookPush,
  wecom: wecomPush,
  dingtalk: dingtalkPush,
  feishu: feishuPush,
  onebot: onebotPush,
};
