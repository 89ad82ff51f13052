import { createHmac, timingSafeEqual } from "node:crypto";

const SIGNATURE_PREFIX = "sha256=";

export type WebhookVerification =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "bad_timestamp" | "stale_timestamp" | "bad_signature" };

export type VerifyWebhookInput = {
  secret: string;
  timestampHeader: string | null | undefined;
  signatureHeader: string | null | undefined;
  rawBody: string | Buffer;
  now: Date;
  toleranceSeconds?: number;
};

function hmacHex(secret: string, timestamp: string, rawBody: string | Buffer): string {
  if (!secret) throw new Error("webhook secret must not be empty");
  return createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(rawBody).digest("hex");
}

/** Returns "sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>"; timestamp is Unix seconds. */
export function signWebhook(secret: string, timestamp: number, rawBody: string | Buffer): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`timestamp must be a non-negative integer of Unix seconds: ${timestamp}`);
  }
  return SIGNATURE_PREFIX + hmacHex(secret, String(timestamp), rawBody);
}

export function verifyWebhook({
  secret,
  timestampHeader,
  signatureHeader,
  rawBody,
  now,
  toleranceSeconds = 300,
}: VerifyWebhookInput): WebhookVerification {
  const timestampText = timestampHeader?.trim();
  const signature = signatureHeader?.trim();
  if (!timestampText || !signature) return { ok: false, reason: "missing_headers" };

  if (!/^\d{1,15}$/.test(timestampText)) return { ok: false, reason: "bad_timestamp" };
  const timestamp = Number(timestampText);
  if (Math.abs(now.getTime() - timestamp * 1000) > toleranceSeconds * 1000) {
    return { ok: false, reason: "stale_timestamp" };
  }

  if (!signature.startsWith(SIGNATURE_PREFIX)) return { ok: false, reason: "bad_signature" };
  const givenHex = signature.slice(SIGNATURE_PREFIX.length).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(givenHex)) return { ok: false, reason: "bad_signature" };

  // Sign the header text as received (leading zeros included) so we check exactly what was sent.
  const expected = Buffer.from(hmacHex(secret, timestampText, rawBody), "hex");
  const given = Buffer.from(givenHex, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  return { ok: true };
}
