import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceFixture, type WorkspaceFixture } from "@spine/api/test-support";
import { startHarness, type Actor, type Harness } from "./test-support/api-harness.ts";

// The host's body cap (`maxBodyBytes`); the router's validation suite is packages/api/src/router/validation.test.ts.
let h: Harness;
let owner: Actor;
let f: WorkspaceFixture;
beforeAll(async () => {
  h = await startHarness("validation", { maxBodyBytes: 2 * 1024 * 1024 });
  owner = await h.signUp("owner");
  f = await createWorkspaceFixture(h, owner, "V");
});
afterAll(async () => h?.close());

describe("bad inputs get typed errors naming the field and change nothing", () => {
  it("refuses a body over the size cap", async () => {
    const res = await h.raw("document.create", {
      type: "mutation", token: owner.session.accessToken, input: { workspaceId: f.workspaceId, title: "t", content: "a".repeat(3 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });
});
