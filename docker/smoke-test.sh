#!/usr/bin/env bash
# Smoke test of the image on a Docker engine: builds it (unless SKIP_BUILD=1), starts one API and
# one worker container on the host's network against a PostgreSQL and a Redis the host runs, and
# checks what a deployment relies on:
#   - both programs run as the unprivileged `node` user;
#   - the API answers /health/live and /health/ready, the worker its /metrics;
#   - a command goes through (customer, trained lead, incident opened, first response) and the
#     worker projects it into the read model (`GET /incidents` on the API, which runs no worker);
#   - `docker stop` (SIGTERM) ends both within 10 s with exit code 0.
# Usage, from the repository root:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 \
#     bash docker/smoke-test.sh
# It creates a database of its own on that server (and drops it after) and a Redis queue prefix of
# its own (its keys are deleted after when redis-cli is installed). Needs docker, curl, openssl
# and psql.
set -euo pipefail

IMAGE="${ENGINE_IMAGE:-incident-engine:smoke}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
API_PORT="${SMOKE_API_PORT:-3990}"
WORKER_METRICS_PORT="${SMOKE_METRICS_PORT:-9490}"
RUN="smoke$(date +%s)"
DB="engine_${RUN}"
DB_URL="${DATABASE_URL%/*}/${DB}"
SECRET="$(openssl rand -hex 32)"
API="http://127.0.0.1:${API_PORT}"

for tool in docker curl openssl psql; do
  command -v "$tool" >/dev/null || { echo "smoke-test: needs $tool on PATH" >&2; exit 2; }
done

fail() { echo "smoke-test: FAILED: $*" >&2; exit 1; }
step() { echo "smoke-test: $*"; }

cleanup() {
  docker rm -f "${RUN}-api" "${RUN}-worker" >/dev/null 2>&1 || true
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS ${DB}" >/dev/null 2>&1 || true
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$REDIS_URL" --scan --pattern "${RUN}-*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "building ${IMAGE}"
  docker build -f docker/Dockerfile -t "$IMAGE" . >/dev/null
fi
psql "$DATABASE_URL" -qc "CREATE DATABASE ${DB}" >/dev/null

engine_env=(
  -e EVENT_STORE=postgres -e READ_STORE=postgres -e "DATABASE_URL=${DB_URL}"
  -e "REDIS_URL=${REDIS_URL}" -e "TIMERS_QUEUE_PREFIX=${RUN}-timers"
  -e "WEBHOOK_QUEUE_PREFIX=${RUN}-webhooks" -e "INTAKE_QUEUE_PREFIX=${RUN}-intake"
  -e "AUTH_JWT_SECRET=${SECRET}" -e "WEBHOOK_SECRET_KEY=$(openssl rand -base64 32)"
  -e LOG_LEVEL=warn
)
docker run -d --name "${RUN}-api" --network host "${engine_env[@]}" \
  -e "PORT=${API_PORT}" -e RUN_WORKER=false "$IMAGE" >/dev/null
docker run -d --name "${RUN}-worker" --network host "${engine_env[@]}" \
  -e "WORKER_METRICS_PORT=${WORKER_METRICS_PORT}" "$IMAGE" \
  node dist/apps/worker/apps/worker/src/main.js >/dev/null

for container in api worker; do
  user="$(docker exec "${RUN}-${container}" id -un)"
  [ "$user" = node ] || fail "the ${container} runs as ${user}, not node"
done
step "both containers run as node"

ready=''
for _ in $(seq 1 60); do
  if curl -fs "${API}/health/ready" >/dev/null && curl -fs "http://127.0.0.1:${WORKER_METRICS_PORT}/metrics" >/dev/null; then
    ready=yes
    break
  fi
  sleep 1
done
[ -n "$ready" ] || fail "API or worker not ready within 60 s: $(docker logs "${RUN}-api" 2>&1 | tail -5)"
curl -fs "${API}/health/live" >/dev/null || fail "/health/live"
step "API ready, worker metrics answer"

# An HS256 bearer token, as the identity provider would issue it.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() { # role sub [org]
  local now header payload signature
  now="$(date +%s)"
  header="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)"
  payload="$(printf '{"role":"%s","sub":"%s"%s,"iat":%s,"exp":%s}' "$1" "$2" "${3:+,\"org\":\"$3\"}" "$now" "$((now + 600))" | b64url)"
  signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)"
  printf '%s.%s.%s' "$header" "$payload" "$signature"
}
call() { # method path token [json] -> body on stdout; fails on a status >= 400
  curl -fsS -X "$1" "${API}$2" -H "authorization: Bearer $3" -H 'content-type: application/json' \
    ${4:+--data "$4"}
}
field() { # name, from JSON on stdin (string or number)
  sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1
}

ADMIN="$(token admin admin-1)"
ENGINEER="$(token engineer engineer-1)"
LEAD="$(token customer-lead acme-lead acme)"
call POST /customers "$ADMIN" '{"id":"acme","name":"Acme Corp","plan":"enhanced","hosts":100}' >/dev/null
call POST /customers/acme/leads "$ADMIN" '{"userId":"acme-lead","name":"Ada Lead","email":"ada@example.com"}' >/dev/null
call POST /customers/acme/leads/acme-lead/training "$ADMIN" >/dev/null
opened="$(call POST /incidents "$LEAD" '{"severity":2,"category":"nginx","title":"502s","description":"Every request returns 502."}')"
id="$(field id <<<"$opened")"
[ -n "$id" ] || fail "no incident id in ${opened}"
responded="$(call POST "/incidents/${id}/responses" "$ENGINEER" '{"message":"Looking into it."}')"
[ "$(field status <<<"$responded")" = in-progress ] || fail "first response: ${responded}"
step "incident ${id} opened and responded to through the API"

projected=''
for _ in $(seq 1 30); do
  if call GET /incidents "$ENGINEER" | grep -q "\"id\":\"${id}\".*\"respondedAt\":\"2"; then
    projected=yes
    break
  fi
  sleep 1
done
[ -n "$projected" ] || fail "the worker did not project the response within 30 s"
step "the worker projected it into the read model"

for container in api worker; do
  started="$(date +%s%N)"
  docker stop -t 15 "${RUN}-${container}" >/dev/null
  ms=$((($(date +%s%N) - started) / 1000000))
  code="$(docker inspect -f '{{.State.ExitCode}}' "${RUN}-${container}")"
  [ "$code" = 0 ] || fail "the ${container} exited with ${code} on SIGTERM"
  [ "$ms" -lt 10000 ] || fail "the ${container} took ${ms} ms to stop"
  step "${container} stopped on SIGTERM in ${ms} ms, exit code 0"
done
step "passed"
