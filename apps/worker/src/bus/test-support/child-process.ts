import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, "..", "..", "..");

export interface TsxChild {
  proc: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves when a line containing `text` appears. */
  waitForLine(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Run a script of this folder as ONE node process with tsx as a loader (the tsx CLI would wrap it in a
 * second process, and a SIGKILL would then orphan the real one). Config goes as a JSON argument.
 */
export function spawnTsx(script: string, config: unknown): TsxChild {
  const proc = spawn(process.execPath, ["--import", "tsx", join(here, script), JSON.stringify(config)], {
    cwd: packageRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  let buffer = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => line.includes(x.text))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  proc.stderr?.on("data", (chunk: Buffer) => lines.push(`stderr: ${chunk.toString()}`));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    lines,
    exited,
    waitForLine(text) {
      if (lines.some((l) => l.includes(text))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`${script} exited (${code ?? signal}) before "${text}": ${lines.slice(-5).join("\n")}`)));
      });
    },
  };
}
