import type { Subscription as NatsSubscription } from "@nats-io/transport-node";
import { AGENT_STREAM_PREFIX, SOCKET_PROTOCOL_VERSION, ZAgentStreamChunkSchema, agentStreamSubject, type TAgentStreamChunk } from "@spine/contracts";
import type { Logger } from "pino";
import type { GatewayResources } from "../gateway-resources.ts";
import type { GatewaySocket } from "../socket-types.ts";

/** A socket may watch this many agent runs at once. */
export const MAX_AGENT_WATCHES_PER_SOCKET = 20;

/**
 * One socket watching one agent run: a core-NATS subscription to the run's live steps
 * (`astream.<workspace>.<run>`), each step re-validated and emitted as `agent.stream`. Until `open()`
 * (after the ack with the run's committed state has gone out) steps are held, so the client sees
 * the state first and then the rest of the stream, in order.
 */
export class AgentWatch {
  readonly #sub: NatsSubscription;
  #held: TAgentStreamChunk[] | null = [];
  #closed = false;

  constructor(
    readonly workspaceId: string,
    readonly runId: string,
    private readonly socket: GatewaySocket,
    r: GatewayResources,
    private readonly log: Logger,
  ) {
    const subject = agentStreamSubject(workspaceId, runId, AGENT_STREAM_PREFIX);
    this.#sub = r.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err || this.#closed) return;
        const parsed = ZAgentStreamChunkSchema.safeParse(msg.json());
        if (!parsed.success || parsed.data.workspace_id !== workspaceId || parsed.data.run_id !== runId) {
          this.log.warn({ run_id: runId }, "malformed agent stream chunk skipped");
          return;
        }
        if (this.#held) this.#held.push(parsed.data);
        else this.#emit(parsed.data);
        if (parsed.data.kind === "end") this.close();
      },
    });
  }

  /** Resolves once the server has the subscription, so no step published after it is missed. */
  ready(r: GatewayResources): Promise<void> {
    return r.nc.flush();
  }

  open(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const chunk of held) this.#emit(chunk);
  }

  #emit(chunk: TAgentStreamChunk): void {
    this.socket.emit("agent.stream", { version: SOCKET_PROTOCOL_VERSION, type: "agent.stream", payload: chunk });
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sub.unsubscribe();
  }
}
