import { Embeddings, type EmbeddingsParams } from "@langchain/core/embeddings";
import { fnv1a } from "./fnv1a.ts";
import { tokenize } from "./tokenize.ts";

export interface OfflineHashEmbeddingsParams extends EmbeddingsParams {
  /** Vector length (default 256). */
  dimensions?: number;
}

const SIGN_SEED = 0x9747b28c;

/**
 * OFFLINE, DETERMINISTIC embeddings — not a language model. A feature-hashing bag of words:
 * each word adds ±(1 + log of its count) at a hashed position, and the vector is L2-normalized,
 * so texts sharing words score a higher cosine similarity. Used by default and in tests because
 * nothing may be downloaded or called over the network; configure an OpenAI-compatible
 * endpoint for real semantic embeddings.
 */
export class OfflineHashEmbeddings extends Embeddings {
  readonly dimensions: number;
  readonly model: string;

  constructor(params: OfflineHashEmbeddingsParams = {}) {
    super(params);
    this.dimensions = params.dimensions ?? 256;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 8) throw new RangeError("dimensions must be an integer ≥ 8");
    this.model = `offline-hash-bow-v1-d${this.dimensions}`;
  }

  embedDocuments(documents: string[]): Promise<number[][]> {
    return Promise.resolve(documents.map((d) => this.embed(d)));
  }

  embedQuery(document: string): Promise<number[]> {
    return Promise.resolve(this.embed(document));
  }

  private embed(text: string): number[] {
    const counts = new Map<string, number>();
    for (const word of tokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [word, count] of counts) {
      const index = fnv1a(word) % this.dimensions;
      const sign = (fnv1a(word, SIGN_SEED) & 1) === 0 ? 1 : -1;
      vector[index] = (vector[index] ?? 0) + sign * (1 + Math.log(count));
    }
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    // Stored as real (float4): rounding now makes the vector we return the one Postgres keeps.
    return norm === 0 ? vector : vector.map((x) => Math.fround(x / norm));
  }
}
