import type { UserConfig } from "tsdown";

/**
 * The production build of one app (`pnpm build` → `apps/<app>/dist/*.js`, run with plain `node`):
 * the app and every workspace package it uses (@spine/*, TypeScript sources) are bundled into one
 * ESM file per entry; every third-party import stays an `import` resolved at run time from the app's
 * own node_modules — so each app declares, in its package.json, every package its bundle imports
 * (checked by `apps/worker/src/build.test.ts`).
 */
export function appBuild(entry: Record<string, string>): UserConfig {
  return {
    entry,
    format: "esm",
    platform: "node",
    target: "node20",
    outDir: "dist",
    clean: true,
    dts: false,
    sourcemap: true,
    // Bare specifiers other than @spine/* (and node: builtins) are never bundled.
    deps: { neverBundle: /^(?![./]|@spine\/)/, alwaysBundle: [/^@spine\//] },
    outExtensions: () => ({ js: ".js" }),
  };
}
