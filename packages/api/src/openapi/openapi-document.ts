import { APP_ERROR_HTTP_STATUS, type AppErrorCode } from "@spine/contracts";
import { z } from "zod";
import { appRouter } from "../root.ts";

/** Procedures callable without a bearer token. */
const PUBLIC_PROCEDURES = new Set(["auth.signUp", "auth.signIn", "auth.refresh"]);

type JsonSchema = Record<string, unknown>;

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs?: z.ZodType[];
  output?: z.ZodType;
}

/** JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a zod schema as a client sends or receives it. */
function jsonSchema(schema: z.ZodType | undefined, io: "input" | "output"): JsonSchema {
  if (!schema) return {};
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

function statusesByCode(): Map<number, AppErrorCode[]> {
  const byStatus = new Map<number, AppErrorCode[]>();
  for (const [code, status] of Object.entries(APP_ERROR_HTTP_STATUS) as Array<[AppErrorCode, number]>) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the tRPC router on every call, so it cannot
 * drift from the code. It describes the procedures as the plain HTTP routes they are (tRPC's HTTP
 * protocol, batching off): a mutation is `POST /trpc/<path>` with the input as the JSON body; a query
 * is `GET /trpc/<path>?input=<JSON>`; a success is `{ "result": { "data": <output> } }`; a failure is
 * `{ "error": { code, message, data: { appCode, issues, … } } }` with the status of its app code.
 */
export function openApiDocument(options: { serverUrl?: string; version?: string } = {}): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const errorResponses: Record<string, unknown> = {};
  for (const [status, codes] of [...statusesByCode()].sort(([a], [b]) => a - b)) {
    errorResponses[String(status)] = {
      description: `Refused or failed: ${codes.join(", ")}${status === 503 ? " (transient: retry after Retry-After; safe for mutations carrying an Idempotency-Key)" : ""}`,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  for (const [path, procedure] of Object.entries(procedures).sort(([a], [b]) => a.localeCompare(b))) {
    const def = procedure._def;
    if (def.type === "subscription") continue;
    const input = jsonSchema(def.inputs?.[0], "input");
    const required = Array.isArray(input.required) && input.required.length > 0;
    const tag = path.split(".")[0] ?? path;
    const operation: Record<string, unknown> = {
      operationId: path.replace(/\./g, "_"),
      tags: [tag],
      summary: `${def.type} ${path}`,
      security: PUBLIC_PROCEDURES.has(path) ? [] : [{ bearer: [] }],
      parameters: [{ $ref: "#/components/parameters/CorrelationId" }],
      responses: {
        "200": {
          description: "Success",
          content: {
            "application/json": {
              schema: { type: "object", required: ["result"], properties: { result: { type: "object", required: ["data"], properties: { data: jsonSchema(def.output, "output") } } } },
            },
          },
        },
        ...errorResponses,
      },
    };
    if (def.type === "mutation") {
      (operation.parameters as unknown[]).push({ $ref: "#/components/parameters/IdempotencyKey" });
      operation.requestBody = { required: true, content: { "application/json": { schema: input } } };
      paths[`/trpc/${path}`] = { post: operation };
    } else {
      (operation.parameters as unknown[]).push({ name: "input", in: "query", required, description: "The input as JSON (URL-encoded).", content: { "application/json": { schema: input } } });
      paths[`/trpc/${path}`] = { get: operation };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Spine API",
      version: options.version ?? "1",
      description:
        "Typed procedures of Spine over plain HTTP. TypeScript clients use @spine/client; other clients call these routes. " +
        "Every write is audited and evented in its own transaction; send an Idempotency-Key on mutations to make retries safe.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The access token from auth.signIn / auth.signUp / auth.refresh." } },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key", in: "header", required: false,
          description: "1–255 visible ASCII characters; a retry with the same key and input returns the first result, with another input it is refused (CONFLICT).",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
        CorrelationId: { name: "x-correlation-id", in: "header", required: false, description: "Carried into the audit log and every event of the call; generated when absent and echoed in the response.", schema: { type: "string", maxLength: 128 } },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "data"],
              properties: {
                code: { type: "integer", description: "JSON-RPC style code of tRPC" },
                message: { type: "string" },
                data: {
                  type: "object",
                  properties: {
                    code: { type: "string", description: "tRPC error code, e.g. BAD_REQUEST" },
                    httpStatus: { type: "integer" },
                    path: { type: ["string", "null"] },
                    appCode: { anyOf: [{ type: "string", enum: Object.keys(APP_ERROR_HTTP_STATUS) }, { type: "null" }] },
                    details: {},
                    issues: { type: "array", items: { type: "object", required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } } },
                    issueCount: { type: "integer" },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
