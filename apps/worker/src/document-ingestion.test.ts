import { randomUUID } from "node:crypto";
import { createDocument, updateDocument } from "@spine/domain";
import { describe, expect } from "vitest";
import { createWorkerHandlers } from "./handlers/index.ts";
import { workerTest } from "./test-support/fixtures.ts";

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `workspaceId`: a workspace seeded as the owner; `worker`: the production handlers with offline embeddings
 * (started with the workspace); `chunkCount(doc)`, `ingestedEvents(doc)`: a document's chunks and document.ingested events.
 */
const test = workerTest
  .override("workerHandlers", { scope: "file" }, ({ domain }) => createWorkerHandlers({ domain, embeddings: { provider: "offline" } }))
  .extend("workspaceId", { scope: "file" }, async ({ seedWorkspace, worker }) => {
    void worker;
    return (await seedWorkspace("I")).workspaceId;
  })
  .extend("chunkCount", { scope: "file" }, ({ owner }) => async (documentId: string) =>
    (await owner.query<{ n: number }>("select count(*)::int as n from document_chunks where document_id = $1", [documentId])).rows[0]?.n ?? 0)
  .extend("ingestedEvents", { scope: "file" }, ({ owner }) => async (documentId: string) =>
    (await owner.query<{ n: number }>("select count(*)::int as n from outbox where event_type = 'document.ingested' and envelope->'payload'->>'document_id' = $1", [documentId])).rows[0]?.n ?? 0);

describe("worker document ingestion", () => {
  test("chunks and embeds a created document once, and re-ingests only when its content changes", async ({ workspaceId, domain, owner, chunkCount, ingestedEvents }) => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `ingest-${randomUUID()}` };
    const content = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} talks about release planning and event delivery.`).join("\n\n");
    const doc = await domain.run(ctx, (op) => createDocument(op, { title: "Handbook", content }));

    await waitFor(() => ingestedEvents(doc.id), (n) => n === 1, "document.ingested");
    const chunks = await chunkCount(doc.id);
    expect(chunks).toBeGreaterThan(1);
    const embedded = await owner.query<{ n: number }>(
      "select count(*)::int as n from embeddings e join document_chunks c on c.id = e.chunk_id where c.document_id = $1", [doc.id],
    );
    expect(embedded.rows[0]?.n).toBe(chunks);

    await domain.run(ctx, (op) => updateDocument(op, { documentId: doc.id, title: "Handbook v2" }));
    await domain.run(ctx, (op) => updateDocument(op, { documentId: doc.id, content: "A short replacement text." }));
    await waitFor(() => ingestedEvents(doc.id), (n) => n === 2, "second document.ingested");
    expect(await chunkCount(doc.id)).toBe(1);
    const runs = await owner.query<{ status: string }>("select status from job_runs where handler = 'ai-document-ingestion'");
    expect(runs.rows.length).toBeGreaterThanOrEqual(3);
    expect(runs.rows.every((r) => r.status === "succeeded")).toBe(true);
  });

  test("records refused content on the document in the job's transaction: one succeeded job_runs row, no retry, no dead letter", async ({ workspaceId, domain, owner, chunkCount }) => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `ingest-${randomUUID()}` };
    const doc = await domain.run(ctx, (op) => createDocument(op, { title: "Tracker", format: "html", content: "<script>track()</script>" }));
    const state = () => owner.query<{ ingestion_status: string; ingestion_error: unknown }>("select ingestion_status, ingestion_error from documents where id = $1", [doc.id]).then((r) => r.rows[0]);
    const failed = await waitFor(state, (s) => s?.ingestion_status === "failed", "the refusal");
    expect(failed?.ingestion_error).toEqual({ reason: "unparsable", message: "the HTML has no text content" });
    const runs = await owner.query<{ status: string; attempts: number }>("select status, attempts from job_runs where handler = 'ai-document-ingestion' and event_id = (select id from outbox where event_type = 'document.created' and envelope->'payload'->>'document_id' = $1)", [doc.id]);
    expect(runs.rows).toEqual([{ status: "succeeded", attempts: 1 }]);
    const dead = await owner.query("select 1 from dead_letter_jobs where envelope->'payload'->>'document_id' = $1", [doc.id]);
    expect(dead.rows).toEqual([]);
    expect(await chunkCount(doc.id)).toBe(0);
  });
});
