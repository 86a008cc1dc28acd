import { MarkdownTextSplitter, TextSplitter } from "@langchain/textsplitters";
import type { DocumentFormat } from "@spine/domain";
import TurndownService from "turndown";
import { chunkDocument, ZChunkingOptionsSchema, type TChunkingOptions, type TextChunk } from "./chunk-document.ts";
import { IngestionRefused } from "./ingestion-refused.ts";

/** Limits past which ingestion refuses a document (reason `too_large`) instead of embedding it. */
export interface IngestionLimits {
  /** Characters of content (default 1,000,000, the API's cap). */
  maxChars?: number;
  /** Chunks after splitting (default 2,000). */
  maxChunks?: number;
}

/** A chunk of a Markdown (or HTML) document also knows the headings it sits under. */
export interface StructuredTextChunk extends TextChunk {
  metadata: TextChunk["metadata"] & { headings?: string[] };
}

// C0 control characters other than tab, newline, carriage return and form feed: binary, not text.
const BINARY = /[\u0000-\u0008\u000B\u000E-\u001F]/; // eslint-disable-line no-control-regex

function htmlToMarkdown(html: string): string {
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
  turndown.remove(["script", "style", "noscript", "template", "head", "iframe", "object"]);
  return turndown.turndown(html).trim();
}

/** The heading path (`#` … `######`, outside fenced code) in effect at each 1-based line. */
function headingsByLine(markdown: string): string[][] {
  const path: string[] = [];
  const byLine: string[][] = [[]];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      path.length = heading[1]!.length - 1;
      path[heading[1]!.length - 1] = heading[2]!;
    }
    byLine.push(path.filter((h) => h !== undefined));
  }
  return byLine;
}

function markdownSplitter(options: TChunkingOptions | TextSplitter): TextSplitter {
  if (options instanceof TextSplitter) return options;
  const opts = ZChunkingOptionsSchema.parse(options);
  return new MarkdownTextSplitter({ chunkSize: opts.chunkSize, chunkOverlap: opts.chunkOverlap });
}

/**
 * Parse a document's content by its format and split it: plain text with the recursive splitter;
 * Markdown with LangChain's Markdown splitter (headings, then code fences, rules and paragraphs), each
 * chunk tagged with the headings it sits under; HTML converted to Markdown first (turndown: scripts,
 * styles and the head dropped, headings, lists, links and code kept), then split as Markdown — the
 * line ranges then refer to the converted text. Refuses (`IngestionRefused`) binary content, HTML
 * without text, and documents over the limits.
 */
export async function chunkContent(content: string, format: DocumentFormat, options: TChunkingOptions | TextSplitter = {}, limits: IngestionLimits = {}): Promise<StructuredTextChunk[]> {
  const maxChars = limits.maxChars ?? 1_000_000;
  const maxChunks = limits.maxChunks ?? 2_000;
  if (content.length > maxChars) throw new IngestionRefused("too_large", `the content has ${content.length} characters; at most ${maxChars} are ingested`);
  if (BINARY.test(content)) throw new IngestionRefused("unparsable", "the content contains binary control characters, not text");
  let chunks: StructuredTextChunk[];
  if (format === "text") {
    chunks = await chunkDocument(content, options);
  } else {
    let markdown = content;
    if (format === "html") {
      try {
        markdown = htmlToMarkdown(content);
      } catch (err) {
        throw new IngestionRefused("unparsable", `the HTML could not be converted to text: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (markdown.length === 0 && content.trim().length > 0) throw new IngestionRefused("unparsable", "the HTML has no text content");
    }
    const headings = headingsByLine(markdown);
    chunks = (await chunkDocument(markdown, markdownSplitter(options))).map((chunk) => ({
      ...chunk,
      metadata: { ...chunk.metadata, headings: headings[chunk.metadata.lines.from] ?? [] },
    }));
  }
  if (chunks.length > maxChunks) throw new IngestionRefused("too_large", `the content splits into ${chunks.length} chunks; at most ${maxChunks} are ingested`);
  return chunks;
}
