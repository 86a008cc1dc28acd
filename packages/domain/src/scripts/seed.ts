/**
 * Seed a demo workspace (idempotent): a demo user who owns "Demo workspace", with a project,
 * a few items and a document. Every row goes through the domain, so audit rows and outbox
 * events are written exactly as in real use.
 */
import { randomUUID } from "node:crypto";
import { Domain } from "../runtime/domain.ts";
import { appUrlFrom } from "@spine/logging";
import { User } from "../modules/identity/entities.ts";
import { signUp } from "../modules/identity/sign-up.ts";
import { createWorkspace } from "../modules/identity/create-workspace.ts";
import { createProject } from "../modules/product/create-project.ts";
import { createItem } from "../modules/product/create-item.ts";
import { createDocument } from "../modules/product/create-document.ts";

const ownerUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/spine";
const email = process.env.SPINE_DEMO_EMAIL ?? "demo@spine.dev";
const password = process.env.SPINE_DEMO_PASSWORD ?? "spine-demo-password";

const domain = await Domain.create({ clientUrl: appUrlFrom(ownerUrl), poolMax: 2 });
try {
  const correlationId = `seed-${randomUUID()}`;
  const existing = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
    op.em.findOne(User, { email }),
  );
  if (existing) {
    process.stdout.write(`demo already seeded: sign in as ${email} / ${password}\n`);
  } else {
    const user = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
      signUp(op, { email, password, displayName: "Demo User" }),
    );
    const ctx = { workspaceId: null, actorId: user.id, actorType: "user" as const, correlationId };
    const workspaceId = await domain.run(ctx, async (op) => {
      const { workspace } = await createWorkspace(op, { name: "Demo workspace", slug: "demo" });
      const project = await createProject(op, { name: "Getting started", description: "A tour of Spine" });
      for (const title of ["Sign in with the demo account", "Subscribe to realtime events", "Tail evt.> with pnpm spine"]) {
        await createItem(op, { projectId: project.id, title });
      }
      await createDocument(op, {
        projectId: project.id,
        title: "Welcome",
        content: "Spine writes your change, its audit row and its events in one transaction, then delivers the events everywhere.",
      });
      return workspace.id;
    });
    process.stdout.write(`seeded demo workspace ${workspaceId}: sign in as ${email} / ${password}\n`);
  }
} finally {
  await domain.close();
}
