import { TRPCClientError } from "@trpc/client";
import type { ReactNode } from "react";

interface ErrorData {
  appCode?: string | null;
  code?: string;
  issues?: { path: string; message: string }[];
  details?: unknown;
}

/** The API's error as a person reads it: the message, the app code, and each field with its reason. */
export function describeError(error: unknown): { message: string; code: string | null; issues: { path: string; message: string }[]; details: unknown } {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    return { message: error.message, code: data.appCode ?? data.code ?? null, issues: data.issues ?? [], details: data.details ?? null };
  }
  return { message: error instanceof Error ? error.message : String(error), code: null, issues: [], details: null };
}

export function ErrorView({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const e = describeError(error);
  return (
    <div className="error" role="alert">
      <strong>{title}</strong>
      {e.code ? <span className="badge bad">{e.code}</span> : null}
      <p>{e.message}</p>
      {e.issues.length > 0 ? (
        <ul>
          {e.issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {e.details ? <pre className="details">{JSON.stringify(e.details, null, 2)}</pre> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Loading, error and empty states for a query, then its content. */
export function QueryState<T>({ query, what, empty, children }: {
  query: { isPending: boolean; error: unknown; data: T | undefined };
  what: string;
  empty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorView error={query.error} title={`Could not load ${what}`} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  if (empty?.(query.data)) return <Empty>No {what} yet.</Empty>;
  return <>{children(query.data)}</>;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function download(filename: string, body: string, type: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}
