import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";

// The host's body cap (`maxBodyBytes`); the router's validation suite is packages/api/src/router/validation.test.ts.
const test = hostTest.override("hostOptions", { scope: "file" }, { maxBodyBytes: 2 * 1024 * 1024 });

describe("bad inputs get typed errors naming the field and change nothing", () => {
  test("refuses a body over the size cap", async ({ h, owner, f }) => {
    const res = await h.raw("document.create", {
      type: "mutation", token: owner.session.accessToken, input: { workspaceId: f.workspaceId, title: "t", content: "a".repeat(3 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });
});
