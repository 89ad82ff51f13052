import { z } from 'zod';

export const uuid = z.uuid();
export const villageParams = z.object({ villageId: uuid });
export const meetingParams = z.object({ meetingId: uuid });
export const motionParams = z.object({ motionId: uuid });
export const platformSchema = z.enum(['webhook', 'wecom', 'dingtalk', 'feishu', 'onebot']);
export const idResponse = z.object({ id: z.string() });
