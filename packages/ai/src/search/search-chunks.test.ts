import pg from "pg";
import { describe, expect } from "vitest";
import type { Domain } from "@spine/domain";
import { dbTest as test } from "@spine/testing/fixtures";
import { createDocument, createProject, deleteDocument } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { ingestDocument } from "../ingestion/ingest-document.ts";
import { seedDocument, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { searchChunks } from "./search-chunks.ts";

const embeddings = new OfflineHashEmbeddings();
const splitter = { chunkSize: 200, chunkOverlap: 0 };

async function seedIngested(domain: Domain, ws: Awaited<ReturnType<typeof seedWorkspace>>, title: string, content: string): Promise<string> {
  const id = await seedDocument(domain, ws.ctx, title, content);
  await ingestDocument(domain, ws.ctx, id, { embeddings, splitter });
  return id;
}

describe("searchChunks", () => {
  test("ranks the workspace's chunks by cosine similarity to the query", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "search-rank");
    const refunds = await seedIngested(domain, ws, "Billing", "Refunds for annual plans are prorated to the remaining months.");
    await seedIngested(domain, ws, "Office", "The coffee machine on the third floor is descaled every Friday.");
    await seedIngested(domain, ws, "Support", "Support answers tickets on weekdays from nine to five.");

    const hits = await searchChunks(domain, ws.ctx, "how are refunds for annual plans calculated", 2, embeddings, { mode: "vector" });

    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ documentId: refunds, documentTitle: "Billing", ordinal: 0 });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.score).toBeLessThanOrEqual(1.000001);
    const same = await searchChunks(domain, ws.ctx, "Refunds for annual plans are prorated to the remaining months.", 1, embeddings, { mode: "vector" });
    expect(same[0]!.score).toBeCloseTo(1, 5);
  });

  test("never returns another workspace's chunks, even for identical content", async ({ domain }) => {
    const a = await seedWorkspace(domain, "search-a");
    const b = await seedWorkspace(domain, "search-b");
    const secret = "Project Nightingale launches on the first of March with the new pricing page.";
    const mine = await seedIngested(domain, a, "Launch plan A", secret);
    const theirs = await seedIngested(domain, b, "Launch plan B", secret);

    const fromA = await searchChunks(domain, a.ctx, "when does project nightingale launch", 10, embeddings);
    const fromB = await searchChunks(domain, b.ctx, "when does project nightingale launch", 10, embeddings);

    expect(fromA.map((h) => h.documentId)).toEqual([mine]);
    expect(fromB.map((h) => h.documentId)).toEqual([theirs]);
  });

  test("is backed by row-level security: the app role sees only the scoped workspace's embeddings, none unscoped", async ({ domain, db }) => {
    const a = await seedWorkspace(domain, "search-rls-a");
    const b = await seedWorkspace(domain, "search-rls-b");
    await seedIngested(domain, a, "A", "alpha text about apples");
    await seedIngested(domain, b, "B", "beta text about bananas");
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      const unscoped = await client.query("select count(*)::int as n from embeddings");
      expect(unscoped.rows[0]).toEqual({ n: 0 });
      await client.query("begin");
      await client.query("select set_config('app.workspace_id', $1, true)", [a.workspaceId]);
      const scoped = await client.query<{ workspace_id: string }>(
        "select distinct e.workspace_id from embeddings e join document_chunks c on c.id = e.chunk_id",
      );
      await client.query("commit");
      expect(scoped.rows).toEqual([{ workspace_id: a.workspaceId }]);
    } finally {
      await client.end();
    }
  });

  test("leaves out deleted documents and chunks of other embedding models", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "search-filter");
    const gone = await seedIngested(domain, ws, "Gone", "Quarterly roadmap review notes.");
    await domain.run(ws.ctx, (op) => deleteDocument(op, gone));
    expect(await searchChunks(domain, ws.ctx, "quarterly roadmap review", 5, embeddings)).toEqual([]);

    await seedIngested(domain, ws, "Kept", "Quarterly roadmap review notes.");
    const otherModel = new OfflineHashEmbeddings({ dimensions: 64 });
    expect(await searchChunks(domain, ws.ctx, "quarterly roadmap review", 5, otherModel)).toEqual([]);
  });

  test("hybrid search fuses full-text and vector rankings, filtered by project and document", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "search-hybrid");
    const project = await domain.run(ws.ctx, (op) => createProject(op, { name: "Payments" }));
    const inProject = await domain.run(ws.ctx, (op) => createDocument(op, { projectId: project.id, title: "Webhooks", content: "Stripe webhook retries use exponential backoff for failed deliveries." }));
    await ingestDocument(domain, ws.ctx, inProject.id, { embeddings, splitter });
    const outside = await seedIngested(domain, ws, "Mail", "Email deliveries that bounce are retried twice, then dropped.");

    const hybrid = await searchChunks(domain, ws.ctx, "stripe webhook retries", 5, embeddings);
    expect(hybrid[0]).toMatchObject({ documentId: inProject.id });
    // A chunk in both rankings outscores one found by only one of them.
    const both = hybrid.find((h) => h.documentId === inProject.id)!;
    expect(hybrid.every((h) => h === both || h.score < both.score)).toBe(true);

    const scoped = await searchChunks(domain, ws.ctx, "deliveries retried", 5, embeddings, { projectId: project.id });
    expect(scoped.map((h) => h.documentId)).toEqual([inProject.id]);
    const oneDoc = await searchChunks(domain, ws.ctx, "deliveries retried", 5, embeddings, { documentId: outside });
    expect(oneDoc.map((h) => h.documentId)).toEqual([outside]);
    await expect(searchChunks(domain, ws.ctx, "x", 5, embeddings, { projectId: "not-a-uuid" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  test("keyword search ranks by full text alone: stemmed words match, a chunk sharing no word is not returned", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "search-keyword");
    const backups = await seedIngested(domain, ws, "Backups", "Nightly backups are retained for thirty days.");
    await seedIngested(domain, ws, "Lunch", "The canteen serves soup on Tuesdays.");
    // "backup" and "retain" match "backups" / "retained" through stemming; the vector of the
    // bag-of-words embedder would see different words.
    const hits = await searchChunks(domain, ws.ctx, "how long is a backup retained", 5, embeddings, { mode: "keyword" });
    expect(hits.map((h) => h.documentId)).toEqual([backups]);
    expect(hits[0]!.score).toBeGreaterThan(0);
    expect(await searchChunks(domain, ws.ctx, "the of and", 5, embeddings, { mode: "keyword" })).toEqual([]);
    const otherModel = new OfflineHashEmbeddings({ dimensions: 64 });
    expect(await searchChunks(domain, ws.ctx, "backup retained", 5, otherModel, { mode: "keyword" })).toEqual([]);
  });

  test("rejects a k out of range", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "search-k");
    await expect(searchChunks(domain, ws.ctx, "anything", 0, embeddings)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
