import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";

type Item = RouterOutputs["item"]["list"]["items"][number];
const STATUSES = ["open", "in_progress", "done", "archived"] as const;
type Status = (typeof STATUSES)[number];

/** Items of a project: create, edit (title, status), delete, restore. */
export function ItemsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.project.list.queryOptions({ workspaceId: ws.id, limit: 100 }));
  const [projectId, setProjectId] = useState("");
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const chosen = projectId || projects.data?.items[0]?.id || "";
  const items = useQuery(trpc.item.list.queryOptions({ workspaceId: ws.id, projectId: chosen, includeDeleted, limit: 100 }, { enabled: chosen !== "" }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.item.list.queryKey() });
  const [title, setTitle] = useState("");
  const create = useMutation(trpc.item.create.mutationOptions({ onSuccess: async () => { setTitle(""); await refresh(); } }));
  const update = useMutation(trpc.item.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.item.delete.mutationOptions({ onSuccess: refresh }));
  const restore = useMutation(trpc.item.restore.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId: ws.id, projectId: chosen, title });
  };
  const failure = create.error ?? update.error ?? remove.error ?? restore.error;

  return (
    <section aria-labelledby="items-title">
      <h1 id="items-title">Items</h1>
      <QueryState query={projects} what="projects" empty={(d) => d.items.length === 0}>
        {(data) => (
          <>
            <div className="row filters">
              <label>Project
                <select value={chosen} onChange={(e) => setProjectId(e.target.value)}>
                  {data.items.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
                </select>
              </label>
              <label className="check"><input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} /> Show deleted</label>
            </div>
            <form className="row" onSubmit={submit} aria-label="New item">
              <label>Title <input value={title} onChange={(e) => setTitle(e.target.value)} /></label>
              <button type="submit" disabled={create.isPending}>Create item</button>
            </form>
            {failure ? <ErrorView error={failure} title="The item change failed" /> : null}
            <QueryState query={items} what="items" empty={(d) => d.items.length === 0}>
              {(list) => (
                <table aria-label="Items">
                  <thead><tr><th>Title</th><th>Status</th><th>Updated</th><th><span className="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    {list.items.map((i: Item) => (
                      <tr key={i.id} className={i.deletedAt ? "deleted" : undefined}>
                        <td>{i.title}</td>
                        <td>
                          <label className="sr-only" htmlFor={`status-${i.id}`}>Status of {i.title}</label>
                          <select id={`status-${i.id}`} value={i.status} disabled={i.deletedAt !== null}
                            onChange={(e) => update.mutate({ workspaceId: ws.id, itemId: i.id, status: e.target.value as Status })}>
                            {STATUSES.map((s) => <option key={s}>{s}</option>)}
                          </select>
                        </td>
                        <td>{time(i.updatedAt)}</td>
                        <td className="actions">
                          {i.deletedAt
                            ? <button type="button" onClick={() => restore.mutate({ workspaceId: ws.id, itemId: i.id })} aria-label={`Restore ${i.title}`}>Restore</button>
                            : <button type="button" className="danger" onClick={() => remove.mutate({ workspaceId: ws.id, itemId: i.id })} aria-label={`Delete ${i.title}`}>Delete</button>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </QueryState>
          </>
        )}
      </QueryState>
    </section>
  );
}
