import { describe, expect, it } from "vitest";
import { MarkdownTextSplitter } from "@langchain/textsplitters";
import { chunkDocument } from "./chunk-document.ts";

/** The longest tail of `a` that is also the head of `b`. */
function sharedEdge(a: string, b: string): string {
  for (let n = Math.min(a.length, b.length); n > 0; n--) if (a.endsWith(b.slice(0, n))) return b.slice(0, n);
  return "";
}

const paragraph = (n: number) => `Paragraph ${n} talks about topic ${n}. It has two sentences of text.`;

describe("chunkDocument", () => {
  it("keeps small text in one chunk with ordinal 0 and a token estimate", async () => {
    const chunks = await chunkDocument("A short note.", { chunkSize: 100, chunkOverlap: 10 });
    expect(chunks).toEqual([{ ordinal: 0, content: "A short note.", tokenCount: 4, metadata: { lines: { from: 1, to: 1 } } }]);
  });

  it("splits on paragraph boundaries first and never exceeds the chunk size", async () => {
    const text = [1, 2, 3, 4].map(paragraph).join("\n\n");
    const chunks = await chunkDocument(text, { chunkSize: 80, chunkOverlap: 0 });
    expect(chunks.map((c) => c.content)).toEqual([1, 2, 3, 4].map(paragraph));
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
    expect(chunks.map((c) => c.metadata.lines)).toEqual([{ from: 1, to: 1 }, { from: 3, to: 3 }, { from: 5, to: 5 }, { from: 7, to: 7 }]);
    for (const c of chunks) expect(c.content.length).toBeLessThanOrEqual(80);
  });

  it("repeats the tail of a chunk at the head of the next when overlap is set", async () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");
    const chunks = await chunkDocument(words, { chunkSize: 50, chunkOverlap: 15 });
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!.content;
      const next = chunks[i]!.content;
      const shared = sharedEdge(prev, next);
      expect(shared.length).toBeGreaterThan(0);
      expect(shared.length).toBeLessThanOrEqual(15);
    }
    // Every word survives, in order, once duplicates from the overlap are dropped.
    const seen = chunks.flatMap((c) => c.content.split(" ")).filter((w, i, all) => all.indexOf(w) === i);
    expect(seen.join(" ")).toBe(words);
  });

  it("has no overlap when chunkOverlap is 0", async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    const chunks = await chunkDocument(words, { chunkSize: 30, chunkOverlap: 0 });
    expect(chunks.map((c) => c.content).join(" ")).toBe(words);
  });

  it("returns no chunks for blank text", async () => {
    expect(await chunkDocument("  \n\n ")).toEqual([]);
  });

  it("rejects an overlap as large as the chunk", async () => {
    await expect(chunkDocument("x", { chunkSize: 10, chunkOverlap: 10 })).rejects.toThrow(/chunkOverlap/);
  });

  it("accepts any LangChain TextSplitter, e.g. Markdown-aware splitting by heading", async () => {
    const markdown = "# Billing\nRefunds are prorated.\n\n# Support\nWeekdays nine to five.";
    const chunks = await chunkDocument(markdown, new MarkdownTextSplitter({ chunkSize: 40, chunkOverlap: 0 }));
    expect(chunks.map((c) => c.content)).toEqual(["# Billing\nRefunds are prorated.", "# Support\nWeekdays nine to five."]);
    expect(chunks.map((c) => c.metadata.lines)).toEqual([{ from: 1, to: 2 }, { from: 4, to: 5 }]);
  });
});
