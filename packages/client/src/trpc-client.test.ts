import { describe, expectTypeOf, it } from "vitest";
import type { RouterInputs, RouterOutputs } from "@spine/api";
import { createSpineClient, type SpineClient } from "./trpc-client.ts";

describe("createSpineClient types", () => {
  const client: SpineClient = createSpineClient({ url: "http://127.0.0.1:1/trpc", token: "t" });

  it("infers procedure inputs from AppRouter", () => {
    expectTypeOf<typeof client.project.create.mutate>().parameter(0).toEqualTypeOf<RouterInputs["project"]["create"]>();
    expectTypeOf<RouterInputs["project"]["create"]>().toEqualTypeOf<{ workspaceId: string; name: string; description?: string | undefined }>();
    expectTypeOf<RouterInputs["item"]["create"]["status"]>().toEqualTypeOf<"open" | "in_progress" | "done" | "archived" | undefined>();
    expectTypeOf<RouterInputs["project"]["list"]>().toHaveProperty("cursor");
    // @ts-expect-error name must be a string
    void (() => client.project.create.mutate({ workspaceId: "w", name: 1 }));
    // @ts-expect-error workspaceId is required on workspace-scoped procedures
    void (() => client.item.get.query({ itemId: "i" }));
  });

  it("infers procedure outputs from AppRouter", () => {
    expectTypeOf<typeof client.project.create.mutate>().returns.resolves.toEqualTypeOf<RouterOutputs["project"]["create"]>();
    expectTypeOf<RouterOutputs["project"]["list"]["items"][number]["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs["project"]["list"]["nextCursor"]>().toEqualTypeOf<string | null>();
    expectTypeOf<RouterOutputs["auth"]["signIn"]>().toHaveProperty("accessToken").toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs["workspace"]["listMine"][number]["role"]["permissions"]>().toEqualTypeOf<string[]>();
    expectTypeOf<RouterOutputs["document"]["list"]["items"][number]>().not.toHaveProperty("content");
  });

  it("accepts idempotency and correlation through the operation context", () => {
    expectTypeOf<typeof client.project.delete.mutate>().parameter(1).exclude<undefined>().toHaveProperty("context");
    void (() => client.project.delete.mutate({ workspaceId: "w", projectId: "p" }, { context: { idempotencyKey: "k", correlationId: "c" } }));
  });
});
