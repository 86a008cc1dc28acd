import { AsyncLocalStorage } from "node:async_hooks";

export type ActorType = "user" | "system" | "integration";

/** Who is acting, in which workspace, under which request. Carried into audit rows and envelopes. */
export interface OperationContext {
  workspaceId: string | null;
  actorId: string | null;
  actorType: ActorType;
  correlationId: string;
}

/** Per-domain-instance store so the unit-of-work subscriber can read the running operation's context. */
export class OperationContextStore {
  readonly #als = new AsyncLocalStorage<OperationContext>();

  run<T>(ctx: OperationContext, fn: () => Promise<T>): Promise<T> {
    return this.#als.run(ctx, fn);
  }

  current(): OperationContext | undefined {
    return this.#als.getStore();
  }
}
