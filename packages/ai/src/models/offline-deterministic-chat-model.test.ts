import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createChatModel } from "./create-chat-model.ts";
import { chatModelName } from "./chat-model-name.ts";
import { OfflineDeterministicChatModel } from "./offline-deterministic-chat-model.ts";

const search = tool(async () => "", { name: "search_documents", description: "search", schema: z.object({ query: z.string() }) });
const results = JSON.stringify({
  query: "refunds",
  results: [{ document_id: "d1", title: "Billing", ordinal: 0, content: "Refunds are   prorated.\nAlways.", score: 0.9 }],
});

describe("OfflineDeterministicChatModel", () => {
  it("streams the answer token by token, the chunks adding up to exactly what invoke returns", async () => {
    const model = new OfflineDeterministicChatModel().bindTools([search]);
    const call = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search_documents", args: { query: "refunds" }, type: "tool_call" }] });
    const messages = [new HumanMessage("refunds"), call, new ToolMessage({ content: results, tool_call_id: "c1" })];
    const chunks: string[] = [];
    for await (const chunk of await model.stream(messages)) chunks.push(chunk.text);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toBe((await model.invoke(messages)).text);
  });

  it("with chunkDelayMs (config or bindTools) streams the same words, each after a pause, so a watcher sees them arrive", async () => {
    const model = (createChatModel({ provider: "offline", chunkDelayMs: 5 }) as OfflineDeterministicChatModel).bindTools([search]);
    const call = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search_documents", args: { query: "refunds" }, type: "tool_call" }] });
    const messages = [new HumanMessage("refunds"), call, new ToolMessage({ content: results, tool_call_id: "c1" })];
    const chunks: string[] = [];
    // Every chunk but the first arrives in a later macrotask than the one before it.
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    const seenAt: number[] = [];
    for await (const chunk of await model.stream(messages)) {
      chunks.push(chunk.text);
      seenAt.push(ticks);
    }
    clearInterval(timer);
    expect(chunks.join("")).toBe((await new OfflineDeterministicChatModel().bindTools([search]).invoke(messages)).text);
    expect(new Set(seenAt.slice(0, -1)).size).toBe(seenAt.length - 1);
  });

  it("streams a tool call as one chunk carrying the call", async () => {
    const model = new OfflineDeterministicChatModel().bindTools([search]);
    const chunks = [];
    for await (const chunk of await model.stream([new HumanMessage("refunds")])) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/) as string, name: "search_documents", args: { query: "refunds" }, type: "tool_call" }]);
  });

  it("first calls search_documents with the user's message, with a stable call id", async () => {
    const model = new OfflineDeterministicChatModel().bindTools([search]);
    const a = await model.invoke([new HumanMessage("refunds")]);
    const b = await model.invoke([new HumanMessage("refunds")]);
    expect(a.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[0-9a-f]{8}$/) as string, name: "search_documents", args: { query: "refunds" }, type: "tool_call" }]);
    expect(b.tool_calls).toEqual(a.tool_calls);
  });

  it("then answers from the tool results with a fixed template", async () => {
    const model = new OfflineDeterministicChatModel().bindTools([search]);
    const call = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search_documents", args: { query: "refunds" }, type: "tool_call" }] });
    const answer = await model.invoke([new HumanMessage("refunds"), call, new ToolMessage({ content: results, tool_call_id: "c1" })]);
    expect(answer.tool_calls ?? []).toEqual([]);
    expect(answer.text).toBe('Based on 1 passage(s) from this workspace\'s documents about "refunds":\n[1] Billing (part 1): Refunds are prorated. Always.');
  });

  it("says so when the search found nothing", async () => {
    const model = new OfflineDeterministicChatModel().bindTools([search]);
    const call = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search_documents", args: { query: "x" }, type: "tool_call" }] });
    const empty = JSON.stringify({ query: "x", results: [] });
    const answer = await model.invoke([new HumanMessage("x"), call, new ToolMessage({ content: empty, tool_call_id: "c1" })]);
    expect(answer.text).toBe('I found nothing in this workspace\'s documents about "x".');
  });

  it("answers without tools when none are bound", async () => {
    const answer = await new OfflineDeterministicChatModel().invoke([new HumanMessage("hi")]);
    expect(answer.tool_calls ?? []).toEqual([]);
    expect(answer.text).toContain("cannot answer");
  });
});

describe("createChatModel", () => {
  it("defaults to the offline model", () => {
    const model = createChatModel();
    expect(model).toBeInstanceOf(OfflineDeterministicChatModel);
    expect(chatModelName(model)).toBe("offline-deterministic-v1");
  });

  it("builds an OpenAI-compatible model whose serialized form does not carry the API key", () => {
    const model = createChatModel({ provider: "openai-compatible", baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-very-secret", model: "gpt-4o-mini" });
    expect(model).toBeInstanceOf(ChatOpenAI);
    expect(chatModelName(model)).toBe("gpt-4o-mini");
    expect(JSON.stringify(model)).not.toContain("sk-very-secret");
  });
});
