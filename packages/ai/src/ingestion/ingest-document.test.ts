import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { DocumentChunk, Embedding, Document, deleteDocument, updateDocument, type Domain, type OperationContext } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { outboxOf, seedDocument, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createIngestionHandler } from "./create-ingestion-handler.ts";
import { ingestDocument } from "./ingest-document.ts";

const embeddings = new OfflineHashEmbeddings();
const splitter = { chunkSize: 120, chunkOverlap: 20 };
const handbook = [
  "Refunds for annual plans are prorated to the remaining full months of the term.",
  "Invoices are issued on the first day of each billing period and are due within thirty days.",
  "Support is available on weekdays between nine and five, Central European Time.",
].join("\n\n");

class FailingEmbeddings extends Embeddings {
  readonly model = "failing-embedder";
  constructor() {
    super({});
  }
  embedDocuments(): Promise<number[][]> {
    return Promise.reject(new Error("embedding endpoint unavailable"));
  }
  embedQuery(): Promise<number[]> {
    return Promise.reject(new Error("embedding endpoint unavailable"));
  }
}

async function stored(domain: Domain, ctx: OperationContext, documentId: string) {
  return domain.run(ctx, async (op) => {
    const chunks = await op.em.find(DocumentChunk, { documentId }, { orderBy: { ordinal: "asc" } });
    const vectors = await op.em.find(Embedding, { chunkId: { $in: chunks.map((c) => c.id) } });
    const doc = await op.em.findOneOrFail(Document, { id: documentId });
    return { chunks, vectors, doc };
  });
}

