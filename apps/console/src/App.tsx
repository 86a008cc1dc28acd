import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { LiveFeedProvider } from "./events.tsx";
import { AccessPage } from "./pages/Access.tsx";
import { AgentsPage } from "./pages/Agents.tsx";
import { AuditPage } from "./pages/Audit.tsx";
import { DeadLettersPage } from "./pages/DeadLetters.tsx";
import { DocumentsPage } from "./pages/Documents.tsx";
import { IntegrationsPage } from "./pages/Integrations.tsx";
import { ItemsPage } from "./pages/Items.tsx";
import { LiveEventsPage } from "./pages/LiveEvents.tsx";
import { MembersPage } from "./pages/Members.tsx";
import { OperatorPage } from "./pages/Operator.tsx";
import { ProjectsPage } from "./pages/Projects.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { UsagePage } from "./pages/Usage.tsx";
import { PAGES, useRoute, type PageId } from "./route.ts";
import { SessionProvider, useSession } from "./session.tsx";
import { TRPCProvider, useTRPC } from "./trpc.ts";
import { ErrorView, Loading } from "./ui.tsx";
import { WorkspaceContext, type CurrentWorkspace } from "./workspace.ts";

const WORKSPACE_KEY = "spine.console.workspace";

export function App() {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } }));
  return (
    <QueryClientProvider client={queryClient}>
      {/* Signing out empties the cache: nothing of one user is shown to the next. */}
      <SessionProvider onSignOut={() => queryClient.clear()} signedOut={(onSession) => <SignIn onSession={onSession} />}>
        <SignedIn queryClient={queryClient} />
      </SessionProvider>
    </QueryClientProvider>
  );
}

function SignedIn({ queryClient }: { queryClient: QueryClient }) {
  const session = useSession();
  return (
    <TRPCProvider trpcClient={session.client} queryClient={queryClient}>
      <Shell />
    </TRPCProvider>
  );
}

function Shell() {
  const { user, signOut } = useSession();
  const trpc = useTRPC();
  const page = useRoute();
  const workspaces = useQuery(trpc.workspace.listMine.queryOptions({ includeDeleted: false }));
  const me = useQuery(trpc.auth.me.queryOptions());
  const isOperator = me.data?.platformOperator === true;
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(WORKSPACE_KEY));
  const list = workspaces.data ?? [];
  const current = list.find((w) => w.workspace.id === selected) ?? list[0] ?? null;

  const choose = (id: string) => {
    localStorage.setItem(WORKSPACE_KEY, id);
    setSelected(id);
  };

  return (
    <div className="shell">
      <header>
        <span className="brand">Spine console</span>
        {list.length > 0 ? (
          <span className="switcher">
            <label htmlFor="workspace-switcher">Workspace</label>
            <select id="workspace-switcher" value={current?.workspace.id ?? ""} onChange={(e) => choose(e.target.value)}>
              {list.map((w) => (
                <option key={w.workspace.id} value={w.workspace.id}>
                  {w.workspace.name} ({w.role.key})
                </option>
              ))}
            </select>
          </span>
        ) : null}
        <span className="spacer" />
        <span className="muted" data-testid="signed-in-as">{user.email}</span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <div className="body">
        <nav aria-label="Pages">
          <ul>
            {PAGES.filter((p) => p.id !== "operator" || isOperator).map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === page ? "page" : undefined}>{p.label}</a>
              </li>
            ))}
          </ul>
          <NewWorkspace onCreated={choose} />
        </nav>
        <main>
          {page === "operator" ? (
            me.isPending ? <Loading what="your account" /> : isOperator ? <OperatorPage /> : <p className="empty">The operator page is for platform operators only.</p>
          ) : null}
          {page !== "operator" && workspaces.error ? <ErrorView error={workspaces.error} title="Could not load your workspaces" /> : null}
          {page !== "operator" && workspaces.isPending ? <Loading what="workspaces" /> : null}
          {page !== "operator" && workspaces.data && !current ? <p className="empty">You are not a member of any workspace yet. Create one on the left.</p> : null}
          {page !== "operator" && current ? (
            <WorkspaceContext.Provider value={{ id: current.workspace.id, name: current.workspace.name, role: current.role } satisfies CurrentWorkspace}>
              <LiveFeedProvider workspaceId={current.workspace.id}>
                <Page page={page} key={current.workspace.id} />
              </LiveFeedProvider>
            </WorkspaceContext.Provider>
          ) : null}
        </main>
      </div>
    </div>
  );
}

function Page({ page }: { page: PageId }) {
  switch (page) {
    case "projects": return <ProjectsPage />;
    case "items": return <ItemsPage />;
    case "documents": return <DocumentsPage />;
    case "events": return <LiveEventsPage />;
    case "audit": return <AuditPage />;
    case "dead-letters": return <DeadLettersPage />;
    case "usage": return <UsagePage />;
    case "access": return <AccessPage />;
    case "integrations": return <IntegrationsPage />;
    case "agents": return <AgentsPage />;
    case "members": return <MembersPage />;
    case "operator": return null;
  }
}

function NewWorkspace({ onCreated }: { onCreated: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(trpc.workspace.create.mutationOptions({
    onSuccess: async (w) => {
      setName("");
      await queryClient.invalidateQueries({ queryKey: trpc.workspace.listMine.queryKey() });
      onCreated(w.workspace.id);
    },
  }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name });
  };
  return (
    <form className="new-workspace" onSubmit={submit} aria-label="Create a workspace">
      <label>
        New workspace
        <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="Name" />
      </label>
      <button type="submit" disabled={create.isPending}>Create workspace</button>
      {create.error ? <ErrorView error={create.error} title="Could not create the workspace" /> : null}
    </form>
  );
}
