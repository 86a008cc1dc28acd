import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { dbTest } from "@spine/domain/fixtures";
import { test as baseTest } from "vitest";
import { natsTestNames, TEST_NATS_URL, type NatsTestNames } from "./nats-names.ts";

/**
 * vitest fixtures for tests against the real PostgreSQL (and NATS). Every fixture here is file-scoped:
 * it is built the first time a test of the file asks for it (as a `beforeAll` would) and cleaned up
 * after the file's last test (as an `afterAll` would), in reverse order of construction.
 *
 * `dbTest` is the domain's own (`@spine/domain/fixtures`): `db` a fresh migrated database, `domain` a Domain on
 * it, `systemSql` and `ownerSql` clients of the system role and of the owner.
 *
 * ```ts
 * import { dbTest as test } from "@spine/testing/fixtures";
 * test("reads back", async ({ domain, systemSql }) => { ... });
 * ```
 */
export { dbTest };

/**
 * NATS fixtures: `natsUrl` is the server (the shared test server; override it for a server of the file's
 * own); `natsNames` is a fresh subject prefix and stream name for the file; every stream whose name
 * contains its suffix (the events stream, `JOBS_<suffix>`, mirrors…) is deleted after the file, then the
 * connection is closed. `natsTest` has them alone, `dbNatsTest` on top of `dbTest`.
 */
const natsFixtures = {
  natsNames: () => natsTestNames("fx"),
  nats: async ({ natsUrl }: { natsUrl: string }, { onCleanup }: FixtureUtils) => {
    const nc = await connect({ servers: natsUrl, name: "spine-test-fixture" });
    onCleanup(() => nc.close());
    return nc;
  },
  jsm: async ({ nats, natsNames }: { nats: NatsConnection; natsNames: NatsTestNames }, { onCleanup }: FixtureUtils) => {
    const jsm = await jetstreamManager(nats);
    onCleanup(async () => {
      await deleteStreamsOf(jsm, natsNames.suffix);
    });
    return jsm;
  },
};
type FixtureUtils = { onCleanup: (cleanup: () => void | Promise<void>) => void };

export const natsTest = baseTest
  .extend("natsUrl", { scope: "file" }, TEST_NATS_URL)
  .extend("natsNames", { scope: "file" }, natsFixtures.natsNames)
  .extend("nats", { scope: "file" }, natsFixtures.nats)
  .extend("jsm", { scope: "file" }, natsFixtures.jsm);

export const dbNatsTest = dbTest
  .extend("natsUrl", { scope: "file" }, TEST_NATS_URL)
  .extend("natsNames", { scope: "file" }, natsFixtures.natsNames)
  .extend("nats", { scope: "file" }, natsFixtures.nats)
  .extend("jsm", { scope: "file" }, natsFixtures.jsm);

/** Delete every stream whose name carries `suffix` (case-insensitive). */
export async function deleteStreamsOf(jsm: JetStreamManager, suffix: string): Promise<string[]> {
  const needle = suffix.toUpperCase();
  const deleted: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (!name.toUpperCase().includes(needle)) continue;
    await jsm.streams.delete(name).catch(() => undefined);
    deleted.push(name);
  }
  return deleted;
}
