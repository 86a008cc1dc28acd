import { createHash } from "node:crypto";

/** SHA-256 of a document's text; ingestion skips re-embedding when it is unchanged. */
export function contentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}
