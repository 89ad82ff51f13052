import { describe, expect, it } from "vitest";
import { ACCEPTED_FORMS_ZH, parseBallot, type BallotChoice, type BallotIntent } from "../../src/domain/ballot.ts";

/** The intent without its spans (spans are checked in their own block). */
const parse = (text: string) => {
  const intent: BallotIntent = parseBallot(text);
  if (intent.kind !== "vote" && intent.kind !== "all") return intent;
  const { spans: _spans, ...rest } = intent;
  return rest;
};
const vote = (choice: BallotChoice, motionNumber: number | null = null) => ({
  kind: "vote",
  choices: [{ motionNumber, choice }],
});
const votes = (...choices: Array<[number, BallotChoice]>) => ({
  kind: "vote",
  choices: choices.map(([motionNumber, choice]) => ({ motionNumber, choice })),
});
const comment = (text: string, ambiguous: boolean) => ({ kind: "comment", text: text.trim(), ambiguous });

describe("parseBallot: bare choices", () => {
  it.each([
    ["同意", "yes"], ["赞成", "yes"], ["支持", "yes"], ["赞同", "yes"], ["通过", "yes"], ["可以", "yes"],
    ["没意见", "yes"], ["没有意见", "yes"], ["我没意见", "yes"], ["👍", "yes"], ["👍🏽", "yes"], ["👍👍👍", "yes"],
    ["反对", "no"], ["不同意", "no"], ["不赞成", "no"], ["不支持", "no"], ["不行", "no"], ["不通过", "no"],
    ["弃权", "abstain"],
    ["我同意", "yes"], ["我也同意", "yes"], ["我是同意的", "yes"], ["我反对", "no"], ["本人弃权", "abstain"],
    ["我们同意", "yes"], ["坚决反对", "no"], ["坚决不同意", "no"], ["完全赞成", "yes"], ["投赞成票", "yes"],
    ["我投反对票", "no"], ["弃权票", "abstain"], ["同意了", "yes"], ["同意的", "yes"], ["同意啦", "yes"],
  ] as const)("%s -> %s", (text, choice) => {
    expect(parse(text)).toEqual(vote(choice));
  });
});

describe("parseBallot: bare digits vote on the single open motion", () => {
  it.each([
    ["1", "yes"], ["2", "no"], ["3", "abstain"], ["１", "yes"], ["２", "no"], ["３", "abstain"],
    ["1。", "yes"], [" 2 ", "no"], ["3!", "abstain"], ["1️⃣", "yes"], ["【1】", "yes"],
  ] as const)("%j -> %s", (text, choice) => {
    expect(parse(text)).toEqual(vote(choice));
  });

  it.each(["1号2", "12", "13812345678", "12万", "1 2", "0", "4", "1?", "+1", "1号"])("%j is not a vote", (text) => {
    expect(parseBallot(text).kind).toBe("comment");
  });

  it("flags lone numbers and +1 as ambiguous, but not phone numbers or amounts", () => {
    expect(parse("4")).toEqual(comment("4", true));
    expect(parse("+1")).toEqual(comment("+1", true));
    expect(parse("13812345678")).toEqual(comment("13812345678", false));
    expect(parse("12万")).toEqual(comment("12万", false));
  });

  it("reads digits before a choice word as motion numbers", () => {
    expect(parse("1同意")).toEqual(vote("yes", 1));
    expect(parse("1、2同意 3反对")).toEqual(votes([1, "yes"], [2, "yes"], [3, "no"]));
    expect(parse("1.同意 2.反对")).toEqual(votes([1, "yes"], [2, "no"]));
    expect(parse("138同意")).toEqual(comment("138同意", true));
  });
});

