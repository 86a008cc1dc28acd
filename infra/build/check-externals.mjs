// Every third-party package a built app imports must resolve from that app's own node_modules
// (pnpm gives each app only what its package.json declares). Usage: node infra/build/check-externals.mjs apps/<app>
// Prints the missing ones and exits 1 when there are any.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";

const appDir = resolve(process.argv[2] ?? ".");
const dist = join(appDir, "dist");
const specifiers = new Set();
for (const file of readdirSync(dist).filter((f) => f.endsWith(".js"))) {
  const text = readFileSync(join(dist, file), "utf8");
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)) specifiers.add(m[1]);
}
const packageOf = (s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]);
const builtins = new Set(builtinModules);
const pkg = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
const declared = new Set(Object.keys(pkg.dependencies ?? {}));
/** Node's lookup of a bare package: node_modules/<name> in the app's directory or any above it. */
const resolvable = (name) => {
  for (let dir = appDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", name, "package.json"))) return true;
    if (dirname(dir) === dir) return false;
  }
};
const problems = new Set();
const packages = new Set();
for (const s of specifiers) {
  if (s.startsWith("node:") || builtins.has(s) || builtins.has(s.split("/")[0])) continue;
  const name = packageOf(s);
  packages.add(name);
  if (name.startsWith("@spine/")) problems.add(`${s}: a workspace package left unbundled`);
  else if (!declared.has(name)) problems.add(`${name}: imported by the bundle but not in ${pkg.name}'s dependencies`);
  else if (!resolvable(name)) problems.add(`${name}: not installed where ${appDir} can resolve it (pnpm install)`);
}
if (problems.size) {
  process.stderr.write(`${pkg.name}:\n  ${[...problems].join("\n  ")}\n`);
  process.exit(1);
}
process.stdout.write(`${pkg.name}: ${packages.size} external packages, all declared and resolvable: ${[...packages].sort().join(" ")}\n`);
