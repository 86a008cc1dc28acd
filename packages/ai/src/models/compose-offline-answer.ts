import { ZSearchDocumentsOutputSchema } from "../agent/search-documents-output.ts";

const SNIPPET_LENGTH = 240;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_LENGTH ? flat : `${flat.slice(0, SNIPPET_LENGTH - 1)}…`;
}

/** The offline model's answer: a fixed template over what the tools returned, nothing invented. */
export function composeOfflineAnswer(question: string, toolOutputs: readonly string[]): string {
  if (toolOutputs.length === 0) return `I have no tools to look this up offline, so I cannot answer: "${question}".`;
  const lines: string[] = [];
  for (const output of toolOutputs) {
    const parsed = ZSearchDocumentsOutputSchema.safeParse(safeJson(output));
    if (!parsed.success) {
      lines.push(`- ${snippet(output)}`);
      continue;
    }
    for (const hit of parsed.data.results) lines.push(`[${lines.length + 1}] ${hit.title} (part ${hit.ordinal + 1}): ${snippet(hit.content)}`);
  }
  if (lines.length === 0) return `I found nothing in this workspace's documents about "${question}".`;
  return [`Based on ${lines.length} passage(s) from this workspace's documents about "${question}":`, ...lines].join("\n");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
