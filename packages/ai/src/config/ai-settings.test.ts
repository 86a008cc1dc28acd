import { describe, expect, it } from "vitest";
import { parseAiSettings } from "./ai-settings.ts";

describe("parseAiSettings", () => {
  it("defaults to the offline deterministic models", () => {
    expect(parseAiSettings({})).toEqual({ embeddings: { provider: "offline" }, chat: { provider: "offline" } });
  });
  it("takes an OpenAI-compatible endpoint when fully configured", () => {
    const s = parseAiSettings({
      SPINE_EMBEDDINGS_PROVIDER: "openai-compatible", SPINE_EMBEDDINGS_BASE_URL: "http://127.0.0.1:9/v1", SPINE_EMBEDDINGS_API_KEY: "k", SPINE_EMBEDDINGS_MODEL: "e",
    });
    expect(s.embeddings).toEqual({ provider: "openai-compatible", baseURL: "http://127.0.0.1:9/v1", apiKey: "k", model: "e" });
    expect(s.chat).toEqual({ provider: "offline" });
  });
  it("takes a pause between the offline model's streamed words", () => {
    expect(parseAiSettings({ SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS: "40" }).chat).toEqual({ provider: "offline", chunkDelayMs: 40 });
    expect(() => parseAiSettings({ SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS: "-1" })).toThrow("SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS");
  });
  it("names every missing variable and never echoes a key", () => {
    const err = (() => {
      try {
        parseAiSettings({ SPINE_CHAT_PROVIDER: "openai-compatible", SPINE_CHAT_API_KEY: "sk-secret-value" });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toContain("SPINE_CHAT_BASE_URL");
    expect(err?.message).toContain("SPINE_CHAT_MODEL");
    expect(err?.message).not.toContain("sk-secret-value");
  });
});
