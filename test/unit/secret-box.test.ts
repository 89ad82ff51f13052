import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, parseSecretKey, sealSecret } from "../../src/domain/secret-box.ts";

const key = randomBytes(32);

function flipByte(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), "base64url");
  raw[index] ^= 0x01;
  return "v1:" + raw.toString("base64url");
}

describe("sealSecret / openSecret", () => {
  it.each(["bot-token-123", "", "中文令牌🔑", "x".repeat(10_000)])("round-trips %#", (plaintext) => {
    expect(openSecret(sealSecret(plaintext, key), key)).toBe(plaintext);
  });

  it("produces v1:base64url(iv | tag | ciphertext)", () => {
    const sealed = sealSecret("hello", key);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.slice(3), "base64url")).toHaveLength(12 + 16 + 5);
  });

  it("uses a random IV, so sealing twice differs", () => {
    const a = sealSecret("same", key);
    const b = sealSecret("same", key);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), "base64url").subarray(0, 12)).not.toEqual(
      Buffer.from(b.slice(3), "base64url").subarray(0, 12),
    );
  });

  it.each([
    ["iv", 0],
    ["tag", 12],
    ["ciphertext", 30],
  ])("detects tampering with the %s", (_part, index) => {
    const tampered = flipByte(sealSecret("top secret", key), index);
    expect(() => openSecret(tampered, key)).toThrow(/wrong key or tampered/);
  });

  it("detects a wrong key", () => {
    const sealed = sealSecret("top secret", key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(/wrong key or tampered/);
  });

  it("rejects malformed input clearly", () => {
    expect(() => openSecret("v2:abc", key)).toThrow(/unknown format/);
    expect(() => openSecret("no-prefix", key)).toThrow(/unknown format/);
    expect(() => openSecret("v1:abc", key)).toThrow(/truncated/);
    expect(() => openSecret("v1:!!!", key)).toThrow(/base64url/);
    const sealed = sealSecret("top secret", key);
    expect(() => openSecret(sealed.slice(0, -4), key)).toThrow(/wrong key or tampered/);
  });

  it("rejects keys that are not 32 bytes", () => {
    expect(() => sealSecret("x", randomBytes(16))).toThrow(/32 bytes/);
    expect(() => openSecret("v1:abc", randomBytes(31))).toThrow(/32 bytes/);
  });
});

describe("parseSecretKey", () => {
  it("decodes a 32-byte base64 key", () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString("base64")).equals(raw)).toBe(true);
    expect(parseSecretKey(` ${raw.toString("base64")}\n`).equals(raw)).toBe(true);
  });

  it("accepts base64url and unpadded forms", () => {
    const raw = Buffer.alloc(32, 0xfb);
    expect(parseSecretKey(raw.toString("base64url")).equals(raw)).toBe(true);
  });

  it("rejects the wrong length", () => {
    expect(() => parseSecretKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => parseSecretKey(randomBytes(33).toString("base64"))).toThrow(/32 bytes/);
  });

  it("rejects non-base64 text", () => {
    expect(() => parseSecretKey("")).toThrow(/base64/);
    expect(() => parseSecretKey("this is not base64 at all, really!!")).toThrow(/base64/);
  });

  it("produces a key usable by sealSecret", () => {
    const parsed = parseSecretKey(randomBytes(32).toString("base64"));
    expect(openSecret(sealSecret("ok", parsed), parsed)).toBe("ok");
  });
});