describe("ingestDocument", () => {
  test("chunks, embeds and stores a document, marks it ingested and emits document.ingested", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-happy");
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);

    const result = await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter });

    expect(result).toMatchObject({ status: "ingested", chunkCount: 3, embeddingModel: "offline-hash-bow-v1-d256" });
    const { chunks, vectors, doc } = await stored(domain, ws.ctx, documentId);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2]);
    expect(chunks[0]!.content).toMatch(/^Refunds/);
    expect(chunks.every((c) => c.tokenCount > 0)).toBe(true);
    expect(vectors).toHaveLength(3);
    expect(vectors.every((v) => v.dimensions === 256 && v.vector.length === 256 && v.model === "offline-hash-bow-v1-d256")).toBe(true);
    const expected = await embeddings.embedQuery(chunks[0]!.content);
    // pgvector stores float4s; rounding to float4 recovers exactly the vector we wrote.
    expect(vectors.find((v) => v.chunkId === chunks[0]!.id)!.vector.map(Math.fround)).toEqual(expected);
    expect(doc.ingestionStatus).toBe("ingested");
    expect(doc.ingestedAt).toBeInstanceOf(Date);
    expect(doc.contentHash).toBe(result.contentHash);
    const events = await outboxOf(domain, ws.ctx, ["document.ingested"]);
    expect(events).toHaveLength(1);
    expect(events[0]!.envelope).toMatchObject({
      event_type: "document.ingested", workspace_id: ws.workspaceId, correlation_id: ws.ctx.correlationId,
      payload: { document_id: documentId, chunk_count: 3, embedding_model: "offline-hash-bow-v1-d256", content_hash: result.contentHash },
    });
  });

  test("is idempotent: the same content twice keeps the same rows and emits once; force or new content emits again", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-idem");
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);

    await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter });
    const first = await stored(domain, ws.ctx, documentId);
    const again = await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter });
    const second = await stored(domain, ws.ctx, documentId);

    expect(again.status).toBe("unchanged");
    expect(second.chunks.map((c) => [c.id, c.content])).toEqual(first.chunks.map((c) => [c.id, c.content]));
    expect(second.vectors.map((v) => v.id).sort()).toEqual(first.vectors.map((v) => v.id).sort());
    expect(second.doc.ingestedAt).toEqual(first.doc.ingestedAt);
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(1);

    const forced = await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter: { chunkSize: 1000, chunkOverlap: 0 }, force: true });
    expect(forced).toMatchObject({ status: "ingested", chunkCount: 1 });
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(2);

    await domain.run(ws.ctx, (op) => updateDocument(op, { documentId, content: "A single new paragraph about parking." }));
    const changed = await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter });
    const third = await stored(domain, ws.ctx, documentId);
    expect(changed).toMatchObject({ status: "ingested", chunkCount: 1 });
    expect(third.chunks.map((c) => c.content)).toEqual(["A single new paragraph about parking."]);
    expect(third.vectors).toHaveLength(1);
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(3);
  });

  test("is atomic: a failing embedder leaves no chunks, no embeddings and no event", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-fail");
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);

    await expect(ingestDocument(domain, ws.ctx, documentId, { embeddings: new FailingEmbeddings(), splitter })).rejects.toThrow(/unavailable/);

    const { chunks, vectors, doc } = await stored(domain, ws.ctx, documentId);
    expect(chunks).toHaveLength(0);
    expect(vectors).toHaveLength(0);
    expect(doc.ingestionStatus).toBe("failed");
    expect(doc.ingestedAt).toBeNull();
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(0);

    const retried = await ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter });
    expect(retried.status).toBe("ingested");
  });

  test("serializes concurrent ingestions of one document: one write, one event", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-race");
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);

    const results = await Promise.all([1, 2, 3].map(() => ingestDocument(domain, ws.ctx, documentId, { embeddings, splitter })));

    expect(results.map((r) => r.status).sort()).toEqual(["ingested", "unchanged", "unchanged"]);
    expect((await stored(domain, ws.ctx, documentId)).chunks).toHaveLength(3);
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(1);
  });

  test("writes nothing when the content changes while it is being embedded (the newer version takes over)", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-superseded");
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);
    class EditDuringEmbedding extends OfflineHashEmbeddings {
      override async embedDocuments(documents: string[]): Promise<number[][]> {
        await domain.run(ws.ctx, (op) => updateDocument(op, { documentId, content: "Edited while embedding." }));
        return super.embedDocuments(documents);
      }
    }

    const result = await ingestDocument(domain, ws.ctx, documentId, { embeddings: new EditDuringEmbedding(), splitter });

    expect(result.status).toBe("superseded");
    const { chunks, doc } = await stored(domain, ws.ctx, documentId);
    expect(chunks).toHaveLength(0);
    expect(doc.ingestionStatus).toBe("pending");
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(0);
  });

  test("rejects a document of another workspace as not found", async ({ domain }) => {
    const a = await seedWorkspace(domain, "ingest-a");
    const b = await seedWorkspace(domain, "ingest-b");
    const documentId = await seedDocument(domain, a.ctx, "Private", handbook);
    await expect(ingestDocument(domain, b.ctx, documentId, { embeddings, splitter })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await stored(domain, a.ctx, documentId)).doc.ingestionStatus).toBe("pending");
  });
});

describe("createIngestionHandler", () => {
  test("ingests on document.created, skips title-only updates and deleted documents", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "ingest-handler");
    const handler = createIngestionHandler({ domain: domain, embeddings, splitter });
    const documentId = await seedDocument(domain, ws.ctx, "Handbook", handbook);
    const [created] = await outboxOf(domain, ws.ctx, ["document.created"]);
    const envelope = created!.envelope as unknown as Parameters<typeof handler.handle>[0];

    expect(handler.eventTypes).toEqual(["document.created", "document.updated"]);
    expect(await handler.handle(envelope)).toMatchObject({ status: "ingested", chunkCount: 3 });
    expect(await handler.handle(envelope)).toMatchObject({ status: "unchanged" });

    await domain.run(ws.ctx, (op) => updateDocument(op, { documentId, title: "Staff handbook" }));
    const [updated] = await outboxOf(domain, ws.ctx, ["document.updated"]);
    expect(await handler.handle(updated!.envelope as unknown as Parameters<typeof handler.handle>[0])).toEqual({ status: "skipped", reason: "content unchanged" });

    await domain.run(ws.ctx, (op) => deleteDocument(op, documentId));
    expect(await handler.handle(envelope)).toMatchObject({ status: "skipped" });
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toHaveLength(1);
  });
});
