#!/usr/bin/env bash
# Federation benchmark: records pushed at the Guangdong hub's intake to delivered in a Hunan
# demander's mailbox, across two hubs in one JVM, each on its own database on the PostgreSQL server
# at 127.0.0.1:5432 (fsync on).
# Usage: bash bench/run-federation.sh [batches] [batch size]
# WARMUP_BATCHES=n (default 20) batches are sent and delivered to Hunan first, not counted.
# DISPATCH_BATCH=n (default 2000) deliveries per pass of Guangdong's peer-delivery route (one RECORDS message).
set -euo pipefail
cd "$(dirname "$0")/.."
batches="${1:-20}"; size="${2:-1000}"
for db in tongban_bench_hn tongban_bench_gd; do
  psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists $db with (force)"
  psql -h 127.0.0.1 -U postgres -d postgres -q -c "create database $db"
done
psql -h 127.0.0.1 -U postgres -d postgres -tAc "show fsync" | sed 's/^/PostgreSQL fsync: /'
# Fresh databases, fresh hub keys: each hub's certificate is pinned by the other at registration.
rm -rf target/bench-fed-keys
mvn -B -q test-compile -DskipTests -Dspotless.check.skip=true
mvn -B -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.FederationLoad -Dexec.classpathScope=test \
  -Dbench.batches="$batches" -Dbench.batchSize="$size" -Dbench.warmupBatches="${WARMUP_BATCHES:-20}" \
  -Dbench.dispatchBatch="${DISPATCH_BATCH:-2000}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban
