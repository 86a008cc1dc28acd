/**
 * The commit generator as a process of its own (argv[2]: its options as JSON, argv[3]: a file for the
 * commit times), so its event loop shares nothing with the clients it is measured by. Prints one JSON
 * line, `{ committed, achievedRate }`, when done; the commit times are written as `event_id<TAB>ms` lines.
 */
import { writeFileSync } from "node:fs";
import { commitAtRate } from "./commit-generator.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as Omit<Parameters<typeof commitAtRate>[0], "commitTimes">;
const commitTimes = new Map<string, number>();
const result = await commitAtRate({ ...options, commitTimes });
writeFileSync(process.argv[3] ?? "/dev/null", [...commitTimes].map(([id, t]) => `${id}\t${t}`).join("\n"));
process.stdout.write(`${JSON.stringify({ ...result, pid: process.pid })}\n`);
process.exit(0);
