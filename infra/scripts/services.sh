#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and NATS with JetStream (127.0.0.1:4222) are reachable.
# Starts locally installed services when they are down; falls back to docker compose.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting local PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  elif command -v docker >/dev/null 2>&1; then
    docker compose -f "$here/../compose.yaml" up -d postgres
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and cannot be started here" >&2; exit 1
  fi
  wait_port 5432 || { echo "PostgreSQL did not come up" >&2; exit 1; }
fi
# A locally installed PostgreSQL needs pgvector built for it (the compose image ships with it).
if [ -d /etc/postgresql ]; then bash "$here/pgvector.sh"; fi

if ! port_open 4222; then
  if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then
    echo "starting local nats-server with JetStream"
    bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
    mkdir -p /var/lib/nats-server
    if command -v start-stop-daemon >/dev/null 2>&1; then
      start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    else
      nohup "$bin" -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server >/tmp/nats-server.log 2>&1 &
    fi
  elif command -v docker >/dev/null 2>&1; then
    docker compose -f "$here/../compose.yaml" up -d nats
  else
    echo "NATS is not running on 127.0.0.1:4222 and cannot be started here" >&2; exit 1
  fi
  wait_port 4222 || { echo "NATS did not come up" >&2; exit 1; }
fi
echo "services: PostgreSQL 127.0.0.1:5432, NATS 127.0.0.1:4222 — up"
