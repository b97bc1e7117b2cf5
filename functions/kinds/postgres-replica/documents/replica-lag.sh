#!/usr/bin/env bash
# @description Gate: reports whether this PostgreSQL server is still a streaming replica and how far its replay lags behind the WAL it has received, as one JSON line. Read-only.
# @timeout 60
# @param Host default=/var/run/postgresql pattern=^[A-Za-z0-9_./:-]{1,255}$ Where psql connects: a Unix socket directory or a host name or address.
# @param Port default=5432 pattern=^[0-9]{1,5}$ The port the server listens on.
# @param Database default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database to connect to.
# @param DbUser default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database role to connect as (pg_monitor is enough).
# @param OsUser default=postgres pattern=^[a-z_][a-z0-9_-]{0,31}$ The operating-system user psql runs as when the command runs as root (peer authentication on the socket).
# @param MaxLagSeconds default=30 pattern=^[0-9]{1,6}(\.[0-9]{1,3})?$ The replay lag in seconds above which the facts say withinThreshold false.
# @param MaxLagBytes default=16777216 pattern=^[0-9]{1,15}$ The received-but-not-replayed WAL in bytes above which the facts say withinThreshold false.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
HOST='{{ Host }}'
PORT='{{ Port }}'
DATABASE='{{ Database }}'
DB_USER='{{ DbUser }}'
OS_USER='{{ OsUser }}'
MAX_LAG_SECONDS='{{ MaxLagSeconds }}'
MAX_LAG_BYTES='{{ MaxLagBytes }}'
COMMAND='postgres-replica/replica-lag'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${HOST}:${PORT}): $*" >&2
  exit 1
}
[[ "$MAX_LAG_SECONDS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "MaxLagSeconds must be a number, got '${MAX_LAG_SECONDS}'"
[[ "$MAX_LAG_BYTES" =~ ^[0-9]+$ ]] || fail "MaxLagBytes must be a whole number, got '${MAX_LAG_BYTES}'"

# psql as the server's own user when running as root (the SSM agent does), so peer authentication works.
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

# Replay lag in seconds is the age of the last replayed transaction only while received WAL waits to be
# replayed: on an idle primary that age grows although the replica is fully caught up.
sql "
WITH s AS (
  SELECT pg_is_in_recovery() AS in_recovery,
         pg_last_wal_receive_lsn() AS receive_lsn,
         pg_last_wal_replay_lsn() AS replay_lsn,
         pg_last_xact_replay_timestamp() AS replayed_at
), l AS (
  SELECT s.*,
         CASE WHEN NOT in_recovery THEN 0
              ELSE pg_wal_lsn_diff(receive_lsn, replay_lsn)::bigint END AS lag_bytes,
         CASE WHEN NOT in_recovery THEN 0
              WHEN receive_lsn IS NOT NULL AND receive_lsn <= replay_lsn THEN 0
              ELSE round(extract(epoch FROM clock_timestamp() - replayed_at)::numeric, 3) END AS lag_seconds
  FROM s
)
SELECT json_build_object(
  'inRecovery', in_recovery,
  'receiveLsn', receive_lsn::text,
  'replayLsn', replay_lsn::text,
  'lastReplayAt', replayed_at,
  'lagBytes', lag_bytes,
  'lagSeconds', lag_seconds,
  'maxLagBytes', ${MAX_LAG_BYTES},
  'maxLagSeconds', ${MAX_LAG_SECONDS},
  'withinThreshold', COALESCE(lag_bytes <= ${MAX_LAG_BYTES} AND lag_seconds <= ${MAX_LAG_SECONDS}, false),
  'replayPaused', CASE WHEN in_recovery THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END,
  'walReceiver', (SELECT status FROM pg_stat_wal_receiver),
  'upstream', (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver)
) FROM l"
