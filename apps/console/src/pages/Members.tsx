import type { RouterInputs, RouterOutputs } from "@spine/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { can, useWorkspace } from "../workspace.ts";

type Role = RouterOutputs["role"]["list"][number];
type Permissions = RouterInputs["role"]["create"]["permissions"];

/** Members with their roles (add, change role, remove) and the roles with their permissions. */
export function MembersPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.member.list.queryOptions({ workspaceId: ws.id }));
  const roles = useQuery(trpc.role.list.queryOptions({ workspaceId: ws.id }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey() });
  const [email, setEmail] = useState("");
  const [roleKey, setRoleKey] = useState("member");
  const add = useMutation(trpc.member.add.mutationOptions({ onSuccess: async () => { setEmail(""); await refresh(); } }));
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess: refresh }));
  const manage = can(ws, "members.manage");
  const roleOptions = (roles.data ?? []).map((r) => <option key={r.id} value={r.key}>{r.name}</option>);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ workspaceId: ws.id, email, roleKey });
  };
  const failure = add.error ?? changeRole.error ?? remove.error;

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">Members &amp; roles</h1>
      {manage ? (
        <form className="row" onSubmit={submit} aria-label="Add a member">
          <label>Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required /></label>
          <label>Role <select value={roleKey} onChange={(e) => setRoleKey(e.target.value)}>{roleOptions}</select></label>
          <button type="submit" disabled={add.isPending}>Add member</button>
        </form>
      ) : null}
      {failure ? <ErrorView error={failure} title="The membership change failed" /> : null}
      <QueryState query={members} what="members" empty={(d) => d.length === 0}>
        {(data) => (
          <table aria-label="Members">
            <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Joined</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.map((m) => (
                <tr key={m.membershipId}>
                  <td>{m.displayName}</td>
                  <td>{m.email}</td>
                  <td>
                    {manage ? (
                      <select aria-label={`Role of ${m.email}`} value={m.role.key} onChange={(e) => changeRole.mutate({ workspaceId: ws.id, membershipId: m.membershipId, roleKey: e.target.value })}>{roleOptions}</select>
                    ) : m.role.name}
                  </td>
                  <td>{time(m.joinedAt)}</td>
                  <td>{manage ? <button type="button" className="danger" onClick={() => remove.mutate({ workspaceId: ws.id, membershipId: m.membershipId })} aria-label={`Remove ${m.email}`}>Remove</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      <h2>Roles</h2>
      <QueryState query={roles} what="roles" empty={(d) => d.length === 0}>
        {(data) => <Roles roles={data} manage={can(ws, "roles.manage")} />}
      </QueryState>
    </section>
  );
}

/**
 * The workspace's roles; with `roles.manage`, custom roles are created, edited and deleted here. The
 * permission checklist is every permission the built-in owner role holds; the ones the admin role lacks
 * are owner-only and cannot be granted to a custom role (the API refuses them too).
 */
function Roles({ roles, manage }: { roles: Role[]; manage: boolean }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.role.list.queryKey() });
  const create = useMutation(trpc.role.create.mutationOptions({ onSuccess: async () => { setCreating(false); await refresh(); } }));
  const update = useMutation(trpc.role.update.mutationOptions({ onSuccess: async () => { setEditing(null); await refresh(); } }));
  const remove = useMutation(trpc.role.delete.mutationOptions({ onSuccess: refresh }));
  const all = roles.find((r) => r.builtIn && r.key === "owner")?.permissions ?? [];
  const grantable = new Set(roles.find((r) => r.builtIn && r.key === "admin")?.permissions ?? all);
  const edited = roles.find((r) => r.id === editing) ?? null;

  return (
    <>
      {manage && !creating && !edited ? <p><button type="button" onClick={() => { create.reset(); setCreating(true); }}>New custom role</button></p> : null}
      {creating ? (
        <RoleEditor label="New role" all={all} grantable={grantable} initial={null} pending={create.isPending} error={create.error}
          onCancel={() => setCreating(false)} onSubmit={(v) => create.mutate({ workspaceId: ws.id, key: v.key, name: v.name, permissions: v.permissions })} />
      ) : null}
      {edited ? (
        <RoleEditor key={edited.id} label={`Edit role ${edited.name}`} all={all} grantable={grantable} initial={edited} pending={update.isPending} error={update.error}
          onCancel={() => setEditing(null)} onSubmit={(v) => update.mutate({ workspaceId: ws.id, roleId: edited.id, name: v.name, permissions: v.permissions })} />
      ) : null}
      {remove.error ? <ErrorView error={remove.error} title="Could not delete the role" /> : null}
      <table aria-label="Roles">
        <thead><tr><th>Role</th><th>Key</th><th>Permissions</th>{manage ? <th><span className="sr-only">Actions</span></th> : null}</tr></thead>
        <tbody>
          {roles.map((r) => (
            <tr key={r.id}>
              <td>{r.name}{r.builtIn ? <span className="badge">built-in</span> : null}</td><td><code>{r.key}</code></td><td>{r.permissions.join(", ")}</td>
              {manage ? (
                <td>
                  {r.builtIn ? null : (
                    <span className="row actions">
                      <button type="button" onClick={() => { update.reset(); setCreating(false); setEditing(r.id); }} aria-label={`Edit role ${r.name}`}>Edit</button>
                      <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate({ workspaceId: ws.id, roleId: r.id })} aria-label={`Delete role ${r.name}`}>Delete</button>
                    </span>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RoleEditor({ label, all, grantable, initial, pending, error, onSubmit, onCancel }: {
  label: string;
  all: string[];
  grantable: Set<string>;
  initial: Role | null;
  pending: boolean;
  error: unknown;
  onSubmit: (v: { key: string; name: string; permissions: Permissions }) => void;
  onCancel: () => void;
}) {
  const [key, setKey] = useState("");
  const [name, setName] = useState(initial?.name ?? "");
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(initial?.permissions ?? []));
  const toggle = (p: string, on: boolean) => setChosen((prev) => {
    const next = new Set(prev);
    if (on) next.add(p); else next.delete(p);
    return next;
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ key, name, permissions: all.filter((p) => chosen.has(p)) as Permissions });
  };
  return (
    <form className="card role-editor" onSubmit={submit} aria-label={label}>
      <h3>{label}</h3>
      <div className="row">
        {initial ? null : <label>Key <input value={key} onChange={(e) => setKey(e.target.value)} required placeholder="e.g. support" /></label>}
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} /></label>
      </div>
      <fieldset className="permissions">
        <legend>Permissions</legend>
        {all.map((p) => (
          <label key={p} className="check">
            <input type="checkbox" checked={chosen.has(p)} disabled={!grantable.has(p)} onChange={(e) => toggle(p, e.target.checked)} />
            <code>{p}</code>{grantable.has(p) ? null : <span className="muted"> (owner only)</span>}
          </label>
        ))}
      </fieldset>
      {error ? <ErrorView error={error} title={initial ? "Could not save the role" : "Could not create the role"} /> : null}
      <div className="row">
        <button type="submit" disabled={pending}>{initial ? "Save role" : "Create role"}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
