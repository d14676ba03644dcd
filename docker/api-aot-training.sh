#!/bin/sh
# The training run of the forge3d-api image's JVM AOT cache (JEP 483/514/515): starts a throw-away PostgreSQL, starts
# the API through the image's own entry point (same runtime, same jars, same JVM options as every later start) with
# -XX:AOTCacheOutput, lets it answer the calls clients and workers make most (`serve --exit-when-ready`: jobs
# created, listed, leased, heartbeated, completed), and stops; the JVM writes the cache as it exits.
#   docker/api-aot-training.sh OUTPUT.aot
# PG_BIN: PostgreSQL's bin directory (default: the newest /usr/lib/postgresql/*/bin); PG_PORT (default 54329);
# FORGE3D_ENTRYPOINT (default /usr/local/bin/forge3d). As root, PostgreSQL runs as the user `postgres`.
set -eu
out="$1"
pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}"
port="${PG_PORT:-54329}"
entry="${FORGE3D_ENTRYPOINT:-/usr/local/bin/forge3d}"
work="$(mktemp -d)"
chmod 755 "$work"
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir "$work/pg" "$work/data"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
stop() {
  as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
as_pg "$pg_bin/initdb" -D "$work/pg" -U forge3d --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/pg -c fsync=off" start >/dev/null
rm -f "$out"
env FORGE3D_AOT=0 SPRING_DATASOURCE_USERNAME=forge3d SPRING_DATASOURCE_PASSWORD= \
  FORGE3D_JAVA_OPTS="${FORGE3D_JAVA_OPTS:-} -XX:AOTCacheOutput=$out" \
  "$entry" serve --database-url "jdbc:postgresql://127.0.0.1:$port/postgres" --port 0 --data-dir "$work/data" \
  --no-worker --exit-when-ready
[ -s "$out" ] || { echo "api-aot-training: no cache written to $out" >&2; exit 1; }
echo "api-aot-training: $(du -h "$out" | cut -f1) in $out" >&2
