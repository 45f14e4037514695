#!/usr/bin/env bash
# Local services for the integration tests, on loopback only.
#   scripts/services.sh install   apt-get install what is missing (CI; needs root)
#   scripts/services.sh start     start them (idempotent); prints the env the tests read
#   scripts/services.sh stop
# Tests read ZENOO_REDIS_URL and ZENOO_PG_URL; they skip with a visible message when a service
# is absent, except under CI=true, where an absent service fails the run.
set -euo pipefail
REDIS_PORT="${ZENOO_REDIS_PORT:-6390}"
PG_PORT="${ZENOO_PG_PORT:-5439}"
STATE="${ZENOO_SERVICES_DIR:-/tmp/zenoo-retry-services}"

need_pkgs() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  echo "${missing[@]:-}"
}

case "${1:-}" in
  install)
    pkgs="$(need_pkgs)"
    if [ -n "${pkgs// /}" ]; then
      echo "== apt-get install $pkgs"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      # shellcheck disable=SC2086
      apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
    fi
    ;;
  start)
    mkdir -p "$STATE"
    if command -v redis-server >/dev/null 2>&1; then
      if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
          --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log"
        for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
      fi
      redis-cli -p "$REDIS_PORT" ping >/dev/null && echo "== redis on 127.0.0.1:$REDIS_PORT"
    fi
    INITDB=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
    if [ -n "$INITDB" ]; then
      BIN=$(dirname "$INITDB")
      DATA="$STATE/pg"
      RUNAS=()
      if [ "$(id -u)" = "0" ]; then RUNAS=(runuser -u postgres --); chown -R postgres "$STATE" 2>/dev/null || true; fi
      if [ ! -f "$DATA/PG_VERSION" ]; then
        mkdir -p "$DATA"; [ "$(id -u)" = "0" ] && chown postgres "$DATA"
        "${RUNAS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust >/dev/null
      fi
      if ! "${RUNAS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        "${RUNAS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$STATE/pg.log" -w -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
      fi
      echo "== postgresql on 127.0.0.1:$PG_PORT"
    fi
    ;;
  stop)
    [ -f "$STATE/redis.pid" ] && kill "$(cat "$STATE/redis.pid")" 2>/dev/null || true
    INITDB=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)
    if [ -n "$INITDB" ] && [ -d "$STATE/pg" ]; then
      RUNAS=(); [ "$(id -u)" = "0" ] && RUNAS=(runuser -u postgres --)
      "${RUNAS[@]}" "$(dirname "$INITDB")/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
