#!/usr/bin/env bash
# Makes sure a PostgreSQL server is there for the test suite's PostgreSQL pass and exports
# PARLEY_TEST_DATABASE_URL. Source it: `. scripts/ensure-postgres.sh`.
#   1. PARLEY_TEST_DATABASE_URL already set: use it.
#   2. A server answers on 127.0.0.1:5432 as user postgres (database test): use it.
#   3. Otherwise install PostgreSQL from Debian's packages if needed, start the cluster,
#      give user postgres a password, create database test, and use that.

ensure_postgres_log() { echo "ensure-postgres: $*" >&2; }

ensure_postgres_probe() {
  # Connects with the same driver the tests use; exits non-zero if the URL does not work.
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query("select 1")).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  ' "$1" 2>/dev/null
}

ensure_postgres_main() {
  if [ -n "${PARLEY_TEST_DATABASE_URL:-}" ]; then
    ensure_postgres_log "using PARLEY_TEST_DATABASE_URL from the environment"
    return 0
  fi
  local trust_url="postgres://postgres@127.0.0.1:5432/test"
  local password_url="postgres://postgres:parley@127.0.0.1:5432/test"
  for url in "$trust_url" "$password_url"; do
    if ensure_postgres_probe "$url"; then
      export PARLEY_TEST_DATABASE_URL="$url"
      ensure_postgres_log "PostgreSQL answers at ${url/:parley@/:***@}"
      return 0
    fi
  done

  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    ensure_postgres_log "installing PostgreSQL from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  ensure_postgres_log "starting PostgreSQL $version"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || $sudo pg_ctlcluster "$version" main start || true
  for _ in $(seq 1 30); do
    $sudo -u postgres psql -qAtc 'select 1' >/dev/null 2>&1 && break
    sleep 1
  done
  $sudo -u postgres psql -qc "alter user postgres password 'parley'" >/dev/null
  $sudo -u postgres psql -qAtc "select 1 from pg_database where datname = 'test'" | grep -q 1 \
    || $sudo -u postgres createdb test
  if ensure_postgres_probe "$password_url"; then
    export PARLEY_TEST_DATABASE_URL="$password_url"
    ensure_postgres_log "PostgreSQL is ready"
    return 0
  fi
  ensure_postgres_log "could not reach PostgreSQL on 127.0.0.1:5432 after starting it"
  return 1
}

ensure_postgres_main
