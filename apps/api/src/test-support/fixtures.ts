import { createWorkspaceFixture, type WorkspaceFixture } from "@spine/api/test-support";
import { test as baseTest } from "vitest";
import type { ApiServerOptions } from "../server.ts";
import { startHarness, type Actor, type Harness } from "./api-harness.ts";

/**
 * vitest fixtures for the host's HTTP suites, all file-scoped (built by the first test that asks, cleaned up
 * after the file):
 * - `hostOptions`: options of the API server (override per file: `hostTest.override("hostOptions", { scope: "file" }, { … })`);
 * - `h`: a fresh database and the API host on a free port (`startHarness`), closed and dropped after the file;
 * - `owner`: a signed-up account;
 * - `f`: a workspace of `owner` with one of everything (`createWorkspaceFixture`).
 */
export const hostTest = baseTest
  .extend("hostOptions", { scope: "file" }, {} as Partial<ApiServerOptions>)
  .extend("h", { scope: "file" }, async ({ hostOptions }, { onCleanup }): Promise<Harness> => {
    const h = await startHarness("host", hostOptions);
    onCleanup(() => h.close());
    return h;
  })
  .extend("owner", { scope: "file" }, ({ h }): Promise<Actor> => h.signUp("owner"))
  .extend("f", { scope: "file" }, ({ h, owner }): Promise<WorkspaceFixture> => createWorkspaceFixture(h, owner, "W"));
