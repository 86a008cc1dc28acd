import type { Domain } from "@spine/domain";
import {
  createAgentThread, createDocument, createWorkspace, newId, OutboxEvent, User,
  type OperationContext,
} from "@spine/domain";

export interface TestWorkspace {
  workspaceId: string;
  userId: string;
  ctx: OperationContext;
}

/** A user owning a new workspace, and a user context in it. */
export async function seedWorkspace(domain: Domain, name: string): Promise<TestWorkspace> {
  const userId = newId();
  await domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: `seed-${name}` }, async (op) => {
    op.em.create(User, { id: userId, email: `${userId}@example.test`, passwordHash: "not-a-real-hash", displayName: name });
    await op.em.flush();
  });
  const { workspace } = await domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: `seed-${name}` }, (op) =>
    createWorkspace(op, { name }),
  );
  return { workspaceId: workspace.id, userId, ctx: { workspaceId: workspace.id, actorId: userId, actorType: "user", correlationId: `test-${name}` } };
}

export async function seedDocument(domain: Domain, ctx: OperationContext, title: string, content: string): Promise<string> {
  const doc = await domain.run(ctx, (op) => createDocument(op, { title, content }));
  return doc.id;
}

export async function seedThread(domain: Domain, ctx: OperationContext, title = "Questions"): Promise<string> {
  const thread = await domain.run(ctx, (op) => createAgentThread(op, { title }));
  return thread.id;
}

/** The workspace's outbox envelopes of the given types, in commit order. */
export async function outboxOf(domain: Domain, ctx: OperationContext, types: readonly string[]): Promise<OutboxEvent[]> {
  return domain.run(ctx, (op) => op.em.find(OutboxEvent, { workspaceId: ctx.workspaceId, eventType: { $in: [...types] } }, { orderBy: { createdAt: "asc", id: "asc" } }));
}
