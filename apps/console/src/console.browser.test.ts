import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createSpineClient, type SpineClient } from "@spine/client";
import { AppProcess, createTestDatabase, freePort, natsTestNames, TEST_NATS_URL, testKeyRingSpec, type TestDatabase } from "@spine/testing";
import pg from "pg";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { describe, expect, onTestFailed, test as baseTest } from "vitest";

// The console in Debian's Chromium (playwright-core drives it; no browser download) against the real
// api, worker and gateway over real PostgreSQL and NATS, and the console's vite server. One browser and
// one set of apps for the whole file; the tests run in order and build on each other's state.
const CHROMIUM = process.env.SPINE_CHROMIUM ?? "/usr/bin/chromium";
const consoleRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCREENSHOTS = join(consoleRoot, ".screenshots");
const TOKEN_SECRET = "console-browser-test-secret-0123456789abcdef";
const names = natsTestNames("console");
const PASSWORD = "correct horse battery";

const email = `owner-${randomUUID().slice(0, 8)}@example.test`;
const browserLog: string[] = [];

interface Stack {
  db: TestDatabase;
  apps: AppProcess[];
  apiUrl: string;
  consoleUrl: string;
}

/**
 * File fixtures: `stack` (a fresh database; worker, api, gateway and the console's vite server as real processes;
 * stopped, the stream deleted and the database dropped after the file), `api` (the owner, signed up through the
 * API, and a client acting as them), `page` (one Chromium page for the whole file, its errors kept in `browserLog`),
 * `story` (the ids one test leaves for the next: the tests run in order and build on each other's state), and
 * `shot`/`go` (a screenshot; a console route). `diagnose` is automatic: a failing test leaves a screenshot and the
 * apps' and the browser's last words.
 */
const test = baseTest
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none.
  .extend("stack", { scope: "file" }, async ({}, { onCleanup }): Promise<Stack> => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run infra/scripts/services.sh as root (it installs Debian's chromium) or apt-get install -y chromium`);
    await mkdir(SCREENSHOTS, { recursive: true });
    const db = await createTestDatabase("console");
    const apps: AppProcess[] = [];
    onCleanup(async () => {
      await Promise.allSettled(apps.map((a) => a.stop()));
      const nc = await connectNats({ servers: TEST_NATS_URL, name: "console-test-cleanup" });
      await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => false);
      await nc.close();
      await db.drop();
    });
    const [apiPort, apiAdminPort, workerPort, gatewayPort, gatewayAdminPort, vitePort] = [
      await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort(),
    ];
    const consoleUrl = `http://127.0.0.1:${vitePort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const shared = {
      DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL, SPINE_TOKEN_SECRET: TOKEN_SECRET, SPINE_KEY_RING: testKeyRingSpec(),
      SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix, SPINE_CORS_ORIGINS: consoleUrl,
    };
    // The worker creates the events stream the gateway reads: it goes first; the others start together.
    const worker = AppProcess.start("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200", SPINE_DLQ_REPLAY_INTERVAL_MS: "1000" });
    apps.push(worker);
    await worker.waitForHttp(`http://127.0.0.1:${workerPort}/healthz`, 120_000);
    // The offline model pauses between streamed words, so the agent scenario can watch tokens arrive.
    const apiApp = AppProcess.start("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort), SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS: "80" });
    const gateway = AppProcess.start("gateway", { ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort) });
    const vite = AppProcess.spawnIn("console", [join(consoleRoot, "node_modules", "vite", "bin", "vite.js"), "--port", String(vitePort), "--strictPort", "--host", "127.0.0.1"], { VITE_SPINE_API_URL: apiUrl, VITE_SPINE_GATEWAY_URL: gatewayUrl }, "vite");
    apps.push(apiApp, gateway, vite);
    await Promise.all([apiApp.waitForHttp(`${apiUrl}/readyz`, 120_000), gateway.waitForHttp(`${gatewayUrl}/readyz`, 120_000), vite.waitForHttp(consoleUrl, 120_000)]);
    return { db, apps, apiUrl, consoleUrl };
  })
  // The owner exists before the browser signs in; the tests also act as them through the API.
  .extend("api", { scope: "file" }, async ({ stack }): Promise<SpineClient> => {
    const session = await createSpineClient({ url: `${stack.apiUrl}/trpc` }).auth.signUp.mutate({ email, password: PASSWORD, displayName: "Owner" });
    return createSpineClient({ url: `${stack.apiUrl}/trpc`, token: session.accessToken });
  })
  .extend("page", { scope: "file" }, async ({ stack }, { onCleanup }): Promise<Page> => {
    void stack; // the browser opens once the apps are up
    const userDataDir = await mkdtemp(join(tmpdir(), "spine-console-chromium-"));
    const opened: { context?: BrowserContext } = {};
    // One cleanup per fixture: the browser closes, then its profile folder goes.
    onCleanup(async () => {
      await opened.context?.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    });
    const context = (opened.context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      viewport: { width: 1280, height: 860 },
    }));
    context.setDefaultTimeout(30_000);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") browserLog.push(`console.${m.type()}: ${m.text()}`); });
    page.on("pageerror", (e) => browserLog.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => browserLog.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`));
    return page;
  })
  .extend("story", { scope: "file" }, { workspaceId: "", betaId: "" })
  .extend("shot", { scope: "file" }, ({ page }) => async (name: string) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  })
  .extend("go", { scope: "file" }, ({ page, stack }) => async (route: string) => {
    await page.goto(`${stack.consoleUrl}/#/${route}`);
    await page.getByRole("navigation", { name: "Pages" }).waitFor();
  })
  .extend("diagnose", { auto: true }, ({ page, stack }) => {
    onTestFailed(async () => {
      await page.screenshot({ path: join(SCREENSHOTS, `failure-${Date.now()}.png`), fullPage: true }).catch(() => undefined);
      for (const a of stack.apps) console.error(`--- ${a.name} ---\n${a.output.slice(-4000)}`);
      console.error(`--- browser ---\n${browserLog.slice(-60).join("\n")}`);
    });
  });

