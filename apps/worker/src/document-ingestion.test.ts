import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createPgPool } from "@spine/domain/reads";
import { createDocument, Domain, updateDocument } from "@spine/domain";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import type pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerHandlers } from "./handlers/index.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

const names = natsTestNames("ingest");
let db: TestDatabase;
let owner: pg.Pool;
let domain: Domain;
let worker: RunningWorker;
let workspaceId: string;

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase("ingest");
  owner = createPgPool({ connectionString: db.ownerUrl, max: 2 });
  const userId = randomUUID();
  workspaceId = randomUUID();
  await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'I')", [userId, `${userId}@t.local`]);
  await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, 'I', $2, $3)", [workspaceId, `i-${workspaceId}`, userId]);
  domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 12 });
  worker = await startWorker(
    {
      databaseUrl: db.ownerUrl, natsUrl: TEST_NATS_URL, prefix: names.prefix, stream: names.stream,
      duplicateWindowMs: 120_000, eventsMaxAgeMs: 3_600_000, outboxReplayWindowMs: 3_600_000, retentionIntervalMs: 60_000,
      rateLimitRetentionMs: 86_400_000, agentRunStaleAfterMs: 3_600_000, domain,
      relayPollMs: 500, concurrency: 2, maxAttempts: 3, ackWaitMs: 10_000, port: 0, host: "127.0.0.1",
      handlers: createWorkerHandlers({ domain, embeddings: { provider: "offline" } }),
    },
    pino({ level: "silent" }),
  );
});
afterAll(async () => {
  await worker?.stop();
  const nc = await connectNats({ servers: TEST_NATS_URL, name: "ingest-test-cleanup" });
  await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => undefined);
  await nc.close();
  await domain?.close();
  await owner?.end();
  await db?.drop();
});

const chunkCount = async (documentId: string) =>
  (await owner.query<{ n: number }>("select count(*)::int as n from document_chunks where document_id = $1", [documentId])).rows[0]?.n ?? 0;
const ingestedEvents = async (documentId: string) =>
  (await owner.query<{ n: number }>("select count(*)::int as n from outbox where event_type = 'document.ingested' and envelope->'payload'->>'document_id' = $1", [documentId])).rows[0]?.n ?? 0;

describe("worker document ingestion", () => {
  it("chunks and embeds a created document once, and re-ingests only when its content changes", async () => {
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

  it("records refused content on the document in the job's transaction: one succeeded job_runs row, no retry, no dead letter", async () => {
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
