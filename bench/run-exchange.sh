#!/usr/bin/env bash
# Exchange benchmark: intake to durable outbox and to delivered (one webhook, one mailbox demander), on the PostgreSQL server at 127.0.0.1:5432 (fsync on).
# Usage: bash bench/run-exchange.sh [BATCH|RECORD] [batches] [batch size]
# WARMUP_BATCHES=n (default 40) batches are sent and drained first, not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-BATCH}"; batches="${2:-60}"; size="${3:-1000}"
psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists tongban_bench with (force)"
psql -h 127.0.0.1 -U postgres -d postgres -q -c "create database tongban_bench"
psql -h 127.0.0.1 -U postgres -d postgres -tAc "show fsync" | sed 's/^/PostgreSQL fsync: /'
mvn -B -q test-compile -DskipTests -Dspotless.check.skip=true
mvn -B -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.ExchangeLoad -Dexec.classpathScope=test \
  -Dbench.signing="$mode" -Dbench.batches="$batches" -Dbench.batchSize="$size" -Dbench.warmupBatches="${WARMUP_BATCHES:-40}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban
