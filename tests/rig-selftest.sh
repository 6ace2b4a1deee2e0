#!/usr/bin/env bash
# Self-tests of the rig: the checks that judge everything else must be able
# to fail. Each case feeds a known-bad (or known-good) input and checks the
# rig's answer.
. "$(dirname "$0")/../scripts/lib.sh"
# Case 3 resets the tree it is given: always the tests' own tree, never
# the developer's work tree, even when run by hand.
export RIG_TREE=$RIG_CACHE/test/linux
S=$RIG_TOP/scripts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
ok() { echo "ok   $*"; }
no() { echo "FAIL $*"; bad=1; }

# 1. verdict.sh on synthetic console logs
v() {	# v WANT-RC NAME LOG-TEXT QEMU-RC
	printf '%b' "$3" > "$tmp/log"
	local rc=0
	"$S/verdict.sh" "$tmp/log" "$4" t >"$tmp/v.out" 2>&1 || rc=$?
	if { [ "$1" = 0 ] && [ $rc = 0 ]; } || { [ "$1" != 0 ] && [ $rc != 0 ]; }; then
		ok "verdict: $2"
	else
		no "verdict: $2 (rc $rc)"; cat "$tmp/v.out"
	fi
}
v 0 "clean pass"             'boot\r\nRIG-PASS: t\r\nRIG-DONE\r\n' 0
v 1 "panic"                  'RIG-PASS: t\nKernel panic - not syncing: x\nRIG-DONE\n' 0
v 1 "WARN"                   'RIG-PASS: t\nWARNING: CPU: 0 PID: 1 at x\nRIG-DONE\n' 0
v 1 "lockdep"                'RIG-PASS: t\nWARNING: possible circular locking dependency detected\nRIG-DONE\n' 0
v 1 "KASAN"                  'RIG-PASS: t\nBUG: KASAN: slab-out-of-bounds\nRIG-DONE\n' 0
v 1 "oops"                   'RIG-PASS: t\nInternal error: Oops: 96000004\nRIG-DONE\n' 0
v 0 "kernel message glued"   'RIG-PASS: t[    4.65] Memory failure: 0x1: recovery action\nRIG-DONE\n' 0
v 1 "no pass marker"         'RIG-EXIT: t status 0\nRIG-DONE\n' 0
v 1 "pass of another test"   'RIG-PASS: tt\nRIG-DONE\n' 0
v 1 "guest failure"          'RIG-FAIL: t: x\nRIG-DONE\n' 0
v 1 "no RIG-DONE"            'RIG-PASS: t\n' 0
v 1 "failed KUnit case"      'RIG-PASS: t\n    not ok 3 ghes_test_reentry\nRIG-DONE\n' 0
v 1 "timeout"                'RIG-PASS: t\nRIG-DONE\n' 124
RIG_ALLOW_PANIC=1 v 0 "expected panic" 'RIG-PASS: t\nKernel panic - not syncing: Fatal hardware error!\n' 0

# 2. restamp rewrites author and sign-off of every patch, and nothing else
mkdir -p "$tmp/p"
cp "$RIG_TOP"/patches/*.patch "$tmp/p/"
RIG_PATCHES=$tmp/p "$S/series.sh" restamp "Jane Doe <jane@example.com>" 2>/dev/null
n=0
for f in "$tmp"/p/0*.patch; do
	case "$f" in *0000-cover-letter.patch) continue ;; esac
	n=$((n + 1))
	if grep -q '^From: Jane Doe <jane@example.com>$' "$f" &&
	   grep -q '^Signed-off-by: Jane Doe <jane@example.com>$' "$f" &&
	   ! grep -qF "$RIG_ID_NAME <$RIG_ID_EMAIL>" "$f" &&
	   [ "$(diff "$f" "$RIG_TOP/patches/$(basename "$f")" | grep -c '^>')" = 2 ]; then
		ok "restamp: $(basename "$f")"
	else
		no "restamp: $(basename "$f")"
	fi
done
[ "$n" -gt 0 ] || echo "(no patches to restamp)"
if RIG_PATCHES=$tmp/p "$S/series.sh" restamp "not an identity" 2>/dev/null; then
	no "restamp accepted a malformed identity"
else
	ok "restamp refuses a malformed identity"
fi

# 3. a patch that does not apply stops the tree with its name
first=$(ls "$RIG_TOP"/patches/0001-*.patch 2>/dev/null | head -n1)
if [ -n "$first" ]; then
	mkdir -p "$tmp/broken"
	# corrupt the first context line of the first hunk
	awk 'done == 0 && /^@@/ { hunk = 1; print; next }
	     hunk == 1 && /^ / { print " RIG-BROKEN" substr($0, 2); done = 1; hunk = 0; next }
	     { print }' "$first" > "$tmp/broken/$(basename "$first")"
	out=$(FORCE=1 RIG_PATCHES=$tmp/broken "$S/series.sh" tree 2>&1) && rc=0 || rc=$?
	if [ $rc != 0 ] && grep -q "patch does not apply: $(basename "$first")" <<<"$out"; then
		ok "a broken patch stops 'tree' and is named"
	else
		no "broken patch: rc $rc, output: $out"
	fi
fi

# 4. a config option that does not stick fails the build with its name
mkdir -p "$tmp/cfg"
cp "$RIG_TOP"/configs/*.config "$tmp/cfg/"
echo '# CONFIG_ACPI_APEI_GHES is not set' >> "$tmp/cfg/arm64.config"
if [ -f "$RIG_TREE/Makefile" ]; then
	out=$(RIG_CONFIG_DIR=$tmp/cfg "$S/build.sh" arm64 --tree "$RIG_TREE" --out "$tmp/o" 2>&1) && rc=0 || rc=$?
	if [ $rc != 0 ] && grep -q "CONFIG_ACPI_APEI_SEA requested 'y' but the final .config has 'n'" <<<"$out"; then
		ok "an option that does not stick fails the build and is named"
	else
		no "config check: rc $rc, output: $out"
	fi
fi
exit $bad
