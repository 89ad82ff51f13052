import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEntry, verifyChain, type LogEntryFields } from "../../src/domain/decision-log.ts";

type Entry = LogEntryFields & { hash: string };

const VECTOR: LogEntryFields = {
  seq: 1,
  villageId: "v-001",
  type: "motion.passed",
  actor: "member:42",
  payload: { motionNumber: 2, title: "修路", tally: { yes: 7, no: 2, abstain: 1 } },
  createdAt: new Date("2025-01-05T11:30:00.000Z"),
  prevHash: GENESIS_HASH,
};
const VECTOR_CANONICAL =
  '{"actor":"member:42","createdAt":"2025-01-05T11:30:00.000Z",' +
  '"payload":{"motionNumber":2,"tally":{"abstain":1,"no":2,"yes":7},"title":"修路"},' +
  `"prevHash":"${"0".repeat(64)}","seq":1,"type":"motion.passed","villageId":"v-001"}`;
const VECTOR_HASH = "8cd3d27c1f727c109a85ff9433c461aecc597b121596bd43905f2f71e293b0ce";

function buildChain(n: number): Entry[] {
  const entries: Entry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields: LogEntryFields = {
      seq,
      villageId: "v-001",
      type: seq % 2 ? "meeting.scheduled" : "vote.cast",
      actor: `member:${seq}`,
      payload: { n: seq, note: `第${seq}条` },
      createdAt: new Date(Date.UTC(2025, 0, seq, 12)),
      prevHash,
    };
    const hash = hashEntry(fields);
    entries.push({ ...fields, hash });
    prevHash = hash;
  }
  return entries;
}

describe("hashEntry", () => {
  it("GENESIS_HASH is 64 zeros", () => {
    expect(GENESIS_HASH).toBe("0".repeat(64));
  });

  it("matches the pinned known vector (SHA-256 of the RFC 8785 form)", () => {
    expect(createHash("sha256").update(VECTOR_CANONICAL).digest("hex")).toBe(VECTOR_HASH);
    expect(hashEntry(VECTOR)).toBe(VECTOR_HASH);
  });

  it("is independent of payload key order, at every depth", () => {
    const reordered = { ...VECTOR, payload: { tally: { abstain: 1, yes: 7, no: 2 }, title: "修路", motionNumber: 2 } };
    expect(hashEntry(reordered)).toBe(VECTOR_HASH);
  });

  it("is independent of the order of the fields object itself", () => {
    const { prevHash, createdAt, payload, actor, type, villageId, seq } = VECTOR;
    expect(hashEntry({ prevHash, createdAt, payload, actor, type, villageId, seq })).toBe(VECTOR_HASH);
  });

  it("hashes a createdAt string like the equivalent Date", () => {
    expect(hashEntry({ ...VECTOR, createdAt: "2025-01-05T11:30:00.000Z" })).toBe(VECTOR_HASH);
    expect(hashEntry({ ...VECTOR, createdAt: "2025-01-05T19:30:00+08:00" })).toBe(VECTOR_HASH);
  });

  it("ignores fields outside the hashed set (e.g. a stored hash)", () => {
    expect(hashEntry({ ...VECTOR, hash: "whatever" } as LogEntryFields)).toBe(VECTOR_HASH);
  });

  it("changes when any hashed field changes", () => {
    const variants: LogEntryFields[] = [
      { ...VECTOR, seq: 2 },
      { ...VECTOR, villageId: "v-002" },
      { ...VECTOR, type: "motion.failed" },
      { ...VECTOR, actor: "member:43" },
      { ...VECTOR, payload: { motionNumber: 3, title: "修路", tally: { yes: 7, no: 2, abstain: 1 } } },
      { ...VECTOR, createdAt: new Date("2025-01-05T11:30:00.001Z") },
      { ...VECTOR, prevHash: "f".repeat(64) },
    ];
    const hashes = new Set(variants.map(hashEntry));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(VECTOR_HASH)).toBe(false);
  });

  it("accepts null and primitive payloads", () => {
    expect(hashEntry({ ...VECTOR, payload: null })).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEntry({ ...VECTOR, payload: "文本" })).not.toBe(hashEntry({ ...VECTOR, payload: null }));
  });

  it("throws on an invalid createdAt or a non-JSON payload", () => {
    expect(() => hashEntry({ ...VECTOR, createdAt: "not a date" })).toThrow(RangeError);
    expect(() => hashEntry({ ...VECTOR, payload: { x: Number.NaN } })).toThrow();
  });
});

