// Sums the vitest JSON reports of every package into one closing line: "N passed, N failed".
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
let passed = 0, failed = 0, skipped = 0, files = 0;
const missing = [];
for (const group of ["apps", "packages"]) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const pkg = join(dir, "package.json");
    if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, "utf8")).scripts?.test) continue;
    const report = join(dir, ".reports", "vitest.json");
    if (!existsSync(report)) { missing.push(`${group}/${name}`); continue; }
    const r = JSON.parse(readFileSync(report, "utf8"));
    files += r.numTotalTestSuites ?? 0;
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
}
if (missing.length) {
  console.log(`no test report from: ${missing.join(", ")} (counted as failed)`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
