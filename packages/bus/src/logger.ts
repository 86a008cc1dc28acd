// The bus logs through the same log-safe serializers as every app (@spine/logging).
export { defaultLogger, type Logger } from "@spine/logging";
