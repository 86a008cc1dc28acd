/**
 * A tokenizer-free token estimate (about four characters per token for English text), so
 * nothing has to download a vocabulary at run time. Good for budgets, not for billing.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}
