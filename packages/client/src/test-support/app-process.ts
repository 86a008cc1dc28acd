import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One app (`apps/<name>`) as a real child process, `node --import tsx src/main.ts`, as the apps' own tests run them. */
export class AppProcess {
  #output = "";
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
  }

  static start(app: "api" | "worker" | "gateway", env: Record<string, string>): AppProcess {
    const cwd = fileURLToPath(new URL(`../../../../apps/${app}/`, import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new AppProcess(app, child);
  }

  get output(): string {
    return this.#output;
  }

  /** Poll an HTTP endpoint of the process until it answers 200 (or the process dies). */
  async waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.#output}`);
      if (await fetch(url).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${this.name} at ${url}:\n${this.#output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
