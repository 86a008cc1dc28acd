import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc.ts";
import { Empty, ErrorView, Json, QueryState, time } from "../ui.tsx";
import { can, useWorkspace } from "../workspace.ts";

type DeadLetter = RouterOutputs["deadLetter"]["list"][number];

/**
 * The workspace's dead letters (list, inspect, ask the worker to replay) and its integrations'
 * failed inbound events (list, retry). Across workspaces: the Operator page (platform operators) and `spine dlq`.
 */
export function DeadLettersPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<"dead" | "replayed" | "">("dead");
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery(trpc.deadLetter.list.queryOptions({ workspaceId: ws.id, ...(status ? { status } : {}) }, { refetchInterval: 2000 }));
  const replay = useMutation(trpc.deadLetter.replay.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.deadLetter.list.queryKey() }) }));
  const inspected = list.data?.find((d) => d.id === selected) ?? null;
  const mayReplay = can(ws, "workspace.update");

  return (
    <section aria-labelledby="dlq-title">
      <h1 id="dlq-title">Dead letters</h1>
      <p className="muted">Events a consumer gave up on after its retries. A replay runs the handler again in the worker (once: its job record makes a second apply a no-op).</p>
      <div className="row filters">
        <label>Status
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="dead">dead</option><option value="replayed">replayed</option><option value="">all</option>
          </select>
        </label>
      </div>
      {replay.error ? <ErrorView error={replay.error} title="Could not ask for the replay" /> : null}
      <div className="split">
        <QueryState query={list} what="dead letters" empty={(d) => d.length === 0}>
          {(data) => (
            <table aria-label="Dead letters">
              <thead><tr><th>Handler</th><th>Event</th><th>Error</th><th>Dead since</th><th>State</th><th><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {data.map((d) => <DeadLetterRow key={d.id} letter={d} selected={d.id === selected} onInspect={() => setSelected(d.id)}
                  onReplay={mayReplay ? () => replay.mutate({ workspaceId: ws.id, deadLetterId: d.id }) : null} />)}
              </tbody>
            </table>
          )}
        </QueryState>
        <div className="inspector" role="region" aria-label="Dead letter inspector">
          <h2>Inspector</h2>
          {inspected ? <Json value={inspected} /> : <Empty>Choose a dead letter to see its envelope and error.</Empty>}
        </div>
      </div>
      <FailedIntegrationEvents />
    </section>
  );
}

function DeadLetterRow({ letter, selected, onInspect, onReplay }: { letter: DeadLetter; selected: boolean; onInspect: () => void; onReplay: (() => void) | null }) {
  const state = letter.status === "replayed" ? <span className="badge ok">replayed {time(letter.replayedAt)}</span>
    : letter.replayRequestedAt ? <span className="badge warn">replay requested</span>
    : letter.replayError ? <span className="badge bad">replay failed</span> : <span className="badge bad">dead</span>;
  return (
    <tr className={selected ? "selected" : undefined} data-testid="dead-letter">
      <td>{letter.handler}</td>
      <td><button type="button" className="link" onClick={onInspect} aria-label={`Inspect dead letter ${letter.eventType ?? letter.id}`}>{letter.eventType ?? "—"}</button></td>
      <td>{letter.replayError ?? letter.error}</td>
      <td>{time(letter.createdAt)}</td>
      <td>{state}</td>
      <td>{onReplay && letter.status === "dead" && !letter.replayRequestedAt ? <button type="button" onClick={onReplay}>Replay</button> : null}</td>
    </tr>
  );
}

/** Failed inbound webhook events of every integration of the workspace, with a retry each. */
function FailedIntegrationEvents() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const integrations = useQuery(trpc.integration.list.queryOptions({ workspaceId: ws.id, limit: 100 }));
  return (
    <>
      <h2>Failed integration events</h2>
      <QueryState query={integrations} what="integrations" empty={(d) => d.items.length === 0}>
        {(data) => <>{data.items.map((i) => <FailedEventsOf key={i.id} integrationId={i.id} name={`${i.name} (${i.provider})`} />)}</>}
      </QueryState>
    </>
  );
}

export function FailedEventsOf({ integrationId, name }: { integrationId: string; name: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const events = useQuery(trpc.integration.events.queryOptions({ workspaceId: ws.id, integrationId, status: "failed", limit: 50 }));
  const retry = useMutation(trpc.integration.retryEvent.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.integration.events.queryKey() }) }));
  return (
    <div>
      <h3>{name}</h3>
      {retry.error ? <ErrorView error={retry.error} title="Could not retry the event" /> : null}
      <QueryState query={events} what={`failed events of ${name}`} empty={(d) => d.length === 0}>
        {(data) => (
          <table aria-label={`Failed events of ${name}`}>
            <thead><tr><th>Event type</th><th>Delivery id</th><th>Error</th><th>Received</th><th>Attempts</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.map((e) => (
                <tr key={e.id}>
                  <td>{e.eventType}</td><td><code>{e.sourceEventId}</code></td><td>{e.error}</td><td>{time(e.receivedAt)}</td><td>{e.attempts}</td>
                  <td><button type="button" onClick={() => retry.mutate({ workspaceId: ws.id, integrationEventId: e.id })}>Retry</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </div>
  );
}
