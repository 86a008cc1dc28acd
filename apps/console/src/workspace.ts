import type { RouterOutputs } from "@spine/client";
import { createContext, useContext } from "react";

export interface CurrentWorkspace {
  id: string;
  name: string;
  role: RouterOutputs["workspace"]["listMine"][number]["role"];
}

export const WorkspaceContext = createContext<CurrentWorkspace | null>(null);

export function useWorkspace(): CurrentWorkspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error("no workspace selected");
  return ws;
}

export function can(ws: CurrentWorkspace, permission: string): boolean {
  return ws.role.permissions.includes(permission) || ws.role.permissions.includes("*");
}
