#!/usr/bin/env bash
# Starts or stops a throwaway local PostgreSQL server for the tests.
#   pg-server.sh start DIR   initdb into DIR, start on a free loopback port,
#                            write the admin DSN to DIR/dsn
#   pg-server.sh stop DIR    stop it and remove DIR
# PostgreSQL refuses to run as root, so as root the server runs as `postgres`.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  "$0" stop "$dir" >/dev/null 2>&1 || true
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U bourse --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log"
  # A free port below the ephemeral range (an outgoing connection can hold a port
  # there without listening on it); retried because another process may take it.
  for attempt in 1 2 3 4 5; do
    while :; do
      port=$((20000 + RANDOM % 12000))
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
      break
    fi
    [[ $attempt == 5 ]] && { cat "$dir/server.log" >&2; exit 1; }
  done
  echo "host=127.0.0.1 port=$port user=bourse dbname=postgres" >"$dir/dsn"
  echo "PostgreSQL running on 127.0.0.1:$port ($dir)"
  ;;
stop)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
