import type { RouterOutputs } from "@spine/client";
import type { TAgentStreamChunk } from "@spine/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { watchAgentRun } from "../agent-watch.ts";
import { GATEWAY_URL } from "../config.ts";
import { useSession } from "../session.tsx";
import { useTRPC } from "../trpc.ts";
import { Empty, ErrorView, QueryState, time } from "../ui.tsx";
import { useWorkspace } from "../workspace.ts";

type Run = RouterOutputs["agent"]["listRuns"]["items"][number];

interface LiveRun {
  runId: string;
  question: string;
  text: string;
  tools: { ordinal: number; name: string; status: string; input?: unknown; error?: string | null }[];
  status: "queued" | "running" | "completed" | "failed";
  answer: string | null;
  error: string | null;
  /** Live steps received from the gateway (the rest, if the run was ahead of the watch, came in the watch's snapshot). */
  chunks: number;
}

/** Threads on the left; a thread's runs as a chat, the running one streamed live with its tool calls. */
export function AgentsPage() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const threads = useQuery(trpc.agent.listThreads.queryOptions({ workspaceId: ws.id, limit: 100 }));
  const [threadId, setThreadId] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const createThread = useMutation(trpc.agent.createThread.mutationOptions({
    onSuccess: async (t) => {
      setTitle("");
      await queryClient.invalidateQueries({ queryKey: trpc.agent.listThreads.queryKey() });
      setThreadId(t.id);
    },
  }));
  const current = threads.data?.items.find((t) => t.id === threadId) ?? threads.data?.items[0] ?? null;

  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <div className="split" style={{ gridTemplateColumns: "minmax(0,1fr) minmax(0,3fr)" }}>
        <div>
          <form className="row" aria-label="New thread" onSubmit={(e) => { e.preventDefault(); createThread.mutate({ workspaceId: ws.id, title }); }}>
            <label>Thread title <input value={title} onChange={(e) => setTitle(e.target.value)} /></label>
            <button type="submit" disabled={createThread.isPending}>New thread</button>
          </form>
          {createThread.error ? <ErrorView error={createThread.error} title="Could not create the thread" /> : null}
          <QueryState query={threads} what="threads" empty={(d) => d.items.length === 0}>
            {(data) => (
              <ul className="threads" aria-label="Threads">
                {data.items.map((t) => (
                  <li key={t.id}>
                    <button type="button" className="link" aria-current={t.id === current?.id ? "true" : undefined} onClick={() => setThreadId(t.id)}>{t.title}</button>
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        </div>
        <div>{current ? <Thread key={current.id} threadId={current.id} title={current.title} /> : <Empty>Create a thread to talk to the agent.</Empty>}</div>
      </div>
    </section>
  );
}

function Thread({ threadId, title }: { threadId: string; title: string }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const { accessToken } = useSession();
  const queryClient = useQueryClient();
  const runs = useQuery(trpc.agent.listRuns.queryOptions({ workspaceId: ws.id, threadId, limit: 50 }));
  const [message, setMessage] = useState("");
  const [live, setLive] = useState<LiveRun | null>(null);
  const [watchError, setWatchError] = useState<string | null>(null);
  const run = useMutation(trpc.agent.run.mutationOptions({
    onSuccess: (r, variables) => {
      setMessage("");
      setLive({ runId: r.id, question: variables.message, text: "", tools: [], status: r.status, answer: null, error: null, chunks: 0 });
    },
  }));

  useEffect(() => {
    if (!live || live.status === "completed" || live.status === "failed") return;
    const apply = (chunk: TAgentStreamChunk) => setLive((p) => {
      if (!p) return p;
      const prev = { ...p, chunks: p.chunks + 1 };
      switch (chunk.kind) {
        case "token": return { ...prev, status: "running", text: prev.text + chunk.data.text };
        case "tool_call": return { ...prev, status: "running", tools: [...prev.tools.filter((t) => t.ordinal !== chunk.data.ordinal), { ordinal: chunk.data.ordinal, name: chunk.data.name, status: "running", input: chunk.data.input }] };
        case "tool_result": return { ...prev, tools: prev.tools.map((t) => t.ordinal === chunk.data.ordinal ? { ...t, status: chunk.data.status, error: chunk.data.error } : t) };
        case "end": return { ...prev, status: chunk.data.status, answer: chunk.data.answer, error: chunk.data.error };
      }
    });
    const stop = watchAgentRun(GATEWAY_URL, accessToken(), ws.id, live.runId, {
      onChunk: apply,
      onSnapshot: (snap) => setLive((prev) => prev && {
        ...prev,
        status: prev.status === "completed" || prev.status === "failed" ? prev.status : snap.status,
        answer: prev.answer ?? snap.answer,
        error: prev.error ?? snap.error,
        tools: prev.tools.length >= snap.tool_calls.length ? prev.tools : snap.tool_calls.map((t) => ({ ordinal: t.ordinal, name: t.name, status: t.status })),
      }),
      onError: setWatchError,
    });
    return stop;
    // Watch once per run; the run's own updates must not restart the watch.
  }, [live?.runId, live?.status === "completed" || live?.status === "failed"]);

  useEffect(() => {
    if (live?.status === "completed" || live?.status === "failed") void queryClient.invalidateQueries({ queryKey: trpc.agent.listRuns.queryKey() });
  }, [live?.status, queryClient, trpc]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setWatchError(null);
    run.mutate({ workspaceId: ws.id, threadId, message, stream: true });
  };
  const past = (runs.data?.items ?? []).filter((r) => r.id !== live?.runId || live.status === "completed" || live.status === "failed").reverse();

  return (
    <div className="chat">
      <h2>{title}</h2>
      <QueryState query={runs} what="runs" empty={(d) => d.items.length === 0 && !live}>
        {() => past.filter((r) => r.id !== live?.runId).map((r) => <PastRun key={r.id} run={r} />)}
      </QueryState>
      {live ? <LiveRunView run={live} /> : null}
      {watchError ? <p className="error" role="alert">Live stream: {watchError}</p> : null}
      {run.error ? <ErrorView error={run.error} title="The agent could not run" /> : null}
      <form className="row" onSubmit={submit} aria-label="Ask the agent">
        <label style={{ flex: 1 }}>Message
          <textarea rows={2} value={message} onChange={(e) => setMessage(e.target.value)} required />
        </label>
        <button type="submit" disabled={run.isPending || (live !== null && (live.status === "queued" || live.status === "running"))}>Send</button>
      </form>
    </div>
  );
}

function PastRun({ run }: { run: Run }) {
  const answer = typeof run.output?.answer === "string" ? run.output.answer : null;
  return (
    <article aria-label={`Run ${run.id}`}>
      <div className="message user">{typeof run.input.text === "string" ? run.input.text : JSON.stringify(run.input)}</div>
      {run.toolCalls.map((t) => (
        <div key={t.id} className="tool">tool <code>{t.toolName}</code> — {t.status}{t.error ? `: ${t.error}` : ""}</div>
      ))}
      <div className="message">{answer ?? (run.error ? <span className="badge bad">failed: {run.error}</span> : <span className="muted">{run.status}</span>)}</div>
      <p className="muted">{run.status} · {run.tokens.total} tokens · {time(run.completedAt ?? run.createdAt)}</p>
    </article>
  );
}

function LiveRunView({ run }: { run: LiveRun }) {
  const text = run.answer ?? run.text;
  return (
    <article aria-label="Current run" data-testid="live-run" data-status={run.status} data-chunks={run.chunks}>
      <div className="message user">{run.question}</div>
      {run.tools.map((t) => (
        <div key={t.ordinal} className="tool" data-testid="tool-call">tool <code>{t.name}</code> — {t.status}{t.error ? `: ${t.error}` : ""}</div>
      ))}
      <div className="message" aria-live="polite" data-testid="live-answer">{text || <span className="muted">…</span>}</div>
      <p className="muted" role="status">{run.status}{run.error ? ` — ${run.error}` : ""} · {run.chunks} live step(s) received</p>
    </article>
  );
}
