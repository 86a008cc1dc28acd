export * from "./verify-signature.ts";
export * from "./read-body.ts";
export * from "./webhook-ingress.ts";
export * from "./providers/provider.ts";
export * from "./providers/github.ts";
export * from "./providers/stripe.ts";
export * from "./providers/standard-webhooks.ts";
export * from "./providers/registry.ts";
