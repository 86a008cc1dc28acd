import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** Start a TypeScript entrypoint with tsx as a child process; resolves with its first JSON stdout line. */
export async function startChild(script: string, args: string[], env: Record<string, string> = {}, readyLine = true, nodeArgs: string[] = []): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (!readyLine) return { child, info: {} };
  const rl = createInterface({ input: child.stdout });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    rl.once("line", (line) => resolve(JSON.parse(line) as Record<string, unknown>));
  });
  return { child, info };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

/** Poll an HTTP URL until it answers 2xx. */
export async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}
