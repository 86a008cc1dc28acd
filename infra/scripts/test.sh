#!/usr/bin/env bash
# The full test suite: services up, typecheck, lint, every package's tests against the real
# PostgreSQL and NATS, then one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
bash infra/scripts/bootstrap.sh || { echo "0 passed, 1 failed"; exit 1; }
bash infra/scripts/services.sh || { echo "0 passed, 1 failed"; exit 1; }
rm -rf apps/*/.reports packages/*/.reports

status=0
npx turbo run typecheck --continue --output-logs=errors-only || { echo "typecheck failed"; status=1; }
npx turbo run lint --continue --output-logs=errors-only || { echo "lint failed"; status=1; }
npx turbo run test --concurrency=1 --continue -- --reporter=default --reporter=json --outputFile=.reports/vitest.json || status=1
node infra/scripts/summarize-tests.mjs || status=1
exit $status
