#!/usr/bin/env bash
# @description Start (HAProxy): sends traffic of a backend to the recovery server through the runtime API (set server <backend>/<server> state ready, and maint for the primary server), then persists the same states in the configuration file (the disabled keyword) so that a restart keeps them. Safe to run twice. Prints one JSON line.
# @timeout 60
# @param AdminSocket default=/run/haproxy/admin.sock pattern=^/[A-Za-z0-9_./-]{1,255}$ HAProxy's stats socket with level admin.
# @param Backend pattern=^[A-Za-z0-9_.:-]{1,128}$ The backend (or listen section) to switch.
# @param RecoveryServer pattern=^[A-Za-z0-9_.:-]{1,128}$ The server in that backend that must take the traffic.
# @param PrimaryServer default= pattern=^[A-Za-z0-9_.:-]{0,128}$ The server to put in maintenance; empty leaves the other servers as they are.
# @param ConfigFile default=/etc/haproxy/haproxy.cfg pattern=^(/[A-Za-z0-9_./-]{1,255})?$ The configuration file to persist the states in; empty switches the running process only.
# @param HaproxyBinary default=haproxy pattern=^[A-Za-z0-9_./-]{1,255}$ The haproxy binary that validates the edited configuration (haproxy -c).
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
SOCKET='{{ AdminSocket }}'
BACKEND='{{ Backend }}'
RECOVERY='{{ RecoveryServer }}'
PRIMARY='{{ PrimaryServer }}'
CONFIG='{{ ConfigFile }}'
HAPROXY='{{ HaproxyBinary }}'
COMMAND='proxy-switch/haproxy-switch'
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
# The runtime API answers a successful "set server" with an empty line and a refusal with text.
set_state() { # server state
  local reply
  reply="$(admin "set server ${BACKEND}/$1 state $2")" || fail "set server ${BACKEND}/$1 state $2: no answer"
  [ -z "$(printf '%s' "$reply" | tr -d '[:space:]')" ] || fail "set server ${BACKEND}/$1 state $2: ${reply:0:300}"
}
status_of() { # server -> the status column of "show stat" (UP, DOWN, MAINT, no check, ...)
  admin 'show stat' | awk -F, -v b="$BACKEND" -v s="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") col = i; next }
    $1 == b && $2 == s { print $col; exit }'
}

[ -n "$(status_of "$RECOVERY")" ] || fail "HAProxy has no server ${RECOVERY} in backend ${BACKEND}"
# Recovery first, then the primary: the backend never has no server in service.
set_state "$RECOVERY" ready
[ -z "$PRIMARY" ] || set_state "$PRIMARY" maint

persisted=false
if [ -n "$CONFIG" ]; then
  [ -f "$CONFIG" ] || fail "runtime switched, but no configuration file at ${CONFIG} to persist it"
  edited="$(mktemp "${CONFIG}.failover.XXXXXX")"
  trap 'rm -f "$edited"' EXIT
  # In the backend's section: no "disabled" on the recovery server's line, "disabled" on the primary's.
  awk -v b="$BACKEND" -v r="$RECOVERY" -v p="$PRIMARY" '
    function strip(line) {
      while (match(line, /[ \t]disabled([ \t]|$)/)) line = substr(line, 1, RSTART - 1) substr(line, RSTART + 9)
      return line
    }
    /^[a-z]/ { inside = (($1 == "backend" || $1 == "listen") && $2 == b) }
    inside && $1 == "server" && $2 == r { $0 = strip($0); found_r = 1 }
    inside && p != "" && $1 == "server" && $2 == p { $0 = strip($0) " disabled"; found_p = 1 }
    { print }
    END { if (!found_r || (p != "" && !found_p)) exit 3 }' "$CONFIG" >"$edited" ||
    fail "runtime switched, but ${CONFIG} has no server line for ${RECOVERY}${PRIMARY:+ and ${PRIMARY}} in ${BACKEND}"
  if ! cmp -s "$edited" "$CONFIG"; then
    check="$("$HAPROXY" -c -f "$edited" 2>&1)" || fail "runtime switched, but the edited configuration does not pass haproxy -c: ${check:0:300}"
    cat "$edited" >"$CONFIG"
  fi
  persisted=true
fi

printf '{"backend":"%s","recoveryServer":"%s","recoveryStatus":"%s","primaryServer":"%s","primaryStatus":"%s","configPersisted":%s}\n' \
  "$BACKEND" "$RECOVERY" "$(status_of "$RECOVERY")" "$PRIMARY" "$([ -z "$PRIMARY" ] || status_of "$PRIMARY")" "$persisted"
