// A client in its own process (so the test can SIGSTOP it): connects, subscribes, reads every event.
// argv: <gateway url> <token> <workspace id>; prints "subscribed" when the gateway accepted.
import { SOCKET_PROTOCOL_VERSION } from "@spine/contracts";
import { io } from "socket.io-client";

const [url, token, workspaceId] = process.argv.slice(2);
if (!url || !token || !workspaceId) throw new Error("usage: stall-client <url> <token> <workspace id>");
const socket = io(url, { transports: ["websocket"], auth: { token }, reconnection: false });
socket.on("event", () => undefined);
socket.on("connect", () => {
  socket.emit("subscribe", { version: SOCKET_PROTOCOL_VERSION, type: "subscribe", payload: { workspace_id: workspaceId } }, (answer: { ok: boolean }) => {
    process.stdout.write(answer.ok ? "subscribed\n" : "refused\n");
  });
});
