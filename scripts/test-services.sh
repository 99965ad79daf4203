#!/usr/bin/env bash
# Install (from Debian's packages) and start what the test suite needs when it is absent:
# a private PostgreSQL server on loopback, and Chromium for the browser tests.
# Prints `export` lines for the test run; idempotent: a running server is reused.
set -euo pipefail

PGPORT="${LIFELINE_PG_PORT:-54329}"
PGDATA="${LIFELINE_PG_DATA:-/tmp/lifeline-test-pg}"
apt_ready=""

need_apt() {
  if [ -z "$apt_ready" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/tmp/lifeline-apt.log 2>&1 || true
    apt_ready=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >>/tmp/lifeline-apt.log 2>&1 \
    || { echo "apt-get install $* failed; see /tmp/lifeline-apt.log" >&2; tail -n 20 /tmp/lifeline-apt.log >&2; exit 1; }
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  need_apt postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

if [ ! -x /usr/bin/chromium ]; then
  need_apt chromium fonts-dejavu-core fonts-noto-core
fi
for tool in pdftoppm; do
  command -v "$tool" >/dev/null 2>&1 || need_apt poppler-utils
done

# PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system postgres; fi

if ! as_pg "$pg_bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    rm -rf "$PGDATA"; mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
    as_pg "$pg_bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$pg_bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
fi
"$pg_bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lifeline_test'" | grep -q 1 \
  || "$pg_bin/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres lifeline_test

echo "export LIFELINE_TEST_PG=postgresql://postgres@127.0.0.1:$PGPORT/lifeline_test"
echo "export LIFELINE_CHROMIUM=/usr/bin/chromium"
