#!/usr/bin/env bash
# @description Start: promotes this PostgreSQL streaming replica with pg_promote() and waits for the promotion; an already promoted server is success (alreadyPromoted true). Prints one JSON line with its timeline and WAL position.
# @timeout 120
# @param Host default=/var/run/postgresql pattern=^[A-Za-z0-9_./:-]{1,255}$ Where psql connects: a Unix socket directory or a host name or address.
# @param Port default=5432 pattern=^[0-9]{1,5}$ The port the server listens on.
# @param Database default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database to connect to.
# @param DbUser default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database role to connect as (a superuser, or one granted EXECUTE on pg_promote).
# @param OsUser default=postgres pattern=^[a-z_][a-z0-9_-]{0,31}$ The operating-system user psql runs as when the command runs as root (peer authentication on the socket).
# @param WaitSeconds default=60 pattern=^[0-9]{1,3}$ How long pg_promote waits for the promotion to finish; when it has not finished the facts say promoted false and the check step keeps polling.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
HOST='{{ Host }}'
PORT='{{ Port }}'
DATABASE='{{ Database }}'
DB_USER='{{ DbUser }}'
OS_USER='{{ OsUser }}'
WAIT_SECONDS='{{ WaitSeconds }}'
COMMAND='postgres-replica/promote'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${HOST}:${PORT}): $*" >&2
  exit 1
}
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || fail "WaitSeconds must be a whole number, got '${WAIT_SECONDS}'"

as_os_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$OS_USER" != root ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}
ERRORS="$(mktemp)"
trap 'rm -f "$ERRORS"' EXIT
try_sql() {
  PGCONNECT_TIMEOUT=10 PGOPTIONS="-c statement_timeout=$(((WAIT_SECONDS + 15) * 1000))" as_os_user \
    psql -X -w -q -A -t -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DB_USER" -d "$DATABASE" -c "$1" 2>"$ERRORS"
}
sql() {
  local out
  out="$(try_sql "$1")" || fail "$(head -c 400 "$ERRORS" | tr '\n' ' ')"
  printf '%s\n' "$out"
}

already=false
in_recovery="$(sql 'SELECT pg_is_in_recovery()')"
if [ "$in_recovery" = f ]; then
  already=true
elif ! try_sql "SELECT pg_promote(true, ${WAIT_SECONDS})" >/dev/null; then
  # A promotion that another run started in between ends recovery too: "recovery is not in progress".
  reason="$(head -c 400 "$ERRORS" | tr '\n' ' ')"
  in_recovery="$(sql 'SELECT pg_is_in_recovery()')"
  [ "$in_recovery" = f ] || fail "pg_promote: ${reason}"
fi

# The current timeline is in the name of the WAL file being written; pg_control_checkpoint() shows the
# new timeline only after the first checkpoint that follows the promotion.
sql "
SELECT json_build_object(
  'promoted', NOT pg_is_in_recovery(),
  'alreadyPromoted', ${already},
  'inRecovery', pg_is_in_recovery(),
  'timeline', CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
  'lsn', CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text
)"
