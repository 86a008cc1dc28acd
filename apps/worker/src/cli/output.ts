/** CLI output is the command's product, not logging: one JSON document per line on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export class UsageError extends Error {
  override readonly name = "UsageError";

  static isUsageError(err: unknown): err is UsageError {
    return err instanceof UsageError;
  }
}
