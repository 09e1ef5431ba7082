#!/usr/bin/env bash
# The test command of the README: unit tests once, then the integration suite on the embedded
# database (PGlite) and on PostgreSQL 15 (TEST_POSTGRES_URL, default 127.0.0.1:5432). Ends with
# one summary line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
out=test-results/vitest
mkdir -p "$out"
rm -f "$out"/*.json
status=0
run() {
  local name=$1; shift
  echo "== $name"
  "$@" --reporter=default --reporter=json --outputFile="$out/$name.json" || status=1
}
run unit npx vitest run tests/unit
TEST_DATABASE=pglite run integration-pglite npx vitest run tests/integration
TEST_DATABASE=postgres run integration-postgres npx vitest run tests/integration
node -e '
const fs = require("fs"); let p = 0, f = 0, s = 0;
for (const file of fs.readdirSync(process.argv[1])) {
  const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
  p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + (r.numTodoTests || 0);
  if (r.numTotalTestSuites > 0 && r.numTotalTests === 0) f += 1;
}
console.log(`${p} passed, ${f} failed, ${s} skipped`);
' "$out"
exit $status
