import { Domain } from "@spine/domain";
import { testKeyRing } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import { createEffectsTable } from "./effects-table.ts";
import { createPool } from "./pools.ts";
import { seedWorkspaces } from "./seed-workspaces.ts";

/**
 * vitest fixtures for the bus suites, on top of `dbNatsTest`, all file-scoped (built by the first test that asks,
 * cleaned up after the file):
 * - `domain`: as `dbNatsTest`'s, with a pool of 10 (a runner's concurrent handlers and its ledger);
 * - `owner` and `system`: pools (max 4) of the database owner and of the system role, ended;
 * - `workspaceIds`: five seeded workspaces, with the effects table in place; `workspaceId`: the first of them.
 * A suite that runs its own nats-server or cluster overrides `natsUrl` and `nats` on top (see nats-outage).
 */
export const busTest = dbNatsTest
  .override("domain", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 10, keyRing: testKeyRing() });
    onCleanup(() => domain.close());
    return domain;
  })
  .extend("owner", { scope: "file" }, ({ db }, { onCleanup }) => {
    const owner = createPool(db.ownerUrl, 4);
    onCleanup(() => owner.end());
    return owner;
  })
  .extend("system", { scope: "file" }, ({ db }, { onCleanup }) => {
    const system = createPool(db.systemUrl, 4);
    onCleanup(() => system.end());
    return system;
  })
  .extend("workspaceIds", { scope: "file" }, async ({ db }) => {
    await createEffectsTable(db.ownerUrl);
    return seedWorkspaces(db.ownerUrl, 5);
  })
  .extend("workspaceId", { scope: "file" }, ({ workspaceIds }) => workspaceIds[0] ?? "");
