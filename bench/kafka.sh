#!/usr/bin/env bash
# A single-node KRaft Kafka for the benchmarks: one process that is broker and controller, on the
# loopback only, port 19092 (controller 19093), data in target/bench-kafka. Started from the Maven
# artifact org.apache.kafka:kafka_2.13 (KAFKA_VERSION, default 4.2.1, the project's kafka-clients
# version), whose classpath Maven builds from bench/kafka/pom.xml — offline when it is in
# ~/.m2 already, nothing else is downloaded.
# Usage: bash bench/kafka.sh start|stop|status|check
#   check: produces a message with kafka-clients and reads it back (bench/kafka/KafkaCheck.java).
# KAFKA_PORT=, KAFKA_HEAP= (default 512m), MVN_OFFLINE=0 to let Maven fetch what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/bench-kafka"
port="${KAFKA_PORT:-19092}"; controller=$((port + 1))
version="${KAFKA_VERSION:-4.2.1}"
pidfile="$root/kafka.pid"; log="$root/kafka.log"; cp_file="$root/classpath-$version.txt"

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

classpath() {
  if [[ ! -s "$cp_file" ]]; then
    mkdir -p "$root"
    offline=-o; [[ "${MVN_OFFLINE:-1}" == 0 ]] && offline=
    mvn -B -q $offline -f bench/kafka/pom.xml -Dkafka.version="$version" \
      org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.outputFile="$cp_file" >&2
  fi
  cat "$cp_file"
}

case "${1:-status}" in
  start)
    if running; then echo "kafka already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; exit 0; fi
    cp="$(classpath)"
    mkdir -p "$root/data"
    cat > "$root/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller
log.dirs=$root/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    java=(java -Xms128m -Xmx"${KAFKA_HEAP:-512m}" -Dorg.slf4j.simpleLogger.defaultLogLevel=info
          -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$cp")
    if [[ ! -f "$root/data/meta.properties" ]]; then
      cluster_id="$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
      "${java[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$root/server.properties" >>"$log" 2>&1
      echo "formatted $root/data (cluster id $cluster_id)"
    fi
    nohup "${java[@]}" kafka.Kafka "$root/server.properties" >>"$log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 240); do
      if answers; then echo "kafka $version up (pid $(cat "$pidfile")) on 127.0.0.1:$port, log $log"; exit 0; fi
      if ! running; then echo "kafka stopped while starting; see $log" >&2; tail -20 "$log" >&2; exit 1; fi
      sleep 0.5
    done
    echo "kafka did not answer on port $port in 2 minutes; see $log" >&2; exit 1 ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"; kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "kafka stopped (pid $pid)"
    else
      echo "kafka not running"
    fi
    rm -f "$pidfile" ;;
  status)
    if running && answers; then echo "kafka running (pid $(cat "$pidfile")) on 127.0.0.1:$port"
    elif running; then echo "kafka starting or stuck (pid $(cat "$pidfile")), port $port not answering"; exit 1
    else echo "kafka not running"; exit 3; fi ;;
  check)
    java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(classpath)" bench/kafka/KafkaCheck.java "127.0.0.1:$port" ;;
  *) echo "usage: $0 start|stop|status|check" >&2; exit 2 ;;
esac
