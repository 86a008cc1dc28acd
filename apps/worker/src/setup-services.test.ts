import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@spine/testing";
import { test as baseTest, describe, expect } from "vitest";

// infra/scripts/services.sh on a "bare machine": a PATH holding only basic tools (no nats-server,
// no pg_ctlcluster, no docker) and ports nothing listens on, so the running services are hidden.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "infra", "scripts", "services.sh");
const TOOLS = ["bash", "dirname", "seq", "sleep", "id", "ls", "head", "mkdir", "cat", "nohup", "env"];
function which(tool: string): string {
  const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${tool} not found`);
  return found;
}

/**
 * `bin`: a temporary directory standing for PATH, with links to TOOLS only (removed after the file);
 * `services(env)`: services.sh run with that PATH; `listening()`: a port something listens on, standing in for
 * a running service (closed after the file); `pidFiles`: files naming processes to stop after the file.
 */
const test = baseTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("bin", { scope: "file" }, async ({}, { onCleanup }) => {
    const bin = await mkdtemp(join(tmpdir(), "spine-bare-path-"));
    onCleanup(() => rm(bin, { recursive: true, force: true }));
    for (const tool of TOOLS) await symlink(which(tool), join(bin, tool));
    return bin;
  })
  .extend("services", { scope: "file" }, ({ bin }) => (env: Record<string, string>) =>
    spawnSync(which("bash"), [SCRIPT], { env: { PATH: bin, SPINE_SETUP_PATH_ONLY: "1", SPINE_SETUP_DOCKER: "never", ...env }, encoding: "utf8", timeout: 60_000 }))
  // eslint-disable-next-line no-empty-pattern
  .extend("listening", { scope: "file" }, ({}, { onCleanup }) => {
    const listeners: Server[] = [];
    onCleanup(async () => {
      await Promise.all(listeners.map((s) => new Promise((r) => s.close(r))));
    });
    return async (): Promise<number> => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      listeners.push(server);
      const address = server.address();
      return typeof address === "object" && address ? address.port : 0;
    };
  })
  // eslint-disable-next-line no-empty-pattern
  .extend("pidFiles", { scope: "file" }, ({}, { onCleanup }) => {
    const pidFiles: string[] = [];
    onCleanup(async () => {
      for (const file of pidFiles) {
        const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
        if (pid > 0) {
          try {
            process.kill(pid, "SIGTERM");
          } catch {
            // already gone
          }
        }
      }
    });
    return pidFiles;
  });

describe("infra/scripts/services.sh on a machine without the services", () => {
  test("stops with the one command to run when it may not install (PostgreSQL first, then nats-server)", async ({ services, listening }) => {
    const noPg = services({ SPINE_SETUP_INSTALL: "never", SPINE_PG_PORT: String(await freePort()), SPINE_NATS_CHECK_PORT: String(await freePort()) });
    expect(noPg.status).toBe(1);
    expect(noPg.stderr).toContain("sudo apt-get update && sudo apt-get install -y postgresql-15 && sudo bash infra/scripts/services.sh");

    const noNats = services({ SPINE_SETUP_INSTALL: "never", SPINE_PG_PORT: String(await listening()), SPINE_NATS_CHECK_PORT: String(await freePort()) });
    expect(noNats.status).toBe(1);
    expect(noNats.stderr).toContain("sudo apt-get update && sudo apt-get install -y nats-server && sudo bash infra/scripts/services.sh");
  });

  test.skipIf(process.getuid?.() !== 0)("as root, installs a missing nats-server with apt-get and starts it", async ({ bin, services, listening, pidFiles }) => {
    // A stand-in apt-get: records its arguments and "installs" a nats-server that listens on its -p port.
    const log = join(bin, "apt.log");
    const pidFile = join(bin, "fake-nats.pid");
    pidFiles.push(pidFile);
    await writeFile(
      join(bin, "apt-get"),
      `#!${which("bash")}\necho "$*" >> ${log}\nif [ "$1" = install ] || [ "$3" = install ] || [[ " $* " == *" install "* ]]; then\n` +
        `cat > ${join(bin, "nats-server")} <<'FAKE'\n#!${which("bash")}\nwhile [ $# -gt 0 ]; do [ "$1" = -p ] && port=$2; shift; done\n` +
        `exec ${process.execPath} -e "require('fs').writeFileSync('${pidFile}', String(process.pid)); require('net').createServer().listen($port, '127.0.0.1')"\nFAKE\n` +
        `${which("chmod")} +x ${join(bin, "nats-server")}\nfi\n`,
    );
    await chmod(join(bin, "apt-get"), 0o755);
    const port = await freePort();
    const run = services({ SPINE_PG_PORT: String(await listening()), SPINE_NATS_CHECK_PORT: String(port) });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("installing nats-server with apt-get");
    expect(run.stdout).toContain(`NATS 127.0.0.1:${port} — up`);
    expect((await readFile(log, "utf8")).split("\n")).toEqual(["update -qq", "install -y -qq nats-server", ""]);
  });
});
