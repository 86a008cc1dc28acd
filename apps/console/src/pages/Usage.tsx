import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { can, useWorkspace } from "../workspace.ts";

type Counter = RouterOutputs["usage"]["listCounters"][number];
const METRICS = ["projects", "items", "documents", "document_bytes", "agent_runs", "agent_tokens", "agent_tool_calls", "api_calls"];

/** Counters of the current day and month against their limits (a bar each), and the policies. */
export function UsagePage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const counters = useQuery(trpc.usage.listCounters.queryOptions({ workspaceId: ws.id }, { refetchInterval: 5000 }));
  const policies = useQuery(trpc.usage.listPolicies.queryOptions({ workspaceId: ws.id }));
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.usage.listCounters.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.usage.listPolicies.queryKey() });
  };
  const [metric, setMetric] = useState("projects");
  const [window, setWindow] = useState<"day" | "month">("day");
  const [limit, setLimit] = useState("10");
  const [action, setAction] = useState<"block" | "notify">("block");
  const setPolicy = useMutation(trpc.usage.setPolicy.mutationOptions({ onSuccess: refresh }));
  const clearPolicy = useMutation(trpc.usage.clearPolicy.mutationOptions({ onSuccess: refresh }));
  const manage = can(ws, "usage.manage");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPolicy.mutate({ workspaceId: ws.id, metric, window, limit: Number(limit), action });
  };

  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <h2>This day and this month</h2>
      <QueryState query={counters} what="usage counters" empty={(d) => d.length === 0}>
        {(data) => <UsageChart counters={data} />}
      </QueryState>
      <h2>Limits</h2>
      {manage ? (
        <form className="row" onSubmit={submit} aria-label="Set a usage limit">
          <label>Metric
            <select value={metric} onChange={(e) => setMetric(e.target.value)}>{METRICS.map((m) => <option key={m}>{m}</option>)}</select>
          </label>
          <label>Window
            <select value={window} onChange={(e) => setWindow(e.target.value as "day" | "month")}><option>day</option><option>month</option></select>
          </label>
          <label>Limit <input type="number" min={0} value={limit} onChange={(e) => setLimit(e.target.value)} /></label>
          <label>When reached
            <select value={action} onChange={(e) => setAction(e.target.value as "block" | "notify")}><option>block</option><option>notify</option></select>
          </label>
          <button type="submit" disabled={setPolicy.isPending}>Set limit</button>
        </form>
      ) : null}
      {setPolicy.error ? <ErrorView error={setPolicy.error} title="Could not set the limit" /> : null}
      {clearPolicy.error ? <ErrorView error={clearPolicy.error} title="Could not clear the limit" /> : null}
      <QueryState query={policies} what="usage limits" empty={(d) => d.length === 0}>
        {(data) => (
          <table aria-label="Usage limits">
            <thead><tr><th>Metric</th><th>Window</th><th>Limit</th><th>When reached</th><th>Changed</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.map((p) => (
                <tr key={p.id}>
                  <td>{p.metric}</td><td>{p.window}</td><td>{p.limit}</td><td>{p.action}</td><td>{time(p.updatedAt)}</td>
                  <td>{manage ? <button type="button" onClick={() => clearPolicy.mutate({ workspaceId: ws.id, metric: p.metric, window: p.window })} aria-label={`Clear limit ${p.metric} per ${p.window}`}>Clear</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

/** One horizontal bar per counter (SVG): the value against the limit; red once the limit is reached. */
function UsageChart({ counters }: { counters: Counter[] }) {
  const rowH = 28;
  const labelW = 210;
  const barW = 360;
  const sorted = [...counters].sort((a, b) => a.metric.localeCompare(b.metric) || a.window.localeCompare(b.window));
  return (
    <figure className="chart">
      <svg role="img" aria-labelledby="usage-chart-title" width={labelW + barW + 170} height={sorted.length * rowH + 8}>
        <title id="usage-chart-title">Usage counters against their limits</title>
        {sorted.map((c, i) => {
          const max = c.limit ?? Math.max(c.value, 1);
          const share = max === 0 ? 1 : Math.min(c.value / max, 1);
          const y = i * rowH + 4;
          const cls = c.limitReached ? "bar bad" : c.limit !== null && share >= 0.8 ? "bar warn" : "bar";
          return (
            <g key={`${c.metric}-${c.window}`}>
              <text x={0} y={y + 15}>{c.metric} / {c.window}</text>
              <rect x={labelW} y={y} width={barW} height={18} className="track" />
              <rect x={labelW} y={y} width={Math.max(barW * share, c.value > 0 ? 2 : 0)} height={18} className={cls} />
              <text x={labelW + barW + 8} y={y + 15}>{c.value}{c.limit !== null ? ` / ${c.limit}` : " (no limit)"}{c.limitReached ? " reached" : ""}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">Windows reset at: {[...new Set(sorted.map((c) => `${c.window} ${time(c.resetsAt)}`))].join(", ")}</figcaption>
    </figure>
  );
}
