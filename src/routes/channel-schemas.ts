import { z } from 'zod';

const secret = z.string().min(16, 'must be at least 16 characters').max(512);
const name = z.string().trim().min(1).max(100);
const httpsUrl = z.url({ protocol: /^https?$/ });
/** the bot's display name in the group, stripped from "@村务助手 同意" before parsing */
const botName = z.string().trim().min(1).max(50).optional();

const webhook = z.object({
  platform: z.literal('webhook'),
  name,
  outbound: z.object({ url: httpsUrl, secret }).optional(),
  inbound: z.object({ secret }).optional(),
});

const wecom = z.object({
  platform: z.literal('wecom'),
  name,
  // 消息推送 webhook: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
  outbound: z.object({ url: httpsUrl }).optional(),
  // 智能机器人 (JSON, receiveId "") or self-built app (XML, receiveId = corp id)
  inbound: z.object({ token: z.string().min(1).max(64), encodingAESKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey'), receiveId: z.string().max(64).default('') }).optional(),
  settings: z.object({ format: z.enum(['text', 'markdown']).default('text'), botName }).default({ format: 'text' }),
});

const dingtalk = z.object({
  platform: z.literal('dingtalk'),
  name,
  // custom robot: https://oapi.dingtalk.com/robot/send?access_token=…, 加签 secret "SEC…"
  outbound: z.object({ url: httpsUrl, secret: z.string().startsWith('SEC', 'must be the 加签 secret starting with SEC').optional() }).optional(),
  // enterprise-internal-app robot: appSecret signs HTTP callbacks; clientId + appSecret open a Stream connection
  inbound: z.object({ appSecret: z.string().min(8).max(256), clientId: z.string().min(1).max(128).optional() }).optional(),
  settings: z
    .object({
      keyword: z.string().min(1).max(20).optional(),
      receiveMode: z.enum(['http', 'stream']).default('http'),
      windowSeconds: z.number().int().min(10).max(3600).default(3600),
      botName,
    })
    .default({ receiveMode: 'http', windowSeconds: 3600 }),
});

const feishu = z.object({
  platform: z.literal('feishu'),
  name,
  // custom bot: https://open.feishu.cn/open-apis/bot/v2/hook/…, optional signing secret
  outbound: z.object({ url: httpsUrl, secret: z.string().min(8).max(256).optional() }).optional(),
  // app bot: event subscription (Encrypt Key and/or Verification Token); appId + appSecret for the long connection
  inbound: z
    .object({ encryptKey: z.string().min(1).max(256).optional(), verificationToken: z.string().min(1).max(256).optional(), appId: z.string().max(128).optional(), appSecret: z.string().max(256).optional() })
    .refine((v) => v.encryptKey || v.verificationToken || (v.appId && v.appSecret), { message: 'needs an encryptKey, a verificationToken, or appId and appSecret for the long connection' })
    .optional(),
  settings: z
    .object({ format: z.enum(['post', 'card']).default('post'), keyword: z.string().min(1).max(20).optional(), receiveMode: z.enum(['http', 'long_connection']).default('http'), botName })
    .default({ format: 'post', receiveMode: 'http' }),
});

const onebot = z.object({
  platform: z.literal('onebot'),
  name,
  // the OneBot v11 HTTP API base, e.g. http://127.0.0.1:5700, and its access token
  outbound: z.object({ url: httpsUrl, secret: z.string().min(1).max(256).optional() }).optional(),
  inbound: z.object({ secret: z.string().min(8).max(256) }).optional(),
  settings: z.object({ groupId: z.number().int().positive(), botName }),
});

export const newChannelSchema = z
  .discriminatedUnion('platform', [webhook, wecom, dingtalk, feishu, onebot])
  .refine((c) => c.outbound || c.inbound, { message: 'a channel needs a push side (outbound), a receive side (inbound) or both', path: ['outbound'] });

export type NewChannelBody = z.infer<typeof newChannelSchema>;
