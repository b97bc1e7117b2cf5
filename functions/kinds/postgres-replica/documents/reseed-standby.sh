#!/usr/bin/env bash
# @description Failback: re-seeds the old primary (this node) as a streaming standby of the new primary, with pg_rewind where it can and pg_basebackup otherwise, then starts it and waits until it is in recovery. A node already streaming from the new primary is success (alreadyStandby true).
# @timeout 3600
# @param SourceHost pattern=^[A-Za-z0-9_.:-]{1,255}$ The new primary's host name or address, as this node reaches it.
# @param SourcePort default=5432 pattern=^[0-9]{1,5}$ The new primary's port.
# @param SourceUser default=postgres pattern=^[A-Za-z0-9_-]{1,63}$ The role on the new primary for pg_rewind and replication (a superuser, or one with REPLICATION and the pg_rewind grants); its password, if any, comes from the OS user's ~/.pgpass.
# @param Host default=/var/run/postgresql pattern=^[A-Za-z0-9_./:-]{1,255}$ Where psql reaches this node's own server: a Unix socket directory or a host name or address.
# @param Port default=5432 pattern=^[0-9]{1,5}$ This node's own server port.
# @param DataDirectory default=/var/lib/postgresql/15/main pattern=^/[A-Za-z0-9_./-]{1,255}$ This node's data directory.
# @param ConfigDirectory default=/etc/postgresql/15/main pattern=^/[A-Za-z0-9_./-]{1,255}$ The directory holding postgresql.conf, given to pg_ctl -D (the data directory itself when the configuration lives there).
# @param PgBinDir default=/usr/lib/postgresql/15/bin pattern=^/[A-Za-z0-9_./-]{1,255}$ Where pg_ctl, pg_rewind and pg_basebackup are.
# @param ServiceName default= pattern=^[A-Za-z0-9_.@-]{0,128}$ The systemd unit that runs this server (e.g. postgresql@15-main); empty stops and starts it with pg_ctl.
# @param LogFile default=/var/log/postgresql/failover-reseed.log pattern=^/[A-Za-z0-9_./-]{1,255}$ Where pg_ctl sends the server's output and the tools' output goes.
# @param OsUser default=postgres pattern=^[a-z_][a-z0-9_-]{0,31}$ The operating-system user that owns the data directory; the tools run as it.
# @param Method default=auto pattern=^(auto|rewind|basebackup)$ auto tries pg_rewind and falls back to pg_basebackup; rewind or basebackup uses only that one.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
SOURCE_HOST='{{ SourceHost }}'
SOURCE_PORT='{{ SourcePort }}'
SOURCE_USER='{{ SourceUser }}'
HOST='{{ Host }}'
PORT='{{ Port }}'
DATA_DIR='{{ DataDirectory }}'
CONFIG_DIR='{{ ConfigDirectory }}'
PG_BIN='{{ PgBinDir }}'
SERVICE='{{ ServiceName }}'
LOG_FILE='{{ LogFile }}'
OS_USER='{{ OsUser }}'
METHOD='{{ Method }}'
COMMAND='postgres-replica/reseed-standby'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${DATA_DIR}, new primary ${SOURCE_HOST}:${SOURCE_PORT}): $*" >&2
  exit 1
}
as_os_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$OS_USER" != root ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi
}
ERRORS="$(mktemp)"
trap 'rm -f "$ERRORS"' EXIT
psql_at() { # host port sql
  PGCONNECT_TIMEOUT=10 PGOPTIONS='-c statement_timeout=60000' as_os_user \
    "$PG_BIN/psql" -X -w -q -A -t -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U "$SOURCE_USER" -d postgres -c "$3" 2>"$ERRORS"
}
# The tools' own output goes to the log: stdout carries only the facts line.
logged() {
  echo "== $(date -u +%FT%TZ) $*" >>"$LOG_FILE"
  as_os_user "$@" >>"$LOG_FILE" 2>&1
}
log_tail() { tail -n 5 "$LOG_FILE" | tr '\n' ' ' | head -c 600; }

touch "$LOG_FILE" && chown "$OS_USER" "$LOG_FILE" 2>/dev/null || true
[ -d "$DATA_DIR" ] || fail "no data directory at ${DATA_DIR}"
SOURCE_CONNINFO="host=${SOURCE_HOST} port=${SOURCE_PORT} user=${SOURCE_USER} dbname=postgres"

