import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One result line: printed for people, and as a JSON line (prefix `BENCH `) for tools. */
export interface BenchResult {
  bench: string;
  variant: string;
  metric: string;
  spine: number;
  baseline: number;
  /** Always spine / baseline: for throughput 1.0 is parity (higher is better); for latency and memory 1.0 is parity (lower is better). */
  ratio: number;
  unit: string;
  extra?: Record<string, unknown>;
  /** CPU µs per operation per process (utime + stime from /proc), for each side. */
  cpu?: { spine: Record<string, number>; baseline: Record<string, number> };
}

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function emit(result: BenchResult): void {
  const line = `${result.bench.padEnd(10)} ${result.variant.padEnd(28)} ${result.metric.padEnd(18)} spine=${result.spine} ${result.unit}  baseline=${result.baseline} ${result.unit}  ratio=${result.ratio}`;
  process.stdout.write(`${line}\n`);
  if (result.cpu) {
    const fmt = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k}=${v}`).join(" ");
    process.stdout.write(`${"".padEnd(10)} ${"".padEnd(28)} ${"cpu µs/op".padEnd(18)} spine: ${fmt(result.cpu.spine)}  baseline: ${fmt(result.cpu.baseline)}\n`);
  }
  process.stdout.write(`BENCH ${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`);
}

/** Peak resident memory of a process in MiB (VmHWM), this one by default. */
export function peakRssMiB(pid: number | "self" = "self"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export function emitMemory(bench: string, processes: Record<string, number | "self">): void {
  const peaks: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) peaks[name] = peakRssMiB(pid);
  process.stdout.write(`${bench.padEnd(10)} peak memory (MiB): ${Object.entries(peaks).map(([k, v]) => `${k}=${v}`).join(" ")}\n`);
  process.stdout.write(`BENCH ${JSON.stringify({ bench, metric: "peak_rss_mib", processes: peaks })}\n`);
}
