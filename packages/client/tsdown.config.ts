import { defineConfig } from "tsdown";

/**
 * The packed build: one ESM file and one declaration file. `@spine/contracts` is bundled (code and
 * types); the peers (@trpc/client, @trpc/server for types, socket.io-client, zod) stay imports.
 * `platform: "neutral"` resolves no Node conditions, so nothing Node-only can slip into the bundle.
 * `@spine/api` is types only and resolves (tsconfig.build.json) to `.build/app-router.d.ts`, the
 * standalone router declaration written by scripts/emit-app-router-dts.ts.
 */
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  clean: true,
  sourcemap: false,
  tsconfig: "tsconfig.build.json",
  deps: {
    neverBundle: [/^@trpc\//, "socket.io-client", /^zod(\/|$)/],
    alwaysBundle: [/^@spine\//],
  },
  // Types of bundled packages (@spine/*) are inlined like their code; `eager` makes tsc emit them.
  dts: { resolver: "tsc", eager: true },
});
