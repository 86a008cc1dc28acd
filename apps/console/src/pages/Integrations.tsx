import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";
import { FailedEventsOf } from "./DeadLetters.tsx";

/** Each integration's health (deliveries, processing, sync), its failed deliveries with a retry, and "sync now". */
export function IntegrationsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const list = useQuery(trpc.integration.list.queryOptions({ workspaceId: ws.id, limit: 100 }));
  return (
    <section aria-labelledby="integrations-title">
      <h1 id="integrations-title">Integrations</h1>
      <QueryState query={list} what="integrations" empty={(d) => d.items.length === 0}>
        {(data) => <div className="cards">{data.items.map((i) => <IntegrationCard key={i.id} integrationId={i.id} />)}</div>}
      </QueryState>
    </section>
  );
}

function IntegrationCard({ integrationId }: { integrationId: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const health = useQuery(trpc.integration.health.queryOptions({ workspaceId: ws.id, integrationId }, { refetchInterval: 5000 }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.integration.health.queryKey() });
  const sync = useMutation(trpc.integration.sync.mutationOptions({ onSuccess: invalidate }));
  const enable = useMutation(trpc.integration.enable.mutationOptions({ onSuccess: invalidate }));
  return (
    <article className="card">
      <QueryState query={health} what="integration health">
        {(h) => (
          <>
            <h2>{h.name} <span className={`badge ${h.status === "connected" ? "ok" : "bad"}`}>{h.status}</span></h2>
            <dl>
              <dt>Provider</dt><dd>{h.provider}</dd>
              <dt>Last delivery</dt><dd>{time(h.lastDeliveryAt)}</dd>
              <dt>Last processed</dt><dd>{time(h.lastProcessedAt)}</dd>
              <dt>Last failure</dt><dd>{h.lastProcessingError ? `${time(h.lastProcessingFailedAt)}: ${h.lastProcessingError}` : "—"}</dd>
              <dt>Events</dt><dd>{h.events.received} received · {h.events.processed} processed · {h.events.ignored} ignored · {h.events.failed} failed</dd>
              <dt>Sync</dt><dd>{h.sync.state}{h.sync.lastError ? ` — ${h.sync.lastError}` : ""} (last success {time(h.sync.lastSucceededAt)})</dd>
            </dl>
            <div className="row">
              <button type="button" onClick={() => sync.mutate({ workspaceId: ws.id, integrationId })} disabled={sync.isPending}>Sync now</button>
              {h.status === "error" || h.status === "disabled" ? <button type="button" onClick={() => enable.mutate({ workspaceId: ws.id, integrationId })}>Enable again</button> : null}
            </div>
            {sync.error ? <ErrorView error={sync.error} title="Could not ask for a sync" /> : null}
            {enable.error ? <ErrorView error={enable.error} title="Could not enable" /> : null}
            {h.events.failed > 0 ? <FailedEventsOf integrationId={integrationId} name={h.name} /> : null}
          </>
        )}
      </QueryState>
    </article>
  );
}
