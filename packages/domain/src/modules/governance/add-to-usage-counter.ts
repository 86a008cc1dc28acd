import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import type { UsageWindow } from "./entities.ts";

// One statement: concurrent increments serialise on the counter row and none is lost.
const UPSERT = `insert into usage_counters (id, workspace_id, metric, "window", window_start, value)
  values (?, ?, ?, ?, ?, ?)
  on conflict (workspace_id, metric, "window", window_start)
  do update set value = usage_counters.value + excluded.value, updated_at = now()
  returning id, value::text as value`;

/**
 * The one unconditional count of usage: add `amount` to the operation's workspace counter of
 * (`metric`, `window`, `windowStart`), creating it at `amount`. Returns the counter and its new value.
 * `incrementUsage`, `consumeUsage` (notify policies) and `meterUsageEvent` count through here.
 */
export async function addToUsageCounter(
  op: Operation,
  input: { metric: string; window: UsageWindow; windowStart: Date; amount: number },
): Promise<{ id: string; value: number }> {
  const rows = await op.em.execute<{ id: string; value: string }[]>(UPSERT, [
    newId(), op.workspaceId, input.metric, input.window, input.windowStart, input.amount,
  ]);
  const counter = rows[0];
  if (!counter) throw new Error("usage counter upsert returned no row");
  return { id: counter.id, value: Number(counter.value) };
}
