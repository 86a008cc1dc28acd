#!/usr/bin/env bash
# `pnpm spine ...`: the operator CLI, with `npm start`'s .spine/dev.env for what the environment does not set.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -f .spine/dev.env ]; then
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    [ -n "${!key:-}" ] || export "$key=$value"
  done < .spine/dev.env
  # The operator's password for the CLI's NATS user.
  if [ "${NATS_USER:-}" = operator ] && [ -z "${NATS_PASSWORD:-}" ]; then export NATS_PASSWORD="${SPINE_NATS_OPERATOR_PASSWORD:-}"; fi
fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spine}"
exec pnpm --silent --filter @spine/worker exec tsx src/cli.ts "$@"
