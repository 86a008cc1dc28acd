import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { createDocument, Document, DocumentChunk, updateDocument, type Domain, type OperationContext } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { searchChunks } from "../search/search-chunks.ts";
import { outboxOf, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createIngestionHandler } from "./create-ingestion-handler.ts";
import { ingestDocument, ingestDocumentInOperation } from "./ingest-document.ts";

/** The offline embedder, counting the texts it is asked to embed. */
class CountingEmbeddings extends OfflineHashEmbeddings {
  embedded: string[] = [];
  override embedDocuments(documents: string[]): Promise<number[][]> {
    this.embedded.push(...documents);
    return super.embedDocuments(documents);
  }
}

const splitter = { chunkSize: 120, chunkOverlap: 0 };
const paragraphs = [
  "Refunds for annual plans are prorated to the remaining full months of the term.",
  "Invoices are issued on the first day of each billing period and are due within thirty days.",
  "Support is available on weekdays between nine and five, Central European Time.",
];

async function chunksOf(domain: Domain, ctx: OperationContext, documentId: string) {
  return domain.run(ctx, (op) => op.em.find(DocumentChunk, { documentId }, { orderBy: { ordinal: "asc" } }));
}
async function docOf(domain: Domain, ctx: OperationContext, documentId: string) {
  return domain.run(ctx, (op) => op.em.findOneOrFail(Document, { id: documentId }, { refresh: true }));
}

describe("ingestion by format", () => {
  test("splits Markdown at its headings and tags each chunk with the headings it sits under", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "fmt-md");
    const markdown = [
      "# Handbook", "", "Welcome to the team.", "",
      "## Billing", "", paragraphs[0], "", paragraphs[1], "",
      "## Support", "", paragraphs[2], "", "```", "# not a heading, code", "```",
    ].join("\n");
    const doc = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Handbook", format: "markdown", content: markdown }));
    const result = await ingestDocument(domain, ws.ctx, doc.id, { embeddings: new OfflineHashEmbeddings(), splitter: { chunkSize: 200, chunkOverlap: 0 } });
    expect(result.status).toBe("ingested");
    const chunks = await chunksOf(domain, ws.ctx, doc.id);
    // No chunk straddles a section: each starts at a heading or inside one section.
    const billing = chunks.filter((c) => c.content.includes("Refunds") || c.content.includes("Invoices"));
    expect(billing.length).toBeGreaterThan(0);
    for (const c of billing) {
      expect(c.content).not.toContain("Support is available");
      expect((c.metadata as { headings: string[] }).headings).toEqual(["Handbook", "Billing"]);
    }
    const support = chunks.find((c) => c.content.includes("Support is available"))!;
    expect((support.metadata as { headings: string[] }).headings).toEqual(["Handbook", "Support"]);
    expect(chunks.every((c) => c.contentHash?.length === 64)).toBe(true);
  });

  test("converts HTML to text (scripts and styles dropped, headings kept) and makes it searchable", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "fmt-html");
    const html = `<!doctype html><html><head><title>x</title><style>p { color: red }</style></head><body>
      <h1>Travel policy</h1><script>alert("secretscript")</script>
      <h2>Trains</h2><p>Employees book <b>second class</b> train tickets for trips under four hours.</p>
      <ul><li>Receipts within 30 days</li></ul></body></html>`;
    const doc = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Travel", format: "html", content: html }));
    const embeddings = new OfflineHashEmbeddings();
    expect(await ingestDocument(domain, ws.ctx, doc.id, { embeddings, splitter: { chunkSize: 1000, chunkOverlap: 0 } })).toMatchObject({ status: "ingested", chunkCount: 1 });
    const [chunk] = await chunksOf(domain, ws.ctx, doc.id);
    expect(chunk!.content).toContain("# Travel policy");
    expect(chunk!.content).toContain("## Trains");
    expect(chunk!.content).toContain("Employees book **second class** train tickets");
    expect(chunk!.content).not.toMatch(/secretscript|color: red|<p>|<h2>/);
    const hits = await searchChunks(domain, ws.ctx, "train tickets class", 3, embeddings, { mode: "keyword" });
    expect(hits.map((h) => h.documentId)).toEqual([doc.id]);
    expect(await searchChunks(domain, ws.ctx, "secretscript", 3, embeddings, { mode: "keyword" })).toEqual([]);
  });
});

describe("per-chunk dedupe", () => {
  test("re-embeds nothing for unchanged content and only the changed chunks of an edit; the event carries the counts", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "dedupe");
    const embeddings = new CountingEmbeddings();
    const doc = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Handbook", content: paragraphs.join("\n\n") }));

    expect(await ingestDocument(domain, ws.ctx, doc.id, { embeddings, splitter })).toMatchObject({ status: "ingested", chunkCount: 3, embeddedCount: 3, reusedCount: 0 });
    expect(embeddings.embedded).toHaveLength(3);

    // Unchanged: nothing embedded, nothing written. Forced re-chunking with the same splitter: every vector reused.
    expect((await ingestDocument(domain, ws.ctx, doc.id, { embeddings, splitter })).status).toBe("unchanged");
    expect(await ingestDocument(domain, ws.ctx, doc.id, { embeddings, splitter, force: true })).toMatchObject({ status: "ingested", embeddedCount: 0, reusedCount: 3 });
    expect(embeddings.embedded).toHaveLength(3);

    // Edit the middle paragraph: one chunk embedded, two reused.
    const edited = [paragraphs[0], "Invoices are issued on the last day of each billing period.", paragraphs[2]].join("\n\n");
    await domain.run(ws.ctx, (op) => updateDocument(op, { documentId: doc.id, content: edited }));
    expect(await ingestDocument(domain, ws.ctx, doc.id, { embeddings, splitter })).toMatchObject({ status: "ingested", chunkCount: 3, embeddedCount: 1, reusedCount: 2 });
    expect(embeddings.embedded.slice(3)).toEqual(["Invoices are issued on the last day of each billing period."]);
    expect((await chunksOf(domain, ws.ctx, doc.id)).map((c) => c.content)).toEqual([paragraphs[0], "Invoices are issued on the last day of each billing period.", paragraphs[2]]);
    // The reused vectors are still the right ones: each chunk is its own nearest neighbour.
    const hit = await searchChunks(domain, ws.ctx, paragraphs[2]!, 1, embeddings, { mode: "vector" });
    expect(hit[0]).toMatchObject({ content: paragraphs[2], ordinal: 2 });
    expect(hit[0]!.score).toBeCloseTo(1, 5);

    const events = await outboxOf(domain, ws.ctx, ["document.ingested"]);
    expect(events.map((e) => (e.envelope as { payload: Record<string, number> }).payload).map((p) => [p.chunk_count, p.embedded_count, p.reused_count])).toEqual([
      [3, 3, 0], [3, 0, 3], [3, 1, 2],
    ]);
  });
});

