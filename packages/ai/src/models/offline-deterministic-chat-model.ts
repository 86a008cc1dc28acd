import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelParams, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { countTokensApproximately } from "langchain";
import { SEARCH_DOCUMENTS_TOOL_NAME } from "../agent/search-documents-output.ts";
import { fnv1a } from "../embeddings/fnv1a.ts";
import { composeOfflineAnswer } from "./compose-offline-answer.ts";

export const OFFLINE_CHAT_MODEL_NAME = "offline-deterministic-v1";

function toolNameOf(tool: BindToolsInput): string | null {
  // A LangChain tool has `name`; an OpenAI-format tool definition has `function.name`.
  const shape = tool as { name?: unknown; function?: { name?: unknown } | null };
  if (typeof shape.name === "string") return shape.name;
  const fnName = shape.function?.name;
  return typeof fnName === "string" ? fnName : null;
}

/**
 * OFFLINE, DETERMINISTIC chat model — no language model behind it. It follows one fixed script:
 * for the latest user message it calls `search_documents` once with that message as the query
 * (when the tool is bound), then answers from the tool results with a template. Same messages in,
 * same message out. It exists so Spine runs and tests without any model service; configure an
 * OpenAI-compatible endpoint (createChatModel) for real answers. Every answer reports
 * `usage_metadata` like a real model: tokens counted deterministically (about four characters a
 * token) over the messages in and the message out, so token metering works offline too.
 */
export class OfflineDeterministicChatModel extends BaseChatModel {
  readonly model = OFFLINE_CHAT_MODEL_NAME;
  private readonly boundTools: readonly string[];
  private readonly chunkDelayMs: number;

  constructor(params: BaseChatModelParams & { boundTools?: readonly string[]; chunkDelayMs?: number } = {}) {
    super(params);
    this.boundTools = params.boundTools ?? [];
    this.chunkDelayMs = params.chunkDelayMs ?? 0;
  }

  _llmType(): string {
    return "offline-deterministic";
  }

  override bindTools(tools: BindToolsInput[]): OfflineDeterministicChatModel {
    const names = tools.map(toolNameOf).filter((n): n is string => n !== null);
    return new OfflineDeterministicChatModel({ boundTools: [...this.boundTools, ...names], chunkDelayMs: this.chunkDelayMs });
  }

  async _generate(messages: BaseMessage[], _options: this["ParsedCallOptions"], _runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const message = this.respond(messages);
    return Promise.resolve({ generations: [{ text: message.text, message }] });
  }

  /**
   * Streams the same message `_generate` returns: a tool call as one chunk, an answer word by word
   * (each chunk also reported to the run manager as a new token), so callers can show tokens live;
   * with `chunkDelayMs`, a pause before every word but the first, as a model's tokens arrive over time.
   */
  override async *_streamResponseChunks(messages: BaseMessage[], _options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const message = this.respond(messages);
    if (message.tool_calls?.length) {
      const chunk = new AIMessageChunk({
        content: "",
        tool_call_chunks: message.tool_calls.map((c, index) => ({ id: c.id, name: c.name, args: JSON.stringify(c.args), index, type: "tool_call_chunk" as const })),
        ...(message.usage_metadata ? { usage_metadata: message.usage_metadata } : {}),
      });
      yield new ChatGenerationChunk({ text: "", message: chunk });
      return;
    }
    let first = true;
    for (const piece of message.text.match(/\S+\s*|\s+/g) ?? [""]) {
      if (!first && this.chunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.chunkDelayMs));
      first = false;
      yield new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece }) });
      await runManager?.handleLLMNewToken(piece);
    }
    // The usage comes last, on an empty chunk, as OpenAI-compatible streams report it.
    if (message.usage_metadata) yield new ChatGenerationChunk({ text: "", message: new AIMessageChunk({ content: "", usage_metadata: message.usage_metadata }) });
  }

  /** The deterministic usage of one answer: the messages in, the message out. */
  private withUsage(messages: BaseMessage[], message: AIMessage): AIMessage {
    const input_tokens = countTokensApproximately(messages);
    const output_tokens = Math.max(1, countTokensApproximately([message]));
    message.usage_metadata = { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
    return message;
  }

  private respond(messages: BaseMessage[]): AIMessage {
    const lastHuman = messages.findLastIndex((m) => m.type === "human");
    const question = lastHuman >= 0 ? (messages[lastHuman]?.text ?? "").trim() : "";
    const toolOutputs = messages.slice(lastHuman + 1).filter((m) => m.type === "tool").map((m) => m.text);
    const alreadySearched = messages.slice(lastHuman + 1).some((m) => m.type === "ai" && (m as AIMessage).tool_calls?.length);
    if (!alreadySearched && this.boundTools.includes(SEARCH_DOCUMENTS_TOOL_NAME) && question.length > 0) {
      const id = `call_${fnv1a(`${lastHuman}:${question}`).toString(16).padStart(8, "0")}`;
      return this.withUsage(messages, new AIMessage({ content: "", tool_calls: [{ id, name: SEARCH_DOCUMENTS_TOOL_NAME, args: { query: question }, type: "tool_call" }] }));
    }
    return this.withUsage(messages, new AIMessage({ content: composeOfflineAnswer(question, this.boundTools.length === 0 ? [] : toolOutputs) }));
  }
}
