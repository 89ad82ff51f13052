import { describe, expect, it } from "vitest";
import { parseBallot, type BallotChoice } from "../../src/domain/ballot.ts";

const vote = (choice: BallotChoice, motionNumber: number | null = null) => ({
  kind: "vote",
  choices: [{ motionNumber, choice }],
});

describe("parseBallot: bare choices", () => {
  it.each([
    ["同意", "yes"],
    ["赞成", "yes"],
    ["支持", "yes"],
    ["赞同", "yes"],
    ["反对", "no"],
    ["不同意", "no"],
    ["不赞成", "no"],
    ["不支持", "no"],
    ["弃权", "abstain"],
    ["我同意", "yes"],
    ["我反对", "no"],
    ["本人弃权", "abstain"],
    ["我们同意", "yes"],
    ["坚决反对", "no"],
    ["完全赞成", "yes"],
    ["投赞成票", "yes"],
    ["我投反对票", "no"],
    ["弃权票", "abstain"],
    ["同意了", "yes"],
    ["同意的", "yes"],
  ] as const)("%s -> %s", (text, choice) => {
    expect(parseBallot(text)).toEqual(vote(choice));
  });
});

describe("parseBallot: normalisation", () => {
  it.each([
    ["  同意  ", "yes"],
    ["\n同意\n", "yes"],
    ["\t 反对 \r\n", "no"],
    ["同意！", "yes"],
    ["同意!!!", "yes"],
    ["同意。", "yes"],
    ["反对～～", "no"],
    ["同意👍", "yes"],
    ["同意 👍🏽", "yes"],
    ["同意❤️", "yes"],
    ["赞成👨‍👩‍👧", "yes"],
    ["弃权…", "abstain"],
  ] as const)("%j -> %s", (text, choice) => {
    expect(parseBallot(text)).toEqual(vote(choice));
  });

  it("maps full-width digits and symbols to ASCII", () => {
    expect(parseBallot("２号同意")).toEqual(vote("yes", 2));
    expect(parseBallot("＃３　反对")).toEqual(vote("no", 3));
    expect(parseBallot("第１２项弃权")).toEqual(vote("abstain", 12));
  });
});

describe("parseBallot: numbered motions", () => {
  it.each([
    ["2号同意", 2, "yes"],
    ["2号 反对", 2, "no"],
    ["2 号反对", 2, "no"],
    ["#2 同意", 2, "yes"],
    ["#2同意", 2, "yes"],
    ["# 7 弃权", 7, "abstain"],
    ["第2项同意", 2, "yes"],
    ["第2项：同意", 2, "yes"],
    ["第二项同意", 2, "yes"],
    ["第三个议题反对", 3, "no"],
    ["第4号议题弃权", 4, "abstain"],
    ["议题2弃权", 2, "abstain"],
    ["议题三 同意", 3, "yes"],
    ["提案5号反对", 5, "no"],
    ["两号同意", 2, "yes"],
    ["十号反对", 10, "no"],
    ["十一号同意", 11, "yes"],
    ["二十号同意", 20, "yes"],
    ["二十三号弃权", 23, "abstain"],
    ["2号议题不同意", 2, "no"],
    ["我2号同意", 2, "yes"],
    ["3号，同意", 3, "yes"],
    ["12号同意！", 12, "yes"],
  ] as const)("%s -> #%i %s", (text, motionNumber, choice) => {
    expect(parseBallot(text)).toEqual(vote(choice, motionNumber));
  });

  it("reads several motions in one message", () => {
    const expected = {
      kind: "vote",
      choices: [
        { motionNumber: 1, choice: "yes" },
        { motionNumber: 2, choice: "no" },
        { motionNumber: 3, choice: "abstain" },
      ],
    };
    expect(parseBallot("1号同意，2号反对，3号弃权")).toEqual(expected);
    expect(parseBallot("1号同意 2号反对 3号弃权")).toEqual(expected);
    expect(parseBallot("1号同意\n2号反对\n3号弃权")).toEqual(expected);
    expect(parseBallot("1号同意2号反对3号弃权")).toEqual(expected);
    expect(parseBallot("第一项同意；第二项反对；第三项弃权。")).toEqual(expected);
  });

  it("collapses exact repeats", () => {
    expect(parseBallot("同意同意")).toEqual(vote("yes"));
    expect(parseBallot("同意！同意！")).toEqual(vote("yes"));
    expect(parseBallot("2号同意，2号同意")).toEqual(vote("yes", 2));
  });
});

describe("parseBallot: vote with comment", () => {
  it("splits a yes from the comment after the comma", () => {
    expect(parseBallot("同意，但建议下个月再议")).toEqual({ ...vote("yes"), comment: "但建议下个月再议" });
  });

  it("keeps the comment exactly as typed, including full-width and trailing punctuation", () => {
    expect(parseBallot("同意，但建议修路用２０万…")).toEqual({ ...vote("yes"), comment: "但建议修路用２０万…" });
    expect(parseBallot("反对。太贵了！")).toEqual({ ...vote("no"), comment: "太贵了！" });
    expect(parseBallot("同意，为什么不早点开?")).toEqual({ ...vote("yes"), comment: "为什么不早点开?" });
  });

  it("attaches comments to numbered votes", () => {
    expect(parseBallot("2号反对，费用太高")).toEqual({ ...vote("no", 2), comment: "费用太高" });
    expect(parseBallot("同意\n建议下次早点通知")).toEqual({ ...vote("yes"), comment: "建议下次早点通知" });
  });

  it("does not mistake a choice word inside the comment for a second vote", () => {
    expect(parseBallot("同意，反对的人请说明理由")).toEqual({ ...vote("yes"), comment: "反对的人请说明理由" });
  });
});

describe("parseBallot: comments", () => {
  it.each([
    "意见：同意，但要公开账目",
    "意见:路灯太暗",
    "建议同意",
    "建议下次会议早点开始",
    "我不知道同意不同意",
    "同意不同意",
    "2号同意，2号反对",
    "同意，2号反对",
    "同意吗",
    "同意？",
    "2号同意? 3号反对",
    "同意吧",
    "不反对",
    "不太同意",
    "同意2号",
    "0号同意",
    "1000号同意",
    "大家觉得怎么样",
    "这个方案很好",
    "支持一下",
    "同意的人举手",
    "👍",
    "",
    "   ",
    "！！！",
  ])("%j is a comment", (text) => {
    expect(parseBallot(text)).toEqual({ kind: "comment", text: text.trim() });
  });

  it("returns the trimmed original text", () => {
    expect(parseBallot("  意见：ＡＢＣ  \n")).toEqual({ kind: "comment", text: "意见：ＡＢＣ" });
  });
});

describe("parseBallot: robustness", () => {
  it("never throws, whatever the input", () => {
    const inputs: unknown[] = [undefined, null, 42, {}, "\u0000", "\ud800同意", "同意".repeat(5000), "号".repeat(1000)];
    for (const input of inputs) {
      expect(() => parseBallot(input as string)).not.toThrow();
    }
    expect(parseBallot(undefined as unknown as string)).toEqual({ kind: "comment", text: "" });
  });
});
