import { randomUUID } from "node:crypto";
import { RetentionPolicy } from "@nats-io/jetstream";
import { describe, expect } from "vitest";
import { gatewayTest } from "../test-support/fixtures.ts";
import type { GatewayHarness } from "../test-support/gateway-harness.ts";
import { planReplay, type ReplayRequest } from "./replay-workspace.ts";

const ws = randomUUID();
const other = randomUUID();

const it = gatewayTest
  // Interleave two workspaces: ws at odd positions, other at even ones.
  .extend("interleaved", { scope: "file" }, async ({ h }) => {
    const wsSeqs: number[] = [];
    let lastSeq = 0;
    for (let i = 0; i < 30; i++) {
      const a = await h.publish(ws, "project.created", { project_id: randomUUID(), name: `w-${i}` });
      const b = await h.publish(other, "project.created", { project_id: randomUUID(), name: `o-${i}` });
      wsSeqs.push(a.seq);
      lastSeq = b.seq;
    }
    return { wsSeqs, lastSeq };
  });

function request(h: GatewayHarness, afterSeq: number, untilSeq: number, extra: Partial<ReplayRequest> = {}): ReplayRequest {
  return { nc: h.nc, js: h.js, jsm: h.jsm, stream: h.stream, subjectPrefix: h.prefix, workspaceId: ws, afterSeq, untilSeq, maxReplay: 1000, pageSize: 7, ...extra };
}

async function replayed(req: ReplayRequest): Promise<{ seqs: number[]; complete: boolean }> {
  const plan = await planReplay(req);
  if (plan.kind !== "replay") throw new Error(`resync: ${plan.reason}`);
  const seqs: number[] = [];
  const pages = plan.pages();
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done) return { seqs, complete: next.value.complete };
      for (const m of next.value) if (m.ok) seqs.push(m.seq);
    }
  } finally {
    await plan.close();
  }
}

describe("planReplay", () => {
  it("returns exactly the workspace's envelopes in (after, until], in order, across pages", async ({ h, interleaved: { wsSeqs } }) => {
    const after = wsSeqs[3] ?? 0;
    const until = (wsSeqs[20] ?? 0) + 1; // ends on the other workspace's message
    const result = await replayed(request(h, after, until));
    expect(result).toEqual({ seqs: wsSeqs.filter((s) => s > after && s <= until), complete: true });
  });

  it("stops at the bound even though the stream holds more", async ({ h, interleaved: { wsSeqs } }) => {
    const until = wsSeqs[9] ?? 0;
    const result = await replayed(request(h, 0, until));
    expect(result.seqs).toEqual(wsSeqs.slice(0, 10));
  });

  it("has nothing to replay when the cursor is at or past the bound", async ({ h, interleaved: { lastSeq } }) => {
    expect(await replayed(request(h, lastSeq, lastSeq))).toEqual({ seqs: [], complete: true });
  });

  it("answers resync for cursors ahead of the stream or gaps over the limit", async ({ h, interleaved: { lastSeq } }) => {
    expect(await planReplay(request(h, lastSeq + 5, lastSeq + 5))).toMatchObject({ kind: "resync", reason: "cursor_unknown" });
    expect(await planReplay(request(h, 0, lastSeq, { maxReplay: 5 }))).toMatchObject({ kind: "resync", reason: "history_exhausted" });
  });

  it("answers resync when the cursor is older than the stream's history", async ({ h }) => {
    const small = await h.withStream("replaywin", { stream: { max_msgs: 10, retention: RetentionPolicy.Limits } });
    try {
      const w = randomUUID();
      const published = await small.publishProjects(w, 25);
      const req = { ...request(h, 2, published.at(-1)?.seq ?? 0), nc: small.nc, js: small.js, jsm: small.jsm, stream: small.stream, subjectPrefix: small.prefix, workspaceId: w };
      expect(await planReplay(req)).toMatchObject({ kind: "resync", reason: "history_exhausted" });
    } finally {
      await small.close();
    }
  });
});
