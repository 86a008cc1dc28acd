/**
 * `pnpm contracts [--out dir] [--api-url url] [--gateway host:port] [--nats host:port]`: write the
 * OpenAPI 3.1 and AsyncAPI 3 documents (the ones the API host serves at /openapi.json and
 * /asyncapi.json) to files, for code generators of Swift, Kotlin or any other client.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openApiDocument } from "@spine/api";
import { asyncApiDocument } from "@spine/contracts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: resolve(import.meta.dirname, "../../../../.spine/contracts") },
    "api-url": { type: "string", default: "http://127.0.0.1:4000" },
    gateway: { type: "string", default: "127.0.0.1:4001" },
    nats: { type: "string", default: "127.0.0.1:4222" },
  },
});
mkdirSync(values.out, { recursive: true });
const openapi = join(values.out, "openapi.json");
const asyncapi = join(values.out, "asyncapi.json");
writeFileSync(openapi, `${JSON.stringify(openApiDocument({ serverUrl: values["api-url"] }), null, 2)}\n`);
writeFileSync(asyncapi, `${JSON.stringify(asyncApiDocument({ gatewayHost: values.gateway, natsHost: values.nats }), null, 2)}\n`);
console.log(`wrote ${openapi}\nwrote ${asyncapi}`);
