#!/usr/bin/env bash
# The consumer test: what a team that installs the package gets, from the packed tarball alone.
#   1. npm pack (the package build runs: lib/, the prebuilt handlers, the CLI bundle); the
#      tarball holds no tests, CI scripts or TypeScript sources but declarations; npm publish --dry-run.
#   2. the Python wheel (scripts/build-python.sh) from that tarball.
#   3. a fresh folder installs the tarball with only aws-cdk-lib, constructs and the CDK CLI, then
#      (a) a TypeScript app compiled by tsc and run by node, (b) the same app under tsx, and
#      (c) a Python app (aws-cdk-lib, constructs and the wheel in a venv) synthesize the construct
#      with the consumer's own plan, with no bundling; (d) npx failover init / events / replay.
# Prints the tarball size, the packages the consumer installs and the synth time against a
# baseline app (one state machine, no construct).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
CDK_LIB=2.276.0 CONSTRUCTS=10.8.1 CDK_CLI=2.1148.1 TYPESCRIPT=5.9.3 TSX=4.23.15
# PyPI's newest aws-cdk-lib lags npm's by a release or two; the wheel accepts >= 2.275.0.
PY_CDK_LIB=2.275.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "consumer test FAILED: $*" >&2; exit 1; }

echo "-- npm pack"
(cd "$root" && npm pack --silent --pack-destination "$work" > "$work/pack.log" 2>&1) || { cat "$work/pack.log"; fail "npm pack"; }
tarball="$(ls "$work"/failover-orchestrator-*.tgz)"
files="$(tar tzf "$tarball" | sed 's|^package/||')"
bad="$(grep -E '^(test|\.ci|scripts|jsii|engine|cli|infra|functions|state-machines|bench)/|\.test\.|(^|/)[^/]*\.ts$' <<<"$files" | grep -v '\.d\.ts$' || true)"
[ -z "$bad" ] || fail "the tarball holds files a consumer does not need: $bad"
grep -qx 'LICENSE' <<<"$files" && grep -qx 'NOTICE' <<<"$files" && grep -qx 'dist/failover.mjs' <<<"$files" \
  && grep -qx 'lib/infra/index.d.ts' <<<"$files" && grep -qx 'lib/handlers/rds-replica/index.mjs' <<<"$files" \
  || fail "the tarball misses LICENSE, NOTICE, the CLI bundle, the declarations or the prebuilt handlers"
(cd "$root" && npm publish --dry-run --ignore-scripts > "$work/publish.log" 2>&1) || { cat "$work/publish.log"; fail "npm publish --dry-run"; }
tarball_bytes="$(stat -c %s "$tarball")"

echo "-- Python wheel (jsii)"
bash "$root/scripts/build-python.sh" "$tarball" > "$work/python-build.log" 2>&1 || { tail -40 "$work/python-build.log"; fail "the Python build"; }
wheel="$(ls "$root"/jsii/dist/python/*.whl)"

echo "-- a fresh consumer: the tarball with only aws-cdk-lib, constructs and the CDK CLI"
app="$work/consumer"
mkdir "$app" && cd "$app"
echo '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --silent "$tarball" "aws-cdk-lib@$CDK_LIB" "constructs@$CONSTRUCTS" "aws-cdk@$CDK_CLI"
packages="$(node -p "Object.keys(require('./package-lock.json').packages).filter((p) => p !== '').length")"
[ ! -e node_modules/esbuild ] || fail "esbuild was installed"
[ ! -e node_modules/typescript ] && [ ! -e node_modules/tsx ] || fail "TypeScript or tsx came with the package"
# The consumer's own tooling for its TypeScript app, not the package's.
npm install --no-audit --no-fund --silent --save-dev "typescript@$TYPESCRIPT" "tsx@$TSX" "@types/node@20"
cp "$root"/scripts/consumer/{app.ts,baseline.ts,app.py,tsconfig.json,check-template.mjs} .

