#!/usr/bin/env bash
# @description Check and read-back (HAProxy): reports the runtime status of the recovery and primary servers of a backend ("show stat") and whether the configuration file keeps them, as one JSON line; switched is true when the recovery server is in service and the primary in maintenance. Read-only.
# @timeout 60
# @param AdminSocket default=/run/haproxy/admin.sock pattern=^/[A-Za-z0-9_./-]{1,255}$ HAProxy's stats socket.
# @param Backend pattern=^[A-Za-z0-9_.:-]{1,128}$ The backend (or listen section).
# @param RecoveryServer pattern=^[A-Za-z0-9_.:-]{1,128}$ The server that must take the traffic.
# @param PrimaryServer default= pattern=^[A-Za-z0-9_.:-]{0,128}$ The server that must be in maintenance; empty when none.
# @param ConfigFile default=/etc/haproxy/haproxy.cfg pattern=^(/[A-Za-z0-9_./-]{1,255})?$ The configuration file that should keep the states; empty skips that part.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
SOCKET='{{ AdminSocket }}'
BACKEND='{{ Backend }}'
RECOVERY='{{ RecoveryServer }}'
PRIMARY='{{ PrimaryServer }}'
CONFIG='{{ ConfigFile }}'
COMMAND='proxy-switch/haproxy-state'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (backend ${BACKEND}, socket ${SOCKET}): $*" >&2
  exit 1
}
[ -S "$SOCKET" ] || fail "no admin socket at ${SOCKET}"
admin() {
  if command -v socat >/dev/null; then
    printf '%s\n' "$1" | timeout 10 socat -t 5 - "UNIX-CONNECT:${SOCKET}"
  else
    printf '%s\n' "$1" | timeout 10 nc -U -N "$SOCKET"
  fi
}
stats="$(admin 'show stat')" || fail "show stat: no answer"
status_of() {
  printf '%s\n' "$stats" | awk -F, -v b="$BACKEND" -v s="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") col = i; next }
    $1 == b && $2 == s { print $col; exit }'
}
# Whether the server's line in the backend's section carries "disabled": yes, no, or missing.
config_disabled() {
  awk -v b="$BACKEND" -v s="$1" '
    /^[a-z]/ { inside = (($1 == "backend" || $1 == "listen") && $2 == b) }
    inside && $1 == "server" && $2 == s { answer = ($0 ~ /[ \t]disabled([ \t]|$)/) ? "yes" : "no" }
    END { print (answer == "" ? "missing" : answer) }' "$CONFIG"
}

recovery_status="$(status_of "$RECOVERY")"
[ -n "$recovery_status" ] || fail "HAProxy has no server ${RECOVERY} in backend ${BACKEND}"
primary_status=''
[ -z "$PRIMARY" ] || primary_status="$(status_of "$PRIMARY")"

switched=false
if [ "$recovery_status" != MAINT ] && [ "${recovery_status#DOWN}" = "$recovery_status" ] &&
  { [ -z "$PRIMARY" ] || [ "$primary_status" = MAINT ]; }; then
  switched=true
fi
persisted=null
if [ -n "$CONFIG" ]; then
  persisted=false
  [ "$(config_disabled "$RECOVERY")" = no ] && { [ -z "$PRIMARY" ] || [ "$(config_disabled "$PRIMARY")" = yes ]; } && persisted=true
fi

printf '{"switched":%s,"backend":"%s","recoveryServer":"%s","recoveryStatus":"%s","primaryServer":"%s","primaryStatus":"%s","configPersisted":%s}\n' \
  "$switched" "$BACKEND" "$RECOVERY" "$recovery_status" "$PRIMARY" "$primary_status" "$persisted"
