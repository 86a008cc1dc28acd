/**
 * A bare Socket.IO server, the realtime baseline: clients join rooms, a control socket asks it to
 * emit payloads to rooms at a rate (`blast`) or as fast as it can (`burst`). Run as a child process.
 * Each message has the shape of the gateway's `event` message (version, type, payload, cursor, prev) plus a
 * send time `t`, so the clients of both fleets do the same work per message (see socket-fleet.ts).
 */
import { createServer } from "node:http";
import { Server } from "socket.io";
import { SOCKET_PROTOCOL_VERSION } from "@spine/contracts";

const port = Number(process.argv[2] ?? 0);
const http = createServer();
const io = new Server(http, { serveClient: false, perMessageDeflate: false });
const at = () => performance.timeOrigin + performance.now();

interface Blast { rooms: string[]; rate: number; seconds: number; payload: unknown }
interface Burst { room: string; count: number; payload: unknown }

const message = (seq: number, payload: unknown) => ({ version: SOCKET_PROTOCOL_VERSION, type: "event", payload, cursor: String(seq + 1), prev: seq === 0 ? null : String(seq), t: at() });

io.on("connection", (socket) => {
  socket.on("join", (room: string, ack?: () => void) => {
    void socket.join(room);
    ack?.();
  });
  socket.on("blast", async (b: Blast, ack?: () => void) => {
    const total = b.rate * b.seconds;
    const interval = 1000 / b.rate;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + i * interval - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const room = b.rooms[i % b.rooms.length] ?? "r0";
      io.to(room).emit("msg", message(i, b.payload));
    }
    ack?.();
  });
  socket.on("burst", (b: Burst, ack?: () => void) => {
    for (let i = 0; i < b.count; i++) io.to(b.room).emit("msg", message(i, b.payload));
    ack?.();
  });
});

http.listen(port, "127.0.0.1", () => {
  const address = http.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : port, pid: process.pid })}\n`);
});
