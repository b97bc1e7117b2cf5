#!/usr/bin/env bash
# @description Start: asks Sentinel to fail the master over (SENTINEL FAILOVER) when it does not already name the recovery node as master; the recovery node must be a replica Sentinel knows. A failover already done or in progress is success. Prints one JSON line.
# @timeout 60
# @param SentinelHost default=127.0.0.1 pattern=^[A-Za-z0-9_.:-]{1,255}$ The Sentinel to ask (its address, as seen from this node).
# @param SentinelPort default=26379 pattern=^[0-9]{1,5}$ That Sentinel's port.
# @param MasterName pattern=^[A-Za-z0-9_.-]{1,128}$ The master's name in Sentinel's configuration (sentinel monitor <name> ...).
# @param RecoveryHost pattern=^[A-Za-z0-9_.:-]{1,255}$ The recovery Redis node as Sentinel names it (its announced address).
# @param RecoveryPort default=6379 pattern=^[0-9]{1,5}$ The recovery Redis node's port.
# @param SentinelPasswordFile default= pattern=^(/[A-Za-z0-9_./-]{1,255})?$ A file holding Sentinel's own password (read into REDISCLI_AUTH); empty when Sentinel needs none.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
SENTINEL_HOST='{{ SentinelHost }}'
SENTINEL_PORT='{{ SentinelPort }}'
MASTER_NAME='{{ MasterName }}'
RECOVERY="{{ RecoveryHost }}:{{ RecoveryPort }}"
PASSWORD_FILE='{{ SentinelPasswordFile }}'
COMMAND='redis-sentinel/sentinel-failover'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (Sentinel ${SENTINEL_HOST}:${SENTINEL_PORT}, master ${MASTER_NAME}): $*" >&2
  exit 1
}
if [ -n "$PASSWORD_FILE" ]; then
  REDISCLI_AUTH="$(cat "$PASSWORD_FILE")" || fail "cannot read ${PASSWORD_FILE}"
  export REDISCLI_AUTH
fi
# redis-cli exits 0 on an error reply, so replies are checked by their content.
sentinel() { timeout 10 redis-cli --no-auth-warning -h "$SENTINEL_HOST" -p "$SENTINEL_PORT" SENTINEL "$@" 2>&1; }
master_addr() {
  local reply
  reply="$(sentinel get-master-addr-by-name "$MASTER_NAME")" || fail "SENTINEL get-master-addr-by-name: ${reply:0:300}"
  [ -n "$reply" ] || fail "Sentinel does not monitor a master named ${MASTER_NAME}"
  [[ "$reply" =~ ^[^[:space:]]+$'\n'[0-9]+$ ]] || fail "SENTINEL get-master-addr-by-name: ${reply:0:300}"
  printf '%s' "${reply/$'\n'/:}"
}

previous="$(master_addr)"
state=''
if [ "$previous" = "$RECOVERY" ]; then
  state=already-master
else
  replicas="$(sentinel replicas "$MASTER_NAME")" || fail "SENTINEL replicas: ${replicas:0:300}"
  known="$(printf '%s\n' "$replicas" | awk 'previous == "name" { print } { previous = $0 }')"
  printf '%s\n' "$known" | grep -qxF "$RECOVERY" ||
    fail "Sentinel does not list the recovery node ${RECOVERY} among the replicas of ${MASTER_NAME} (it knows: $(printf '%s' "$known" | tr '\n' ' '))"
  reply="$(sentinel failover "$MASTER_NAME")" || fail "SENTINEL FAILOVER: ${reply:0:300}"
  case "$reply" in
    OK) state=failover-started ;;
    INPROG*) state=failover-in-progress ;;
    *) fail "SENTINEL FAILOVER: ${reply:0:300}" ;;
  esac
fi

now_master="$(master_addr)"
printf '{"state":"%s","failoverStarted":%s,"alreadyMaster":%s,"previousMaster":"%s","sentinelMaster":"%s","recovery":"%s"}\n' \
  "$state" "$([ "$state" = already-master ] && echo false || echo true)" \
  "$([ "$state" = already-master ] && echo true || echo false)" "$previous" "$now_master" "$RECOVERY"
