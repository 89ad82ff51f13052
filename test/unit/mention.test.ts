import { describe, expect, it } from 'vitest';
import { stripMentions } from '../../src/domain/mention.ts';

describe('stripMentions', () => {
  it.each([
    ['@村务助手 同意', '村务助手', '同意'],
    ['＠村务助手\u20052号反对', '村务助手', '2号反对'],
    ['同意 @村务助手', '村务助手', '同意'],
    ['@_user_1 同意', null, '同意'],
    ['@_user_1 @_user_2 弃权', null, '弃权'],
    ['[CQ:at,qq=123456] 同意', null, '同意'],
    ['  同意', null, '同意'],
    ['同意', '村务助手', '同意'],
    ['@张三 说得对', '村务助手', '@张三 说得对'],
    ['@村务.助手 同意', '村务.助手', '同意'],
  ])('%s → %s', (text, bot, expected) => {
    expect(stripMentions(text, bot)).toBe(expected);
  });
});
