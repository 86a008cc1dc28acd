import { dbTest } from "@spine/testing/fixtures";
import { createApiHarness, type ApiHarnessOptions } from "./api-harness.ts";
import { createWorkspaceFixture } from "./workspace-fixture.ts";

/**
 * vitest fixtures for router suites, on top of `dbTest` (`db`, `domain`, `systemSql`), all file-scoped:
 * - `apiOptions`: options of the harness (override per file: `apiTest.override("apiOptions", { … })`);
 * - `api`: the router called in-process (`createApiHarness`), its meter closed after the file;
 * - `owner`: a signed-up account;
 * - `workspace`: a workspace of `owner` with one of everything (`createWorkspaceFixture`).
 */
export const apiTest = dbTest
  .extend("apiOptions", { scope: "file" }, {} as ApiHarnessOptions)
  .extend("api", { scope: "file" }, ({ domain, systemSql, apiOptions }, { onCleanup }) => {
    const api = createApiHarness(domain, systemSql, apiOptions);
    onCleanup(() => api.close());
    return api;
  })
  .extend("owner", { scope: "file" }, ({ api }) => api.signUp("owner"))
  .extend("workspace", { scope: "file" }, ({ api, owner }) => createWorkspaceFixture(api, owner, "W"));
