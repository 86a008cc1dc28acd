import { OpenAIEmbeddings } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { createEmbeddings } from "./create-embeddings.ts";
import { embeddingModelName } from "./embedding-model-name.ts";
import { OfflineHashEmbeddings } from "./offline-hash-embeddings.ts";

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe("OfflineHashEmbeddings", () => {
  const embeddings = new OfflineHashEmbeddings();

  it("is deterministic, fixed-dimension and normalized", async () => {
    const [a, b] = await embeddings.embedDocuments(["Invoices are due in thirty days", "Invoices are due in thirty days"]);
    const again = await new OfflineHashEmbeddings().embedQuery("Invoices are due in thirty days");
    expect(a).toHaveLength(256);
    expect(a).toEqual(b);
    expect(a).toEqual(again);
    expect(Math.sqrt(cosine(a!, a!))).toBeCloseTo(1, 5);
  });

  it("puts similar texts closer than unrelated ones", async () => {
    const [q, similar, unrelated] = await embeddings.embedDocuments([
      "how do refunds for annual plans work",
      "Refunds for annual plans are prorated to the remaining months",
      "The office coffee machine is descaled every Friday",
    ]);
    expect(cosine(q!, similar!)).toBeGreaterThan(0.3);
    expect(cosine(q!, similar!)).toBeGreaterThan(cosine(q!, unrelated!) + 0.2);
  });

  it("ignores case and punctuation", async () => {
    expect(await embeddings.embedQuery("Hello, WORLD!")).toEqual(await embeddings.embedQuery("hello world"));
  });

  it("embeds empty text as the zero vector", async () => {
    expect((await embeddings.embedQuery("")).every((x) => x === 0)).toBe(true);
  });

  it("names its model after its dimension", () => {
    expect(embeddingModelName(new OfflineHashEmbeddings({ dimensions: 64 }))).toBe("offline-hash-bow-v1-d64");
  });
});

describe("createEmbeddings", () => {
  it("defaults to the offline embeddings", () => {
    expect(createEmbeddings()).toBeInstanceOf(OfflineHashEmbeddings);
  });

  it("builds OpenAI-compatible embeddings from configuration without calling anything", () => {
    const e = createEmbeddings({ provider: "openai-compatible", baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test", model: "text-embedding-3-small" });
    expect(e).toBeInstanceOf(OpenAIEmbeddings);
    expect(embeddingModelName(e)).toBe("text-embedding-3-small");
  });

  it("rejects incomplete configuration", () => {
    expect(() => createEmbeddings({ provider: "openai-compatible", baseURL: "not a url", apiKey: "", model: "m" })).toThrow();
  });
});
