import type { RouterOutputs } from "@spine/client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSession } from "../session.tsx";
import { useTRPC } from "../trpc.ts";
import { download, ErrorView, Json, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";

type AuditEntry = RouterOutputs["audit"]["list"]["items"][number];
interface Filters { action: string; targetType: string; actorId: string; from: string; to: string }
const NO_FILTERS: Filters = { action: "", targetType: "", actorId: "", from: "", to: "" };

function toInput(f: Filters) {
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.actorId ? { actorId: f.actorId } : {}),
    ...(f.from ? { from: new Date(f.from).toISOString() } : {}),
    ...(f.to ? { to: new Date(f.to).toISOString() } : {}),
  };
}

const CSV_COLUMNS = ["occurredAt", "action", "actorType", "actorId", "targetType", "targetId", "correlationId", "changes"] as const;
function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
export function toCsv(rows: AuditEntry[]): string {
  return [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}

/** The workspace's audit trail: filters, pages, one row inspected, export of every matching row. */
export function AuditPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const { client } = useSession();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const list = useInfiniteQuery(trpc.audit.list.infiniteQueryOptions(
    { workspaceId: ws.id, limit: 50, ...toInput(filters) },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  ));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };

  async function exportAll(format: "jsonl" | "csv") {
    setExporting(true);
    setExportError(null);
    try {
      const rows: AuditEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.audit.list.query({ workspaceId: ws.id, limit: 100, ...toInput(filters), ...(cursor ? { cursor } : {}) });
        rows.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && rows.length < 50_000);
      const stamp = new Date().toISOString().replaceAll(":", "-");
      if (format === "jsonl") download(`audit-${ws.id}-${stamp}.jsonl`, rows.map((r) => JSON.stringify(r)).join("\n") + "\n", "application/x-ndjson");
      else download(`audit-${ws.id}-${stamp}.csv`, toCsv(rows), "text/csv");
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  }

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="row filters" onSubmit={apply} aria-label="Audit filters">
        <label>Action <input value={draft.action} onChange={set("action")} placeholder="e.g. project.create" /></label>
        <label>Target type <input value={draft.targetType} onChange={set("targetType")} placeholder="e.g. project" /></label>
        <label>Actor id <input value={draft.actorId} onChange={set("actorId")} /></label>
        <label>From <input type="datetime-local" value={draft.from} onChange={set("from")} /></label>
        <label>To <input type="datetime-local" value={draft.to} onChange={set("to")} /></label>
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => { setDraft(NO_FILTERS); setFilters(NO_FILTERS); }}>Reset</button>
      </form>
      <div className="row">
        <button type="button" disabled={exporting} onClick={() => void exportAll("jsonl")}>Export JSON Lines</button>
        <button type="button" disabled={exporting} onClick={() => void exportAll("csv")}>Export CSV</button>
        {exporting ? <span className="muted" role="status">Exporting…</span> : null}
      </div>
      {exportError ? <ErrorView error={exportError} title="Export failed" /> : null}
      <QueryState query={{ isPending: list.isPending, error: list.error, data: list.data }} what="audit rows" empty={() => rows.length === 0}>
        {() => (
          <>
            <table aria-label="Audit rows">
              <thead><tr><th>When</th><th>Action</th><th>Actor</th><th>Target</th><th>Correlation id</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <AuditRow key={r.id} row={r} open={open === r.id} onToggle={() => setOpen(open === r.id ? null : r.id)} />
                ))}
              </tbody>
            </table>
            {list.hasNextPage ? (
              <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>Load more</button>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

function AuditRow({ row, open, onToggle }: { row: AuditEntry; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr>
        <td>{time(row.occurredAt)}</td>
        <td><button type="button" className="link" aria-expanded={open} onClick={onToggle}>{row.action}</button></td>
        <td>{row.actorType}{row.actorId ? <> <code>{row.actorId.slice(0, 8)}</code></> : null}</td>
        <td>{row.targetType}{row.targetId ? <> <code>{row.targetId.slice(0, 8)}</code></> : null}</td>
        <td><code>{row.correlationId}</code></td>
      </tr>
      {open ? <tr><td colSpan={5}><Json value={row} /></td></tr> : null}
    </>
  );
}
