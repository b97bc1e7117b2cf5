#!/usr/bin/env bash
# Installs the servers `npm run test:nodes` starts (PostgreSQL 15, Redis with Sentinel, HAProxy,
# Nginx, socat) from the Debian 12 packages, without leaving their system services running: the
# tests start their own copies on 127.0.0.1 with their own configuration and free ports.
# Idempotent and quiet: with everything present it installs nothing and only stops the services.
set -euo pipefail

packages=(postgresql-15 redis-server redis-sentinel haproxy nginx socat)
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  # policy-rc.d exit 101 tells the packages' scripts not to start their services while installing.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$added_policy" = true ]; then "${sudo[@]}" rm -f "$policy"; fi
fi

# Services a package may still have started (no policy-rc.d honoured, or started by hand before).
for service in postgresql redis-server redis-sentinel haproxy nginx; do
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$service" ]; then
    "${sudo[@]}" "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  fi
done
