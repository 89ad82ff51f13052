/**
 * Removes what chat platforms put around a message addressed to the bot, so the ballot parser sees only what
 * the villager typed: "@村务助手 同意" (WeCom), "@_user_1 同意" (Feishu placeholders), "[CQ:at,qq=123] 同意" (OneBot),
 * and the leading spaces DingTalk leaves after removing the @.
 */
export function stripMentions(text: string, botName?: string | null): string {
  let out = text
    .replace(/\[CQ:at,qq=[^\]]*\]/g, ' ')
    .replace(/@_user_\d+/g, ' ')
    .replace(/@_all/g, ' ');
  if (botName) {
    const escaped = botName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`[@＠]${escaped}`, 'g'), ' ');
  }
  return out.replace(/[\u2005\u00a0]/g, ' ').replace(/^\s+|\s+$/g, '');
}
