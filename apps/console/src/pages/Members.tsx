import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.ts";
import { ErrorView, QueryState, time } from "../ui.tsx";
import { can, useWorkspace } from "../workspace.ts";

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
        {(data) => (
          <table aria-label="Roles">
            <thead><tr><th>Role</th><th>Key</th><th>Permissions</th></tr></thead>
            <tbody>
              {data.map((r) => (
                <tr key={r.id}><td>{r.name}{r.builtIn ? <span className="badge">built-in</span> : null}</td><td><code>{r.key}</code></td><td>{r.permissions.join(", ")}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}
