#!/usr/bin/env bash
# Builds the Python package of the construct (jsii/dist/python/*.whl) from the npm package's
# tarball: jsii compiles the facade in jsii/src (the jsii-compatible API), with the npm package
# bundled inside it (bundledDependencies), and jsii-pacmak makes the wheel.
#   usage: scripts/build-python.sh [failover-orchestrator-<version>.tgz]   (default: npm pack now)
# The jsii tools run through npx at pinned versions; aws-cdk-lib and constructs come from the
# repository's node_modules (jsii resolves them upwards). Needs python3 with venv and PyPI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
JSII=jsii@6.0.16
PACMAK=jsii-pacmak@1.140.0

tarball="${1:-}"
if [ -z "$tarball" ]; then
  packdir="$(mktemp -d)"
  (cd "$root" && npm pack --silent --pack-destination "$packdir" >/dev/null)
  tarball="$(ls "$packdir"/failover-orchestrator-*.tgz)"
fi
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"

cd "$root/jsii"
rm -rf node_modules lib dist .jsii .jsii.gz
# The bundled dependency and its own dependencies, as npm would place them (npm install would
# also try to resolve aws-cdk-lib's own bundled dependencies from the registry).
mkdir -p node_modules/failover-orchestrator
tar xzf "$tarball" --strip-components=1 -C node_modules/failover-orchestrator
for dependency in $(node -p "Object.keys(require('./node_modules/failover-orchestrator/package.json').dependencies).join(' ')"); do
  cp -R "$root/node_modules/$dependency" node_modules/
done
npx --yes -p "$JSII" jsii --silence-warnings=reserved-word
npx --yes -p "$PACMAK" jsii-pacmak --targets python --outdir dist
ls "$root"/jsii/dist/python/*.whl
