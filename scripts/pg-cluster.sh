#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (and benchmarks): sourced by scripts/test.sh, or
# run alone as `scripts/pg-cluster.sh start|stop DIR`.
#
# `pg_cluster_start` installs Debian's postgresql package when initdb/pg_ctl are missing,
# runs initdb in a fresh temporary directory (as the `postgres` user when run as root, since
# the server refuses root; as the caller otherwise), starts the server on a Unix socket in that
# directory and a free loopback port with trust authentication, and exports
#   DELAR_TEST_PG   postgres://postgres@127.0.0.1:PORT/postgres (the tests create databases)
#   DELAR_PG_DIR    the cluster's directory (pg_cluster_stop removes it)
# `pg_cluster_stop` stops the server and removes the directory; test.sh calls it from a trap.
# With DELAR_TEST_PG already set (a server of your own), nothing is started.

pg_cluster_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pg_cluster_install() {
  if pg_cluster_bin >/dev/null; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL saknas och apt-get finns inte: installera postgresql (initdb, pg_ctl)" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  echo "installerar PostgreSQL (Debians paket postgresql) för testerna" >&2
  $sudo apt-get update -qq
  # The package's own cluster is not needed; the tests start their own.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_cluster_bin >/dev/null
}

# A free TCP port on the loopback interface.
pg_cluster_port() {
  local p
  for p in $(seq 54320 54420); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

pg_cluster_start() {
  if [ -n "${DELAR_TEST_PG:-}" ]; then
    echo "PostgreSQL: använder DELAR_TEST_PG (ingen egen testserver startas)" >&2
    return 0
  fi
  pg_cluster_install || return 1
  local bin dir port as=()
  bin="$(pg_cluster_bin)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/delar-pg.XXXXXX")"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-locale -E UTF8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  port="$(pg_cluster_port)" || { echo "ingen ledig port för PostgreSQL" >&2; return 1; }
  # Durability is not tested here: fsync off makes creating a database per test cheap.
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  export DELAR_PG_DIR="$dir"
  export DELAR_PG_BIN="$bin"
  export DELAR_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL: testserver på 127.0.0.1:$port ($dir)" >&2
}

pg_cluster_stop() {
  local dir="${1:-${DELAR_PG_DIR:-}}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  local bin as=()
  bin="${DELAR_PG_BIN:-$(pg_cluster_bin)}"
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start) pg_cluster_start; echo "export DELAR_TEST_PG=$DELAR_TEST_PG DELAR_PG_DIR=$DELAR_PG_DIR" ;;
    stop) pg_cluster_stop "${2:-}" ;;
    *) echo "användning: $0 start | stop KATALOG" >&2; exit 2 ;;
  esac
fi
