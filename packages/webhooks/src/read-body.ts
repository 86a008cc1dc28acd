import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`body exceeds ${limitBytes} bytes`);
  }
}

/**
 * Read a request body, refusing before hashing anything once it passes `limitBytes`. Past the limit
 * the rest is read and discarded (never buffered) rather than the socket destroyed, so the caller can
 * still answer 413 on the same connection.
 */
export function readBodyCapped(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limitBytes) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      settled = true;
      chunks.length = 0;
      req.off("data", onData);
      req.resume();
      reject(new BodyTooLargeError(limitBytes));
    };
    req.on("data", onData);
    req.once("end", () => {
      if (!settled) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.once("error", (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}
