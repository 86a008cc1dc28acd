import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import { OfflineDeterministicChatModel } from "@spine/ai";
import { createApiServer, type ApiServer } from "@spine/api-app/src/server.ts";
import { natsAgentStreamPublisher } from "@spine/api-app/src/agent-stream-publisher.ts";
import { connectNats, publishEnvelope } from "@spine/bus";
import { createSpineClient } from "@spine/client";
import { parseEnvelope, type ServerMessage, type TAgentStreamChunk } from "@spine/contracts";
import { testKeyRing } from "@spine/testing";
import pg from "pg";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TEST_TOKEN_SECRET, type GatewayHarness } from "./test-support/gateway-harness.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

/** Each model call waits for the test to open its gate, so the test decides where in the run a client joins. */
class GatedModel extends OfflineDeterministicChatModel {
  static gates: { promise: Promise<void>; open: () => void }[] = [];
  static calls = 0;
  static reset(n: number): void {
    GatedModel.calls = 0;
    GatedModel.gates = Array.from({ length: n }, () => {
      let open = () => undefined as void;
      const promise = new Promise<void>((resolve) => { open = resolve; });
      return { promise, open };
    });
  }
  override bindTools(tools: Parameters<OfflineDeterministicChatModel["bindTools"]>[0]): GatedModel {
    const bound = super.bindTools(tools) as unknown as { boundTools: readonly string[] };
    return new GatedModel({ boundTools: bound.boundTools });
  }
  /** The gate of a call: its turn in the run (how many tool results it already sees). */
  static async pass(messages: BaseMessage[]): Promise<void> {
    const turn = messages.filter((m) => m.type === "tool").length;
    GatedModel.calls = Math.max(GatedModel.calls, turn + 1);
    await GatedModel.gates[turn]?.promise;
  }
  override async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"]): AsyncGenerator<ChatGenerationChunk> {
    await GatedModel.pass(messages);
    yield* super._streamResponseChunks(messages, options);
  }
  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    await GatedModel.pass(messages);
    return super._generate(messages, options);
  }
}

const it = gatewayTest
  /** The API in-process, publishing live agent steps on a NATS connection of its own. */
  .extend("api", { scope: "file" }, async ({ h }, { onCleanup }) => {
    const nc = await connectNats({ servers: h.natsUrl, name: "agent-stream-test-api" });
    const logger = pino({ level: "silent" });
    const api = await createApiServer({
      databaseUrl: h.db.ownerUrl, tokenSecret: TEST_TOKEN_SECRET, keyRing: testKeyRing(), port: 0, host: "127.0.0.1", logger,
      ai: { chatModel: () => new GatedModel() },
      agentStream: natsAgentStreamPublisher(nc, logger),
    });
    onCleanup(async () => {
      await api.close();
      await nc.close();
    });
    return api;
  })
  /** Sockets the tests opened, closed after the file. */
  // eslint-disable-next-line no-empty-pattern
  .extend("sockets", { scope: "file" }, ({}, { onCleanup }) => {
    const sockets: TestSocket[] = [];
    onCleanup(() => {
      for (const s of sockets) s.close();
    });
    return sockets;
  });

async function signUp(api: ApiServer, name: string) {
  const anonymous = createSpineClient({ url: api.trpcUrl });
  const session = await anonymous.auth.signUp.mutate({ email: `${name}-${Date.now()}@example.test`, password: "correct horse battery", displayName: name });
  return { token: session.accessToken, client: createSpineClient({ url: api.trpcUrl, token: session.accessToken }) };
}

/** The run's agent.* outbox envelopes, published to the stream as the outbox relay would. */
async function relayAgentEvents(h: GatewayHarness, correlationFilter: string): Promise<string[]> {
  const sql = new pg.Client({ connectionString: h.db.ownerUrl });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ envelope: unknown }>(
      "select envelope from outbox where event_type like 'agent.%' and envelope->'payload'->>'run_id' = $1 order by created_at, id", [correlationFilter],
    );
    for (const row of rows) await publishEnvelope(h.js, parseEnvelope(row.envelope), { prefix: h.prefix, timeoutMs: 5_000 });
    return rows.map((r) => (r.envelope as { event_type: string }).event_type);
  } finally {
    await sql.end();
  }
}

function streamed(socket: TestSocket): TAgentStreamChunk[] {
  return (socket as unknown as { agent: TAgentStreamChunk[] }).agent;
}
function collectAgentStream(socket: TestSocket): void {
  const chunks: TAgentStreamChunk[] = [];
  (socket as unknown as { agent: TAgentStreamChunk[] }).agent = chunks;
  socket.socket.on("agent.stream", (m: ServerMessage<"agent.stream">) => chunks.push(m.payload));
}

