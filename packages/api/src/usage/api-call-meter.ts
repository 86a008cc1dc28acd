import { addToUsageCounter, consumeUsage, hasUsagePolicy, USAGE_WINDOWS, windowStart, type Domain, type Operation, type UsageWindow } from "@spine/domain";
import type { Logger } from "pino";

export interface ApiCallMeterOptions {
  /** How often buffered counts are written (default 2 s). */
  flushIntervalMs?: number;
}

interface Pending {
  workspaceId: string;
  window: UsageWindow;
  windowStart: Date;
  amount: number;
}

/**
 * The `api_calls` usage metric: every successful authenticated call on a workspace counts once.
 *
 * - A workspace with a policy on `api_calls` is counted in the call's own transaction by the atomic
 *   conditional upsert of `consumeUsage`: a `block` policy refuses the call past its limit with
 *   USAGE_LIMIT_REACHED (429) and it writes nothing; the crossing is announced once. That costs a
 *   counter row lock per call, held for the call's transaction.
 * - Windows without a policy take no lock on the request path: the call is added to a per-process
 *   buffer that is written every `flushIntervalMs` (one upsert per workspace and window) and on
 *   shutdown. A process killed with SIGKILL loses at most one interval of these counts.
 *
 * Whether the workspace has a policy comes from the call's authorization statement, in the call's own
 * transaction: a policy set through any API process applies to the next call.
 */
export class ApiCallMeter {
  readonly #domain: Domain;
  readonly #logger: Logger;
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(domain: Domain, logger: Logger, options: ApiCallMeterOptions = {}) {
    this.#domain = domain;
    this.#logger = logger;
    const interval = options.flushIntervalMs ?? 2_000;
    this.#timer = setInterval(() => void this.flush(), interval);
    this.#timer.unref();
  }

  /**
   * In the call's transaction, after its authorisation: count it against the workspace's policies
   * (refusing it past a `block` limit). Returns the windows counted here; the call's other windows are
   * counted by `record` once it succeeded.
   */
  async consume(op: Operation): Promise<ReadonlySet<UsageWindow>> {
    // The authorization statement read the workspace's policies in this transaction: no query, nothing stale.
    if (!(await hasUsagePolicy(op, "api_calls"))) return new Set();
    return new Set((await consumeUsage(op, { metric: "api_calls" })).map((c) => c.window));
  }

  /** A call succeeded: buffer it for every window `consume` did not count. */
  record(workspaceId: string, counted: ReadonlySet<UsageWindow>, at = new Date()): void {
    for (const window of USAGE_WINDOWS) {
      if (counted.has(window)) continue;
      const start = windowStart(window, at);
      const key = `${workspaceId}|${window}|${start.toISOString()}`;
      const entry = this.#pending.get(key);
      if (entry) entry.amount += 1;
      else this.#pending.set(key, { workspaceId, window, windowStart: start, amount: 1 });
    }
  }

  /** Write the buffered counts (one transaction per workspace); counts that fail to write stay buffered. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const byWorkspace = new Map<string, Pending[]>();
    for (const entry of batch.values()) byWorkspace.set(entry.workspaceId, [...(byWorkspace.get(entry.workspaceId) ?? []), entry]);
    for (const [workspaceId, entries] of byWorkspace) {
      const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: "api-calls-meter" };
      try {
        await this.#domain.run(ctx, async (op) => {
          for (const e of entries) await addToUsageCounter(op, { metric: "api_calls", window: e.window, windowStart: e.windowStart, amount: e.amount });
        });
      } catch (err) {
        // Kept for the next flush: a database outage delays the counts, it does not lose them.
        for (const e of entries) this.#requeue(e);
        this.#logger.warn({ err: err instanceof Error ? err.message : String(err), workspace_id: workspaceId }, "api_calls counts not written; retrying later");
      }
    }
  }

  #requeue(e: Pending): void {
    const key = `${e.workspaceId}|${e.window}|${e.windowStart.toISOString()}`;
    const entry = this.#pending.get(key);
    if (entry) entry.amount += e.amount;
    else this.#pending.set(key, { ...e });
  }

  /** Stop the timer and write what is buffered. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }
}
