#!/usr/bin/env bash
# @description Check: reports whether this PostgreSQL server accepts writes (out of recovery, not read-only, and, unless ProbeTable is none, a row written to a scratch table). Still in recovery is not an error: writable false, the step polls again.
# @timeout 60
# @param Host default=/var/run/postgresql pattern=^[A-Za-z0-9_./:-]{1,255}$ Where psql connects: a Unix socket directory or a host name or address.
# @param Port default=5432 pattern=^[0-9]{1,5}$ The port the server listens on.
# @param Database default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database to connect to.
# @param DbUser default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The database role to connect as (it must be allowed to create and write the probe table).
# @param OsUser default=postgres pattern=^[a-z_][a-z0-9_-]{0,31}$ The operating-system user psql runs as when the command runs as root (peer authentication on the socket).
# @param ProbeTable default=failover_write_probe pattern=^[a-z_][a-z0-9_]{0,62}$ The scratch table (one row per node name) the check writes to prove writes commit; none skips the write and relies on transaction_read_only.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
HOST='{{ Host }}'
PORT='{{ Port }}'
DATABASE='{{ Database }}'
DB_USER='{{ DbUser }}'
OS_USER='{{ OsUser }}'
PROBE_TABLE='{{ ProbeTable }}'
COMMAND='postgres-replica/check-writable'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${HOST}:${PORT}): $*" >&2
  exit 1
}
[[ "$PROBE_TABLE" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "ProbeTable must be a plain lower-case table name, got '${PROBE_TABLE}'"

as_os_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$OS_USER" != root ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}
ERRORS="$(mktemp)"
trap 'rm -f "$ERRORS"' EXIT
sql() {
  local out
  # statement_timeout also ends a commit that waits for a synchronous standby which no longer exists.
  if ! out="$(PGCONNECT_TIMEOUT=10 PGOPTIONS='-c statement_timeout=15000' as_os_user \
    psql -X -w -q -A -t -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DB_USER" -d "$DATABASE" -c "$@" 2>"$ERRORS")"; then
    fail "$(head -c 400 "$ERRORS" | tr '\n' ' ')"
  fi
  printf '%s\n' "$out"
}

written_at='NULL::timestamptz'
state="$(sql "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")"
IFS='|' read -r in_recovery read_only <<<"$state"
if [ "$in_recovery" = f ] && [ "$read_only" = off ] && [ "$PROBE_TABLE" != none ]; then
  stamp="$(sql "CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (node text PRIMARY KEY, written_at timestamptz NOT NULL)" \
    -c "INSERT INTO ${PROBE_TABLE} VALUES ('${NODE//\'/}', clock_timestamp()) ON CONFLICT (node) DO UPDATE SET written_at = excluded.written_at RETURNING written_at")"
  written_at="'${stamp}'::timestamptz"
fi

sql "
SELECT json_build_object(
  'writable', NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'
              AND ('${PROBE_TABLE}' = 'none' OR ${written_at} IS NOT NULL),
  'inRecovery', pg_is_in_recovery(),
  'transactionReadOnly', current_setting('transaction_read_only') = 'on',
  'probeWrittenAt', ${written_at},
  'synchronousStandbyNames', current_setting('synchronous_standby_names'),
  'lsn', CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text
)"
