import type { RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";

type Project = RouterOutputs["project"]["list"]["items"][number];

/** Projects: list (deleted ones on request), create, edit, delete, restore. */
export function ProjectsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [search, setSearch] = useState("");
  const list = useQuery(trpc.project.list.queryOptions({ workspaceId: ws.id, includeDeleted, limit: 100, ...(search ? { search } : {}) }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey() });

  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(trpc.project.create.mutationOptions({ onSuccess: async () => { setName(""); setDescription(""); await refresh(); } }));
  const remove = useMutation(trpc.project.delete.mutationOptions({ onSuccess: refresh }));
  const restore = useMutation(trpc.project.restore.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId: ws.id, name, ...(description ? { description } : {}) });
  };

  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <form className="row" onSubmit={submit} aria-label="New project">
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>Description <input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        <button type="submit" disabled={create.isPending}>Create project</button>
      </form>
      {create.error ? <ErrorView error={create.error} title="Could not create the project" /> : null}
      {remove.error ? <ErrorView error={remove.error} title="Could not delete the project" /> : null}
      {restore.error ? <ErrorView error={restore.error} title="Could not restore the project" /> : null}
      <div className="row filters">
        <label>Search <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></label>
        <label className="check"><input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} /> Show deleted</label>
      </div>
      <QueryState query={list} what="projects" empty={(d) => d.items.length === 0}>
        {(data) => (
          <table>
            <thead><tr><th>Name</th><th>Description</th><th>Created</th><th>State</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.items.map((p) => (
                <ProjectRow key={p.id} project={p} onDelete={() => remove.mutate({ workspaceId: ws.id, projectId: p.id })}
                  onRestore={() => restore.mutate({ workspaceId: ws.id, projectId: p.id })} onSaved={refresh} />
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

function ProjectRow({ project, onDelete, onRestore, onSaved }: { project: Project; onDelete: () => void; onRestore: () => void; onSaved: () => Promise<void> }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const update = useMutation(trpc.project.update.mutationOptions({ onSuccess: async () => { setEditing(false); await onSaved(); } }));
  if (editing) {
    return (
      <tr>
        <td colSpan={5}>
          <form className="row" aria-label={`Edit project ${project.name}`} onSubmit={(e) => { e.preventDefault(); update.mutate({ workspaceId: ws.id, projectId: project.id, name, description }); }}>
            <label>Name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
            <label>Description <input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
            <button type="submit" disabled={update.isPending}>Save</button>
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
          </form>
          {update.error ? <ErrorView error={update.error} title="Could not save the project" /> : null}
        </td>
      </tr>
    );
  }
  return (
    <tr className={project.deletedAt ? "deleted" : undefined}>
      <td>{project.name}</td>
      <td>{project.description || <span className="muted">—</span>}</td>
      <td>{time(project.createdAt)}</td>
      <td>{project.deletedAt ? <span className="badge">deleted</span> : <span className="badge ok">active</span>}</td>
      <td className="actions">
        {project.deletedAt ? (
          <button type="button" onClick={onRestore} aria-label={`Restore ${project.name}`}>Restore</button>
        ) : (
          <>
            <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${project.name}`}>Edit</button>
            <button type="button" className="danger" onClick={onDelete} aria-label={`Delete ${project.name}`}>Delete</button>
          </>
        )}
      </td>
    </tr>
  );
}
