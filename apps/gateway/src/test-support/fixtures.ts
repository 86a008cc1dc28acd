import { connectNats } from "@spine/bus";
import { dbNatsTest } from "@spine/testing/fixtures";
import type { GatewayOptions } from "../gateway.ts";
import { GatewayHarness, type GatewayStreamOptions } from "./gateway-harness.ts";

/**
 * vitest fixtures for gateway suites, on top of `dbNatsTest` (`db`, `domain`, `systemSql`, `natsUrl`,
 * `natsNames`, `nats`, `jsm`), all file-scoped:
 * - `natsAuth`: user and password of the harness's connection (`nats`, which reconnects forever, as the apps' do);
 * - `streamOptions`: how the events stream is made (override per file: `gatewayTest.override("streamOptions", …)`);
 * - `h`: the `GatewayHarness` (seed, tokens, publishing) on the file's database and NATS connection, with its
 *   events stream; its gateways are closed and its streams deleted after the file;
 * - `gatewayOptions`: options of `gateway` (override per file);
 * - `gateway`: a running gateway.
 * A file adds its own with `gatewayTest.extend("name", { scope: "file" }, async ({ h }, { onCleanup }) => …)`.
 */
export const gatewayTest = dbNatsTest
  .extend("natsAuth", { scope: "file" }, {} as { user?: string; pass?: string })
  .override("nats", { scope: "file" }, async ({ natsUrl, natsAuth }, { onCleanup }) => {
    const nc = await connectNats({ servers: natsUrl, name: "gateway-test", ...natsAuth });
    onCleanup(() => nc.close());
    return nc;
  })
  .extend("streamOptions", { scope: "file" }, {} as GatewayStreamOptions)
  .extend("h", { scope: "file" }, async ({ db, nats, jsm, natsNames, natsUrl, streamOptions }, { onCleanup }) => {
    const h = await GatewayHarness.create({ db, nc: nats, jsm, names: natsNames, natsUrl }, streamOptions);
    onCleanup(() => h.close());
    return h;
  })
  .extend("gatewayOptions", { scope: "file" }, {} as Partial<GatewayOptions>)
  .extend("gateway", { scope: "file" }, ({ h, gatewayOptions }) => h.gateway(gatewayOptions));
