import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "../../src/domain/webhook-signature.ts";

const secret = "whsec_test";
const body = '{"event":"message","text":"2号同意"}';
const ts = 1_736_076_600; // 2025-01-05T11:30:00Z
const now = new Date(ts * 1000);

function verify(overrides: Partial<Parameters<typeof verifyWebhook>[0]> = {}) {
  return verifyWebhook({
    secret,
    timestampHeader: String(ts),
    signatureHeader: signWebhook(secret, ts, body),
    rawBody: body,
    now,
    ...overrides,
  });
}

describe("signWebhook", () => {
  it("is sha256= + hex HMAC of timestamp.body", () => {
    const expected = createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
  });

  it("signs a Buffer body the same as the equivalent string", () => {
    expect(signWebhook(secret, ts, Buffer.from(body, "utf8"))).toBe(signWebhook(secret, ts, body));
  });

  it("rejects non-integer timestamps and an empty secret", () => {
    expect(() => signWebhook(secret, 1.5, body)).toThrow(RangeError);
    expect(() => signWebhook(secret, -1, body)).toThrow(RangeError);
    expect(() => signWebhook("", ts, body)).toThrow(/secret/);
  });
});

describe("verifyWebhook", () => {
  it("accepts a valid signature", () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ rawBody: Buffer.from(body) })).toEqual({ ok: true });
  });

  it("accepts upper-case hex and surrounding whitespace", () => {
    const sig = signWebhook(secret, ts, body);
    expect(verify({ signatureHeader: `sha256=${sig.slice(7).toUpperCase()}` })).toEqual({ ok: true });
    expect(verify({ signatureHeader: ` ${sig} `, timestampHeader: ` ${ts} ` })).toEqual({ ok: true });
  });

  it.each([
    ["missing timestamp", { timestampHeader: undefined }],
    ["null timestamp", { timestampHeader: null }],
    ["empty timestamp", { timestampHeader: "" }],
    ["missing signature", { signatureHeader: undefined }],
    ["blank signature", { signatureHeader: "   " }],
  ])("reports missing_headers for %s", (_label, overrides) => {
    expect(verify(overrides)).toEqual({ ok: false, reason: "missing_headers" });
  });

  it.each(["abc", "1736076600.5", "-1736076600", "1e9", "0x10", "17360766OO", "9".repeat(16)])(
    "reports bad_timestamp for %s",
    (timestampHeader) => {
      expect(verify({ timestampHeader })).toEqual({ ok: false, reason: "bad_timestamp" });
    },
  );

  it("accepts timestamps exactly 300 s in the past or future", () => {
    for (const t of [ts - 300, ts + 300]) {
      expect(verify({ timestampHeader: String(t), signatureHeader: signWebhook(secret, t, body) })).toEqual({
        ok: true,
      });
    }
  });

  it("reports stale_timestamp at 301 s in the past or future", () => {
    for (const t of [ts - 301, ts + 301]) {
      expect(verify({ timestampHeader: String(t), signatureHeader: signWebhook(secret, t, body) })).toEqual({
        ok: false,
        reason: "stale_timestamp",
      });
    }
  });

  it("honours a custom tolerance", () => {
    const t = ts - 61;
    const sig = signWebhook(secret, t, body);
    expect(verify({ timestampHeader: String(t), signatureHeader: sig, toleranceSeconds: 60 }).ok).toBe(false);
    expect(verify({ timestampHeader: String(t), signatureHeader: sig, toleranceSeconds: 61 }).ok).toBe(true);
  });

  it.each([
    ["a wrong prefix", `sha1=${signWebhook(secret, ts, body).slice(7)}`],
    ["no prefix", signWebhook(secret, ts, body).slice(7)],
    ["a truncated digest", signWebhook(secret, ts, body).slice(0, -2)],
    ["an over-long digest", `${signWebhook(secret, ts, body)}00`],
    ["non-hex characters", `sha256=${"z".repeat(64)}`],
    ["another secret", signWebhook("other", ts, body)],
    ["another timestamp", signWebhook(secret, ts - 1, body)],
    ["another body", signWebhook(secret, ts, `${body} `)],
  ])("reports bad_signature for %s", (_label, signatureHeader) => {
    expect(verify({ signatureHeader })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("reports bad_signature when the body was altered", () => {
    expect(verify({ rawBody: body.replace("同意", "反对") })).toEqual({ ok: false, reason: "bad_signature" });
  });
});
