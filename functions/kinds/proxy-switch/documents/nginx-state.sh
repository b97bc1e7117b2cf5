#!/usr/bin/env bash
# @description Check and read-back (Nginx): reports which upstream file the include points at and, with ProbeUrl, what a request through Nginx answers (status and the first 200 characters of the body), as one JSON line. Read-only.
# @timeout 60
# @param ActiveInclude pattern=^/[A-Za-z0-9_./-]{1,255}$ The symbolic link that nginx.conf includes for the upstream.
# @param TargetFile pattern=^/[A-Za-z0-9_./-]{1,255}$ The upstream file that should be active.
# @param ProbeUrl default= pattern=^(http://[A-Za-z0-9_.-]{1,255}(:[0-9]{1,5})?(/[A-Za-z0-9_./?=&%-]*)?)?$ An http:// address served by this Nginx to request once; empty skips the request.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
ACTIVE='{{ ActiveInclude }}'
TARGET='{{ TargetFile }}'
PROBE_URL='{{ ProbeUrl }}'
COMMAND='proxy-switch/nginx-state'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${ACTIVE}): $*" >&2
  exit 1
}
[ -L "$ACTIVE" ] || fail "${ACTIVE} must be a symbolic link to the active upstream file"
active="$(readlink "$ACTIVE")"

probe_status=null
probe_body=null
if [ -n "$PROBE_URL" ]; then
  [[ "$PROBE_URL" =~ ^http://([^/:]+)(:([0-9]+))?(/.*)?$ ]] || fail "ProbeUrl must be http://host[:port][/path]"
  host="${BASH_REMATCH[1]}" port="${BASH_REMATCH[3]:-80}" path="${BASH_REMATCH[4]:-/}"
  # bash's /dev/tcp: no curl needed on the node.
  response="$(timeout 10 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$3" "$1" >&3 && cat <&3' \
    probe "$host" "$port" "$path" | head -c 4096)" || fail "request to ${PROBE_URL} failed"
  probe_status="$(printf '%s\n' "$response" | head -n 1 | awk '{ print $2 }' | tr -cd '0-9')"
  [ -n "$probe_status" ] || fail "request to ${PROBE_URL}: no HTTP status line"
  probe_body="\"$(printf '%s' "$response" | tr -d '\r' | awk 'body { print } /^$/ { body = 1 }' | tr -d '"\\\000-\037' | head -c 200)\""
fi

printf '{"switched":%s,"activeTarget":"%s","target":"%s","probeStatus":%s,"probeBody":%s}\n' \
  "$([ "$active" = "$TARGET" ] && echo true || echo false)" "$active" "$TARGET" "$probe_status" "$probe_body"
