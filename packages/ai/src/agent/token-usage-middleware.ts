import { AIMessage } from "@langchain/core/messages";
import { createMiddleware } from "langchain";

/** Tokens the run's model calls reported so far (shared with the caller, which records them with the run's result). */
export interface TokenUsage {
  input: number;
  output: number;
}

function tokensOf(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * Agent middleware that adds up the `usage_metadata` every model answer reports (OpenAI-compatible
 * endpoints send it; the offline model reports a deterministic count). A model call that fails
 * reports nothing and adds nothing.
 */
export function tokenUsageMiddleware(usage: TokenUsage) {
  return createMiddleware({
    name: "SpineTokenUsage",
    wrapModelCall: async (request, handler) => {
      const response = await handler(request);
      if (AIMessage.isInstance(response) && response.usage_metadata) {
        usage.input += tokensOf(response.usage_metadata.input_tokens);
        usage.output += tokensOf(response.usage_metadata.output_tokens);
      }
      return response;
    },
  });
}
