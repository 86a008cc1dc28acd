import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process to meter: a pid, this process, or every PostgreSQL server process together. */
export type Metered = number | "self" | "postgres";

/** utime + stime of a process; with `reaped`, also cutime + cstime: the children it has waited for. */
function processCpuMicros(pid: number | "self", reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const children = reaped ? Number(fields[13]) + Number(fields[14]) : 0;
    return ((utime + stime + children) * 1_000_000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") pids.push(Number(entry));
    } catch {
      /* exited */
    }
  }
  return pids;
}

function cpuMicros(target: Metered): number {
  if (target !== "postgres") return processCpuMicros(target);
  // Backends that exit in between (a pool closing) are reaped by the postmaster: their time moves into
  // its cutime/cstime, so the sum over live processes plus reaped children counts each backend once.
  return postgresPids().reduce((sum, pid) => sum + processCpuMicros(pid, true), 0);
}

/**
 * CPU time (user + system, from /proc/<pid>/stat) spent by each metered process between `start()` and
 * `perOp(ops)`, as microseconds per operation: the figure that holds best on a noisy machine. PostgreSQL
 * is metered as the sum of its server processes, including backends that exited in between.
 */
export class CpuMeter {
  private readonly before = new Map<string, number>();

  constructor(private readonly targets: Record<string, Metered>) {}

  start(): this {
    for (const [name, target] of Object.entries(this.targets)) this.before.set(name, cpuMicros(target));
    return this;
  }

  perOp(ops: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, target] of Object.entries(this.targets)) {
      const used = cpuMicros(target) - (this.before.get(name) ?? 0);
      out[name] = ops > 0 ? Math.round((used / ops) * 10) / 10 : 0;
    }
    return out;
  }
}

/** `name=µs name=µs` for the human line. */
export function formatCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu).map(([k, v]) => `${k}=${v}`).join(" ");
}
