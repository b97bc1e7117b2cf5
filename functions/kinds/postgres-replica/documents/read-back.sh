#!/usr/bin/env bash
# @description Read-back: reports this PostgreSQL server's role, timeline and WAL position for the failover report, as one JSON line. Read-only.
# @timeout 60
# @param Host default=/var/run/postgresql pattern=^[A-Za-z0-9_./:-]{1,255}$ Where psql connects: a Unix socket directory or a host name or address.
# @param Port default=5432 pattern=^[0-9]{1,5}$ The port the server listens on.
# @param Database default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database to connect to.
# @param DbUser default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database role to connect as (pg_monitor is enough).
# @param OsUser default=postgres pattern=^[a-z_][a-z0-9_-]{0,31}$ The operating-system user psql runs as when the command runs as root (peer authentication on the socket).
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
HOST='{{ Host }}'
PORT='{{ Port }}'
DATABASE='{{ Database }}'
DB_USER='{{ DbUser }}'
OS_USER='{{ OsUser }}'
COMMAND='postgres-replica/read-back'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${HOST}:${PORT}): $*" >&2
  exit 1
}
as_os_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$OS_USER" != root ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}
ERRORS="$(mktemp)"
trap 'rm -f "$ERRORS"' EXIT
sql() {
  local out
  if ! out="$(PGCONNECT_TIMEOUT=10 PGOPTIONS='-c statement_timeout=15000' as_os_user \
    psql -X -w -q -A -t -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DB_USER" -d "$DATABASE" -c "$1" 2>"$ERRORS")"; then
    fail "$(head -c 400 "$ERRORS" | tr '\n' ' ')"
  fi
  printf '%s\n' "$out"
}

# The current timeline is in the name of the WAL file being written; pg_control_checkpoint() (also
# reported) shows the new timeline only after the first checkpoint that follows a promotion.
sql "
SELECT json_build_object(
  'role', CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END,
  'inRecovery', pg_is_in_recovery(),
  'timeline', CASE WHEN pg_is_in_recovery() THEN (SELECT timeline_id FROM pg_control_checkpoint())
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
  'checkpointTimeline', (SELECT timeline_id FROM pg_control_checkpoint()),
  'lsn', CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text,
  'lastReplayAt', pg_last_xact_replay_timestamp(),
  'upstream', (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver),
  'serverVersion', current_setting('server_version')
)"