describe("parseBallot: normalisation", () => {
  it.each([
    ["  同意  ", "yes"], ["\n同意\n", "yes"], ["\t 反对 \r\n", "no"], ["同意！", "yes"], ["同意!!!", "yes"],
    ["同意。", "yes"], ["反对～～", "no"], ["同意👍", "yes"], ["同意 👍🏽", "yes"], ["同意❤️", "yes"],
    ["赞成👨‍👩‍👧", "yes"], ["弃权…", "abstain"], ["【同意】", "yes"], ["“反对”", "no"], ["　同意　", "yes"],
    ["反对👍", "no"], ["👍同意", "yes"],
  ] as const)("%j -> %s", (text, choice) => {
    expect(parse(text)).toEqual(vote(choice));
  });

  it("treats emoji between clauses as decoration", () => {
    expect(parse("2号同意👍")).toEqual(vote("yes", 2));
    expect(parse("2号反对👍3号同意")).toEqual(votes([2, "no"], [3, "yes"]));
    expect(parse("都同意👍")).toEqual({ kind: "all", choice: "yes" });
    expect(parse("同意😊但是要快")).toEqual({ ...vote("yes"), comment: "但是要快" });
  });

  it("maps full-width digits and symbols to ASCII", () => {
    expect(parse("２号同意")).toEqual(vote("yes", 2));
    expect(parse("＃３　反对")).toEqual(vote("no", 3));
    expect(parse("第１２项弃权")).toEqual(vote("abstain", 12));
  });
});

describe("parseBallot: numbered motions", () => {
  it.each([
    ["2号同意", 2, "yes"], ["2号 反对", 2, "no"], ["2 号反对", 2, "no"], ["#2 同意", 2, "yes"], ["#2同意", 2, "yes"],
    ["# 7 弃权", 7, "abstain"], ["第2项同意", 2, "yes"], ["第2项：同意", 2, "yes"], ["第二项同意", 2, "yes"],
    ["第二项 反对", 2, "no"], ["第三个议题反对", 3, "no"], ["第4号议题弃权", 4, "abstain"], ["议题2弃权", 2, "abstain"],
    ["议题3弃权", 3, "abstain"], ["议题三 同意", 3, "yes"], ["提案5号反对", 5, "no"], ["两号同意", 2, "yes"],
    ["十号反对", 10, "no"], ["十一号同意", 11, "yes"], ["二十号同意", 20, "yes"], ["二十三号弃权", 23, "abstain"],
    ["2号议题不同意", 2, "no"], ["我2号同意", 2, "yes"], ["3号，同意", 3, "yes"], ["12号同意！", 12, "yes"],
    ["2号可以", 2, "yes"], ["2号没意见", 2, "yes"], ["对2号没意见", 2, "yes"], ["关于第二项，我同意", 2, "yes"],
    ["2号不行", 2, "no"], ["３号👍", 3, "yes"],
  ] as const)("%s -> #%i %s", (text, motionNumber, choice) => {
    expect(parse(text)).toEqual(vote(choice, motionNumber));
  });

  it("reads several motions in one message", () => {
    const expected = votes([1, "yes"], [2, "no"], [3, "abstain"]);
    expect(parse("1号同意，2号反对，3号弃权")).toEqual(expected);
    expect(parse("1号同意 2号反对 3号弃权")).toEqual(expected);
    expect(parse("1号同意\n2号反对\n3号弃权")).toEqual(expected);
    expect(parse("1号同意2号反对3号弃权")).toEqual(expected);
    expect(parse("第一项同意；第二项反对；第三项弃权。")).toEqual(expected);
    expect(parse("1同意2反对3弃权")).toEqual(expected);
  });

  it("reads lists of motions sharing one choice", () => {
    const expected = votes([1, "yes"], [2, "yes"]);
    for (const text of ["1、2同意", "1,2同意", "1和2号同意", "1号、2号同意", "一号二号都同意", "第1、2项同意", "1、2都同意"]) {
      expect(parse(text)).toEqual(expected);
    }
  });

  it("collapses exact repeats", () => {
    expect(parse("同意同意")).toEqual(vote("yes"));
    expect(parse("同意！同意！")).toEqual(vote("yes"));
    expect(parse("2号同意，2号同意")).toEqual(vote("yes", 2));
  });
});

