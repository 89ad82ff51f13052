import { z } from 'zod';

export const uuid = z.uuid();
export const villageParams = z.object({ villageId: uuid });
export const meetingParams = z.object({ meetingId: uuid });
export const motionParams = z.object({ motionId: uuid });
export const platformSchema = z.enum(['webhook', 'wecom', 'dingtalk', 'feishu', 'onebot']);
export const idResponse = z.object({ id: z.string() });
export const MEMBER_ROLES = [
  'villager', 'representative', 'party_member', 'probationary_party_member', 'collective_member', 'member_representative',
  'committee', 'branch_committee', 'secretary', 'accountant',
] as const;