describe("verifyChain", () => {
  it("accepts an empty chain with the genesis head", () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });
  });

  it("accepts a valid chain and reports its head", () => {
    const chain = buildChain(5);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 5, headHash: chain[4].hash });
  });

  it("accepts the single known-vector entry", () => {
    expect(verifyChain([{ ...VECTOR, hash: VECTOR_HASH }])).toEqual({ ok: true, count: 1, headHash: VECTOR_HASH });
  });

  it("accepts createdAt strings loaded from storage", () => {
    const chain = buildChain(3).map((e) => ({ ...e, createdAt: (e.createdAt as Date).toISOString() }));
    expect(verifyChain(chain).ok).toBe(true);
  });

  it("accepts payloads whose keys were reordered in storage", () => {
    const chain = buildChain(3);
    chain[1] = { ...chain[1], payload: { note: "第2条", n: 2 } };
    expect(verifyChain(chain).ok).toBe(true);
  });

  it("detects a tampered payload", () => {
    const chain = buildChain(5);
    chain[2] = { ...chain[2], payload: { n: 3, note: "改过" } };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 3 });
  });

  it("detects a tampered type", () => {
    const chain = buildChain(5);
    chain[3] = { ...chain[3], type: "motion.passed" };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 4 });
  });

  it("detects a tampered createdAt", () => {
    const chain = buildChain(5);
    chain[1] = { ...chain[1], createdAt: new Date("2030-01-01T00:00:00Z") };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 2 });
  });

  it("detects a tampered prevHash", () => {
    const chain = buildChain(5);
    chain[4] = { ...chain[4], prevHash: "a".repeat(64) };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 5 });
  });

  it("detects a first entry that does not start from genesis", () => {
    const chain = buildChain(2);
    const first = { ...chain[0], prevHash: "1".repeat(64) };
    chain[0] = { ...first, hash: hashEntry(first) };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 1 });
  });

  it("detects an entry re-hashed after tampering via the next entry's prevHash", () => {
    const chain = buildChain(4);
    const forged = { ...chain[1], payload: { n: 2, note: "伪造" } };
    chain[1] = { ...forged, hash: hashEntry(forged) };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 3 });
  });

  it("detects a tampered stored hash", () => {
    const chain = buildChain(3);
    chain[2] = { ...chain[2], hash: "b".repeat(64) };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 3 });
  });

  it("reports a seq gap at the entry after the gap", () => {
    const chain = buildChain(5);
    chain.splice(2, 1); // seqs 1, 2, 4, 5
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 4 });
  });

  it("rejects a chain that does not start at seq 1", () => {
    expect(verifyChain(buildChain(3).slice(1))).toEqual({ ok: false, badSeq: 2 });
  });

  it("rejects duplicate and out-of-order seqs", () => {
    const chain = buildChain(3);
    expect(verifyChain([chain[0], chain[1], chain[1], chain[2]])).toEqual({ ok: false, badSeq: 2 });
    expect(verifyChain([chain[0], chain[2], chain[1]])).toEqual({ ok: false, badSeq: 3 });
  });

  it("reports an unhashable entry as bad instead of throwing", () => {
    const chain = buildChain(3);
    chain[1] = { ...chain[1], createdAt: "garbage" };
    expect(verifyChain(chain)).toEqual({ ok: false, badSeq: 2 });
  });

  it("continues from an anchor, so a long chain can be verified in batches", () => {
    const chain = buildChain(6);
    const first = verifyChain(chain.slice(0, 3));
    expect(first).toEqual({ ok: true, count: 3, headHash: chain[2].hash });
    const anchor = { seq: 3, hash: chain[2].hash };
    expect(verifyChain(chain.slice(3), anchor)).toEqual({ ok: true, count: 3, headHash: chain[5].hash });
    expect(verifyChain([], anchor)).toEqual({ ok: true, count: 0, headHash: chain[2].hash });
  });

  it("rejects a batch that does not follow its anchor", () => {
    const chain = buildChain(6);
    expect(verifyChain(chain.slice(4), { seq: 3, hash: chain[2].hash })).toEqual({ ok: false, badSeq: 5 });
    expect(verifyChain(chain.slice(3), { seq: 3, hash: "c".repeat(64) })).toEqual({ ok: false, badSeq: 4 });
  });
});
