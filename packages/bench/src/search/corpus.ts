/**
 * The labelled retrieval corpus of `pnpm bench search`: written here, generated deterministically
 * (no downloads). 40 fictional services × 8 facts = 320 passages; each passage is one document
 * (titled with its passage id, e.g. `atlas/backups`) and, at the bench's chunk size, one chunk.
 * Every passage has one question whose answer it is, worded the way a person would ask: some share
 * the passage's exact words, some only a stem ("backup" for "backups") or a synonym, so keyword,
 * vector and hybrid retrieval can be told apart. Services share vocabulary (every service has an
 * owner, a region, backups…), so the service's name alone never finds the answer.
 */

export interface Passage {
  /** `<service>/<fact>`: the label queries point at. */
  id: string;
  text: string;
}

export interface LabelledQuery {
  query: string;
  /** Passage ids that answer the query. */
  relevant: string[];
}

const SERVICES = [
  "Atlas", "Beacon", "Cobalt", "Dynamo", "Ember", "Falcon", "Garnet", "Harbor", "Iris", "Juniper",
  "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Pioneer", "Quartz", "Raven", "Sequoia", "Tundra",
  "Umbra", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr", "Aurora", "Basalt", "Cedar", "Delta",
  "Echo", "Fjord", "Glacier", "Helix", "Indigo", "Jasper", "Krypton", "Lotus", "Mosaic", "Nova",
] as const;

const TEAMS = ["payments", "growth", "platform", "search", "identity", "billing", "messaging", "data", "mobile", "security"];
const PEOPLE = ["Ana Ruiz", "Bo Chen", "Carla Diaz", "Dev Patel", "Elif Kaya", "Femi Ade", "Greta Lind", "Hiro Sato", "Ines Costa", "Jon Berg", "Kofi Mensah", "Lea Roth"];
const REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-northeast", "sa-east", "ca-central"];
const DATABASES = ["PostgreSQL", "Redis", "Cassandra", "MySQL", "DynamoDB", "ClickHouse", "MongoDB", "SQLite"];
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const CAUSES = [
  ["an expired TLS certificate", "automating certificate renewal"],
  ["a full disk on the primary", "alerting at eighty percent disk usage"],
  ["a bad configuration push", "staged rollouts with automatic rollback"],
  ["connection pool exhaustion", "capping pool size per instance"],
  ["a DNS misconfiguration", "pinning resolver settings in the base image"],
  ["a memory leak in the cache layer", "restarting workers on a memory threshold"],
] as const;
const LANGUAGES = [["Go", "Helm charts"], ["Rust", "Terraform"], ["TypeScript", "Kubernetes manifests"], ["Java", "Ansible"], ["Python", "Nomad jobs"], ["Kotlin", "Pulumi"]] as const;
const PURPOSES = ["authentication", "sending email", "rate limiting", "feature flags", "currency conversion", "image resizing", "audit logging", "search indexing"];

/** Deterministic pseudo-random picks (mulberry32), so every run benches the same corpus. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

export interface SearchCorpus {
  passages: Passage[];
  queries: LabelledQuery[];
}

/** One service's eight passages and their eight questions. */
function serviceFacts(name: string, index: number, random: () => number): { passages: Passage[]; queries: LabelledQuery[] } {
  const key = name.toLowerCase();
  const team = pick(random, TEAMS);
  const person = pick(random, PEOPLE);
  const region = pick(random, REGIONS);
  const replicas = 2 + Math.floor(random() * 7);
  const db = pick(random, DATABASES);
  const days = pick(random, [7, 14, 30, 60, 90]);
  const weekday = pick(random, WEEKDAYS);
  const month = pick(random, MONTHS);
  const [cause, fix] = pick(random, CAUSES);
  const [lang, tool] = pick(random, LANGUAGES);
  const slo = pick(random, ["99.9%", "99.95%", "99.99%"]);
  const ms = pick(random, [150, 200, 300, 500, 800]);
  const dependency = SERVICES[(index + 7) % SERVICES.length]!;
  const purpose = pick(random, PURPOSES);
  const facts: [string, string, string][] = [
    ["owner", `${name} is owned by the ${team} team; questions about its roadmap go to ${person}.`, `Which team is responsible for ${name}?`],
    ["region", `${name} runs in the ${region} region on ${replicas} replicas behind the internal load balancer.`, `Where is ${name} hosted and how many instances does it run?`],
    ["backups", `${name} stores its state in ${db}; nightly backups are retained for ${days} days.`, `How long is a ${name} backup kept?`],
    ["oncall", `The on-call rotation for ${name} hands over every ${weekday}; pages go to the #${key}-alerts channel.`, `When does the ${name} on-call shift change?`],
    ["incident", `In ${month}, ${name} had an outage caused by ${cause}; the follow-up was ${fix}.`, `What caused the ${name} outage and how was it prevented from happening again?`],
    ["stack", `${name} is written in ${lang} and deployed with ${tool}.`, `What programming language is ${name} built in?`],
    ["slo", `${name} promises ${slo} availability and a p99 latency under ${ms} milliseconds.`, `What availability target does ${name} commit to?`],
    ["dependency", `${name} calls ${dependency} for ${purpose}; if ${dependency} is down, ${name} degrades gracefully.`, `Which service does ${name} depend on for ${purpose}?`],
  ];
  return {
    passages: facts.map(([fact, text]) => ({ id: `${key}/${fact}`, text })),
    queries: facts.map(([fact, , query]) => ({ query, relevant: [`${key}/${fact}`] })),
  };
}

export function searchCorpus(): SearchCorpus {
  const random = rng(13);
  const passages: Passage[] = [];
  const queries: LabelledQuery[] = [];
  SERVICES.forEach((name, i) => {
    const facts = serviceFacts(name, i, random);
    passages.push(...facts.passages);
    queries.push(...facts.queries);
  });
  return { passages, queries };
}

/**
 * Filler for the latency run: `count` passages in the corpus's style about generated service
 * names, so the 100k-chunk table has realistic vectors and word statistics.
 */
export function* fillerPassages(count: number, seed = 7): Generator<string> {
  const random = rng(seed);
  const syllables = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "zan", "qui", "bra", "dor", "fen"];
  for (let i = 0; i < count; i++) {
    const name = `${pick(random, syllables)}${pick(random, syllables)}${pick(random, syllables)}`;
    const facts = serviceFacts(name[0]!.toUpperCase() + name.slice(1), i, random).passages;
    yield pick(random, facts).text;
  }
}
