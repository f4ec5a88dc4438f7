#!/usr/bin/env bash
# precommit_test.sh FTLS_BINARY
#
# Tests .pre-commit-hooks.yaml with pre-commit itself, offline:
#   - the manifest validates (pre-commit validate-manifest);
#   - ftls-check-system, configured with the docs/editors.md snippet (repo
#     and rev pointed at a local copy), lets a commit of a clean dataset and
#     its plan through, stops a commit of flawed datasets (.jsonl and
#     .ndjson) with the rule codes in its output, fails on a broken plan,
#     and skips files its pattern does not match;
#   - ftls-check (language: golang) is built by pre-commit from a copy of
#     this repository with GOPROXY=off and the local module cache, and stops
#     the flawed commit the same way. Skipped when Go or the modules are
#     not available offline, or with FTLS_PRECOMMIT_GOLANG=0 (building
#     every main package of the module takes 10-30 s on a cold cache).
# Without pre-commit it runs the hooks' entry commands directly on the same
# files and exits 77 (skipped), saying so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_binary "$@"

MANIFEST=$ROOT/.pre-commit-hooks.yaml
[ -f "$MANIFEST" ] || fail "$MANIFEST is missing"
CLEAN=$ROOT/examples/training_data.jsonl
PLAN=$ROOT/examples/support.plan.yaml
FLAWED=$ROOT/examples/flawed.jsonl
export PATH="$FTLS_BIN_DIR:$PATH"

# Git without the user's or the system's configuration.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$WORK/gitconfig
git config --file "$GIT_CONFIG_GLOBAL" user.name "ftls test"
git config --file "$GIT_CONFIG_GLOBAL" user.email "ftls-test@example.invalid"
git config --file "$GIT_CONFIG_GLOBAL" init.defaultBranch main
git config --file "$GIT_CONFIG_GLOBAL" commit.gpgsign false
export PRE_COMMIT_HOME=$WORK/pre-commit-home
export PRE_COMMIT_COLOR=never

# manifest_field ID KEY prints KEY of hook ID from the manifest (the
# manifest is a flat list of hooks; keys are "  key: value").
manifest_field() {
	awk -v id="$1" -v key="$2" '
		/^- id:/ { cur = $3 }
		cur == id && $1 == key ":" { sub(/^[ \t]*[^:]*:[ \t]*/, ""); print; exit }
	' "$MANIFEST"
}

# A broken plan, and an unrelated file.
mkdir -p "$WORK/files"
printf 'task: [\n' >"$WORK/files/bad.plan.yaml"
printf 'not a dataset\n' >"$WORK/files/notes.txt"

if ! command -v pre-commit >/dev/null; then
	echo "pre-commit not found: running the hooks' entry commands directly (apt-get install pre-commit for the real test)"
	for id in ftls-check ftls-check-system; do
		entry=$(manifest_field "$id" entry)
		files=$(manifest_field "$id" files)
		[ "$entry" = "ftls check" ] || fail "$id: entry is \"$entry\", want \"ftls check\""
		for f in "$CLEAN" "$PLAN" "$FLAWED" "$WORK/files/bad.plan.yaml"; do
			printf '%s\n' "$f" | grep -Eq "$files" || fail "$id: files pattern $files does not match $f"
		done
		! printf '%s\n' "$WORK/files/notes.txt" | grep -Eq "$files" || fail "$id: files pattern matches notes.txt"
		(cd "$WORK/files" && $entry "$CLEAN" "$PLAN") >/dev/null 2>&1 || fail "$id: \`$entry\` fails on the clean dataset"
		set +e
		out=$($entry "$FLAWED" 2>&1)
		rc=$?
		set -e
		[ "$rc" = 1 ] || fail "$id: \`$entry\` exits $rc on flawed.jsonl, want 1"
		grep -q C005 <<<"$out" || fail "$id: no C005 in the output on flawed.jsonl"
		ok "$id: entry \`$entry\` passes the clean dataset, fails flawed.jsonl with C005"
	done
	skip "pre-commit not installed; checked the entry commands only (apt-get install pre-commit)"
fi

pre-commit validate-manifest "$MANIFEST" || fail "pre-commit validate-manifest rejects $MANIFEST"
ok "pre-commit validate-manifest .pre-commit-hooks.yaml"

# new_hook_repo DIR [source]: a git repository holding the manifest (and,
# with "source", this repository's files as they are in the working tree).
new_hook_repo() {
	mkdir -p "$1"
	if [ "${2:-}" = source ]; then
		if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
			(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
				xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
				tar --null -T - -cf -) | tar -xf - -C "$1"
		else
			(cd "$ROOT" && tar --exclude=./bin -cf - .) | tar -xf - -C "$1"
		fi
	fi
	cp "$MANIFEST" "$1/.pre-commit-hooks.yaml"
	git -C "$1" init -q
	git -C "$1" add -A
	git -C "$1" commit -qm "hooks under test"
}

