export * from "./verify-signature.ts";
export * from "./read-body.ts";
export * from "./webhook-ingress.ts";
