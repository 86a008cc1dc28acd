import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Layers inside the domain run one way. Each folder of `src/` has a rank; a source file may import
 * (value or type, static or dynamic) only files of its own folder or of a folder ranked below it.
 * The feature folders `modules/<feature>` share one rank. A folder that is not listed fails the test,
 * so a new folder has to be placed in the order.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors"], // AppError and the driver-error translation
  ["shared"], // ids, the pager, entity property helpers and filters, the secrets key ring
  ["db"], // pg pool, migrations, table lists
  ["context"], // who acts (OperationContext) and the one session-settings function
  ["reads"], // pg-only reads (no ORM): the gateway's checks, PgTxRunner
  ["platform"], // platform entities: audit, outbox, job runs, dead letters, idempotency keys, activity
  ["uow"], // the unit-of-work subscriber: soft delete, write guards, privileged-write audit, redaction
  ["operation"], // Operation: one scoped transaction handed to use-cases
  ["modules"], // feature folders: entities and use-cases, one per file
  ["runtime"], // ORM boot: Domain.create / run / runSystem and the entity list
  ["test-support", "scripts"], // test helpers and CLI scripts
  ["."], // src/index.ts
];

const SRC = fileURLToPath(new URL("./", import.meta.url));

/** The folder a file (path relative to src/) belongs to: its first segment, `.` for src/ itself. */
function folderOf(path: string): string {
  const first = path.split("/")[0]!;
  return path.includes("/") ? first : ".";
}

function rankOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(relative(SRC, path));
  }
  return out;
}

interface Arrow {
  from: string;
  to: string;
  fromFolder: string;
  toFolder: string;
}

/** Every folder-crossing relative import of `file` (a path relative to src/), given its text. */
function arrowsOf(file: string, text: string): Arrow[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("./") || spec.startsWith("../"))
    .map((spec) => normalize(join(dirname(file), spec)))
    .map((to) => ({ from: file, to, fromFolder: folderOf(file), toFolder: folderOf(to) }))
    .filter((a) => a.fromFolder !== a.toFolder);
}

/** Arrows that point up (to a higher-ranked folder), or from or into a folder that has no rank. */
function backArrows(arrows: Arrow[]): Arrow[] {
  return arrows.filter((a) => {
    const from = rankOf(a.fromFolder);
    const to = rankOf(a.toFolder);
    return from < 0 || to < 0 || to > from;
  });
}

describe("layers inside the domain run one way", () => {
  const files = sourceFiles(SRC);
  const arrows = files.flatMap((f) => arrowsOf(f, readFileSync(join(SRC, f), "utf8")));

  it("sees the package's folders and arrows", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(arrows.length).toBeGreaterThan(100);
    expect(new Set(files.map(folderOf))).toEqual(new Set(LAYERS.flat()));
  });

  it("no folder-level arrow runs back up", () => {
    const back = backArrows(arrows).map((a) => `${a.from} -> ${a.to} (${a.fromFolder} -> ${a.toFolder})`);
    expect(back).toEqual([]);
  });

  it("the check catches a back arrow, a type-only one and one into an unranked folder", () => {
    const probes = [
      arrowsOf("uow/unit-of-work.subscriber.ts", `import { Domain } from "../runtime/domain.ts";`),
      arrowsOf("platform/entities.ts", `import type { Operation } from "../operation/operation.ts";`),
      arrowsOf("shared/ids.ts", `export { x } from "../modules/ops/x.ts";`),
      arrowsOf("modules/ops/x.ts", `const m = await import("../../nowhere/y.ts");`),
    ];
    for (const probe of probes) expect(backArrows(probe)).toHaveLength(1);
    expect(backArrows(arrowsOf("modules/ops/x.ts", `import { AppError } from "../../errors/app-error.ts";`))).toEqual([]);
  });
});
