#!/usr/bin/env bash
# @description Gate: reports whether this Redis node is a replica with its link to the master up and how far its replication offset lags the master's (when the master still answers), as one JSON line. Read-only.
# @timeout 60
# @param RedisHost default=127.0.0.1 pattern=^[A-Za-z0-9_.:-]{1,255}$ The recovery Redis node's address, as seen from this node.
# @param RedisPort default=6379 pattern=^[0-9]{1,5}$ The recovery Redis node's port.
# @param PasswordFile default= pattern=^(/[A-Za-z0-9_./-]{1,255})?$ A file holding the Redis password (read into REDISCLI_AUTH, never on the command line); empty when Redis needs none.
# @param MaxOffsetLag default=1048576 pattern=^[0-9]{1,15}$ The replication offset lag in bytes above which the facts say withinThreshold false.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
REDIS_HOST='{{ RedisHost }}'
REDIS_PORT='{{ RedisPort }}'
PASSWORD_FILE='{{ PasswordFile }}'
MAX_OFFSET_LAG='{{ MaxOffsetLag }}'
COMMAND='redis-sentinel/replica-link'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${REDIS_HOST}:${REDIS_PORT}): $*" >&2
  exit 1
}
[[ "$MAX_OFFSET_LAG" =~ ^[0-9]+$ ]] || fail "MaxOffsetLag must be a whole number, got '${MAX_OFFSET_LAG}'"
if [ -n "$PASSWORD_FILE" ]; then
  REDISCLI_AUTH="$(cat "$PASSWORD_FILE")" || fail "cannot read ${PASSWORD_FILE}"
  export REDISCLI_AUTH
fi
# redis-cli exits 0 on an error reply, so replies are checked by their content.
redis() { # host port args...
  local host="$1" port="$2"
  shift 2
  timeout 10 redis-cli --no-auth-warning -h "$host" -p "$port" "$@" 2>&1
}
field() { printf '%s\n' "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2; exit }'; }
json_num() { [[ "$1" =~ ^-?[0-9]+$ ]] && printf '%s' "$1" || printf 'null'; }
json_str() { [ -n "$1" ] && printf '"%s"' "$(printf '%s' "$1" | tr -d '"\\\000-\037')" || printf 'null'; }

info="$(redis "$REDIS_HOST" "$REDIS_PORT" INFO replication)" || fail "INFO replication: ${info:0:300}"
role="$(field "$info" role)"
[ -n "$role" ] || fail "INFO replication: ${info:0:300}"

master_host="$(field "$info" master_host)"
master_port="$(field "$info" master_port)"
replica_offset="$(field "$info" slave_repl_offset)"
master_offset=''
if [ "$role" = slave ] && [ -n "$master_host" ]; then
  # The master is often what failed: an unreachable master leaves its offset unknown (null).
  if master_info="$(timeout 3 redis-cli --no-auth-warning -h "$master_host" -p "$master_port" INFO replication 2>/dev/null)"; then
    master_offset="$(field "$master_info" master_repl_offset)"
  fi
fi
lag=''
[ -n "$master_offset" ] && [ -n "$replica_offset" ] && lag=$((master_offset - replica_offset))
within=false
if [ "$role" = master ]; then
  within=true
elif [ "$(field "$info" master_link_status)" = up ] || [ -n "$replica_offset" ]; then
  if [ -z "$lag" ] || [ "$lag" -le "$MAX_OFFSET_LAG" ]; then within=true; fi
fi

printf '{"role":%s,"master":%s,"masterLinkStatus":%s,"masterLastIoSecondsAgo":%s,"masterLinkDownSinceSeconds":%s,"replicaOffset":%s,"masterOffset":%s,"offsetLag":%s,"maxOffsetLag":%s,"withinThreshold":%s}\n' \
  "$(json_str "$role")" "$(json_str "${master_host:+${master_host}:${master_port}}")" \
  "$(json_str "$(field "$info" master_link_status)")" "$(json_num "$(field "$info" master_last_io_seconds_ago)")" \
  "$(json_num "$(field "$info" master_link_down_since_seconds)")" "$(json_num "$replica_offset")" \
  "$(json_num "$master_offset")" "$(json_num "$lag")" "$MAX_OFFSET_LAG" "$within"
