import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const GENESIS_HASH = "0".repeat(64);

export type LogEntryFields = {
  seq: number;
  villageId: string;
  type: string;
  actor: string;
  payload: unknown;
  createdAt: Date | string;
  prevHash: string;
};

export type ChainVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; badSeq: number };

function toIsoString(createdAt: Date | string): string {
  const date = createdAt instanceof Date ? createdAt : new Date(createdAt);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid createdAt: ${String(createdAt)}`);
  return date.toISOString();
}

/**
 * SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of the entry fields.
 * createdAt is normalised to Date.toISOString() so a Date and any string for
 * the same instant hash identically. Throws if the payload is not JSON-safe
 * (NaN, Infinity, lone surrogates, cycles).
 */
export function hashEntry(fields: LogEntryFields): string {
  const canonical = canonicalize({
    seq: fields.seq,
    villageId: fields.villageId,
    type: fields.type,
    actor: fields.actor,
    payload: fields.payload,
    createdAt: toIsoString(fields.createdAt),
    prevHash: fields.prevHash,
  });
  if (canonical === undefined) throw new Error("entry is not serialisable");
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

function hashOrNull(fields: LogEntryFields): string | null {
  try {
    return hashEntry(fields);
  } catch {
    return null;
  }
}

/** The last already-verified entry, to verify a chain in consecutive batches. */
export type ChainAnchor = { seq: number; hash: string };

/**
 * Verifies entries given in seq order: from seq 1 after GENESIS_HASH, or
 * continuing right after `from`. count is the number of entries given here.
 * On failure, badSeq is the seq of the first entry that does not verify
 * (for a gap, the entry after the gap).
 */
export function verifyChain(
  entries: Array<LogEntryFields & { hash: string }>,
  from: ChainAnchor = { seq: 0, hash: GENESIS_HASH },
): ChainVerification {
  let prevHash = from.hash;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.seq !== from.seq + i + 1) return { ok: false, badSeq: entry.seq };
    if (entry.prevHash !== prevHash) return { ok: false, badSeq: entry.seq };
    if (hashOrNull(entry) !== entry.hash) return { ok: false, badSeq: entry.seq };
    prevHash = entry.hash;
  }
  return { ok: true, count: entries.length, headHash: prevHash };
}