describe("parseBallot: all open motions", () => {
  it.each([
    ["全部同意", "yes"], ["都同意", "yes"], ["我都同意", "yes"], ["我全部同意", "yes"], ["全都同意！", "yes"],
    ["以上都同意", "yes"], ["所有议题都同意", "yes"], ["都没意见", "yes"], ["全部反对", "no"], ["都不同意", "no"],
    ["全部弃权", "abstain"],
  ] as const)("%s -> all %s", (text, choice) => {
    expect(parse(text)).toEqual({ kind: "all", choice });
  });

  it("keeps a comment after an all-vote", () => {
    expect(parse("全部同意，但建议公开账目")).toEqual({ kind: "all", choice: "yes", comment: "但建议公开账目" });
  });

  it.each(["全部同意 3号反对", "都可以", "大家都同意", "两个都同意", "全部同意吗"])("%j is an ambiguous comment", (text) => {
    expect(parse(text)).toEqual(comment(text, true));
  });
});

describe("parseBallot: vote with comment", () => {
  it("splits a yes from the comment after the comma", () => {
    expect(parse("同意，但建议下个月再议")).toEqual({ ...vote("yes"), comment: "但建议下个月再议" });
    expect(parse("同意但是要公开账目")).toEqual({ ...vote("yes"), comment: "但是要公开账目" });
    expect(parse("不行，太贵")).toEqual({ ...vote("no"), comment: "太贵" });
  });

  it("keeps the comment exactly as typed, including full-width and trailing punctuation", () => {
    expect(parse("同意，但建议修路用２０万…")).toEqual({ ...vote("yes"), comment: "但建议修路用２０万…" });
    expect(parse("反对。太贵了！")).toEqual({ ...vote("no"), comment: "太贵了！" });
    expect(parse("同意，为什么不早点开?")).toEqual({ ...vote("yes"), comment: "为什么不早点开?" });
    expect(parse("同意，3个月内完成")).toEqual({ ...vote("yes"), comment: "3个月内完成" });
  });

  it("attaches comments to numbered votes", () => {
    expect(parse("2号反对，费用太高")).toEqual({ ...vote("no", 2), comment: "费用太高" });
    expect(parse("同意\n建议下次早点通知")).toEqual({ ...vote("yes"), comment: "建议下次早点通知" });
  });

  it("does not mistake a choice word inside the comment for a second vote", () => {
    expect(parse("同意，反对的人请说明理由")).toEqual({ ...vote("yes"), comment: "反对的人请说明理由" });
  });

  it("refuses a trailing motion number or question particle as a comment", () => {
    for (const text of ["同意 2", "同意 2号", "同意，第三项", "同意 吗", "同意，不"]) expect(parse(text)).toEqual(comment(text, true));
  });
});

describe("parseBallot: commands", () => {
  it.each(["签到", "到", "已到", "到了", "我到了", "已签到", "签到！"])("%j -> check_in", (text) => {
    expect(parse(text)).toEqual({ kind: "check_in" });
  });

  it.each([
    ["请假 家中有事", "家中有事"], ["请假，家中有事。", "家中有事。"], ["请假", ""], ["请假了", ""],
    ["我要请假：明天去县里", "明天去县里"], ["请假家里有事", "家里有事"],
  ])("%j -> leave %j", (text, reason) => {
    expect(parse(text)).toEqual({ kind: "leave", reason });
  });

  it.each(["请假条怎么写", "请假吗", "请假要提前说吗", "可以请假吗？"])("%j asks about leave and is a comment", (text) => {
    expect(parse(text).kind).toBe("comment");
  });

  it.each([
    ["绑定 123456", "123456"], ["绑定123456", "123456"], ["绑定：１２３４５６", "123456"], ["绑定 123 456", "123456"],
    ["我要绑定 654321", "654321"], ["绑定码 000111", "000111"],
  ])("%j -> bind %s", (text, code) => {
    expect(parse(text)).toEqual({ kind: "bind", code });
  });

  it.each(["绑定 12345", "绑定 1234567", "绑定", "绑定 abcdef", "绑定了吗"])("%j is an ambiguous comment", (text) => {
    expect(parse(text)).toEqual(comment(text, true));
  });

  it.each(["查询", "结果", "查看结果", "进度", "结果呢？", "投票结果", "查询一下", "投票进度怎么样"])("%j -> query", (text) => {
    expect(parse(text)).toEqual({ kind: "query" });
  });
});

