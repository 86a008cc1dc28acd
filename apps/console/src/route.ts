import { useEffect, useState } from "react";

export const PAGES = [
  { id: "projects", label: "Projects" },
  { id: "items", label: "Items" },
  { id: "documents", label: "Documents" },
  { id: "events", label: "Live events" },
  { id: "audit", label: "Audit log" },
  { id: "dead-letters", label: "Dead letters" },
  { id: "usage", label: "Usage" },
  { id: "access", label: "Access" },
  { id: "integrations", label: "Integrations" },
  { id: "agents", label: "Agents" },
  { id: "members", label: "Members & roles" },
  /** Shown only to platform operators (`auth.me` → `platformOperator`); not tied to a workspace. */
  { id: "operator", label: "Operator" },
] as const;
export type PageId = (typeof PAGES)[number]["id"];

function current(): PageId {
  const id = window.location.hash.replace(/^#\/?/, "");
  return PAGES.find((p) => p.id === id)?.id ?? "projects";
}

/** Hash routing: `#/events`, `#/audit`, … (no router dependency). */
export function useRoute(): PageId {
  const [page, setPage] = useState<PageId>(current);
  useEffect(() => {
    const onHash = () => setPage(current());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return page;
}
