import type { BaseChatModel } from "@langchain/core/language_models/chat_models";

/** The model id recorded on agent runs: the provider's `model` field, else its LangChain type. */
export function chatModelName(model: BaseChatModel): string {
  const name: unknown = (model as { model?: unknown }).model;
  return typeof name === "string" && name.length > 0 ? name : model._llmType();
}
