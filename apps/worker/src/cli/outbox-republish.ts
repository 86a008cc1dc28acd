import { parseArgs } from "node:util";
import { jetstream } from "@nats-io/jetstream";
import { connectNats, republishOutbox } from "@spine/bus";
import type { TCliEnv } from "../env.ts";
import { withDatabase } from "./database.ts";
import { printJson, UsageError } from "./output.ts";

function isoDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} must be an ISO 8601 time`);
  return date;
}

/** `spine outbox republish --since <iso> [--until <iso>] | --ids <id,id>`: needs the worker's NATS user. */
export async function outboxRepublish(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { since: { type: "string" }, until: { type: "string" }, ids: { type: "string" } } });
  const since = isoDate(values.since, "--since");
  const until = isoDate(values.until, "--until");
  const ids = values.ids?.split(",").map((s) => s.trim()).filter(Boolean);
  if (!since && !until && !ids?.length) throw new UsageError("usage: spine outbox republish --since <iso> [--until <iso>] | --ids <id,...>");
  const nc = await connectNats({
    servers: env.NATS_URL, name: "spine-outbox-republish",
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? "" } : {}),
  });
  try {
    const result = await withDatabase(env, (pools) =>
      republishOutbox({
        pool: pools.systemPool, js: jetstream(nc), prefix: env.SPINE_SUBJECT_PREFIX,
        ...(since ? { since } : {}), ...(until ? { until } : {}), ...(ids ? { ids } : {}),
      }),
    );
    printJson(result);
  } finally {
    await nc.close();
  }
}
