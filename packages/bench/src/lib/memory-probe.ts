import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Node arguments that make a child measurable after a full GC: `--expose-gc` and a preload that, on
 * SIGUSR2, runs `gc()` twice and writes `process.memoryUsage()` to `$BENCH_MEMORY_FILE`.
 * The preload (packages/bench/preload/) is plain JavaScript: it loads before tsx.
 */
export const MEMORY_PROBE_NODE_ARGS = ["--expose-gc", "--import", fileURLToPath(new URL("../../preload/memory-probe.mjs", import.meta.url))];

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** A file for a child's memory samples; pass it as BENCH_MEMORY_FILE. */
export function memoryFile(label: string): string {
  return join(tmpdir(), `spine-bench-mem-${label}-${process.pid}-${Date.now()}.json`);
}

/** Ask a probed child for its memory after a full GC. */
export async function sampleAfterGc(pid: number, file: string, timeoutMs = 10_000): Promise<MemorySample> {
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as MemorySample;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`no memory sample from pid ${pid} in ${timeoutMs} ms`);
}
