import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";

type DocumentSummary = RouterOutputs["document"]["list"]["items"][number];
type Format = "text" | "markdown" | "html";

/** Documents (the agent's knowledge): create, edit content, delete, restore; ingestion state shown. */
export function DocumentsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const list = useQuery(trpc.document.list.queryOptions({ workspaceId: ws.id, includeDeleted, limit: 100 }, { refetchInterval: 3000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.document.list.queryKey() });
  const [editing, setEditing] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [format, setFormat] = useState<Format>("markdown");
  const [content, setContent] = useState("");
  const create = useMutation(trpc.document.create.mutationOptions({ onSuccess: async () => { setTitle(""); setContent(""); await refresh(); } }));
  const remove = useMutation(trpc.document.delete.mutationOptions({ onSuccess: refresh }));
  const restore = useMutation(trpc.document.restore.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId: ws.id, title, format, content });
  };
  const failure = create.error ?? remove.error ?? restore.error;

  return (
    <section aria-labelledby="documents-title">
      <h1 id="documents-title">Documents</h1>
      <form className="row" onSubmit={submit} aria-label="New document">
        <label>Title <input value={title} onChange={(e) => setTitle(e.target.value)} /></label>
        <label>Format
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}><option>text</option><option>markdown</option><option>html</option></select>
        </label>
        <label style={{ flex: 1 }}>Content <textarea rows={3} value={content} onChange={(e) => setContent(e.target.value)} /></label>
        <button type="submit" disabled={create.isPending}>Create document</button>
      </form>
      {failure ? <ErrorView error={failure} title="The document change failed" /> : null}
      <label className="check"><input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} /> Show deleted</label>
      <QueryState query={list} what="documents" empty={(d) => d.items.length === 0}>
        {(data) => (
          <table aria-label="Documents">
            <thead><tr><th>Title</th><th>Format</th><th>Ingestion</th><th>Updated</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.items.map((d: DocumentSummary) => editing === d.id ? (
                <tr key={d.id}><td colSpan={5}><DocumentEditor documentId={d.id} onDone={() => { setEditing(null); void refresh(); }} /></td></tr>
              ) : (
                <tr key={d.id} className={d.deletedAt ? "deleted" : undefined}>
                  <td>{d.title}</td>
                  <td>{d.format}</td>
                  <td><span className={`badge ${d.ingestionStatus === "ingested" ? "ok" : d.ingestionStatus === "failed" ? "bad" : ""}`}>{d.ingestionStatus}</span>{d.ingestionError ? ` ${d.ingestionError.reason}: ${d.ingestionError.message}` : ""}</td>
                  <td>{time(d.updatedAt)}</td>
                  <td className="actions">
                    {d.deletedAt ? <button type="button" onClick={() => restore.mutate({ workspaceId: ws.id, documentId: d.id })} aria-label={`Restore ${d.title}`}>Restore</button> : (
                      <>
                        <button type="button" onClick={() => setEditing(d.id)} aria-label={`Edit ${d.title}`}>Edit</button>
                        <button type="button" className="danger" onClick={() => remove.mutate({ workspaceId: ws.id, documentId: d.id })} aria-label={`Delete ${d.title}`}>Delete</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

function DocumentEditor({ documentId, onDone }: { documentId: string; onDone: () => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const doc = useQuery(trpc.document.get.queryOptions({ workspaceId: ws.id, documentId }));
  const update = useMutation(trpc.document.update.mutationOptions({ onSuccess: onDone }));
  const [draft, setDraft] = useState<{ title: string; content: string } | null>(null);
  return (
    <QueryState query={doc} what="the document">
      {(d) => {
        const value = draft ?? { title: d.title, content: d.content };
        return (
          <form className="row" aria-label={`Edit document ${d.title}`} onSubmit={(e) => { e.preventDefault(); update.mutate({ workspaceId: ws.id, documentId, ...value }); }}>
            <label>Title <input value={value.title} onChange={(e) => setDraft({ ...value, title: e.target.value })} /></label>
            <label style={{ flex: 1 }}>Content <textarea rows={6} value={value.content} onChange={(e) => setDraft({ ...value, content: e.target.value })} /></label>
            <button type="submit" disabled={update.isPending}>Save</button>
            <button type="button" onClick={onDone}>Cancel</button>
            {update.error ? <ErrorView error={update.error} title="Could not save the document" /> : null}
          </form>
        );
      }}
    </QueryState>
  );
}
