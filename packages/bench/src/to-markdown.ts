/** `tsx src/to-markdown.ts bench.log` — render the BENCH JSON lines of a run as markdown tables. */
import { readFileSync } from "node:fs";

interface Line {
  machine?: Record<string, unknown>;
  bench?: string;
  variant?: string;
  metric?: string;
  spine?: number;
  baseline?: number;
  ratio?: number;
  unit?: string;
  processes?: Record<string, number>;
  cpu?: { spine?: Record<string, number>; baseline?: Record<string, number> };
  relay_leg?: { p50: number; p99: number };
  gateway_leg?: { p50: number; p99: number };
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: tsx src/to-markdown.ts <bench output file>\n");
  process.exit(2);
}
const lines: Line[] = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.startsWith("BENCH "))
  .map((l) => JSON.parse(l.slice(6)) as Line);

const out: string[] = [];
const machine = lines.find((l) => l.machine)?.machine;
if (machine) out.push(`Machine: ${Object.entries(machine).map(([k, v]) => `${k} ${String(v)}`).join(", ")}`, "");
/** CPU µs per operation per process (user + system), e.g. `api 5870, postgres 2353`. */
const cpuOf = (side: Record<string, number> | undefined) => (side ? Object.entries(side).map(([p, us]) => `${p} ${us}`).join(", ") : "");
out.push(
  "| bench | variant | metric | Spine | baseline | ratio (Spine/baseline) | CPU µs/op, Spine | CPU µs/op, baseline |",
  "|---|---|---|---|---|---|---|---|",
);
for (const l of lines) {
  if (l.spine === undefined || l.baseline === undefined) continue;
  out.push(`| ${l.bench} | ${l.variant} | ${l.metric} | ${l.spine} ${l.unit} | ${l.baseline} ${l.unit} | ${l.ratio} | ${cpuOf(l.cpu?.spine)} | ${cpuOf(l.cpu?.baseline)} |`);
}
const breakdowns = lines.filter((l) => l.metric === "breakdown");
if (breakdowns.length) {
  out.push("", "| end-to-end leg | rate | p50 ms | p99 ms |", "|---|---|---|---|");
  for (const b of breakdowns) {
    out.push(`| commit → NATS (relay) | ${b.variant} | ${b.relay_leg?.p50} | ${b.relay_leg?.p99} |`);
    out.push(`| NATS → socket (gateway) | ${b.variant} | ${b.gateway_leg?.p50} | ${b.gateway_leg?.p99} |`);
  }
}
const mem = lines.filter((l) => l.metric === "peak_rss_mib");
if (mem.length) {
  out.push("", "| bench | peak resident memory (MiB) |", "|---|---|");
  for (const m of mem) out.push(`| ${m.bench} | ${Object.entries(m.processes ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")} |`);
}
process.stdout.write(`${out.join("\n")}\n`);
