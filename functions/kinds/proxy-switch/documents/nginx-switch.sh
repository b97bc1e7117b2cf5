#!/usr/bin/env bash
# @description Start (Nginx): points the upstream include (a symbolic link that nginx.conf includes) at the recovery upstream file, validates with nginx -t (restoring the previous link when it fails) and reloads with nginx -s reload. Safe to run twice. Prints one JSON line.
# @timeout 60
# @param ActiveInclude pattern=^/[A-Za-z0-9_./-]{1,255}$ The symbolic link that nginx.conf includes for the upstream, e.g. /etc/nginx/upstreams/app.conf.
# @param TargetFile pattern=^/[A-Za-z0-9_./-]{1,255}$ The upstream file to activate, e.g. /etc/nginx/upstreams/app.recovery.conf.
# @param ConfigFile default=/etc/nginx/nginx.conf pattern=^/[A-Za-z0-9_./-]{1,255}$ The main configuration file (nginx -c).
# @param NginxBinary default=nginx pattern=^[A-Za-z0-9_./-]{1,255}$ The nginx binary, by name on the PATH or by full path.
set -euo pipefail
# The agent's working directory is root's alone: tools run as another user could not start in it.
cd /
ACTIVE='{{ ActiveInclude }}'
TARGET='{{ TargetFile }}'
CONFIG='{{ ConfigFile }}'
NGINX='{{ NginxBinary }}'
COMMAND='proxy-switch/nginx-switch'
NODE="$(hostname)"

fail() {
  echo "${COMMAND} failed on ${NODE} (${ACTIVE} -> ${TARGET}): $*" >&2
  exit 1
}
[ -f "$TARGET" ] || fail "no upstream file at ${TARGET}"
[ -L "$ACTIVE" ] || fail "${ACTIVE} must be a symbolic link to the active upstream file"
previous="$(readlink "$ACTIVE")"

# A new link renamed over the old one: nginx never reads a missing or half-written include.
if [ "$previous" != "$TARGET" ]; then
  ln -sfn "$TARGET" "${ACTIVE}.failover-new" && mv -Tf "${ACTIVE}.failover-new" "$ACTIVE" ||
    fail "cannot replace the link ${ACTIVE}"
fi
if ! check="$("$NGINX" -c "$CONFIG" -t 2>&1)"; then
  ln -sfn "$previous" "${ACTIVE}.failover-new" && mv -Tf "${ACTIVE}.failover-new" "$ACTIVE"
  fail "nginx -t refused the configuration (link restored to ${previous}): $(printf '%s' "$check" | tr '\n' ' ' | head -c 400)"
fi
# nginx -s reload only signals the master. The new configuration serves once the master has started
# new workers and told the old ones to stop accepting; until then an old worker may still take a
# request. So: wait until none of the workers from before the reload is still an active worker.
pid_file="$("$NGINX" -c "$CONFIG" -T 2>/dev/null | awk '$1 == "pid" { sub(/;$/, "", $2); print $2; exit }')"
pid_file="${pid_file:-/run/nginx.pid}"
master="$(cat "$pid_file" 2>/dev/null)" || fail "nginx is not running (no pid file at ${pid_file})"
# The master's children whose title is "nginx: worker process" (not "... is shutting down"), from /proc.
active_workers() {
  local stat pid ppid title
  for stat in /proc/[0-9]*/stat; do
    read -r pid _ _ ppid _ <"$stat" 2>/dev/null || continue
    [ "$ppid" = "$master" ] || continue
    title="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || continue
    [[ "$title" == *"worker process"* && "$title" != *"shutting down"* ]] && echo "$pid"
  done
  return 0
}
before="$(active_workers)"
# Reloading again is harmless, and needed when an earlier run switched the link but did not reload.
reload="$("$NGINX" -c "$CONFIG" -s reload 2>&1)" || fail "nginx -s reload: $(printf '%s' "$reload" | tr '\n' ' ' | head -c 400)"
applied=false
for _ in $(seq 1 100); do
  now="$(active_workers)"
  if [ -n "$now" ] && ! printf '%s\n' "$now" | grep -qxF -e "${before:-none}"; then
    applied=true
    break
  fi
  sleep 0.1
done
[ "$applied" = true ] || fail "nginx -s reload: the master (pid ${master}) did not replace its workers within 10 s; see its error log"

printf '{"switched":true,"alreadyActive":%s,"previousTarget":"%s","target":"%s","reloaded":true,"master":%s}\n' \
  "$([ "$previous" = "$TARGET" ] && echo true || echo false)" "$previous" "$TARGET" "$master"
