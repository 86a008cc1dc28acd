#!/usr/bin/env bash
# One command for a fresh clone: install, start services, migrate, seed a demo workspace,
# run every app (api, worker, gateway), and print where to look. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash infra/scripts/bootstrap.sh
bash infra/scripts/services.sh

mkdir -p .spine
if [ ! -f .spine/dev.env ]; then
  # A per-clone development secret; never committed (.spine/ is ignored).
  echo "SPINE_TOKEN_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" > .spine/dev.env
fi
if ! grep -q '^SPINE_KEY_RING=' .spine/dev.env; then
  # A per-clone key ring that seals integration secrets at rest (first key seals, every key opens).
  echo "SPINE_KEY_RING=dev1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" >> .spine/dev.env
fi
# Spine's own nats-server with infra/nats's users (the machine's 4222 stays as it is); stopped with the apps.
nats_pid="$(bash infra/scripts/nats-dev.sh)"
stop_nats() { [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null || true; }
trap 'stop_nats' EXIT

set -a
# shellcheck disable=SC1091
. .spine/dev.env
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spine}"
API_PORT="${API_PORT:-4000}"
GATEWAY_PORT="${GATEWAY_PORT:-4001}"
WORKER_PORT="${WORKER_PORT:-4002}"
API_ADMIN_PORT="${API_ADMIN_PORT:-9400}"
GATEWAY_ADMIN_PORT="${GATEWAY_ADMIN_PORT:-9401}"
CONSOLE_PORT="${CONSOLE_PORT:-5173}"
# The console calls the API and the gateway from the browser: its origin must be allowed (CORS).
SPINE_CORS_ORIGINS="${SPINE_CORS_ORIGINS:-http://127.0.0.1:$CONSOLE_PORT,http://localhost:$CONSOLE_PORT}"
LOG_LEVEL="${LOG_LEVEL:-info}"
set +a

pnpm db:migrate
pnpm db:seed
# users.conf from the tool grants in the database (a fresh clone has none), then reload nats-server.
NATS_PASSWORD="$SPINE_NATS_OPERATOR_PASSWORD" pnpm --silent --filter @spine/worker exec tsx src/cli.ts tools sync >/dev/null

# The apps run in their own process group, so stopping this script stops every one of them. Each
# connects to NATS as its own user (infra/nats): worker + relay, gateway (reads EVENTS_GATEWAY), api (live agent steps).
setsid bash -c '
  NATS_USER=worker NATS_PASSWORD="$SPINE_NATS_WORKER_PASSWORD" NATS_RELAY_USER=relay NATS_RELAY_PASSWORD="$SPINE_NATS_RELAY_PASSWORD" \
    pnpm --filter @spine/worker run dev &
  NATS_USER=gateway NATS_PASSWORD="$SPINE_NATS_GATEWAY_PASSWORD" SPINE_EVENTS_STREAM="$SPINE_GATEWAY_STREAM" \
    pnpm --filter @spine/gateway run dev &
  NATS_USER=api NATS_PASSWORD="$SPINE_NATS_API_PASSWORD" pnpm --filter @spine/api-app run dev &
  VITE_SPINE_API_URL="http://127.0.0.1:$API_PORT" VITE_SPINE_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" \
    pnpm --filter @spine/console exec vite --port "$CONSOLE_PORT" --strictPort --host 127.0.0.1 --clearScreen false &
  wait' &
apps_pid=$!
stop_apps() { kill -TERM -- "-$apps_pid" 2>/dev/null; wait "$apps_pid" 2>/dev/null; }
trap 'stop_apps; exit 0' INT TERM
trap 'stop_apps; stop_nats' EXIT

wait_http() { for _ in $(seq 1 120); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
ok=1
for url in "http://127.0.0.1:$API_PORT/readyz" "http://127.0.0.1:$GATEWAY_PORT/readyz" "http://127.0.0.1:$WORKER_PORT/readyz" "http://127.0.0.1:$CONSOLE_PORT/"; do
  wait_http "$url" || { echo "!! $url did not become ready" >&2; ok=0; }
done

cat <<MSG

Spine is up$([ $ok = 1 ] || echo " (with problems, see above)").
  Console         http://127.0.0.1:$CONSOLE_PORT/          (web console; sign in as the demo user below)
  tRPC API        http://127.0.0.1:$API_PORT/trpc        (health: /healthz, /readyz)
  Realtime        ws://127.0.0.1:$GATEWAY_PORT            (Socket.IO; health: /healthz, /readyz)
  Contracts       http://127.0.0.1:$API_PORT/openapi.json   http://127.0.0.1:$API_PORT/asyncapi.json
  Worker          (outbox relay, consumers, retention; no public port)
  Admin ports     /metrics (Prometheus), /healthz, /readyz of each app:
                    api     http://127.0.0.1:$API_ADMIN_PORT/metrics
                    gateway http://127.0.0.1:$GATEWAY_ADMIN_PORT/metrics
                    worker  http://127.0.0.1:$WORKER_PORT/metrics
  PostgreSQL      $DATABASE_URL
  NATS            $NATS_URL   (Spine's own nats-server with infra/nats's users; events on evt.<workspace_id>.<event_type>)
  Demo sign-in    see the seed output above (demo@spine.dev)
  Watch events    pnpm spine events tail 'evt.>'
  Tool access     pnpm spine tools grant --name <tool> --workspace <id|*> --events '<type pattern>'
  Stop            Ctrl-C
MSG
wait $apps_pid
