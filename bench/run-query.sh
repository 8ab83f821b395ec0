#!/usr/bin/env bash
# Synchronous-query benchmark: hub overhead at a fixed request rate against a 1 ms supplier.
# Usage: bash bench/run-query.sh [requests per second] [seconds] [hold seconds]
# WARMUP=seconds (default 120) sets the warm-up; HUB_JVM="..." passes options to the hub's JVM.
# With a hold time the hub is only set up and kept running: drive it with an outside tool, e.g.
#   wrk -t2 -c8 -d15s --latency -s target/query-request.lua <the URL printed after HOLD>
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${1:-500}"; seconds="${2:-20}"; hold="${3:-0}"
psql -h 127.0.0.1 -U postgres -d postgres -q -c "drop database if exists tongban_bench with (force)"
psql -h 127.0.0.1 -U postgres -d postgres -q -c "create database tongban_bench"
# The hub runs as its own process from the packaged jar, built here from the current tree.
mvn -B -q package -DskipTests -DskipITs -DskipAcceptance=true -Dspotless.check.skip=true
mvn -B -q -Dspotless.check.skip=true exec:java -Dexec.mainClass=cn.tongban.bench.QueryLoad -Dexec.classpathScope=test \
  -Dbench.rate="$rate" -Dbench.seconds="$seconds" -Dbench.hold="$hold" -Dbench.warmup="${WARMUP:-120}" -Dbench.hubJvm="${HUB_JVM:-}" -Dorg.apache.avro.SERIALIZABLE_PACKAGES=cn.tongban
