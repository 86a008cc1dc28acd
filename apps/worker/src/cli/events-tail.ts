import { connectNats, tailEvents } from "@spine/bus";
import type { TCliEnv } from "../env.ts";
import { canonicalSubjectPattern } from "./ids.ts";
import { printJson, UsageError } from "./output.ts";

/** `spine events tail <pattern>`: print every envelope published on the pattern until Ctrl-C. */
export async function eventsTail(env: TCliEnv, args: string[]): Promise<void> {
  const pattern = canonicalSubjectPattern(args[0] ?? `${env.SPINE_SUBJECT_PREFIX}.>`);
  if (!pattern.startsWith(`${env.SPINE_SUBJECT_PREFIX}.`)) {
    throw new UsageError(`pattern must start with "${env.SPINE_SUBJECT_PREFIX}." (e.g. '${env.SPINE_SUBJECT_PREFIX}.*.project.>')`);
  }
  const nc = await connectNats({
    servers: env.NATS_URL, name: "spine-events-tail",
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? "" } : {}),
  });
  const sub = tailEvents(nc, pattern, (m) => printJson(m.ok ? { subject: m.subject, envelope: m.envelope } : m));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  sub.unsubscribe();
  await nc.close();
}