describe("live agent runs over the gateway", () => {
  it("agent.run({ stream: true }) answers at once; watchers receive the steps in order, a late joiner the state and the rest, then the agent.* envelopes", async ({ h, gateway, api, sockets }) => {
    const alice = await signUp(api, "alice");
    const { workspace } = await alice.client.workspace.create.mutate({ name: "Live" });
    const thread = await alice.client.agent.createThread.mutate({ workspaceId: workspace.id, title: "Questions" });
    const first = await TestSocket.connected(gateway.url, alice.token);
    const late = await TestSocket.connected(gateway.url, alice.token);
    sockets.push(first, late);
    collectAgentStream(first);
    collectAgentStream(late);
    expect(await first.subscribe(workspace.id)).toMatchObject({ ok: true });
    expect(await late.subscribe(workspace.id)).toMatchObject({ ok: true });

    GatedModel.reset(2);
    const run = await alice.client.agent.run.mutate({ workspaceId: workspace.id, threadId: thread.id, message: "how are refunds handled", stream: true });
    // Answered before the model was even called once.
    expect(GatedModel.calls).toBeLessThanOrEqual(1);
    expect(["queued", "running"]).toContain(run.status);

    const watched = await first.request("agent.watch", { workspace_id: workspace.id, run_id: run.id });
    expect(watched).toMatchObject({ ok: true, run: { id: run.id, answer: null, tool_calls: [] } });
    GatedModel.gates[0]!.open();
    await waitUntil(() => streamed(first).some((c) => c.kind === "tool_result"), "the tool step");

    // A client joining mid-run: the committed state (one tool call done), then the rest of the stream.
    const joined = await late.request("agent.watch", { workspace_id: workspace.id, run_id: run.id });
    expect(joined).toMatchObject({ ok: true, run: { id: run.id, status: "running", tool_calls: [{ ordinal: 1, name: "search_documents", status: "completed" }] } });
    GatedModel.gates[1]!.open();
    await waitUntil(() => streamed(first).at(-1)?.kind === "end" && streamed(late).at(-1)?.kind === "end", "the end of the stream");

    const all = streamed(first);
    expect(all.map((c) => c.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((c) => c.run_id === run.id && c.workspace_id === workspace.id)).toBe(true);
    const kinds = all.map((c) => c.kind);
    expect(kinds.slice(0, 2)).toEqual(["tool_call", "tool_result"]);
    expect(kinds.slice(2, -1).every((k) => k === "token")).toBe(true);
    expect(kinds.filter((k) => k === "token").length).toBeGreaterThan(0);
    const end = all.at(-1)!;
    expect(end.kind === "end" && end.data.status).toBe("completed");
    const answer = end.kind === "end" ? end.data.answer : null;
    expect(all.flatMap((c) => (c.kind === "token" ? [c.data.text] : [])).join("")).toBe(answer);
    // The late joiner got exactly the steps after its join, in order.
    expect(streamed(late)).toEqual(all.slice(2));

    // The durable side: the run is completed with that answer, and its agent.* envelopes reach the subscribers.
    const runs = await alice.client.agent.listRuns.query({ workspaceId: workspace.id, threadId: thread.id });
    expect(runs.items[0]).toMatchObject({ id: run.id, status: "completed" });
    const types = await relayAgentEvents(h, run.id);
    expect(types).toEqual(["agent.run.started", "agent.tool.called", "agent.run.completed"]);
    await waitUntil(() => first.eventTypesFor(workspace.id).includes("agent.run.completed"), "the agent.* envelopes");
    expect(first.eventTypesFor(workspace.id).filter((t) => t.startsWith("agent."))).toEqual(types);

    // Watching a finished run answers with its final state.
    const after = await first.request("agent.watch", { workspace_id: workspace.id, run_id: run.id });
    expect(after).toMatchObject({ ok: true, run: { status: "completed", answer } });
  });

  it("only a member subscribed to the run's workspace may watch it; another workspace's run is not found", async ({ gateway, api, sockets }) => {
    const bob = await signUp(api, "bob");
    const eve = await signUp(api, "eve");
    const { workspace } = await bob.client.workspace.create.mutate({ name: "Bob's" });
    const { workspace: eveWs } = await eve.client.workspace.create.mutate({ name: "Eve's" });
    const thread = await bob.client.agent.createThread.mutate({ workspaceId: workspace.id, title: "Q" });
    GatedModel.reset(0);
    const run = await bob.client.agent.run.mutate({ workspaceId: workspace.id, threadId: thread.id, message: "hello", stream: true });

    const intruder = await TestSocket.connected(gateway.url, eve.token);
    sockets.push(intruder);
    collectAgentStream(intruder);
    expect(await intruder.request("agent.watch", { workspace_id: workspace.id, run_id: run.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await intruder.subscribe(workspace.id)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await intruder.request("agent.watch", { workspace_id: workspace.id, run_id: run.id })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    // Through her own workspace, Bob's run id names nothing.
    expect(await intruder.subscribe(eveWs.id)).toMatchObject({ ok: true });
    expect(await intruder.request("agent.watch", { workspace_id: eveWs.id, run_id: run.id })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await intruder.request("agent.watch", { workspace_id: "nope", run_id: run.id })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    expect(streamed(intruder)).toEqual([]);
  });
});
