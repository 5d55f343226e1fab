#!/usr/bin/env bash
# Makes sure a Redis server is there for the tests of rate limits shared across nodes and exports
# PARLEY_TEST_REDIS_URL. Source it: `. scripts/ensure-redis.sh` (.ci/run does; npm test runs it
# when the variable is unset). Like ensure-postgres.sh:
#   1. PARLEY_TEST_REDIS_URL already set: use it.
#   2. A server answers PING on 127.0.0.1:6379: use it.
#   3. Otherwise install Debian's redis-server if needed and start one on 127.0.0.1:6379,
#      daemonized, without persistence (the tests' keys expire by themselves), and use that.

ensure_redis_log() { echo "ensure-redis: $*" >&2; }

ensure_redis_probe() {
  # PING with the client the app uses; exits non-zero if the URL does not answer.
  node -e '
    const { Redis } = require("ioredis");
    const r = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => {});
    r.connect().then(() => r.ping()).then(() => { r.disconnect(); process.exit(0); }, () => process.exit(1));
  ' "$1" 2>/dev/null
}

ensure_redis_main() {
  if [ -n "${PARLEY_TEST_REDIS_URL:-}" ]; then
    ensure_redis_log "using PARLEY_TEST_REDIS_URL from the environment"
    return 0
  fi
  local url="redis://127.0.0.1:6379"
  if ensure_redis_probe "$url"; then
    export PARLEY_TEST_REDIS_URL="$url"
    ensure_redis_log "Redis answers at $url"
    return 0
  fi

  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! command -v redis-server >/dev/null 2>&1; then
    ensure_redis_log "installing redis-server from Debian's packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    ensure_redis_log "could not install redis-server; the Redis tests will fail"
    return 1
  fi
  ensure_redis_log "starting redis-server on 127.0.0.1:6379"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
    --logfile "${TMPDIR:-/tmp}/parley-test-redis.log" --dir "${TMPDIR:-/tmp}" >/dev/null
  for _ in $(seq 1 30); do
    if ensure_redis_probe "$url"; then
      export PARLEY_TEST_REDIS_URL="$url"
      ensure_redis_log "Redis is ready"
      return 0
    fi
    sleep 1
  done
  ensure_redis_log "could not reach Redis on 127.0.0.1:6379 after starting it"
  return 1
}

ensure_redis_main
