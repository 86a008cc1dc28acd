import { useMemo, useRef, useState } from "react";
import { useLiveFeed, type LiveEnvelope } from "../events.tsx";
import { Empty, Json, time } from "../ui.tsx";

/** Envelopes as the gateway pushes them: filter by type and correlation id, pause, inspect one. */
export function LiveEventsPage() {
  const feed = useLiveFeed();
  const [typeFilter, setTypeFilter] = useState("");
  const [correlation, setCorrelation] = useState("");
  const [paused, setPaused] = useState<LiveEnvelope[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const inspector = useRef<HTMLDivElement>(null);

  const source = paused ?? feed.envelopes;
  const types = useMemo(() => [...new Set(feed.envelopes.map((e) => e.envelope.event_type))].sort(), [feed.envelopes]);
  const shown = source.filter((e) =>
    (!typeFilter || e.envelope.event_type === typeFilter || (typeFilter.endsWith("*") && e.envelope.event_type.startsWith(typeFilter.slice(0, -1)))) &&
    (!correlation || e.envelope.correlation_id.includes(correlation.trim())));
  const inspected = source.find((e) => e.envelope.event_id === selected) ?? null;
  const waiting = paused ? feed.envelopes.length - paused.length : 0;

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Live events</h1>
      <p className="muted" role="status" data-testid="feed-status">
        Stream: <span className={`badge ${feed.status === "live" ? "ok" : feed.status === "connecting" ? "" : "bad"}`}>{feed.status}</span>
        {feed.error ? ` — ${feed.error}` : null}
        {paused ? ` — paused, ${waiting} new envelope(s) waiting` : null}
      </p>
      <div className="row filters">
        <label>
          Event type
          <input list="event-types" value={typeFilter} onChange={(e) => setTypeFilter(e.target.value)} placeholder="e.g. project.created or project.*" />
          <datalist id="event-types">{types.map((t) => <option key={t} value={t} />)}</datalist>
        </label>
        <label>Correlation id <input value={correlation} onChange={(e) => setCorrelation(e.target.value)} /></label>
        <button type="button" aria-pressed={paused !== null} onClick={() => setPaused(paused ? null : feed.envelopes)}>{paused ? "Resume" : "Pause"}</button>
        <button type="button" onClick={() => { feed.clear(); setPaused(null); setSelected(null); }}>Clear</button>
      </div>
      <div className="split">
        <div>
          {shown.length === 0 ? (
            <Empty>{source.length === 0 ? "No events yet. Changes in this workspace appear here as they commit." : "No event matches the filters."}</Empty>
          ) : (
            <table aria-label="Envelopes">
              <thead><tr><th>Type</th><th>Occurred</th><th>Correlation id</th><th>Cursor</th></tr></thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.envelope.event_id} className={e.envelope.event_id === selected ? "selected" : undefined}>
                    <td>
                      <button type="button" className="link" onClick={() => { setSelected(e.envelope.event_id); inspector.current?.focus(); }}>
                        {e.envelope.event_type}
                      </button>
                    </td>
                    <td>{time(e.envelope.occurred_at)}</td>
                    <td><code>{e.envelope.correlation_id}</code></td>
                    <td>{e.cursor}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="inspector" ref={inspector} tabIndex={-1} aria-label="Envelope inspector" role="region">
          <h2>Inspector</h2>
          {inspected ? <Json value={inspected.envelope} /> : <Empty>Choose an envelope to see it whole.</Empty>}
        </div>
      </div>
    </section>
  );
}
