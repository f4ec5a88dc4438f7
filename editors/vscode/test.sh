#!/usr/bin/env bash
# Tests the VS Code extension: bundle, type-check, lint, unit tests, the
# protocol test against a real `ftls serve`, and a VSIX that packages
# without warnings. Usage: bash editors/vscode/test.sh /absolute/path/to/ftls
# Needs node 20+ and npm (with access to the npm registry for `npm ci`),
# and python3 (to read the packaged README).
set -uo pipefail

fail() {
  echo "editors/vscode/test.sh: FAILED: $*" >&2
  exit 1
}

ftls=${1:-}
[[ $ftls == /* ]] || fail "give the ftls binary as an absolute path (got '${ftls}')"
[[ -x $ftls ]] || fail "$ftls is not an executable file"

cd "$(dirname "${BASH_SOURCE[0]}")" || fail "cannot enter the extension folder"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || fail "node 20 or newer is needed, this is $(node --version)"

start=$SECONDS

# npm ci deletes node_modules and installs the lock file again: only when
# there is none yet or package.json or the lock changed since (npm writes
# node_modules/.package-lock.json at the end of an install). .npmrc keeps
# install scripts off: nothing here needs them, and keytar's (an optional
# dependency of vsce) would try a download and a native build.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json || package.json -nt node_modules/.package-lock.json ]]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund || fail "npm ci"
fi

step() {
  local name=$1 t=$SECONDS
  shift
  echo "== $name"
  "$@" || fail "$name"
  echo "== $name: $((SECONDS - t)) s"
}

step "bundle (esbuild)" npm run -s build
step "compile tests (esbuild)" npm run -s build:test
step "type-check (tsc --noEmit)" npm run -s typecheck
step "lint (eslint)" npm run -s lint
step "unit tests" npm run -s test:unit
step "protocol tests against $ftls" env FTLS_BINARY="$ftls" npm run -s test:protocol

echo "== package (vsce)"
vsix_dir=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$vsix_dir"' EXIT
images_base=$(node -p 'require("./package.json").repository.url.replace(/\.git$/, "") + "/raw/HEAD/" + require("./package.json").repository.directory')
node_modules/.bin/vsce package --baseImagesUrl "$images_base" --out "$vsix_dir/ftls.vsix" </dev/null >"$vsix_dir/vsce.log" 2>&1
status=$?
cat "$vsix_dir/vsce.log"
((status == 0)) || fail "vsce package"
# vsce prints " WARNING " (or ::warning under GitHub Actions) and still
# succeeds; a warning here is a packaging mistake.
if grep -qi 'warning' "$vsix_dir/vsce.log"; then fail "vsce package printed a warning"; fi

# The README's pictures, from ../../docs/images, resolve to that folder in
# the repository once vsce made them absolute.
for image in $(grep -o '](\.\./\.\./docs/images/[a-z0-9-]*\.png)' README.md | sed 's/^](\.\.\/\.\.\///; s/)$//'); do
  [[ -f ../../$image ]] || fail "README.md shows $image, which does not exist"
done
packed_readme=$(python3 -c "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('extension/readme.md').decode())" "$vsix_dir/ftls.vsix") || fail "no README in the VSIX"
grep -q "(${images_base}/../../docs/images/vscode-quick-fix.png)" <<<"$packed_readme" ||
  fail "the packaged README does not link its pictures from $images_base: $(grep -o '!\[[^]]*\]([^)]*)' <<<"$packed_readme" | head -n 3)"

# The VSIX is the bundle and the manifest's assets, no sources or node_modules.
expected=$'CHANGELOG.md\nLICENSE\nREADME.md\nimages/icon.png\nlanguage-configuration.json\nout/extension.js\npackage.json\nsyntaxes/ftls-plan.tmLanguage.json'
listed=$(node_modules/.bin/vsce ls 2>/dev/null | sort)
[[ $listed == "$expected" ]] || fail "the VSIX would hold:"$'\n'"$listed"$'\n'"expected:"$'\n'"$expected"

echo "editors/vscode/test.sh: all passed in $((SECONDS - start)) s"
