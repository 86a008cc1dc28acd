#!/usr/bin/env bash
# Ensure the pinned pnpm and the locked dependencies are installed. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "12.4.2" ]; then
  echo "installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
