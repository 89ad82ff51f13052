import { restOf, skipWhile, type Normalised } from "./text.ts";
import type { BallotIntent } from "./types.ts";

type CommandIntent = Extract<BallotIntent, { kind: "check_in" | "leave" | "bind" | "query" }>;

const CHECK_IN = /^(?:我|本人)?(?:已经|已)?(?:签到|到)(?:了|啦)?$/u;
const QUERY =
  /^(?:查询(?:一下)?|(?:查看|查询|查|看看|看|查一下|看一下)?(?:投票|表决|目前|现在的?|当前)?(?:结果|进度))(?:呢|如何|怎么样|怎样)?$/u;
const LEAVE = /^(?:我|本人)?(?:要|想)?请假(?:了|啦)?/u;
/** "请假条怎么写", "请假要提前说吗" ask about leave; they do not take it. */
const NOT_A_LEAVE = /^(?:条|吗|么|呢|的|要|需要|手续|流程|怎么|制度|扣|能|可以|行不行|可不可以|有|算)/u;
const BIND = /^(?:我要|请)?绑定(?:码|账号|手机|身份)?/u;
const BIND_CODE = /^[:\s]*([\d\s-]*)$/u;
const ARG_SEPARATOR = /[\s,:;、.\-—]/u;

/**
 * 签到 / 请假 原因 / 绑定 123456 / 查询. `null` when the message is not a command; an ambiguous comment when it
 * starts like 绑定 but the code is not exactly six digits.
 */
export function readCommand(n: Normalised): CommandIntent | Extract<BallotIntent, { kind: "comment" }> | null {
  const s = n.body;
  if (CHECK_IN.test(s)) return { kind: "check_in" };
  if (QUERY.test(s)) return { kind: "query" };

  const leave = LEAVE.exec(s);
  if (leave) {
    const reasonStart = skipWhile(s, leave[0].length, ARG_SEPARATOR);
    const rest = s.slice(reasonStart);
    if (NOT_A_LEAVE.test(rest) || n.tail.includes("?") || /[吗呢]$/u.test(rest)) return null;
    return { kind: "leave", reason: reasonStart < s.length ? restOf(n, reasonStart, "comment").text : "" };
  }

  const bind = BIND.exec(s);
  if (bind) {
    const code = BIND_CODE.exec(s.slice(bind[0].length))?.[1].replace(/[\s-]/gu, "") ?? "";
    if (/^\d{6}$/.test(code)) return { kind: "bind", code };
    return { kind: "comment", text: n.raw.trim(), ambiguous: true };
  }
  return null;
}
