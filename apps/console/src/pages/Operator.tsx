import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc.ts";
import { Empty, ErrorView, Json, QueryState, time } from "../ui.tsx";

type DeadLetter = RouterOutputs["operator"]["deadLetters"]["list"][number];
type FailedEvent = RouterOutputs["operator"]["failedIntegrationEvents"]["list"][number];
type Inspected = { kind: "dead letter"; id: string } | { kind: "integration event"; id: string } | null;

/**
 * The platform operator's page (shown only when `auth.me` says `platformOperator`): dead letters and
 * failed inbound integration events of every workspace, each with its workspace; inspect, replay, retry.
 * A replay or retry is audited in the affected workspace with the operator as the actor.
 */
export function OperatorPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<"dead" | "replayed" | "">("dead");
  const [workspace, setWorkspace] = useState("");
  const [inspected, setInspected] = useState<Inspected>(null);
  const scope = workspace ? { workspaceId: workspace } : {};
  const letters = useQuery(trpc.operator.deadLetters.list.queryOptions({ ...scope, ...(status ? { status } : {}) }, { refetchInterval: 2000 }));
  const events = useQuery(trpc.operator.failedIntegrationEvents.list.queryOptions(scope, { refetchInterval: 5000 }));
  // Every workspace the unfiltered lists name, for the filter.
  const allLetters = useQuery(trpc.operator.deadLetters.list.queryOptions({}));
  const allEvents = useQuery(trpc.operator.failedIntegrationEvents.list.queryOptions({}));
  const workspaces = new Map<string, string>();
  for (const r of [...(allLetters.data ?? []), ...(allEvents.data ?? [])]) workspaces.set(r.workspaceId, r.workspaceName);

  const replay = useMutation(trpc.operator.deadLetters.replay.mutationOptions({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.operator.deadLetters.list.queryKey() }),
  }));
  const retry = useMutation(trpc.operator.failedIntegrationEvents.retry.mutationOptions({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.operator.failedIntegrationEvents.list.queryKey() }),
  }));
  const shown: DeadLetter | FailedEvent | null = inspected === null ? null
    : inspected.kind === "dead letter" ? (letters.data ?? []).find((d) => d.id === inspected.id) ?? null
    : (events.data ?? []).find((e) => e.id === inspected.id) ?? null;

  return (
    <section aria-labelledby="operator-title">
      <h1 id="operator-title">Operator</h1>
      <p className="muted">
        Dead letters and failed integration events of every workspace. You see them as a platform operator; each replay or
        retry is written to the affected workspace&apos;s audit log with you as the actor.
      </p>
      <div className="row filters">
        <label>Workspace
          <select value={workspace} onChange={(e) => setWorkspace(e.target.value)}>
            <option value="">every workspace</option>
            {[...workspaces].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select>
        </label>
        <label>Dead letter status
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="dead">dead</option><option value="replayed">replayed</option><option value="">all</option>
          </select>
        </label>
      </div>
      {replay.error ? <ErrorView error={replay.error} title="Could not ask for the replay" /> : null}
      {retry.error ? <ErrorView error={retry.error} title="Could not retry the event" /> : null}
      <div className="split">
        <div>
          <h2>Dead letters</h2>
          <QueryState query={letters} what="dead letters" empty={(d) => d.length === 0}>
            {(data) => (
              <div className="table-scroll"><table aria-label="Dead letters of every workspace">
                <thead><tr><th>Workspace</th><th>Handler</th><th>Event</th><th>Error</th><th>Dead since</th><th>State</th><th><span className="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  {data.map((d) => (
                    <OperatorDeadLetterRow key={d.id} letter={d} selected={inspected?.kind === "dead letter" && inspected.id === d.id}
                      onInspect={() => setInspected({ kind: "dead letter", id: d.id })} onReplay={() => replay.mutate({ deadLetterId: d.id })} busy={replay.isPending} />
                  ))}
                </tbody>
              </table></div>
            )}
          </QueryState>
          <h2>Failed integration events</h2>
          <QueryState query={events} what="failed integration events" empty={(d) => d.length === 0}>
            {(data) => (
              <div className="table-scroll"><table aria-label="Failed integration events of every workspace">
                <thead><tr><th>Workspace</th><th>Integration</th><th>Event type</th><th>Error</th><th>Received</th><th>Attempts</th><th><span className="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  {data.map((e) => (
                    <tr key={e.id} data-testid="operator-failed-event" className={inspected?.kind === "integration event" && inspected.id === e.id ? "selected" : undefined}>
                      <td>{e.workspaceName}</td>
                      <td>{e.integrationName} ({e.provider})</td>
                      <td>
                        <button type="button" className="link" onClick={() => setInspected({ kind: "integration event", id: e.id })} aria-label={`Inspect integration event ${e.sourceEventId}`}>{e.eventType}</button>
                      </td>
                      <td>{e.error}</td><td>{time(e.receivedAt)}</td><td>{e.attempts}</td>
                      <td>
                        <button type="button" disabled={retry.isPending} onClick={() => retry.mutate({ integrationEventId: e.id })} aria-label={`Retry integration event ${e.sourceEventId}`}>Retry</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
            )}
          </QueryState>
        </div>
        <div className="inspector" role="region" aria-label="Operator inspector">
          <h2>Inspector</h2>
          {shown ? <Json value={shown} /> : <Empty>Choose a dead letter or an integration event to see its workspace, envelope and error.</Empty>}
        </div>
      </div>
    </section>
  );
}

function OperatorDeadLetterRow({ letter, selected, onInspect, onReplay, busy }: {
  letter: DeadLetter; selected: boolean; onInspect: () => void; onReplay: () => void; busy: boolean;
}) {
  const state = letter.status === "replayed" ? <span className="badge ok">replayed {time(letter.replayedAt)}</span>
    : letter.replayRequestedAt ? <span className="badge warn">replay requested</span>
    : letter.replayError ? <span className="badge bad">replay failed</span> : <span className="badge bad">dead</span>;
  return (
    <tr className={selected ? "selected" : undefined} data-testid="operator-dead-letter">
      <td>{letter.workspaceName}</td>
      <td>{letter.handler}</td>
      <td><button type="button" className="link" onClick={onInspect} aria-label={`Inspect dead letter ${letter.eventType ?? letter.id} of ${letter.workspaceName}`}>{letter.eventType ?? "—"}</button></td>
      <td>{letter.replayError ?? letter.error}</td>
      <td>{time(letter.createdAt)}</td>
      <td>{state}</td>
      <td>
        {letter.status === "dead" && !letter.replayRequestedAt
          ? <button type="button" disabled={busy} onClick={onReplay} aria-label={`Replay dead letter of ${letter.workspaceName}`}>Replay</button>
          : null}
      </td>
    </tr>
  );
}
