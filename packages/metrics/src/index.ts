export { Counter, Gauge, Histogram, type Registry } from "prom-client";
export { createMetricsRegistry } from "./registry.ts";
export { startAdminServer, type AdminServer, type AdminServerOptions, type Readiness } from "./admin-server.ts";
export { parseMetrics, sampleValue, scrapeMetrics, type Sample } from "./scrape.ts";
