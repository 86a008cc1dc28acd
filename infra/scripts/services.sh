#!/usr/bin/env bash
# Make sure PostgreSQL 15 (with pgvector) and nats-server (2.9, JetStream) are there and running.
#   PostgreSQL: 127.0.0.1:$SPINE_PG_PORT (5432). NATS: the machine's 127.0.0.1:$SPINE_NATS_CHECK_PORT
#   (4222, used by the tests); `npm start` runs its own nats-server with infra/nats's users beside it.
# Starts locally installed services when they are down. When one is not installed: with Docker, the
# compose file; as root on Debian/Ubuntu, apt-get installs it; otherwise it stops and prints the one
# command to run. SPINE_SETUP_INSTALL=never forbids installing (prints the command instead).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pg_port="${SPINE_PG_PORT:-5432}"
nats_port="${SPINE_NATS_CHECK_PORT:-4222}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }
can_install() { [ "${SPINE_SETUP_INSTALL:-auto}" != never ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
have_docker() { [ "${SPINE_SETUP_DOCKER:-auto}" != never ] && command -v docker >/dev/null 2>&1; }
# The one command that installs the missing packages (and what to run afterwards).
missing() {
  echo "$1 is not installed and this run cannot install it (needs root and apt-get). Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y $2 && sudo bash infra/scripts/services.sh" >&2
  exit 1
}
apt_install() {
  echo "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
# /usr/sbin is often not on a user's PATH; SPINE_SETUP_PATH_ONLY=1 (the set-up test) looks on PATH only.
nats_bin() { command -v nats-server || { [ -x /usr/sbin/nats-server ] && [ "${SPINE_SETUP_PATH_ONLY:-0}" != 1 ] && echo /usr/sbin/nats-server; } || true; }
pg_installed() { command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; }

if ! port_open "$pg_port"; then
  if ! pg_installed && ! have_docker; then
    if can_install; then apt_install postgresql-15 postgresql-contrib; else missing "PostgreSQL 15" "postgresql-15"; fi
  fi
  if pg_installed; then
    echo "starting local PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  else
    docker compose -f "$here/../compose.yaml" up -d postgres
  fi
  wait_port "$pg_port" || { echo "PostgreSQL did not come up on 127.0.0.1:$pg_port" >&2; exit 1; }
fi
# A locally installed PostgreSQL needs pgvector built for it (the compose image ships with it).
if [ -d /etc/postgresql ] && [ "$pg_port" = 5432 ]; then bash "$here/pgvector.sh"; fi

if ! port_open "$nats_port"; then
  if [ -z "$(nats_bin)" ] && ! have_docker; then
    if can_install; then apt_install nats-server; else missing "nats-server" "nats-server"; fi
    [ -n "$(nats_bin)" ] || { echo "apt-get did not install nats-server" >&2; exit 1; }
  fi
  bin="$(nats_bin)"
  if [ -n "$bin" ]; then
    echo "starting local nats-server with JetStream"
    mkdir -p /var/lib/nats-server
    if command -v start-stop-daemon >/dev/null 2>&1; then
      start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p "$nats_port" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    else
      nohup "$bin" -a 127.0.0.1 -p "$nats_port" -js -sd /var/lib/nats-server >/tmp/nats-server.log 2>&1 &
    fi
  else
    docker compose -f "$here/../compose.yaml" up -d nats
  fi
  wait_port "$nats_port" || { echo "NATS did not come up on 127.0.0.1:$nats_port" >&2; exit 1; }
fi
# The console's browser tests drive Debian's Chromium (apps/console); installed here so CI has it.
bash "$here/chromium.sh"
echo "services: PostgreSQL 127.0.0.1:$pg_port, NATS 127.0.0.1:$nats_port — up"
