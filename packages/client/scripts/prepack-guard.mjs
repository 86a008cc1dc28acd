// `npm pack` would ship the workspace manifest (exports pointing at ./src, `catalog:` versions):
// only pnpm applies publishConfig. Pack with `pnpm pack` (or `pnpm run pack:tarball`).
import { existsSync } from "node:fs";

const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/")) {
  console.error("@spine/client: pack with `pnpm pack` (pnpm applies publishConfig.exports and replaces catalog: versions); npm pack would ship the workspace manifest.");
  process.exit(1);
}
if (!existsSync(new URL("../dist/index.js", import.meta.url)) || !existsSync(new URL("../dist/index.d.ts", import.meta.url))) {
  console.error("@spine/client: dist/ is missing; run `pnpm run build` first (or `pnpm run pack:tarball`).");
  process.exit(1);
}
