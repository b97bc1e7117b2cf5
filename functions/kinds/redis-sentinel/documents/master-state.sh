#!/usr/bin/env bash
# @description Check and read-back: reports which node Sentinel names as master and the recovery node's own ROLE and replication offsets, as one JSON line; done is true when Sentinel names the recovery node and it says it is master. Read-only.
# @timeout 60
# @param SentinelHost default=127.0.0.1 pattern=^[A-Za-z0-9_.:-]{1,255}$ The Sentinel to ask (its address, as seen from this node).
# @param SentinelPort default=26379 pattern=^[0-9]{1,5}$ That Sentinel's port.
# @param MasterName pattern=^[A-Za-z0-9_.-]{1,128}$ The master's name in Sentinel's configuration.
# @param RecoveryHost pattern=^[A-Za-z0-9_.:-]{1,255}$ The recovery Redis node as Sentinel names it (its announced address).
# @param RecoveryPort default=6379 pattern=^[0-9]{1,5}$ The recovery Redis node's port.
# @param PasswordFile default= pattern=^(/[A-Za-z0-9_./-]{1,255})?$ A file holding the Redis password (read into REDISCLI_AUTH); empty when Redis needs none.
# @param SentinelPasswordFile default= pattern=^(/[A-Za-z0-9_./-]{1,255})?$ A file holding Sentinel's own password; empty when Sentinel needs none.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
SENTINEL_HOST='{{ SentinelHost }}'
SENTINEL_PORT='{{ SentinelPort }}'
MASTER_NAME='{{ MasterName }}'
RECOVERY_HOST='{{ RecoveryHost }}'
RECOVERY_PORT='{{ RecoveryPort }}'
PASSWORD_FILE='{{ PasswordFile }}'
SENTINEL_PASSWORD_FILE='{{ SentinelPasswordFile }}'
COMMAND='redis-sentinel/master-state'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (Sentinel ${SENTINEL_HOST}:${SENTINEL_PORT}, master ${MASTER_NAME}, recovery ${RECOVERY_HOST}:${RECOVERY_PORT}): $*" >&2
  exit 1
}
secret() { [ -z "$1" ] || cat "$1" || fail "cannot read $1"; }
SENTINEL_AUTH="$(secret "$SENTINEL_PASSWORD_FILE")"
REDIS_AUTH="$(secret "$PASSWORD_FILE")"
# redis-cli exits 0 on an error reply, so replies are checked by their content.
# An empty REDISCLI_AUTH would still send AUTH, which a server without a password refuses.
cli() { # password host port args...
  local auth="$1"
  shift
  if [ -n "$auth" ]; then REDISCLI_AUTH="$auth" timeout 10 redis-cli --no-auth-warning -h "$@" 2>&1; else timeout 10 redis-cli -h "$@" 2>&1; fi
}
sentinel() { cli "$SENTINEL_AUTH" "$SENTINEL_HOST" -p "$SENTINEL_PORT" SENTINEL "$@"; }
recovery() { cli "$REDIS_AUTH" "$RECOVERY_HOST" -p "$RECOVERY_PORT" "$@"; }
field() { printf '%s\n' "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2; exit }'; }
json_num() { [[ "$1" =~ ^-?[0-9]+$ ]] && printf '%s' "$1" || printf 'null'; }

reply="$(sentinel get-master-addr-by-name "$MASTER_NAME")" || fail "SENTINEL get-master-addr-by-name: ${reply:0:300}"
[ -n "$reply" ] || fail "Sentinel does not monitor a master named ${MASTER_NAME}"
[[ "$reply" =~ ^[^[:space:]]+$'\n'[0-9]+$ ]] || fail "SENTINEL get-master-addr-by-name: ${reply:0:300}"
sentinel_master="${reply/$'\n'/:}"

role_reply="$(recovery ROLE)" || fail "ROLE: ${role_reply:0:300}"
role="$(printf '%s\n' "$role_reply" | head -n 1)"
[[ "$role" =~ ^(master|slave|sentinel)$ ]] || fail "ROLE: ${role_reply:0:300}"
info="$(recovery INFO replication)" || fail "INFO replication: ${info:0:300}"

done=false
[ "$sentinel_master" = "${RECOVERY_HOST}:${RECOVERY_PORT}" ] && [ "$role" = master ] && done=true
printf '{"done":%s,"sentinelMaster":"%s","recoveryRole":"%s","recoveryOffset":%s,"connectedReplicas":%s,"replicationId":"%s"}\n' \
  "$done" "$sentinel_master" "$role" "$(json_num "$(field "$info" master_repl_offset)")" \
  "$(json_num "$(field "$info" connected_slaves)")" "$(field "$info" master_replid | tr -cd 'a-f0-9')"
