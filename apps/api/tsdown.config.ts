import { defineConfig } from "tsdown";
import { appBuild } from "../../infra/build/tsdown-app.ts";

export default defineConfig(appBuild({ main: "src/main.ts" }));
