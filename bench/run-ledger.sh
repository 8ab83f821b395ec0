#!/usr/bin/env bash
# Audit-ledger benchmarks. Usage:
#   bash bench/run-ledger.sh verify [events]   # offline verification of a synthetic bundle (default 1,000,000 events)
#   bash bench/run-ledger.sh search [events] [keep]   # person search over a ledger of N events (default 10,000,000);
#                                                     # "keep" reuses the bench database filled by an earlier run
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-verify}"
mvn -B -q test-compile -DskipTests -Dspotless.check.skip=true
if [ "$what" = verify ]; then
  events="${2:-1000000}"
  # The verifier is the packaged jar, built here from the current tree.
  mvn -B -q package -DskipTests -DskipITs -DskipAcceptance=true -Dspotless.check.skip=true
  mvn -B -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.LedgerLoad -Dexec.classpathScope=test \
    -Dexec.args="bundle target/bench/bundle-$events.zip $events"
  java -jar target/tongban-hub.jar verify "target/bench/bundle-$events.zip"
else
  events="${2:-10000000}"
  if [ "${3:-}" != keep ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists tongban_bench with (force)"
    psql -h 127.0.0.1 -U postgres -d postgres -q -c "create database tongban_bench"
  fi
  mvn -B -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.LedgerLoad -Dexec.classpathScope=test \
    -Dexec.args="search $events" -Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban
fi
