import { randomInt } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import type { FastifyInstance } from 'fastify';

/** WeCom's side of a callback channel: what the admin console holds, built with the official `@wecom/crypto`. */
export interface WecomSecrets {
  token: string;
  encodingAESKey: string;
  /** '' for a 智能机器人, the corp id for a self-built app */
  receiveId: string;
}

interface Signing {
  timestamp?: string;
  nonce?: string;
  /** encrypt for this receive id instead of the channel's */
  encryptFor?: string;
  /** sign with this token instead of the channel's */
  signWith?: string;
}

function signed(secrets: WecomSecrets, plaintext: string, opts: Signing) {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? String(randomInt(1e9));
  const enc = encrypt(secrets.encodingAESKey, plaintext, opts.encryptFor ?? secrets.receiveId);
  const msg_signature = getSignature(opts.signWith ?? secrets.token, timestamp, nonce, enc);
  return { enc, query: { msg_signature, timestamp, nonce } };
}

/** The GET WeCom sends when the callback URL is saved; URLSearchParams encodes the base64 "+ / =". */
export function urlCheck(app: FastifyInstance, channelId: string, secrets: WecomSecrets, echo: string, opts: Signing = {}) {
  const { enc, query } = signed(secrets, echo, opts);
  return app.inject({ method: 'GET', url: `/hooks/wecom/${channelId}?${new URLSearchParams({ ...query, echostr: enc })}` });
}

/** A message callback: JSON `{"encrypt"}` for a smart bot (receive id ''), the XML envelope for an app. */
export function buildCallback(secrets: WecomSecrets, plaintext: string, opts: Signing = {}) {
  const { enc, query } = signed(secrets, plaintext, opts);
  const smartBot = secrets.receiveId === '';
  const payload = smartBot
    ? JSON.stringify({ encrypt: enc })
    : `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
  return { url: `?${new URLSearchParams(query)}`, payload, contentType: smartBot ? 'application/json' : 'text/xml' };
}

export function postCallback(app: FastifyInstance, channelId: string, callback: ReturnType<typeof buildCallback>) {
  return app.inject({ method: 'POST', url: `/hooks/wecom/${channelId}${callback.url}`, headers: { 'content-type': callback.contentType }, payload: callback.payload });
}

/** The smart bot's decrypted JSON for a group @-message (path/100719); the text keeps the "@BotName " prefix. */
export function smartBotText(msgid: string, userid: string, content: string) {
  return JSON.stringify({
    msgid, aibotid: 'AIBOTID', chatid: 'CHATID', chattype: 'group', from: { userid }, response_url: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x',
    msgtype: 'text', text: { content },
  });
}

/** A self-built app's decrypted XML text message (path/90239). */
export function appText(corpId: string, msgId: string, userid: string, content: string) {
  return `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${userid}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
}
