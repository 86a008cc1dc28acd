import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console talks to the API (VITE_SPINE_API_URL) and the gateway (VITE_SPINE_GATEWAY_URL) from the
// browser; both must list the console's origin in SPINE_CORS_ORIGINS. Output: dist/ (ignored).
export default defineConfig({
  plugins: [react()],
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 5173, strictPort: true },
  build: { outDir: "dist", sourcemap: true },
});