describe("parseBallot: comments", () => {
  it.each([
    ["意见：同意，但要公开账目", false], ["意见:路灯太暗", false], ["建议同意", false], ["建议下次会议早点开始", false],
    ["我不知道同意不同意", true], ["同意不同意", true], ["2号同意，2号反对", true], ["同意，2号反对", true],
    ["同意吗", true], ["同意？", true], ["2号同意? 3号反对", true], ["同意吧", true], ["不反对", true],
    ["不太同意", true], ["同意2号", true], ["0号同意", true], ["1000号同意", true], ["大家觉得怎么样", false],
    ["这个方案很好", false], ["支持一下", true], ["同意的人举手", true], ["", false], ["   ", false],
    ["！！！", false], ["可以吗", true], ["可以考虑", true], ["我可以", true], ["可以的", true],
    ["没有不同意", true], ["有不同意见", true], ["同意？👍", true], ["👎", true], ["好的", false], ["收到", false],
    ["我第一个同意", true], ["谢谢大家👍", false],
  ] as const)("%j is a comment (ambiguous: %s)", (text, ambiguous) => {
    expect(parse(text)).toEqual(comment(text, ambiguous));
  });

  it("returns the trimmed original text", () => {
    expect(parse("  意见：ＡＢＣ  \n")).toEqual(comment("意见：ＡＢＣ", false));
  });
});

describe("parseBallot: spans", () => {
  it("points at the motion and choice words in the original text", () => {
    const intent = parseBallot(" ２号　不同意，太贵了！");
    expect(intent).toMatchObject({ kind: "vote", choices: [{ motionNumber: 2, choice: "no" }], comment: "太贵了！" });
    if (intent.kind !== "vote") throw new Error("expected a vote");
    expect(intent.spans).toEqual([
      { start: 1, end: 3, text: "２号", role: "motion" },
      { start: 4, end: 7, text: "不同意", role: "choice" },
      { start: 8, end: 12, text: "太贵了！", role: "comment" },
    ]);
  });

  it("marks the quantifier of an all-vote as the motion span", () => {
    expect(parseBallot("我全部同意")).toMatchObject({
      spans: [{ start: 1, end: 3, text: "全部", role: "motion" }, { start: 3, end: 5, text: "同意", role: "choice" }],
    });
  });

  it("keeps the original characters of a bare digit", () => {
    expect(parseBallot("１️⃣")).toMatchObject({ kind: "vote", spans: [{ start: 0, end: 1, text: "１", role: "choice" }] });
  });
});

describe("ACCEPTED_FORMS_ZH", () => {
  it("lists forms that the parser itself accepts", () => {
    for (const form of ["同意", "反对", "弃权", "1", "2号同意", "第二项反对", "议题3弃权", "#2 同意", "1、2同意 3反对", "全部同意"]) {
      expect(ACCEPTED_FORMS_ZH).toContain(form);
      expect(parseBallot(form).kind).toMatch(/^(vote|all)$/);
    }
    expect(parseBallot("同意，但建议早点开会")).toMatchObject({ kind: "vote", comment: "但建议早点开会" });
  });
});

describe("parseBallot: robustness", () => {
  it("never throws, whatever the input", () => {
    const inputs: unknown[] = [undefined, null, 42, {}, "\u0000", "\ud800同意", "同意\udc00", "同意".repeat(5000), "号".repeat(1000)];
    for (const input of inputs) {
      expect(() => parseBallot(input as string)).not.toThrow();
    }
    expect(parseBallot(undefined as unknown as string)).toEqual({ kind: "comment", text: "", ambiguous: false });
  });

  it("stays fast on long adversarial messages", () => {
    const inputs = ["同意，a" + "1、".repeat(5000), "同意，a" + "1 ".repeat(5000), "同意，a" + "第1、".repeat(3000), "同意".repeat(5000)];
    for (const input of inputs) {
      const started = performance.now();
      parseBallot(input);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
