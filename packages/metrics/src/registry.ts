import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A Prometheus registry of one app (`app` label on every series) with the process metrics
 * (CPU, memory, event-loop lag, GC) under the `spine_process_`/`spine_nodejs_` names. Each app
 * instance gets its own registry, so several apps can run in one process (tests) without clashing.
 */
export function createMetricsRegistry(app: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "spine_" });
  return registry;
}