// Whichever test runs first also waits for the fixtures (the apps boot, Chromium starts): hence the long timeout.
describe("the console in Chromium against the running apps", { timeout: 300_000 }, () => {
  test("signs in, creates a workspace and switches between workspaces", async ({ page, api, shot, story, stack }) => {
    const { consoleUrl } = stack;
    await page.goto(consoleUrl);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot("01-sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Sign-in failed");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").filter({ hasText: email }).waitFor();
    await page.getByText("You are not a member of any workspace yet").waitFor();

    await page.getByLabel("New workspace").fill("Acme");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    const other = await api.workspace.create.mutate({ name: "Beta" });
    story.betaId = other.workspace.id;
    await page.reload();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    const switcher = page.getByLabel("Workspace", { exact: true });
    await expect.poll(async () => (await switcher.locator("option").allTextContents()).sort()).toEqual(["Acme (owner)", "Beta (owner)"]);
    await switcher.selectOption({ label: "Beta (owner)" });
    await expect.poll(() => switcher.inputValue()).toBe(other.workspace.id);
    await switcher.selectOption({ label: "Acme (owner)" });
    story.workspaceId = await switcher.inputValue();
    expect(story.workspaceId).not.toBe(other.workspace.id);
  });

  test("creates, edits, deletes and restores a project; its event arrives live; the delete has its audit row", async ({ page, api, shot, go, story }) => {
    const { workspaceId } = story;
    await go("projects");
    await page.getByRole("form", { name: "New project" }).getByLabel("Name").fill("Launch");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("cell", { name: "Launch", exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit Launch" }).click();
    const edit = page.getByRole("form", { name: "Edit project Launch" });
    await edit.getByLabel("Description").fill("the first project");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "the first project" }).waitFor();
    await shot("02-projects");

    // The live-events page shows project.created (the feed keeps what arrived while on other pages) …
    await page.getByRole("link", { name: "Live events" }).click();
    await page.getByTestId("feed-status").filter({ hasText: "live" }).waitFor();
    await page.getByRole("button", { name: "project.created" }).first().waitFor({ timeout: 30_000 });
    // … and one committed while the page is open arrives live, found by its correlation id.
    const correlationId = `console-${randomUUID()}`;
    await api.project.create.mutate({ workspaceId, name: "Streamed" }, { context: { correlationId } });
    await page.getByLabel("Correlation id").fill(correlationId);
    const row = page.getByRole("table", { name: "Envelopes" }).getByRole("row").filter({ hasText: correlationId });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole("button", { name: "project.created" }).click();
    const inspector = page.getByRole("region", { name: "Envelope inspector" });
    await expect.poll(() => inspector.textContent()).toContain('"name": "Streamed"');
    await page.getByRole("button", { name: "Pause" }).click();
    await shot("03-live-events");
    await page.getByRole("button", { name: "Resume" }).click();

    await go("projects");
    await page.getByRole("button", { name: "Delete Launch" }).click();
    await page.getByRole("cell", { name: "Launch", exact: true }).waitFor({ state: "detached" });
    await page.getByLabel("Show deleted").check();
    await page.getByRole("button", { name: "Restore Launch" }).click();
    await page.getByRole("button", { name: "Delete Launch" }).waitFor();

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByLabel("Target type").fill("project");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const audit = page.getByRole("table", { name: "Audit rows" });
    await audit.getByRole("button", { name: /project\.(deleted|delete)$/ }).waitFor();
    await audit.getByRole("button", { name: /project\.(restored|restore)$/ }).waitFor();
    await shot("04-audit-log");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export JSON Lines" }).click();
    const lines = (await readFile(await (await download).path(), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { targetType: string });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.targetType === "project")).toBe(true);
  });

  test("shows usage against a limit, and the API's refusal once a create would pass it", async ({ page, api, shot, go, story }) => {
    const { workspaceId } = story;
    await go("usage");
    const form = page.getByRole("form", { name: "Set a usage limit" });
    await form.getByLabel("Metric").selectOption("projects");
    await form.getByLabel("Window").selectOption("day");
    await form.getByLabel("Limit").fill("2");
    await form.getByRole("button", { name: "Set limit" }).click();
    await page.getByRole("table", { name: "Usage limits" }).getByRole("cell", { name: "projects", exact: true }).waitFor();
    await page.getByText("projects / day").waitFor();
    await shot("05-usage");

    await go("projects");
    await page.getByRole("form", { name: "New project" }).getByLabel("Name").fill("One too many");
    await page.getByRole("button", { name: "Create project" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Could not create the project" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("USAGE_LIMIT_REACHED");
    await shot("06-usage-limit-error");
    await api.usage.clearPolicy.mutate({ workspaceId, metric: "projects", window: "day" });
  });

  test("runs the agent in a thread and streams its answer and tool calls", async ({ page, api, shot, go, story }) => {
    const { workspaceId } = story;
    await api.document.create.mutate({ workspaceId, title: "Runbook", content: "To restart the relay, run spine relay restart. The relay publishes the outbox." });
    await go("agents");
    await page.getByLabel("Thread title").fill("Ops questions");
    await page.getByRole("button", { name: "New thread" }).click();
    await page.getByRole("heading", { name: "Ops questions" }).waitFor();
    await page.getByLabel("Message").fill("How do I restart the relay?");
    // Every state the answer passes through, as the DOM shows it: its text whenever it or the run's status changes.
    await page.evaluate(() => {
      const w = window as unknown as { answerStates: { text: string; status: string | null }[] };
      w.answerStates = [];
      const record = () => {
        const run = document.querySelector('[data-testid="live-run"]');
        const answer = run?.querySelector('[data-testid="live-answer"]');
        if (!run || !answer) return;
        const text = answer.querySelector(".muted") ? "" : (answer.textContent ?? "");
        const status = run.getAttribute("data-status");
        const last = w.answerStates.at(-1);
        if (!last || last.text !== text || last.status !== status) w.answerStates.push({ text, status });
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"] });
    });
    await page.getByRole("button", { name: "Send" }).click();
    const live = page.getByTestId("live-run");
    await live.waitFor();
    await page.locator('[data-testid="live-run"][data-status="completed"]').waitFor({ timeout: 60_000 });
    await live.getByTestId("tool-call").filter({ hasText: "search_documents" }).first().waitFor();
    const final = (await live.getByTestId("live-answer").textContent()) ?? "";
    expect(final.length).toBeGreaterThan(10);
    // Live token streaming: before the run completed, the answer was shown at two or more partial lengths,
    // each a prefix of the final answer, growing.
    const states = await page.evaluate(() => (window as unknown as { answerStates: { text: string; status: string | null }[] }).answerStates);
    const partial = states.filter((s) => s.status !== "completed" && s.text.length > 0 && s.text.length < final.length);
    expect(new Set(partial.map((s) => s.text.length)).size, JSON.stringify(states.map((s) => [s.status, s.text.length]))).toBeGreaterThanOrEqual(2);
    for (const s of partial) expect(final.startsWith(s.text.trimEnd())).toBe(true);
    const lengths = partial.map((s) => s.text.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    await shot("07-agents");
  });

  test("lists a dead letter of the workspace, inspects it and replays it through the worker", async ({ page, api, shot, go, story, stack }) => {
    const { db } = stack;
    const { workspaceId } = story;
    // A consumer's give-up, seeded as the worker leaves it: a real envelope of this workspace under a real handler.
    const sql = new pg.Client({ connectionString: db.ownerUrl });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ envelope: { event_id: string } }>(
        "select envelope from outbox where workspace_id = $1 and event_type = 'project.created' order by created_at limit 1", [workspaceId]);
      const envelope = rows[0]?.envelope;
      expect(envelope).toBeDefined();
      await sql.query(
        `insert into dead_letter_jobs (id, workspace_id, handler, event_id, event_type, subject, envelope, error, attempts)
         values ($1, $2, 'usage-metering', $3, 'project.created', $4, $5, 'simulated: database unavailable', 5)`,
        [randomUUID(), workspaceId, envelope?.event_id, `evt.${workspaceId}.project.created`, JSON.stringify(envelope)],
      );
    } finally {
      await sql.end();
    }
    await go("dead-letters");
    const row = page.getByTestId("dead-letter").filter({ hasText: "usage-metering" });
    await row.waitFor();
    await row.getByRole("button", { name: /Inspect dead letter/ }).click();
    await expect.poll(() => page.getByRole("region", { name: "Dead letter inspector" }).textContent()).toContain("simulated: database unavailable");
    await shot("08-dead-letters");
    await page.getByLabel("Status").selectOption({ label: "all" });
    await row.getByRole("button", { name: "Replay" }).click();
    await row.getByText(/^replayed/).waitFor({ timeout: 30_000 });
    const audit = await api.audit.list.query({ workspaceId, action: "dead_letter.replay_requested" });
    expect(audit.items).toHaveLength(1);
  });

  test("renders every other page with its states", async ({ page, shot, go }) => {
    for (const [route, heading, file] of [
      ["items", "Items", "09-items"], ["documents", "Documents", "10-documents"], ["access", "Access", "11-access"],
      ["integrations", "Integrations", "12-integrations"], ["members", "Members & roles", "13-members"],
    ] as const) {
      await go(route);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await shot(file);
    }
  });

  test("creates, edits and deletes a custom role; a delete is refused while a member holds the role", async ({ page, api, shot, go, story, stack }) => {
    const { apiUrl } = stack;
    const { workspaceId } = story;
    await go("members");
    await page.getByRole("button", { name: "New custom role" }).click();
    const create = page.getByRole("form", { name: "New role" });
    await create.getByLabel("Key").fill("support");
    await create.getByLabel("Name").fill("Support");
    await create.getByLabel("projects.read", { exact: true }).check();
    await create.getByLabel("items.read", { exact: true }).check();
    // Owner-only permissions are shown but cannot be granted.
    expect(await create.getByRole("checkbox", { name: /workspace\.delete/ }).isDisabled()).toBe(true);
    await shot("14-role-editor");
    await create.getByRole("button", { name: "Create role" }).click();
    const roles = page.getByRole("table", { name: "Roles" });
    await roles.getByRole("row").filter({ hasText: "Support" }).filter({ hasText: "items.read" }).waitFor();

    await page.getByRole("button", { name: "Edit role Support" }).click();
    const edit = page.getByRole("form", { name: "Edit role Support" });
    expect(await edit.getByLabel("projects.read", { exact: true }).isChecked()).toBe(true);
    await edit.getByLabel("Name").fill("Support desk");
    // Keyboard: the checklist and the save button work without a pointer.
    await edit.getByLabel("items.write", { exact: true }).focus();
    await page.keyboard.press("Space");
    await edit.getByRole("button", { name: "Save role" }).focus();
    await page.keyboard.press("Enter");
    await roles.getByRole("row").filter({ hasText: "Support desk" }).filter({ hasText: "items.write" }).waitFor();

    const helper = await createSpineClient({ url: `${apiUrl}/trpc` }).auth.signUp.mutate({ email: `helper-${randomUUID().slice(0, 8)}@example.test`, password: PASSWORD, displayName: "Helper" });
    await api.member.add.mutate({ workspaceId, email: helper.user.email, roleKey: "support" });
    await page.reload();
    await page.getByRole("button", { name: "Delete role Support desk" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Could not delete the role" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain("PRECONDITION_FAILED");
    await shot("15-role-delete-refused");

    await page.getByLabel(`Role of ${helper.user.email}`).selectOption({ label: "Viewer" });
    await expect.poll(async () => (await api.member.list.query({ workspaceId })).find((m) => m.email === helper.user.email)?.role.key).toBe("viewer");
    await page.getByRole("button", { name: "Delete role Support desk" }).click();
    await roles.getByRole("row").filter({ hasText: "Support desk" }).waitFor({ state: "detached" });
    expect((await api.role.list.query({ workspaceId })).map((r) => r.key)).not.toContain("support");
  });

  test("shows a platform operator (granted with spine operators grant) every workspace's dead letters and failed events; replay and retry are audited in the workspace", async ({ page, api, shot, go, story, stack }) => {
    const { db, apiUrl } = stack;
    const { workspaceId, betaId } = story;
    // The owner is no operator: no Operator page in the navigation, and the route says so.
    await go("projects");
    expect(await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Operator" }).count()).toBe(0);
    await go("operator");
    await page.getByText("The operator page is for platform operators only.").waitFor();

    // A dead letter in each of the owner's two workspaces (a real project.created under usage-metering, which a
    // replay applies), and a failed inbound event in Beta.
    const integration = await api.integration.connect.mutate({
      workspaceId: betaId, provider: "stripe", name: "Billing", credentials: { apiKey: "sk_test_x" }, webhookSecret: `whsec_${randomBytes(32).toString("base64")}`,
    });
    await api.project.create.mutate({ workspaceId: betaId, name: "Beta launch" });
    const failedEventId = randomUUID();
    const sql = new pg.Client({ connectionString: db.ownerUrl });
    await sql.connect();
    try {
      for (const [ws, error] of [[workspaceId, "simulated: acme consumer down"], [betaId, "simulated: beta consumer down"]] as const) {
        const { rows } = await sql.query<{ envelope: { event_id: string; event_type: string } }>(
          "select envelope from outbox where workspace_id = $1 and event_type = 'project.created' order by created_at limit 1", [ws]);
        const envelope = rows[0]?.envelope;
        expect(envelope).toBeDefined();
        await sql.query(
          `insert into dead_letter_jobs (id, workspace_id, handler, event_id, event_type, subject, envelope, error, attempts)
           values ($1, $2, 'usage-metering', $3, $4, $5, $6, $7, 5)`,
          [randomUUID(), ws, envelope?.event_id, envelope?.event_type, `evt.${ws}.${envelope?.event_type}`, JSON.stringify(envelope), error],
        );
      }
      await sql.query(
        `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload, status, error, attempts)
         values ($1, $2, $3, $4, 'evt_operator_1', 'customer.subscription.updated', '{}', 'failed', 'simulated: malformed subscription', 3)`,
        [failedEventId, betaId, integration.id, integration.id],
      );
    } finally {
      await sql.end();
    }

    // The operator: an account of its own, made an operator the one way there is, the CLI.
    const operatorEmail = `operator-${randomUUID().slice(0, 8)}@example.test`;
    const operator = await createSpineClient({ url: `${apiUrl}/trpc` }).auth.signUp.mutate({ email: operatorEmail, password: PASSWORD, displayName: "Operator" });
    await AppProcess.run("worker", ["--import", "tsx", "src/cli.ts", "operators", "grant", operatorEmail, "--actor", "console-test"], { DATABASE_URL: db.ownerUrl }, "spine-cli");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email").fill(operatorEmail);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").filter({ hasText: operatorEmail }).waitFor();
    await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Operator" }).click();
    await page.getByRole("heading", { name: "Operator", level: 1 }).waitFor();

    const letters = page.getByTestId("operator-dead-letter");
    const acme = letters.filter({ hasText: "simulated: acme consumer down" });
    const beta = letters.filter({ hasText: "simulated: beta consumer down" });
    await acme.filter({ hasText: "Acme" }).waitFor();
    await beta.filter({ hasText: "Beta" }).waitFor();
    await beta.getByRole("button", { name: /Inspect dead letter .* of Beta/ }).click();
    const inspector = page.getByRole("region", { name: "Operator inspector" });
    await expect.poll(() => inspector.textContent()).toContain(`"workspaceId": "${betaId}"`);
    const failed = page.getByTestId("operator-failed-event").filter({ hasText: "simulated: malformed subscription" });
    await failed.filter({ hasText: "Beta" }).filter({ hasText: "Billing (stripe)" }).waitFor();
    // The workspace filter narrows both lists to one workspace.
    const workspaceFilter = page.getByRole("combobox", { name: /^Workspace/ });
    await workspaceFilter.selectOption({ label: "Acme" });
    await beta.waitFor({ state: "detached" });
    await acme.waitFor();
    await workspaceFilter.selectOption({ label: "every workspace" });
    await beta.waitFor();
    await shot("16-operator");

    // Replay by keyboard; the worker takes the request.
    await beta.getByRole("button", { name: "Replay dead letter of Beta" }).focus();
    await page.keyboard.press("Enter");
    await page.getByLabel("Dead letter status").selectOption({ label: "all" });
    await beta.getByText(/^replayed/).waitFor({ timeout: 30_000 });
    await failed.getByRole("button", { name: "Retry integration event evt_operator_1" }).click();
    await expect.poll(async () => (await api.audit.list.query({ workspaceId: betaId, action: "integration_event.retried" })).items.length).toBe(1);
    await shot("17-operator-replayed");

    // Both are in Beta's audit log with the operator as the actor; Acme's dead letter was left alone.
    const replays = await api.audit.list.query({ workspaceId: betaId, action: "dead_letter.replay_requested" });
    expect(replays.items.map((r) => [r.actorId, r.actorType])).toEqual([[operator.user.id, "user"]]);
    const retries = await api.audit.list.query({ workspaceId: betaId, action: "integration_event.retried" });
    expect(retries.items.map((r) => r.actorId)).toEqual([operator.user.id]);
    expect((await api.audit.list.query({ workspaceId, action: "dead_letter.replay_requested" })).items.every((r) => r.actorId !== operator.user.id)).toBe(true);
    // The workspace owner still cannot use the operator's procedures.
    await expect(api.operator.deadLetters.list.query({})).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});
