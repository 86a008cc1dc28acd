// Preloaded into a benchmarked child (see memory-probe.ts): SIGUSR2 → full GC → memoryUsage() to a file.
import { renameSync, writeFileSync } from "node:fs";

process.on("SIGUSR2", () => {
  const file = process.env.BENCH_MEMORY_FILE;
  if (!file || typeof globalThis.gc !== "function") return;
  // Let pending socket work settle, then collect twice (the second pass frees what finalizers released).
  setTimeout(() => {
    globalThis.gc();
    globalThis.gc();
    writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${file}.tmp`, file);
  }, 200);
});
