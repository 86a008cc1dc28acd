import {
  SOCKET_PROTOCOL_VERSION, ZAgentStreamMessageSchema, ZAgentWatchAckSchema, ZSubscribeAckSchema,
  type TAgentRunSnapshot, type TAgentStreamChunk,
} from "@spine/contracts";
import { io, type Socket } from "socket.io-client";

export interface AgentWatchHandlers {
  onSnapshot: (run: TAgentRunSnapshot) => void;
  onChunk: (chunk: TAgentStreamChunk) => void;
  onError: (message: string) => void;
}

/**
 * Watch one agent run's live steps through the gateway (`agent.watch`). The gateway relays a run's
 * steps only to a socket that holds a subscription to the run's workspace, so this socket subscribes
 * first (the workspace's events it is then sent go unread: this view does not need them).
 */
export function watchAgentRun(gatewayUrl: string, token: string, workspaceId: string, runId: string, handlers: AgentWatchHandlers): () => void {
  const version = SOCKET_PROTOCOL_VERSION;
  const socket: Socket = io(gatewayUrl, { transports: ["websocket"], auth: { token }, reconnection: true });
  let closed = false;
  socket.on("agent.stream", (raw: unknown) => {
    const parsed = ZAgentStreamMessageSchema.safeParse(raw);
    if (parsed.success && parsed.data.payload.run_id === runId) handlers.onChunk(parsed.data.payload);
  });
  socket.on("connect_error", (err) => handlers.onError(`gateway refused the connection: ${err.message}`));
  socket.on("connect", () => {
    void (async () => {
      const sub = ZSubscribeAckSchema.safeParse(await socket.timeout(10_000).emitWithAck("subscribe", { version, type: "subscribe", payload: { workspace_id: workspaceId, cursor: null } }));
      if (!sub.success || !sub.data.ok) return handlers.onError(sub.success && !sub.data.ok ? sub.data.error.message : "subscribe failed");
      const ack = ZAgentWatchAckSchema.safeParse(await socket.timeout(10_000).emitWithAck("agent.watch", { version, type: "agent.watch", payload: { workspace_id: workspaceId, run_id: runId } }));
      if (!ack.success || !ack.data.ok) return handlers.onError(ack.success && !ack.data.ok ? ack.data.error.message : "agent.watch failed");
      if (!closed) handlers.onSnapshot(ack.data.run);
    })().catch((err: unknown) => handlers.onError(err instanceof Error ? err.message : String(err)));
  });
  return () => {
    closed = true;
    socket.disconnect();
  };
}