describe("refused content", () => {
  test("fails an HTML document without text, and one over the limits, with a typed reason on the document — returned, not thrown", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "refused");
    const embeddings = new CountingEmbeddings();
    const empty = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Script only", format: "html", content: "<script>track()</script><style>a{}</style>" }));
    expect(await ingestDocument(domain, ws.ctx, empty.id, { embeddings })).toMatchObject({ status: "failed", reason: "unparsable" });
    const emptyDoc = await docOf(domain, ws.ctx, empty.id);
    expect(emptyDoc.ingestionStatus).toBe("failed");
    expect(emptyDoc.ingestionError).toEqual({ reason: "unparsable", message: "the HTML has no text content" });

    const binary = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Binary", content: "PK\u0003\u0004\u0001\u0002garbage" }));
    expect(await ingestDocument(domain, ws.ctx, binary.id, { embeddings })).toMatchObject({ status: "failed", reason: "unparsable" });

    const big = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Big", content: paragraphs.join("\n\n") }));
    const refused = await ingestDocument(domain, ws.ctx, big.id, { embeddings, splitter, limits: { maxChunks: 2 } });
    expect(refused).toMatchObject({ status: "failed", reason: "too_large", message: "the content splits into 3 chunks; at most 2 are ingested" });
    expect((await docOf(domain, ws.ctx, big.id)).ingestionError).toMatchObject({ reason: "too_large" });
    expect(await ingestDocument(domain, ws.ctx, big.id, { embeddings, splitter, limits: { maxChars: 10 } })).toMatchObject({ status: "failed", reason: "too_large" });

    // Nothing embedded, no chunks, no document.ingested.
    expect(embeddings.embedded).toEqual([]);
    for (const id of [empty.id, binary.id, big.id]) expect(await chunksOf(domain, ws.ctx, id)).toEqual([]);
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toEqual([]);

    // New content clears the reason and ingests.
    await domain.run(ws.ctx, (op) => updateDocument(op, { documentId: empty.id, content: "<p>Now with text.</p>" }));
    expect((await docOf(domain, ws.ctx, empty.id)).ingestionError).toBeNull();
    expect(await ingestDocument(domain, ws.ctx, empty.id, { embeddings })).toMatchObject({ status: "ingested", chunkCount: 1 });
    expect(await docOf(domain, ws.ctx, empty.id)).toMatchObject({ ingestionStatus: "ingested", ingestionError: null });
  });

  test("the handler answers refused content as handled (no retry) and re-ingests when only the format changes", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "refused-handler");
    const handler = createIngestionHandler({ domain: domain, embeddings: new OfflineHashEmbeddings() });
    const doc = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Page", format: "html", content: "<script>x()</script>" }));
    const [created] = await outboxOf(domain, ws.ctx, ["document.created"]);
    const envelope = created!.envelope as unknown as Parameters<typeof handler.handle>[0];
    // In the caller's transaction (as the worker does): the refusal commits with it.
    expect(await domain.run(ws.ctx, (op) => handler.handle(envelope, op))).toMatchObject({ status: "failed", reason: "unparsable" });
    expect((await docOf(domain, ws.ctx, doc.id)).ingestionStatus).toBe("failed");

    await domain.run(ws.ctx, (op) => updateDocument(op, { documentId: doc.id, format: "text" }));
    const [updated] = await outboxOf(domain, ws.ctx, ["document.updated"]);
    expect((updated!.envelope as unknown as { payload: { changed_fields: string[] } }).payload.changed_fields).toEqual(["format"]);
    expect(await domain.run(ws.ctx, (op) => handler.handle(updated!.envelope as unknown as Parameters<typeof handler.handle>[0], op))).toMatchObject({ status: "ingested", chunkCount: 1 });
  });

  test("in the caller's transaction, a failure rolls back every write of the ingestion", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "in-op-rollback");
    const doc = await domain.run(ws.ctx, (op) => createDocument(op, { title: "Handbook", content: paragraphs.join("\n\n") }));
    await expect(domain.run(ws.ctx, async (op) => {
      await ingestDocumentInOperation(op, doc.id, { embeddings: new OfflineHashEmbeddings(), splitter });
      throw new Error("the job_runs bookkeeping failed after the effects");
    })).rejects.toThrow(/bookkeeping/);
    expect(await chunksOf(domain, ws.ctx, doc.id)).toEqual([]);
    expect((await docOf(domain, ws.ctx, doc.id)).ingestionStatus).toBe("pending");
    expect(await outboxOf(domain, ws.ctx, ["document.ingested"])).toEqual([]);
  });
});
