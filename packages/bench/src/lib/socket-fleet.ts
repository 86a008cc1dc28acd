import { io, type Socket } from "socket.io-client";
import { createRealtimeClient, type RealtimeClient } from "@spine/client";
import { safeParseEnvelope, ZEventFrameSchema } from "@spine/contracts";

/** `count` Spine realtime clients; client i subscribes to workspace `workspaceOf(i)`. */
export async function connectSpineFleet(options: {
  url: string;
  token: string;
  count: number;
  workspaceOf: (i: number) => string;
  onEnvelope: (envelope: { event_id: string }, clientIndex: number) => void;
  batch?: number;
}): Promise<RealtimeClient[]> {
  const clients: RealtimeClient[] = [];
  const batch = options.batch ?? 100;
  for (let start = 0; start < options.count; start += batch) {
    const group: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(options.count, start + batch); i++) {
      const client = createRealtimeClient({ url: options.url, getToken: () => options.token });
      client.onAny((env) => options.onEnvelope(env, i));
      clients.push(client);
      group.push(client.subscribe(options.workspaceOf(i)));
    }
    await Promise.all(group);
  }
  return clients;
}

/**
 * `count` bare socket.io clients; client i joins room `roomOf(i)`. Each does what Spine's realtime client
 * does per event, so both fleets cost the same on the client side: the `event` frame checked
 * (`ZEventFrameSchema`), then the envelope once, against its event type's contract.
 */
export async function connectBareFleet(options: {
  url: string;
  count: number;
  roomOf: (i: number) => string;
  onMessage: (msg: { t: number; seq: number }, clientIndex: number) => void;
  batch?: number;
}): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const batch = options.batch ?? 100;
  for (let start = 0; start < options.count; start += batch) {
    const group: Promise<void>[] = [];
    for (let i = start; i < Math.min(options.count, start + batch); i++) {
      const socket = io(options.url, { transports: ["websocket"], forceNew: true });
      socket.on("msg", (raw: { t: number; cursor: string }) => {
        const parsed = ZEventFrameSchema.safeParse(raw);
        if (!parsed.success) throw new Error("bench: malformed message from the bare server");
        if (!safeParseEnvelope(parsed.data.payload).ok) throw new Error("bench: malformed envelope from the bare server");
        options.onMessage({ t: raw.t, seq: Number(parsed.data.cursor) - 1 }, i);
      });
      sockets.push(socket);
      group.push(new Promise((resolve) => socket.emit("join", options.roomOf(i), () => resolve())));
    }
    await Promise.all(group);
  }
  return sockets;
}

export async function control(url: string, event: string, body: unknown): Promise<void> {
  const socket = io(url, { transports: ["websocket"], forceNew: true });
  await new Promise<void>((resolve) => socket.emit(event, body, () => resolve()));
  socket.close();
}
