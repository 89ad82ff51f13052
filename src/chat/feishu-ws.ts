import type { LongConnectionStarter } from './long-connection.ts';

/** Feishu long connection through the official @larksuiteoapi/node-sdk WSClient (to be implemented). */
export const startFeishuLongConnection: LongConnectionStarter = async () => ({ close: async () => {} });
