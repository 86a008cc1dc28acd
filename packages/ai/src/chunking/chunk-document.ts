import { RecursiveCharacterTextSplitter, TextSplitter } from "@langchain/textsplitters";
import { z } from "zod";
import { estimateTokens } from "./estimate-tokens.ts";

export const ZChunkingOptionsSchema = z
  .object({
    /** Maximum characters per chunk. */
    chunkSize: z.number().int().positive().max(100_000).default(1000),
    /** Characters shared by neighbouring chunks; must be smaller than chunkSize. */
    chunkOverlap: z.number().int().nonnegative().default(200),
    /** Split points, tried in order (LangChain's defaults when omitted). */
    separators: z.array(z.string()).min(1).optional(),
  })
  .refine((o) => o.chunkOverlap < o.chunkSize, { message: "chunkOverlap must be smaller than chunkSize", path: ["chunkOverlap"] });
export type TChunkingOptions = z.input<typeof ZChunkingOptionsSchema>;

export interface TextChunk {
  /** 0-based position of the chunk in the document. */
  ordinal: number;
  content: string;
  tokenCount: number;
  /** Where the chunk came from: 1-based line range of the source text. */
  metadata: { lines: { from: number; to: number } };
}

interface LineLocation {
  loc?: { lines?: { from?: number; to?: number } };
}

function linesOf(metadata: LineLocation): { from: number; to: number } {
  return { from: metadata.loc?.lines?.from ?? 1, to: metadata.loc?.lines?.to ?? 1 };
}

function splitterFor(options: TChunkingOptions | TextSplitter): TextSplitter {
  if (options instanceof TextSplitter) return options;
  const opts = ZChunkingOptionsSchema.parse(options);
  return new RecursiveCharacterTextSplitter({
    chunkSize: opts.chunkSize,
    chunkOverlap: opts.chunkOverlap,
    ...(opts.separators ? { separators: opts.separators } : {}),
  });
}

/**
 * Split a document's text into overlapping chunks: LangChain's recursive character splitter with
 * the given size and overlap, or any LangChain `TextSplitter` (Markdown, code…) passed instead.
 */
export async function chunkDocument(text: string, options: TChunkingOptions | TextSplitter = {}): Promise<TextChunk[]> {
  const splitter = splitterFor(options);
  if (text.trim().length === 0) return [];
  const docs = await splitter.createDocuments([text]);
  return docs.map((doc, ordinal) => ({
    ordinal,
    content: doc.pageContent,
    tokenCount: estimateTokens(doc.pageContent),
    metadata: { lines: linesOf(doc.metadata as LineLocation) },
  }));
}