# new_user_repo DIR HOOK_REPO HOOK_ID: a repository whose
# .pre-commit-config.yaml is the docs/editors.md snippet pointing at
# HOOK_REPO, with the hook installed.
new_user_repo() {
	local dir=$1 hooks=$2 id=$3 rev config
	rev=$(git -C "$hooks" rev-parse HEAD)
	config=$(snippet pre-commit-config | sed \
		-e "s#repo: https://github.com/ftls-dev/ftls\$#repo: $hooks#" \
		-e "s#rev: .*#rev: $rev#" \
		-e "s#id: ftls-check\$#id: $id#")
	grep -q "repo: $hooks\$" <<<"$config" || fail "pre-commit-config snippet: no \"repo: https://github.com/ftls-dev/ftls\" line"
	grep -q "rev: $rev\$" <<<"$config" || fail "pre-commit-config snippet: no rev line"
	grep -q "id: $id\$" <<<"$config" || fail "pre-commit-config snippet: no \"id: ftls-check\" line"
	mkdir -p "$dir"
	git -C "$dir" init -q
	printf '%s\n' "$config" >"$dir/.pre-commit-config.yaml"
	(cd "$dir" && pre-commit install >/dev/null) || fail "pre-commit install failed"
}

# check_hook USER_REPO ID: the commit scenarios.
check_hook() {
	local repo=$1 id=$2 out rc head
	cd "$repo"
	mkdir -p data
	cp "$CLEAN" data/training_data.jsonl
	cp "$PLAN" data/support.plan.yaml
	git add -A
	set +e
	out=$(git commit -m "clean dataset" 2>&1)
	rc=$?
	set -e
	[ "$rc" = 0 ] || { printf '%s\n' "$out"; fail "$id: the commit of the clean dataset and its plan was refused"; }
	grep -q "Passed" <<<"$out" || { printf '%s\n' "$out"; fail "$id: no \"Passed\" for the clean commit"; }
	grep -q "B005" <<<"$out" && fail "$id: the output of a passing hook should not be shown"
	ok "$id: commit of a clean dataset and its plan passes"

	head=$(git rev-parse HEAD)
	cp "$FLAWED" data/flawed.jsonl
	cp "$FLAWED" data/more.ndjson
	git add -A
	set +e
	out=$(git commit -m "flawed dataset" 2>&1)
	rc=$?
	set -e
	[ "$rc" != 0 ] || fail "$id: the commit of flawed.jsonl went through"
	[ "$(git rev-parse HEAD)" = "$head" ] || fail "$id: HEAD moved although the hook failed"
	for want in Failed "data/flawed.jsonl:1:136: error C005" "data/more.ndjson:1:136: error C005" J001 C013; do
		grep -qF "$want" <<<"$out" || { printf '%s\n' "$out"; fail "$id: \"$want\" missing from the output of the failed commit"; }
	done
	ok "$id: commit of flawed .jsonl and .ndjson files is refused with the rule codes (C005, J001, C013)"
	git reset -q
	rm data/flawed.jsonl data/more.ndjson

	cp "$WORK/files/bad.plan.yaml" "$WORK/files/notes.txt" .
	set +e
	out=$(pre-commit run --files bad.plan.yaml 2>&1)
	rc=$?
	set -e
	[ "$rc" = 1 ] && grep -q "bad.plan.yaml:1:1: error P001" <<<"$out" ||
		{ printf '%s\n' "$out"; fail "$id: a broken plan does not fail with P001 (exit $rc)"; }
	ok "$id: a broken *.plan.yaml fails with P001"
	out=$(pre-commit run --files notes.txt 2>&1) || { printf '%s\n' "$out"; fail "$id: failed on notes.txt"; }
	grep -q "no files to check" <<<"$out" || { printf '%s\n' "$out"; fail "$id: ran on notes.txt"; }
	ok "$id: files the pattern does not match are skipped"
	cd - >/dev/null
}

new_hook_repo "$WORK/hooks-min"
new_user_repo "$WORK/user-system" "$WORK/hooks-min" ftls-check-system
check_hook "$WORK/user-system" ftls-check-system

# The golang hook: pre-commit runs `go install ./...` in its clone of the
# hook repository; without network that works only from the module cache.
if [ "${FTLS_PRECOMMIT_GOLANG:-1}" = 0 ]; then
	echo "SKIP: ftls-check (language: golang): FTLS_PRECOMMIT_GOLANG=0"
	exit 0
fi
if ! command -v go >/dev/null; then
	echo "SKIP: ftls-check (language: golang): go not found, pre-commit would download it"
	exit 0
fi
new_hook_repo "$WORK/hooks-src" source
# -trimpath keeps the build cache valid from one scratch copy to the next.
export GOPROXY=off GOTOOLCHAIN=local GOMODCACHE GOFLAGS
GOMODCACHE=$(go env GOMODCACHE)
GOFLAGS="$(go env GOFLAGS) -trimpath"
if ! (cd "$WORK/hooks-src" && go list -deps ./... >/dev/null 2>"$WORK/golist.err"); then
	echo "SKIP: ftls-check (language: golang): the module's dependencies are not in the local module cache (GOPROXY=off):"
	sed 's/^/  /' "$WORK/golist.err" | head -5
	exit 0
fi
# Take ftls off PATH: the hook must bring its own.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$FTLS_BIN_DIR" | paste -sd: -)
new_user_repo "$WORK/user-golang" "$WORK/hooks-src" ftls-check
check_hook "$WORK/user-golang" ftls-check
built=$(find "$PRE_COMMIT_HOME" -path '*golangenv-*/bin/ftls' -type f | head -1)
[ -n "$built" ] || fail "ftls-check: no ftls built in $PRE_COMMIT_HOME"
ok "ftls-check: pre-commit built ${built#"$PRE_COMMIT_HOME"/} from the repository"
