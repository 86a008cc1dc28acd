import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { can, useWorkspace } from "../workspace.ts";

/** The workspace's access: state, plan, expiry, what comes next; owners may change it. */
export function AccessPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const access = useQuery(trpc.access.get.queryOptions({ workspaceId: ws.id }));
  const [plan, setPlan] = useState("pro");
  const [expiresAt, setExpiresAt] = useState("");
  const [reason, setReason] = useState("");
  const change = useMutation(trpc.access.change.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.access.get.queryKey() }) }));
  const manage = can(ws, "access.manage");
  const changePlan = (e: FormEvent) => {
    e.preventDefault();
    const type = access.data?.state === "active" ? "change" : "activate";
    change.mutate({ workspaceId: ws.id, change: { type, plan, expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null } });
  };
  const deactivate = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ workspaceId: ws.id, change: { type: "deactivate", reason } });
  };
  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">Access</h1>
      <QueryState query={access} what="access">
        {(a) => (
          <dl className="card">
            <dt>Status</dt><dd><span className={`badge ${a.status === "active" ? "ok" : "bad"}`}>{a.status}</span></dd>
            <dt>State</dt><dd>{a.state}</dd>
            <dt>Plan</dt><dd>{a.plan ?? "—"}</dd>
            <dt>Effective since</dt><dd>{time(a.effectiveAt)}</dd>
            <dt>Expires</dt><dd>{a.expiresAt ? time(a.expiresAt) : "never"}</dd>
            <dt>Next transition</dt><dd>{time(a.nextTransitionAt)}</dd>
            <dt>Reason</dt><dd>{a.reason ?? "—"}</dd>
            <dt>Version</dt><dd>{a.version}</dd>
          </dl>
        )}
      </QueryState>
      {manage ? (
        <>
          <h2>Change</h2>
          <form className="row" onSubmit={changePlan} aria-label="Change plan">
            <label>Plan <input value={plan} onChange={(e) => setPlan(e.target.value)} /></label>
            <label>Expires <input type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} /></label>
            <button type="submit" disabled={change.isPending}>{access.data?.state === "active" ? "Change plan" : "Activate"}</button>
          </form>
          <form className="row" onSubmit={deactivate} aria-label="Deactivate access">
            <label>Reason <input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
            <button type="submit" className="danger" disabled={change.isPending}>Deactivate</button>
          </form>
        </>
      ) : <p className="muted">Only an owner can change the workspace's access.</p>}
      {change.error ? <ErrorView error={change.error} title="Could not change the access" /> : null}
    </section>
  );
}
