import { jetstream } from "@nats-io/jetstream";
import { TEST_NATS_URL } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import { describe, expect } from "vitest";
import { spawnTsx } from "./test-support/child-process.ts";
import { createEffectsTable, effectCounts } from "./test-support/effects-table.ts";
import { projectCreated } from "./test-support/outbox-events.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { createPool } from "./test-support/pools.ts";
import { ensureEventsStream, publishEnvelope } from "@spine/bus";

const EVENTS = 60;

// `owner`: a pool of the database owner; `workspaceId`: a seeded workspace, with the effects table and the file's
// events stream in place.
const test = dbNatsTest
  .extend("owner", { scope: "file" }, ({ db }, { onCleanup }) => {
    const owner = createPool(db.ownerUrl, 2);
    onCleanup(() => owner.end());
    return owner;
  })
  .extend("workspaceId", { scope: "file" }, async ({ db, jsm, natsNames }) => {
    await createEffectsTable(db.ownerUrl);
    const [workspaceId = ""] = await seedWorkspaces(db.ownerUrl);
    await ensureEventsStream(jsm, { name: natsNames.stream, prefix: natsNames.prefix });
    return workspaceId;
  });

describe("consumer killed after its effect, before its ack", () => {
  test("the redelivery applies nothing twice: effects equal events", async ({ db, nats, natsNames: names, owner, workspaceId }) => {
    const js = jetstream(nats);
    const envelopes = Array.from({ length: EVENTS }, () => projectCreated(workspaceId));
    await Promise.all(envelopes.map((e) => publishEnvelope(js, e, { prefix: names.prefix })));
    const handler = `crash_${names.suffix}`;
    const config = {
      natsUrl: TEST_NATS_URL, appUrl: db.appUrl, systemUrl: db.systemUrl, stream: names.stream, prefix: names.prefix, handler,
    };

    const crashed: string[] = [];
    const children: ReturnType<typeof spawnTsx>[] = [];
    for (const crashAfterCommits of [7, 11]) {
      const child = spawnTsx("consumer-process.ts", { ...config, crashAfterCommits });
      children.push(child);
      const { signal } = await child.exited;
      expect(signal, child.lines.slice(-10).join("\n")).toBe("SIGKILL");
      const line = child.lines.find((l) => l.includes("crashing after commit"));
      expect(line, child.lines.join("\n")).toBeDefined();
      crashed.push((JSON.parse(line ?? "{}") as { event_id: string }).event_id);
    }

    const survivor = spawnTsx("consumer-process.ts", { ...config, crashAfterCommits: null });
    children.push(survivor);
    await waitUntil(async () => (await effectCounts(owner, handler)).distinct === EVENTS, "every event applied");
    // The events whose ack was lost come back (to whichever process runs then) and are skipped, not applied again.
    const skipped = (id: string) => children.some((c) => c.lines.some((l) => l.includes("duplicate delivery skipped") && l.includes(id)));
    await waitUntil(async () => crashed.every(skipped), "the crashed events' redeliveries");
    survivor.proc.kill("SIGTERM");
    await survivor.exited;

    expect(await effectCounts(owner, handler)).toEqual({ rows: EVENTS, distinct: EVENTS });
    const runs = await owner.query<{ n: number }>("select count(*)::int as n from job_runs where handler = $1 and status = 'succeeded'", [
      handler,
    ]);
    expect(runs.rows[0]?.n).toBe(EVENTS);
  });
});
