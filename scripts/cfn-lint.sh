#!/usr/bin/env bash
# Lints every synthesized template (run `npm run synth` first). Fails on cfn-lint errors, not on
# warnings: cfn-lint's exit code is a bit mask (2 = error, 4 = warning, 8 = informational, 1 = fatal).
#
# Ignored, on purpose:
#   W3005  "dependency already enforced by a GetAtt": CDK adds an explicit DependsOn from each
#          function (and the state machine) to its role's default policy and role; redundant, harmless.
# The state machine's `${...}` DefinitionSubstitutions are exempted from E1029 in the template
# itself (resource Metadata `cfn-lint.config.ignore_checks`), so no other template loses that check.
set -uo pipefail

out_dir="${1:-cdk.out}"
shopt -s nullglob
templates=("$out_dir"/*.template.json)
if [ ${#templates[@]} -eq 0 ]; then
  echo "cfn-lint: no templates in $out_dir (run npm run synth first)" >&2
  exit 1
fi
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint: not installed (pip install cfn-lint)" >&2
  exit 1
fi

cfn-lint --ignore-checks W3005 -- "${templates[@]}"
status=$?
if (( status & 3 )); then
  echo "cfn-lint: errors in ${#templates[@]} template(s) of $out_dir" >&2
  exit 1
fi
echo "cfn-lint: ${#templates[@]} template(s) of $out_dir, no errors"
