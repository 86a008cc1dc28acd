import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { BodyTooLargeError, readBodyCapped } from "./read-body.ts";

const LIMIT = 1024;

/** A server answering with the length of the body `readBodyCapped` read, or 413; its port. Closed after the file. */
// eslint-disable-next-line no-empty-pattern
const it = test.extend("port", { scope: "file" }, async ({}, { onCleanup }) => {
  const server = createServer((req, res) => {
    readBodyCapped(req, LIMIT).then(
      (body) => res.writeHead(200).end(String(body.length)),
      (err: unknown) => res.writeHead(err instanceof BodyTooLargeError ? 413 : 500).end("too large"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
});

/** POST a chunked body (no Content-Length) of `chunks` × 512 bytes; resolve with the status. */
function postChunked(port: number, chunks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    for (let i = 0; i < chunks; i += 1) req.write(Buffer.alloc(512, 97));
    req.end();
  });
}

describe("readBodyCapped", () => {
  it("reads a chunked body under the limit", async ({ port }) => {
    expect(await postChunked(port, 2)).toBe(200);
  });

  it("answers a chunked body over the limit with 413 instead of resetting the connection", async ({ port }) => {
    expect(await postChunked(port, 64)).toBe(413);
  });
});
