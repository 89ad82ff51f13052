import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION_PREFIX = "v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new Error(`secret key must be ${KEY_BYTES} bytes`);
  }
}

/** Decodes a base64 (or base64url) key, which must be exactly 32 bytes. */
export function parseSecretKey(base64: string): Buffer {
  const text = typeof base64 === "string" ? base64.trim() : "";
  // Buffer.from silently skips invalid characters, so validate the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new Error("secret key must be base64-encoded");
  }
  const key = Buffer.from(text, "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(`secret key must decode to ${KEY_BYTES} bytes, got ${key.length}`);
  }
  return key;
}

/** AES-256-GCM; output is "v1:" + base64url(iv | tag | ciphertext). */
export function sealSecret(plaintext: string, key: Buffer): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return VERSION_PREFIX + Buffer.concat([iv, tag, ciphertext]).toString("base64url");
}

export function openSecret(sealed: string, key: Buffer): string {
  assertKey(key);
  if (typeof sealed !== "string" || !sealed.startsWith(VERSION_PREFIX)) {
    throw new Error("sealed secret has an unknown format (expected v1:)");
  }
  const body = sealed.slice(VERSION_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new Error("sealed secret is not valid base64url");
  const raw = Buffer.from(body, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed secret is truncated");

  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const ciphertext = raw.subarray(IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("sealed secret failed authentication (wrong key or tampered data)");
  }
}
