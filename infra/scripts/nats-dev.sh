#!/usr/bin/env bash
# Spine's own nats-server for `npm start`: infra/nats/nats-server.conf with its users (least privilege),
# on 127.0.0.1:$SPINE_NATS_PORT (default 4223), so the machine's NATS on 4222 (often without auth) is
# left as it is. Writes the passwords, NATS_URL and the files the CLI needs into .spine/dev.env.
# Prints the server's pid on stdout (empty when an earlier run's server is still up and reused).
# Usage: bash infra/scripts/nats-dev.sh   (run from the repository root by up.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${SPINE_NATS_PORT:-4223}"
# Its monitoring port: `spine tools ...` reads /varz to know when a users reload is applied.
monitor_port="${SPINE_NATS_MONITOR_PORT:-8223}"
dir="$PWD/.spine/nats"
mkdir -p "$dir/data"
touch .spine/dev.env
add_env() { grep -q "^$1=" .spine/dev.env || echo "$1=$2" >> .spine/dev.env; }
for user in RELAY WORKER GATEWAY API OPERATOR; do
  # nats-server reads these as config tokens: a password starts with a letter.
  add_env "SPINE_NATS_${user}_PASSWORD" "p$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
done
add_env NATS_URL "nats://127.0.0.1:$port"
# The CLI (`pnpm spine`) connects as operator; each app gets its own user from up.sh.
add_env NATS_USER operator
add_env SPINE_NATS_USERS_FILE "$dir/users.conf"
add_env SPINE_NATS_PID_FILE "$dir/nats-server.pid"
add_env SPINE_NATS_MONITOR_URL "http://127.0.0.1:$monitor_port"
add_env SPINE_GATEWAY_STREAM EVENTS_GATEWAY

cp infra/nats/nats-server.conf "$dir/nats-server.conf"
# users.conf is rewritten by `spine tools sync|grant|revoke|rotate`; start from the committed one.
[ -f "$dir/users.conf" ] || cp infra/nats/users.conf "$dir/users.conf"

bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
[ -x "$bin" ] || { echo "nats-server is not installed: run \`sudo bash infra/scripts/services.sh\` (installs it with apt) or see README" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -f "$dir/nats-server.pid" ] && kill -0 "$(cat "$dir/nats-server.pid")" 2>/dev/null && port_open "$port"; then
  exit 0
fi
port_open "$port" && { echo "port $port is taken by another process: set SPINE_NATS_PORT" >&2; exit 1; }
port_open "$monitor_port" && { echo "port $monitor_port is taken by another process: set SPINE_NATS_MONITOR_PORT" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
. .spine/dev.env
set +a
SPINE_NATS_STORE_DIR="$dir/data" "$bin" -c "$dir/nats-server.conf" -a 127.0.0.1 -p "$port" -m "$monitor_port" -P "$dir/nats-server.pid" -l "$dir/nats-server.log" </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 60); do port_open "$port" && break; sleep 0.25; done
port_open "$port" || { echo "nats-server did not start; see $dir/nats-server.log" >&2; kill "$pid" 2>/dev/null; exit 1; }
echo "$pid"
