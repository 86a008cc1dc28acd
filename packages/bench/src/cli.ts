/**
 * `pnpm bench [write|relay|e2e|fanout|idle|consumer|search|all] [--quick]` — Spine against its raw parts, side by
 * side in one run. Prints a line per figure and a `BENCH {json}` line for tools.
 * `BENCH_WRITE_POLICY=block pnpm bench write` runs the write path with a block policy on `projects`.
 */
import { benchConsumer } from "./bench/consumer.ts";
import { benchEndToEnd } from "./bench/end-to-end.ts";
import { benchFanOut } from "./bench/fan-out.ts";
import { benchIdleMemory } from "./bench/idle-memory.ts";
import { benchRelay } from "./bench/relay.ts";
import { benchSearch } from "./bench/search.ts";
import { benchWritePath } from "./bench/write-path.ts";
import { machine } from "./lib/report.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const which = args.find((a) => !a.startsWith("--")) ?? "all";

const benches: Record<string, () => Promise<void>> = {
  write: () => benchWritePath({ total: quick ? 300 : Number(process.env.BENCH_WRITES ?? 3000), concurrencies: [1, 8], policy: process.env.BENCH_WRITE_POLICY === "block" }),
  relay: () => benchRelay({ events: quick ? 10_000 : 100_000 }),
  e2e: () => benchEndToEnd({ clients: quick ? 200 : 1000, workspaces: quick ? 20 : 100, rates: [100, 500], seconds: quick ? 2 : 10 }),
  fanout: () => benchFanOut({ clients: quick ? 200 : 1000, events: quick ? 100 : 500, rounds: quick ? 1 : 3 }),
  idle: () => benchIdleMemory({ low: quick ? 100 : 500, high: quick ? 1000 : 5000 }),
  consumer: () => benchConsumer({ events: quick ? 2_000 : 20_000, concurrency: 1 }),
  search: () => benchSearch({ chunks: quick ? 10_000 : Number(process.env.BENCH_SEARCH_CHUNKS ?? 100_000), latencyQueries: quick ? 50 : 200, slowShare: quick ? 1 : 0.2 }),
};

// A stray rejection must fail the run loudly rather than leave child processes behind.
process.on("unhandledRejection", (err) => {
  process.stderr.write(`unhandled rejection: ${String(err)}\n`);
  process.exitCode = 1;
});
process.stdout.write(`BENCH ${JSON.stringify({ machine: machine() })}\n`);
const selected = which === "all" ? Object.keys(benches) : [which];
for (const name of selected) {
  const run = benches[name];
  if (!run) {
    process.stderr.write(`unknown benchmark "${name}"; choose one of: ${Object.keys(benches).join(", ")}, all\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name} ==\n`);
  await run();
}
process.exit(0);
