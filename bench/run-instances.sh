#!/usr/bin/env bash
# Exchange benchmark against N hub instances sharing one PostgreSQL (127.0.0.1:5432, fsync on):
# each instance its own JVM (java -jar target/tongban-hub.jar), same database, keys and lease
# namespace; run-exchange.sh's workload (webhook + mailbox demander, 1,000-record batches from
# three senders) with batch i sent to instance i mod N; then, with N ≥ 2, the failover time when
# the lease holder is killed (SIGKILL). Database tongban_bench_inst, dropped afterwards.
# Usage: bash bench/run-instances.sh [instances=1|2] [batches] [batch size]
# WARMUP_BATCHES=n (default 40); SKIP_BUILD=1 reuses the jar and test classes built before;
# LEASE=, RENEW= (e.g. 3s, 500ms) replace config/application.yaml's 10 s / 2 s lease;
# HUB_JVM="..." options for every hub JVM, {i} = its number (e.g. a JFR recording each).
# TRANSPORT=kafka: the Kafka transport (ADR 0020) on bench/kafka.sh's broker (started if it is not
# running, a fresh intake topic each run); KAFKA_PARTITIONS= (default 4), KAFKA_CONSUMERS= per instance (2).
set -euo pipefail
cd "$(dirname "$0")/.."
instances="${1:-2}"; batches="${2:-60}"; size="${3:-1000}"
db=tongban_bench_inst
psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists $db with (force)"
psql -h 127.0.0.1 -U postgres -d postgres -q -c "create database $db"
psql -h 127.0.0.1 -U postgres -d postgres -tAc "show fsync" | sed 's/^/PostgreSQL fsync: /'
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # package compiles the test sources (bench/java among them) too.
  mvn -B -o -q package -DskipTests -DskipITs -DskipAcceptance=true -Dspotless.check.skip=true
fi
kafka=""; topic=""
if [[ "${TRANSPORT:-in-process}" == kafka ]]; then
  bash bench/kafka.sh status >/dev/null 2>&1 || bash bench/kafka.sh start
  kafka="127.0.0.1:${KAFKA_PORT:-19092}"; topic="tongban.bench.$(date +%s)"
  echo "transport: Kafka, broker $kafka, intake topic $topic"
fi
status=0
mvn -B -o -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.ClusterLoad -Dexec.classpathScope=test \
  -Dbench.db="jdbc:postgresql://127.0.0.1:5432/$db" -Dbench.instances="$instances" \
  -Dbench.batches="$batches" -Dbench.batchSize="$size" -Dbench.warmupBatches="${WARMUP_BATCHES:-40}" \
  -Dbench.lease="${LEASE:-}" -Dbench.renew="${RENEW:-}" -Dbench.hubJvm="${HUB_JVM:-}" \
  -Dbench.kafka="$kafka" -Dbench.kafkaTopic="$topic" -Dbench.kafkaPartitions="${KAFKA_PARTITIONS:-4}" \
  -Dbench.kafkaConsumers="${KAFKA_CONSUMERS:-2}" \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban || status=$?
psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists $db with (force)"
exit $status
