import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect } from "vitest";
import type { Domain } from "@spine/domain";
import { dbTest as test } from "@spine/testing/fixtures";
import { addMember, authorizeMember, createProject, Item, listToolCalls, newId, User, type OperationContext } from "@spine/domain";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedDocument, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { runAgent } from "./run-agent.ts";
import { createWorkspaceTools } from "./workspace-tools.ts";

type Step = { name: string; args: Record<string, unknown> };

/** A model that plays a fixed list of tool calls, one per model call, then answers with what the tools said. */
class ScriptedModel extends OfflineDeterministicChatModel {
  readonly toolReplies: string[] = [];
  constructor(private readonly steps: Step[]) {
    super();
  }
  override bindTools(): ScriptedModel {
    return this;
  }
  override async _generate(messages: BaseMessage[]) {
    const done = messages.filter((m) => m.type === "ai").length;
    this.toolReplies.splice(0, this.toolReplies.length, ...messages.filter((m) => m.type === "tool").map((m) => m.text));
    const step = this.steps[done];
    const message = step
      ? new AIMessage({ content: "", tool_calls: [{ id: `call_${done}`, name: step.name, args: step.args, type: "tool_call" }] })
      : new AIMessage({ content: `done after ${done} tool calls` });
    return Promise.resolve({ generations: [{ text: message.text, message }] });
  }
}

async function withViewer(domain: Domain, ownerCtx: OperationContext): Promise<OperationContext> {
  const viewerId = newId();
  const email = `${viewerId}@example.test`;
  await domain.run({ workspaceId: null, actorId: viewerId, actorType: "user", correlationId: "seed-viewer" }, async (op) => {
    op.em.create(User, { id: viewerId, email, passwordHash: "x", displayName: "Viewer" });
    await op.em.flush();
  });
  await domain.run(ownerCtx, async (op) => addMember(op, await authorizeMember(op, "members.manage"), { email, roleKey: "viewer" }));
  return { ...ownerCtx, actorId: viewerId, correlationId: "viewer-run" };
}

const itemsOf = (domain: Domain, ctx: OperationContext) => domain.run(ctx, (op) => op.em.find(Item, {}));

describe("workspace tools", () => {
  test("act as the caller through the domain's use-cases: reads answer, create_item writes with its event", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tools-owner");
    const project = await domain.run(ws.ctx, (op) => createProject(op, { name: "Roadmap" }));
    const docId = await seedDocument(domain, ws.ctx, "Plan", "Ship the tool runtime.");
    const thread = await seedThread(domain, ws.ctx);
    const model = new ScriptedModel([
      { name: "list_projects", args: {} },
      { name: "get_document", args: { document_id: docId } },
      { name: "create_item", args: { project_id: project.id, title: "Write the tools" } },
      { name: "list_items", args: { project_id: project.id } },
    ]);

    const result = await runAgent(domain, ws.ctx, { threadId: thread, input: "plan it", model, tools: createWorkspaceTools({ domain: domain, ctx: ws.ctx }) });

    expect(result).toMatchObject({ status: "completed", toolCallCount: 4 });
    const [projects, doc, created, items] = model.toolReplies.map((r) => JSON.parse(r) as Record<string, unknown>);
    expect(projects).toMatchObject({ projects: [{ id: project.id, name: "Roadmap" }] });
    expect(doc).toMatchObject({ id: docId, content: "Ship the tool runtime.", truncated: false });
    expect(created).toMatchObject({ project_id: project.id, title: "Write the tools", status: "open" });
    expect(items).toMatchObject({ items: [{ id: (created as { id: string }).id }] });
    expect((await itemsOf(domain, ws.ctx)).map((i) => i.title)).toEqual(["Write the tools"]);
    const events = await outboxOf(domain, ws.ctx, ["item.created"]);
    expect(events.map((e) => (e.envelope as { actor_id: string }).actor_id)).toEqual([ws.userId]);
  });

  test("a viewer's agent cannot write: the call is recorded as failed, answered to the model, and changes nothing", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tools-viewer");
    const project = await domain.run(ws.ctx, (op) => createProject(op, { name: "P" }));
    const viewer = await withViewer(domain, ws.ctx);
    const thread = await seedThread(domain, viewer);
    const model = new ScriptedModel([{ name: "create_item", args: { project_id: project.id, title: "sneaky" } }, { name: "list_items", args: {} }]);

    const result = await runAgent(domain, viewer, { threadId: thread, input: "write", model, tools: createWorkspaceTools({ domain: domain, ctx: viewer }) });

    expect(result).toMatchObject({ status: "completed", toolCallCount: 2 });
    expect(JSON.parse(model.toolReplies[0]!)).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(JSON.parse(model.toolReplies[1]!)).toEqual({ items: [], more: false });
    const calls = await domain.run(viewer, (op) => listToolCalls(op, result.runId));
    expect(calls.map((c) => [c.toolName, c.status])).toEqual([["create_item", "failed"], ["list_items", "completed"]]);
    expect(calls[0]!.error).toMatch(/items\.write/);
    expect(await itemsOf(domain, ws.ctx)).toEqual([]);
    expect(await outboxOf(domain, ws.ctx, ["item.created"])).toEqual([]);
  });

  test("bad arguments and other workspaces' ids are answered to the model as errors, never thrown", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tools-bad");
    const other = await seedWorkspace(domain, "tools-other");
    const foreignDoc = await seedDocument(domain, other.ctx, "Secret", "other workspace's text");
    const thread = await seedThread(domain, ws.ctx);
    const model = new ScriptedModel([
      { name: "create_item", args: { project_id: "not-a-uuid", title: "" } },
      { name: "get_document", args: { document_id: foreignDoc } },
    ]);

    const result = await runAgent(domain, ws.ctx, { threadId: thread, input: "x", model, tools: createWorkspaceTools({ domain: domain, ctx: ws.ctx }) });

    expect(result).toMatchObject({ status: "completed", toolCallCount: 2 });
    expect(JSON.parse(model.toolReplies[0]!)).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect(JSON.parse(model.toolReplies[1]!)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect(model.toolReplies.join(" ")).not.toContain("other workspace's text");
    const calls = await domain.run(ws.ctx, (op) => listToolCalls(op, result.runId));
    expect(calls.map((c) => c.status)).toEqual(["failed", "failed"]);
  });
});
