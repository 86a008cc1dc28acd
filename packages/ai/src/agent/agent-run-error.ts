/** A run that cannot go on: a model without tools, a missing or failing tool, too many steps. */
export class AgentRunError extends Error {
  override readonly name = "AgentRunError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  static isAgentRunError(err: unknown): err is AgentRunError {
    return err instanceof AgentRunError;
  }
}
