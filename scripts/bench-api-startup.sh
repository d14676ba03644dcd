#!/usr/bin/env bash
# The forge3d-api image's runtime, built here the way docker/api.Dockerfile builds it (no Docker needed), checked and
# timed: the API jar extracted in Spring Boot's layers, the jlink'd runtime (docker/jlink-runtime.sh), the JVM AOT
# cache from a training run (docker/api-aot-training.sh), all started through the image's entry point
# (docker/forge3d). Then, against one PostgreSQL (started here, from PostgreSQL's Debian/Ubuntu package):
#   - the API on the jlink'd runtime with the cache serves requests (create a job, read it back);
#   - start-up time, launch to /actuator/health/readiness = 200, RUNS each, interleaved (one untimed start first
#     applies the migrations): the image's way (jlink'd runtime + AOT cache); the jlink'd runtime without the cache
#     (FORGE3D_AOT_CACHE=0, which has no class-data sharing at all); the full JDK with its default CDS archive and no
#     AOT cache (what the image was before).
#   scripts/bench-api-startup.sh [runs=5] [port=18282]
# Needs: the API jar (built if missing), PostgreSQL's server binaries (apt-get install postgresql), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
source scripts/java-env.sh
RUNS="${1:-5}"
PORT="${2:-18282}"
PG_PORT="${PG_PORT:-54392}"
JAR="$ROOT/api-service/target/forge3d-api-exec.jar"
W="$ROOT/api-service/target/image"
[ -f "$JAR" ] || "$MVN" -q -B -pl api-service -am -DskipTests package
pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL's server binaries are needed (apt-get install postgresql)" >&2; exit 1; }

if [ ! -f "$W/stamp" ] || [ "$JAR" -nt "$W/stamp" ]; then
  rm -rf "$W"
  mkdir -p "$W/app"
  "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$JAR" extract --layers --destination "$W/layers"
  # The image's four COPY instructions, in order, into one directory.
  for layer in dependencies spring-boot-loader snapshot-dependencies application; do cp -a "$W/layers/$layer/." "$W/app/"; done
  sh docker/jlink-runtime.sh "$W/app" "$W/runtime"
  echo "training run of the AOT cache ..." >&2
  PATH="$W/runtime/bin:$PATH" FORGE3D_APP_DIR="$W/app" FORGE3D_ENTRYPOINT="$ROOT/docker/forge3d" \
    sh docker/api-aot-training.sh "$W/app/api.aot" >"$W/training.log" 2>&1 \
    || { tail -20 "$W/training.log" >&2; exit 1; }
  touch "$W/stamp"
fi
echo "sizes: jlink'd runtime $(du -sb "$W/runtime" | cut -f1) bytes; full JDK ($JAVA_HOME) $(du -sb "$JAVA_HOME" | cut -f1) bytes;" \
  "application jars $(du -cb "$W/app/forge3d-api-exec.jar" "$W/app"/lib/*.jar | tail -n 1 | cut -f1) bytes;" \
  "AOT cache $(stat -c %s "$W/app/api.aot") bytes"

# One PostgreSQL for every start.
pg="$(mktemp -d /tmp/forge3d-api-bench-XXXXXX)"
chmod 755 "$pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir "$pg/db" "$pg/data"
[ "$(id -u)" = 0 ] && chown postgres "$pg/db"
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null || true
  as_pg "$pg_bin/pg_ctl" -D "$pg/db" -m fast -w stop >/dev/null 2>&1 || true
  [ -n "${KEEP_LOGS:-}" ] && echo "logs: $pg" >&2 || rm -rf "$pg"
}
trap cleanup EXIT
as_pg "$pg_bin/initdb" -D "$pg/db" -U forge3d --auth=trust -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg/db" -l "$pg/db/server.log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg/db" start >/dev/null

KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# Starts the API as the image does; MODE aot|nocache|jdk; sets $ready_ms (launch to readiness) and $api_pid.
start_api() {
  local mode="$1" log="$2" t0 t1 aot=1 java_bin="$W/runtime/bin"
  [ "$mode" = aot ] || aot=0
  [ "$mode" = jdk ] && java_bin="$JAVA_HOME/bin"
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is in use" >&2; exit 1; fi
  t0=$(date +%s%N)
  PATH="$java_bin:$PATH" FORGE3D_APP_DIR="$W/app" FORGE3D_AOT="$aot" FORGE3D_API_KEY="$KEY" \
    SPRING_DATASOURCE_USERNAME=forge3d SPRING_DATASOURCE_PASSWORD= \
    "$ROOT/docker/forge3d" serve --database-url "jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" --port "$PORT" \
    --data-dir "$pg/data" --no-worker >"$log" 2>&1 &
  api_pid=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$api_pid" 2>/dev/null || { echo "the API exited; see $log" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  ready_ms=$(( (t1 - t0) / 1000000 ))
}
stop_api() { kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=""; }

start_api aot "$pg/warm-up.log" # applies the migrations
# The cache is valid for this runtime, these jars and these options: with -XX:AOTMode=on the JVM refuses to start
# when it cannot use it (as it does, e.g., on the full JDK instead of the jlink'd runtime).
PATH="$W/runtime/bin:$PATH" FORGE3D_APP_DIR="$W/app" FORGE3D_JAVA_OPTS="-XX:AOTMode=on" "$ROOT/docker/forge3d" --version \
  >"$pg/aot-check.log" 2>&1 || { echo "the JVM could not use the AOT cache:" >&2; cat "$pg/aot-check.log" >&2; exit 1; }
echo "the AOT cache is usable by the jlink'd runtime (-XX:AOTMode=on started)"
job=$(curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"type":"text-to-3d","prompt":"a red cube"}' "http://127.0.0.1:$PORT/v1/jobs")
id=$(sed -n 's/.*"id" *: *"\([0-9a-f-]\{36\}\)".*/\1/p' <<<"$job")
state=$(curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/jobs/$id" | sed -n 's/.*"state" *: *"\([A-Z]*\)".*/\1/p')
[ "$state" = QUEUED ] || { echo "the API on the jlink'd runtime did not serve the job ($job -> state '$state')" >&2; exit 1; }
echo "served on the jlink'd runtime with the AOT cache: POST /v1/jobs -> $id, GET -> $state"
stop_api

aot=(); nocache=(); jdk=()
for i in $(seq 1 "$RUNS"); do
  for mode in aot nocache jdk; do
    start_api "$mode" "$pg/run-$i-$mode.log"
    stop_api
    eval "$mode+=(\"\$ready_ms\")"
    echo "run $i, $mode: ready in $ready_ms ms (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
summary() {
  printf '%s\n' "${@:2}" | sort -n | awk -v name="$1" '{ v[NR] = $1; s += $1; q += $1 * $1 } END {
    m = s / NR; sd = sqrt((q - NR * m * m) / (NR > 1 ? NR - 1 : 1));
    med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
    printf "%s: n=%d median %d ms, mean %.0f ms, sd %.0f ms, min %d ms, max %d ms\n", name, NR, med, m, sd, v[1], v[NR] }'
}
summary "jlink'd runtime + AOT cache (the image)       " "${aot[@]}"
summary "jlink'd runtime, no cache (FORGE3D_AOT_CACHE=0)" "${nocache[@]}"
summary "full JDK, default CDS, no AOT cache            " "${jdk[@]}"