echo "-- (d) npx failover init, events, replay"
npx failover init --name my-shop --primary-region us-east-1 --recovery-region us-west-2 \
  --alarm my-shop-health --alarm my-shop-eu-canary@eu-west-1 --replica main=my-shop-db-replica \
  --group my-shop-app-usw2:2:4:8 --parameter '/my-shop/db/host={{databases.main.endpoint}}' --out failover.plan.yaml
npx failover events --plan failover.plan.yaml
npx failover replay events/my-shop-health-alarm.json --plan failover.plan.yaml > replay.txt || { cat replay.txt; fail "replay of the ALARM event"; }
tail -n 1 replay.txt
npx failover replay events/my-shop-health-ok.json --plan failover.plan.yaml > replay-ok.txt 2>&1 || { cat replay-ok.txt; fail "replay of the OK event"; }
npx failover replay node_modules/failover-orchestrator/events/route53-health-alarm.json > replay-default.txt \
  || fail "replay on the embedded default plan"
npx failover check --plan failover.plan.yaml --local > check.txt || { cat check.txt; fail "check --local"; }

kinds=(rds-replica auto-scaling-group ssm-parameter)
synth() { # <name> <app command>: synthesizes with the CDK CLI into cdk.out.<name>, fails on any bundling
  rm -rf "cdk.out.$1"
  npx cdk synth --app "$2" --output "cdk.out.$1" --quiet > "synth-$1.log" 2>&1 || { cat "synth-$1.log"; fail "synth $1"; }
  if grep -qi 'bundling' "synth-$1.log"; then cat "synth-$1.log"; fail "synth $1 bundled"; fi
}

echo "-- (a) TypeScript app compiled by tsc, run by node"
npx tsc -p tsconfig.json
synth tsc 'node app.js'
node check-template.mjs cdk.out.tsc/Failover.template.json my-shop "${kinds[@]}"
for asset in cdk.out.tsc/asset.*/; do [ -f "$asset/failover-plan.json" ] || fail "an asset without the plan"; done

echo "-- (b) the same app under tsx"
synth tsx 'node --import tsx app.ts'
node check-template.mjs cdk.out.tsx/Failover.template.json my-shop "${kinds[@]}"

echo "-- (c) Python app"
python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check "aws-cdk-lib==$PY_CDK_LIB" "constructs==$CONSTRUCTS" "$wheel"
synth python 'venv/bin/python app.py'
node check-template.mjs cdk.out.python/Failover.template.json my-shop "${kinds[@]}"

echo "-- synth time: the construct app against the baseline (median of 3, after a warm-up)"
TIMEFORMAT='%R %U %S'
measure() { # <name> <app command> -> "wall cpu" medians
  synth "$1" "$2"
  for _ in 1 2 3; do { time synth "$1" "$2"; } 2>&1; done \
    | awk '{ print $1, $2 + $3 }' | sort -n | sed -n 2p
}
read -r base_wall base_cpu < <(measure baseline 'node baseline.js')
read -r app_wall app_cpu < <(measure tsc 'node app.js')

echo "consumer: tarball $tarball_bytes bytes ($((tarball_bytes / 1024)) KiB), $(wc -l <<<"$files") files"
echo "consumer: packages installed with aws-cdk-lib, constructs and the CDK CLI: $packages"
node -e '
  const [baseWall, baseCpu, appWall, appCpu] = process.argv.slice(1).map(Number);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`consumer: synth ${appWall.toFixed(2)} s wall, ${appCpu.toFixed(2)} s CPU; baseline (one state machine) ${baseWall.toFixed(2)} s wall, ${baseCpu.toFixed(2)} s CPU; ratio ${ratio(appWall, baseWall)}x wall, ${ratio(appCpu, baseCpu)}x CPU (target <= 1.5x)`);
' "$base_wall" "$base_cpu" "$app_wall" "$app_cpu"
echo "consumer test: (a) tsc, (b) tsx, (c) Python, (d) init/events/replay passed"
