import type { BallotChoice } from "./types.ts";

/**
 * `weak` words (可以) only count as the whole message or right after a motion reference; `bare` words take no
 * 票/了/的 after them ("通过了" reports a result, it does not vote).
 */
export type ChoiceWord = { word: string; choice: BallotChoice; weak?: boolean; bare?: boolean };

// Negated forms are listed whole, and the longest word wins, so "不同意" is never read as "同意".
export const CHOICE_WORDS: readonly ChoiceWord[] = [
  { word: "同意", choice: "yes" },
  { word: "赞成", choice: "yes" },
  { word: "赞同", choice: "yes" },
  { word: "支持", choice: "yes" },
  { word: "通过", choice: "yes", bare: true },
  { word: "没意见", choice: "yes" },
  { word: "没有意见", choice: "yes" },
  { word: "无意见", choice: "yes" },
  { word: "没啥意见", choice: "yes" },
  { word: "没什么意见", choice: "yes" },
  { word: "👍", choice: "yes" },
  { word: "可以", choice: "yes", weak: true, bare: true },
  { word: "不同意", choice: "no" },
  { word: "不赞成", choice: "no" },
  { word: "不赞同", choice: "no" },
  { word: "不支持", choice: "no" },
  { word: "不通过", choice: "no", bare: true },
  { word: "反对", choice: "no" },
  { word: "不行", choice: "no" },
  { word: "弃权", choice: "abstain" },
];
/** A message that is exactly one of these digits votes on the single open motion. */
export const DIGIT_CHOICES: Readonly<Record<string, BallotChoice>> = { "1": "yes", "2": "no", "3": "abstain" };
/** Words that make a short message "look like a vote" (for the ambiguous flag). */
export const VOTE_LIKE_WORDS = ["同意", "赞成", "赞同", "支持", "通过", "可以", "反对", "弃权", "不行", "同上", "附议", "楼上"];

export const SUBJECTS = ["我们", "本人", "我", "俺们", "俺", "咱们", "咱"];
export const ADVERBS = ["还是", "表示", "也", "是", "就"];
export const PREPOSITIONS = ["关于", "对于", "对"];
export const CHOICE_PREFIXES = ["投"];
export const INTENSIFIERS = ["非常", "完全", "坚决", "十分", "绝对", "当然", "肯定", "举双手", "双手", "百分百", "百分之百"];
export const CHOICE_SUFFIXES = ["票"];
// Deliberately excludes 吗/吧/呢: "同意吗" is a question, not a vote.
export const FINAL_PARTICLES = ["了", "的", "啊", "呀", "哈", "哦", "啦"];
/** After numbered motions: "1、2都同意". */
export const REF_QUANTIFIERS = ["全部都", "全部", "全都", "都", "全", "均"];
/** Without motion numbers these make the vote apply to every open motion: "全部同意", "以上都反对". */
export const ALL_QUANTIFIERS = [
  "全部都", "全部", "全都", "都", "全", "统统", "一律",
  "所有议题都", "所有议题全部", "所有议题", "所有的都", "所有都",
  "以上议题都", "以上议题全部", "以上都", "以上全部", "以上",
  "各项都", "各项", "每项都", "每一项都",
];
/** A comment may follow a vote without punctuation when it starts with one of these: "同意但建议…". */
export const COMMENT_OPENERS = ["但", "不过", "可是", "只是", "希望", "建议", "因为", "理由", "另外", "前提是", "要求"];
/** A remainder made only of these turns "同意 吗" / "同意 不？" into a question, not a vote with a comment. */
export const QUESTION_PARTICLES = ["吗", "么", "嘛", "呢", "吧", "不", "没有", "没", "否"];
/** "1号同意，其他反对": the remainder votes on the other motions, which is not safe to guess. */
export const OTHER_MOTIONS = ["其他", "其它", "其余", "剩下", "别的"];
export const COMMENT_PREFIXES = ["意见", "建议", "评论", "留言", "备注"];

export const MOTION_NOUNS = ["议题", "议案", "提案", "事项", "动议", "决议"];
export const MOTION_MEASURES = ["项", "号", "条", "件", "款"];
export const REF_JOINERS = /[、,和及与跟/&+]/u;
export const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** zh-CN help text listing exactly the forms the parser accepts, for replies. */
export const ACCEPTED_FORMS_ZH = [
  "· 表决：同意 / 反对 / 弃权（只有一项表决时也可只回 1 / 2 / 3）",
  "· 指定议题：2号同意、第二项反对、议题3弃权、#2 同意",
  "· 多项一起：1、2同意 3反对；全部同意 / 都同意",
  "· 同时提意见：同意，但建议……",
  "· 其他：意见：…… ｜ 签到 ｜ 请假 原因 ｜ 绑定 六位数字 ｜ 查询",
].join("\n");
