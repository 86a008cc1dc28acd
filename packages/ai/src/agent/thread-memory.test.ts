import type { BaseMessage } from "@langchain/core/messages";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { runAgent } from "./run-agent.ts";

/** The offline model, also keeping a copy of every conversation it is shown. */
class RecordingModel extends OfflineDeterministicChatModel {
  constructor(readonly seen: BaseMessage[][] = []) {
    super();
  }
  override bindTools(): RecordingModel {
    return this;
  }
  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]) {
    this.seen.push([...messages]);
    return super._generate(messages, options);
  }
}

const transcript = (messages: BaseMessage[]) => messages.map((m) => `${m.type}: ${m.text}`);

describe("thread memory", () => {
  test("a run receives the thread's earlier turns, from stored runs, and nothing of other threads", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "memory");
    const thread = await seedThread(domain, ws.ctx);
    const other = await seedThread(domain, ws.ctx);

    const first = await runAgent(domain, ws.ctx, { threadId: thread, input: "my name is Ada", model: new RecordingModel(), tools: [] });
    await runAgent(domain, ws.ctx, { threadId: other, input: "unrelated question", model: new RecordingModel(), tools: [] });
    expect(first.status).toBe("completed");
    const answer = first.status === "completed" ? first.answer : "";

    // A fresh model object: nothing is remembered in memory, only in the database.
    const model = new RecordingModel();
    const second = await runAgent(domain, ws.ctx, { threadId: thread, input: "what is my name?", model, tools: [] });
    expect(second.status).toBe("completed");
    expect(transcript(model.seen[0]!)).toEqual(["human: my name is Ada", `ai: ${answer}`, "human: what is my name?"]);
  });

  test("keeps only the newest whole turns within the token budget, and none with a budget of 0", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "memory-budget");
    const thread = await seedThread(domain, ws.ctx);
    for (const n of [1, 2, 3, 4]) {
      await runAgent(domain, ws.ctx, { threadId: thread, input: `turn ${n} ${"words ".repeat(40)}`, model: new RecordingModel(), tools: [] });
    }
    const tight = new RecordingModel();
    await runAgent(domain, ws.ctx, { threadId: thread, input: "now", model: tight, tools: [], historyTokenBudget: 150 });
    const sent = transcript(tight.seen[0]!);
    expect(sent.at(-1)).toBe("human: now");
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThan(9);
    expect(sent[0]).toMatch(/^human: turn [234]/);
    expect(sent.some((line) => line.startsWith("human: turn 4"))).toBe(true);
    expect(sent.some((line) => line.startsWith("human: turn 1"))).toBe(false);

    const none = new RecordingModel();
    await runAgent(domain, ws.ctx, { threadId: thread, input: "fresh", model: none, tools: [], historyTokenBudget: 0 });
    expect(transcript(none.seen[0]!)).toEqual(["human: fresh"]);
  });
});
