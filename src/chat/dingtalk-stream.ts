import type { LongConnectionStarter } from './long-connection.ts';

/** DingTalk Stream mode through the official dingtalk-stream SDK (to be implemented). */
export const startDingtalkStream: LongConnectionStarter = async () => ({ close: async () => {} });