# Already re-seeded: running, in recovery, and streaming from the new primary.
if upstream="$(psql_at "$HOST" "$PORT" "SELECT CASE WHEN pg_is_in_recovery() THEN (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver) END")" &&
  [ "$upstream" = "${SOURCE_HOST}:${SOURCE_PORT}" ]; then
  method=none
  already=true
else
  already=false
  source_state="$(psql_at "$SOURCE_HOST" "$SOURCE_PORT" 'SELECT pg_is_in_recovery()')" ||
    fail "cannot reach the new primary: $(head -c 400 "$ERRORS" | tr '\n' ' ')"
  [ "$source_state" = f ] || fail "the source is still in recovery, not a primary"
  # pg_rewind reads the source's timeline from its control file, which a checkpoint after the promotion updates.
  psql_at "$SOURCE_HOST" "$SOURCE_PORT" 'CHECKPOINT' >/dev/null || fail "CHECKPOINT on the new primary: $(head -c 400 "$ERRORS")"

  if [ -n "$SERVICE" ]; then
    systemctl stop "$SERVICE" || fail "systemctl stop ${SERVICE}"
  elif as_os_user "$PG_BIN/pg_ctl" -D "$CONFIG_DIR" status >/dev/null 2>&1; then
    logged "$PG_BIN/pg_ctl" -D "$CONFIG_DIR" stop -m fast -w -t 120 || fail "pg_ctl stop: $(log_tail)"
  fi

  method=''
  if [ "$METHOD" != basebackup ]; then
    # pg_rewind finishes crash recovery of a server that was killed before it compares timelines, in
    # single-user mode, which must read the node's own postgresql.conf (wal_log_hints) where it lives.
    config_option=()
    [ -f "$CONFIG_DIR/postgresql.conf" ] && config_option=(--config-file="$CONFIG_DIR/postgresql.conf")
    if logged "$PG_BIN/pg_rewind" --target-pgdata="$DATA_DIR" --source-server="$SOURCE_CONNINFO" --write-recovery-conf \
      "${config_option[@]}"; then
      method=rewind
    elif [ "$METHOD" = rewind ]; then
      fail "pg_rewind: $(log_tail)"
    fi
  fi
  if [ -z "$method" ]; then
    aside="${DATA_DIR}.before-reseed-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$DATA_DIR" "$aside" || fail "cannot move the old data directory aside to ${aside}"
    if ! logged "$PG_BIN/pg_basebackup" --pgdata="$DATA_DIR" --dbname="$SOURCE_CONNINFO" --write-recovery-conf \
      --wal-method=stream --checkpoint=fast; then
      rm -rf "$DATA_DIR" && mv "$aside" "$DATA_DIR"
      fail "pg_basebackup: $(log_tail)"
    fi
    method=basebackup
  fi
  [ -f "$DATA_DIR/standby.signal" ] || as_os_user touch "$DATA_DIR/standby.signal"

  if [ -n "$SERVICE" ]; then
    systemctl start "$SERVICE" || fail "systemctl start ${SERVICE}"
  else
    logged "$PG_BIN/pg_ctl" -D "$CONFIG_DIR" start -w -t 120 -l "$LOG_FILE" || fail "pg_ctl start: $(log_tail)"
  fi
fi

facts=''
for _ in $(seq 1 300); do
  if facts="$(psql_at "$HOST" "$PORT" "
SELECT json_build_object(
  'reseeded', pg_is_in_recovery(),
  'alreadyStandby', ${already},
  'method', '${method}',
  'inRecovery', pg_is_in_recovery(),
  'upstream', (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver),
  'walReceiver', (SELECT status FROM pg_stat_wal_receiver),
  'timeline', (SELECT received_tli FROM pg_stat_wal_receiver),
  'replayLsn', pg_last_wal_replay_lsn()::text
) WHERE pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')")" &&
    [ -n "$facts" ]; then
    printf '%s\n' "$facts"
    exit 0
  fi
  sleep 0.2
done
fail "the server did not come up streaming from the new primary within 60 s: $(log_tail)"
