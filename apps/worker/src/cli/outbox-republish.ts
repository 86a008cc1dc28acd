import { parseArgs } from "node:util";
import { jetstream } from "@nats-io/jetstream";
import { connectNats, republishOutbox } from "@spine/bus";
import { inTimestampRange, TIMESTAMP_RANGE_MESSAGE } from "@spine/contracts";
import type { TCliEnv } from "../env.ts";
import { outboxStore } from "../wiring.ts";
import { withSystemPool } from "./database.ts";
import { canonicalId } from "./ids.ts";
import { ACTOR_OPTION, auditOperatorAction, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

function isoDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} must be an ISO 8601 time`);
  // PostgreSQL has no year 0 and JS no ISO form past 9999: refused here rather than by the database.
  if (!inTimestampRange(date.toISOString())) throw new UsageError(`${flag} ${TIMESTAMP_RANGE_MESSAGE}`);
  return date;
}

const REPUBLISH_USAGE = "usage: spine outbox republish --since <iso> [--until <iso>] --force | --ids <id,...>";

/**
 * `spine outbox republish --ids <id,id>` or `--since <iso> [--until <iso>] --force`: needs the worker's
 * NATS user. Only rows the relay has published are sent (unpublished ones stay the relay's). A time
 * range needs `--force`: rows older than the stream's duplicate window are stored again, so plain
 * subscribers see them twice (consumers dedupe by event_id).
 */
export async function outboxRepublish(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args, options: { since: { type: "string" }, until: { type: "string" }, ids: { type: "string" }, force: { type: "boolean" }, ...ACTOR_OPTION },
  });
  const operator = operatorName(values.actor);
  const since = isoDate(values.since, "--since");
  const until = isoDate(values.until, "--until");
  const ids = values.ids?.split(",").map(canonicalId).filter(Boolean);
  if (!since && !until && !ids?.length) throw new UsageError(REPUBLISH_USAGE);
  if ((since || until) && values.force !== true) {
    throw new UsageError(
      `${REPUBLISH_USAGE}\n--since/--until need --force: rows older than the stream's duplicate window are stored again and ` +
        "plain subscribers (tails, realtime) see them twice; consumers dedupe. Prefer --ids for known events.",
    );
  }
  const nc = await connectNats({
    servers: env.NATS_URL, name: "spine-outbox-republish",
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? "" } : {}),
  });
  try {
    const result = await withSystemPool(env, (systemPool) =>
      republishOutbox({
        store: outboxStore(systemPool), js: jetstream(nc), prefix: env.SPINE_SUBJECT_PREFIX,
        ...(since ? { since } : {}), ...(until ? { until } : {}), ...(ids ? { ids } : {}), force: values.force === true,
      }),
    );
    await auditOperatorAction(env, operator, {
      action: "outbox.republish", targetType: "outbox", targetId: null,
      details: { ids: ids ?? null, since: since?.toISOString() ?? null, until: until?.toISOString() ?? null, result },
    });
    printJson(result);
  } finally {
    await nc.close();
  }
}
