import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";

/** Browsers connect over long-polling only from the origins in SPINE_CORS_ORIGINS (no wildcard). */
const CONSOLE = "http://localhost:5173";
const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { corsOrigins: [CONSOLE] });

describe("gateway CORS", () => {
  it("answers the long-polling preflight and handshake for an allowed origin with that origin", async ({ gateway: gw }) => {
    const pre = await fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`, {
      method: "OPTIONS",
      headers: { origin: CONSOLE, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(CONSOLE);
    const open = await fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: CONSOLE } });
    expect(open.status).toBe(200);
    expect(open.headers.get("access-control-allow-origin")).toBe(CONSOLE);
  });

  it("gives any other origin no CORS headers, so a browser page there cannot read the transport", async ({ h, gateway: gw }) => {
    const open = await fetch(`${gw.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example" } });
    expect(open.headers.get("access-control-allow-origin")).toBeNull();
    const defaults = await h.gateway();
    const none = await fetch(`${defaults.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: CONSOLE } });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });
});
