#!/usr/bin/env bash
# Self-tests of the rig: every judge that passes or fails the tests gets
# input it must refuse (and some it must accept), and must answer right.
# Each case prints "ok ..." or "FAIL ...".
. "$(dirname "$0")/../scripts/lib.sh"
# Cases 3 and 4 reset the tree they are given: always the tests' own tree,
# never the developer's work tree, even when run by hand. Case 8 makes
# that tree again: never run this beside a "make test" that uses the same
# RIG_CACHE (a build under way then compiles the wrong tree).
export RIG_TREE=$RIG_CACHE/test/linux
S=$RIG_TOP/scripts
T=$RIG_TOP/tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
ok() { echo "ok   $*"; }
no() { echo "FAIL $*"; bad=1; }
# expect WANT-RC NAME CMD...: CMD must succeed (0) or fail (1)
expect() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>&1 || rc=$?
	if { [ "$want" = 0 ] && [ $rc = 0 ]; } || { [ "$want" != 0 ] && [ $rc != 0 ]; }; then
		ok "$name"
	else
		no "$name (rc $rc)"
		sed 's/^/     | /' "$tmp/out"
	fi
}

# 1. verdict.sh on synthetic console logs
v() {	# v WANT-RC NAME LOG-TEXT QEMU-RC
	printf '%b' "$3" > "$tmp/log"
	expect "$1" "verdict: $2" env RIG_BANNER="Linux version 7.3.4+ (rig) #1" \
		"$S/verdict.sh" "$tmp/log" "$4" t
}
ban='Linux version 7.3.4+ (rig) #1\n'
ex='RIG-EXIT: t status 0\n'
v 0 "clean pass"             "${ban}boot\r\nRIG-PASS: t\r\n${ex}RIG-DONE\r\n" 0
v 1 "panic"                  "${ban}RIG-PASS: t\nKernel panic - not syncing: x\n${ex}RIG-DONE\n" 0
v 1 "WARN"                   "${ban}RIG-PASS: t\nWARNING: CPU: 0 PID: 1 at x\n${ex}RIG-DONE\n" 0
v 1 "lockdep"                "${ban}RIG-PASS: t\nWARNING: possible circular locking dependency detected\n${ex}RIG-DONE\n" 0
v 1 "KASAN"                  "${ban}RIG-PASS: t\nBUG: KASAN: slab-out-of-bounds\n${ex}RIG-DONE\n" 0
v 1 "UBSAN"                  "${ban}RIG-PASS: t\nUBSAN: array-index-out-of-bounds in x\n${ex}RIG-DONE\n" 0
v 1 "oops"                   "${ban}RIG-PASS: t\nInternal error: Oops: 96000004\n${ex}RIG-DONE\n" 0
v 0 "kernel message glued"   "${ban}RIG-PASS: t[    4.65] Memory failure: 0x1: recovery action\n${ex}RIG-DONE\n" 0
v 1 "no pass marker"         "${ban}${ex}RIG-DONE\n" 0
v 1 "pass of another test"   "${ban}RIG-PASS: tt\nRIG-EXIT: tt status 0\nRIG-DONE\n" 0
v 1 "pass, then exit 1"      "${ban}RIG-PASS: t\nRIG-EXIT: t status 1\nRIG-DONE\n" 0
v 1 "pass, then a signal"    "${ban}RIG-PASS: t\nRIG-EXIT: t signal 7\nRIG-DONE\n" 0
v 1 "pass, no exit status"   "${ban}RIG-PASS: t\nRIG-DONE\n" 0
v 1 "guest failure"          "${ban}RIG-FAIL: t: x\n${ex}RIG-DONE\n" 0
v 1 "no RIG-DONE"            "${ban}RIG-PASS: t\n${ex}" 0
v 1 "failed KUnit case"      "${ban}RIG-PASS: t\n    not ok 3 ghes_test_reentry\n${ex}RIG-DONE\n" 0
v 1 "timeout"                "${ban}RIG-PASS: t\n${ex}RIG-DONE\n" 124
v 1 "another kernel booted"  "Linux version 7.3.4+ (rig) #2\nRIG-PASS: t\n${ex}RIG-DONE\n" 0
# traces NAME LOG LINE...: the verdict on LOG shows each "call trace:" LINE.
traces() {
	local name=$1 log=$2 line miss=
	shift 2
	printf '%b' "${ban}RIG-PASS: t\n${log}${ex}RIG-DONE\n" > "$tmp/log"
	"$S/verdict.sh" "$tmp/log" 0 t > "$tmp/out" 2>&1 || true
	for line in "$@"; do
		grep -qxF "  call trace: $line" "$tmp/out" || miss=1
	done
	if [ -z "$miss" ]; then
		ok "verdict: $name"
	else
		no "verdict: $name"
		sed 's/^/     | /' "$tmp/out"
	fi
}
# The call trace line: innermost first, timestamps and "(P)" marks gone.
traces "a call trace on one line" \
	"Call trace:\n[    7.08]  hex_dump_to_buffer+0x3a4/0x4dc (P)\n[    7.09]  print_hex_dump+0xd8/0x148\n[    7.10] Kernel panic - not syncing: x\n" \
	"hex_dump_to_buffer+0x3a4/0x4dc < print_hex_dump+0xd8/0x148"
# When another CPU's report comes first, the oops' own trace has a line too.
traces "each of two call traces on a line of its own" \
	"Call trace:\n[    1.68]  gic_handle_irq+0xb0/0xbc (P)\n[    1.69] x\nCall trace:\n[    1.74]  __memcpy+0x10/0x44 (P)\n[    1.75]  log_arm_hw_error+0x1d8/0x2c4\n" \
	"gic_handle_irq+0xb0/0xbc" "__memcpy+0x10/0x44 < log_arm_hw_error+0x1d8/0x2c4"
# Two CPUs oopsing at once: another CPU's registers between the frames.
traces "a call trace through another CPU's registers, to its Code: line" \
	"Call trace:\n[    0.77]  x18: 00000000ffffffff\n[    0.77]  __memcpy+0x10/0x44 (P)\n[    0.77] x8 : 3ffffffffffbffff x7 : fff00000bbe30000\n[    0.77]  log_arm_hw_error+0x1d8/0x2c4\n[    0.77] Code: d503245f d503201f\n[    0.78]  el0t_64_sync+0x154/0x158\n" \
	"__memcpy+0x10/0x44 < log_arm_hw_error+0x1d8/0x2c4"
RIG_ALLOW_PANIC=1 v 0 "expected panic" "${ban}RIG-PASS: t\n${ex}Kernel panic - not syncing: Fatal hardware error!\n" 0

# 2. expect-fail.sh: only the failure it is for
expect 0 "expect-fail: the failure expected" "$T/expect-fail.sh" 'R2, written' \
	sh -c 'echo "RIG-FAIL: x: R2, written between"; exit 1'
expect 1 "expect-fail: another failure (a missing image)" "$T/expect-fail.sh" 'R2, written' \
	sh -c 'echo "rig: error: no kernel image at /nonexistent"; exit 1'
expect 1 "expect-fail: a command that passes" "$T/expect-fail.sh" 'R2, written' \
	sh -c 'echo "R2, written"; exit 0'

# 3. the ordered matcher of sei-boot.sh (row uer-el1)
row='RIG-INFO: sei: row uer-el1: SError from EL1\n'
good="${row}[Hardware Error]: event severity: recoverable\nSError Interrupt on CPU0, code 0x00000000be000c11\npc : rig_serror_write+0x1\nKernel panic - not syncing: Asynchronous SError Interrupt\n"
printf '%b' "$good" > "$tmp/sei-good"
printf '%b' "${row}SError Interrupt on CPU0, code 0x00000000be000c11\n[Hardware Error]: event severity: recoverable\npc : rig_x\nKernel panic - not syncing: Asynchronous SError Interrupt\n" > "$tmp/sei-order"
printf '%b' "${good}GHES: Fatal hardware error\n" > "$tmp/sei-never"
printf '%b' "[Hardware Error]: event severity: recoverable\n" > "$tmp/sei-norow"
expect 0 "sei-boot matcher: lines in order" "$T/sei-boot.sh" --check uer-el1 "$tmp/sei-good"
expect 1 "sei-boot matcher: lines out of order" "$T/sei-boot.sh" --check uer-el1 "$tmp/sei-order"
expect 1 "sei-boot matcher: a forbidden line" "$T/sei-boot.sh" --check uer-el1 "$tmp/sei-never"
expect 1 "sei-boot matcher: no row line" "$T/sei-boot.sh" --check uer-el1 "$tmp/sei-norow"
# (row kvm-fatal: guest/kvm_serror.c's row line, and the rewritten exit first)
krow='RIG-INFO: kvm_serror: row kvm-fatal: guest SError\n'
kgood="${krow}rig-kvm: guest exit turned into an SError exit, ESR 0xbe001811\n[Hardware Error]: event severity: fatal\nKernel panic - not syncing: GHES: Fatal hardware error\n"
printf '%b' "$kgood" > "$tmp/kvm-good"
printf '%b' "${kgood/RIG-INFO: kvm_serror/RIG-INFO: sei}" > "$tmp/kvm-sei-row"
printf '%b' "${krow}[Hardware Error]: event severity: fatal\nKernel panic - not syncing: GHES: Fatal hardware error\n" > "$tmp/kvm-noexit"
expect 0 "sei-boot matcher: kvm-fatal, lines in order" "$T/sei-boot.sh" --check kvm-fatal "$tmp/kvm-good"
expect 1 "sei-boot matcher: kvm-fatal, sei.c's row line" "$T/sei-boot.sh" --check kvm-fatal "$tmp/kvm-sei-row"
expect 1 "sei-boot matcher: kvm-fatal, no rewritten exit" "$T/sei-boot.sh" --check kvm-fatal "$tmp/kvm-noexit"

# 4. the KUnit judge (kunit.py parse and the suite's summary)
ktap() {	# ktap FAILED-CASE SUMMARY
	printf 'KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: ghes\n    1..2\n'
	printf '    ok 1 ghes_test_a\n'
	if [ -n "$1" ]; then printf '    not ok 2 %s\n' "$1"; else printf '    ok 2 ghes_test_b\n'; fi
	printf '# ghes: %s\n' "$2"
	if [ -n "$1" ]; then printf 'not ok 1 ghes\n'; else printf 'ok 1 ghes\n'; fi
}
if [ -f "$RIG_TREE/tools/testing/kunit/kunit.py" ]; then
	ktap "" "pass:2 fail:0 skip:0 total:2" > "$tmp/k-good"
	ktap ghes_test_b "pass:1 fail:1 skip:0 total:2" > "$tmp/k-fail"
	ktap "" "pass:1 fail:0 skip:1 total:2" > "$tmp/k-skip"
	printf 'boot\nno suite here\n' > "$tmp/k-none"
	expect 0 "KUnit judge: all cases pass" "$T/kunit-boot.sh" --check "$tmp/k-good"
	expect 1 "KUnit judge: a failed case" "$T/kunit-boot.sh" --check "$tmp/k-fail"
	expect 1 "KUnit judge: a skipped case" "$T/kunit-boot.sh" --check "$tmp/k-skip"
	expect 1 "KUnit judge: the suite did not run" "$T/kunit-boot.sh" --check "$tmp/k-none"
else
	no "KUnit judge: no test tree with kunit.py at $RIG_TREE"
fi

# 5. the sparse comparison
printf 'drivers/acpi/apei/ghes.c: warning: a\n' > "$tmp/sp-before"
printf 'drivers/acpi/apei/ghes.c: warning: a\n' > "$tmp/sp-same"
printf 'drivers/acpi/apei/ghes.c: warning: a\ndrivers/acpi/apei/ghes.c: warning: b\n' > "$tmp/sp-new"
expect 0 "sparse judge: the same warnings" "$T/sparse.sh" --compare "$tmp/sp-before" "$tmp/sp-same"
expect 1 "sparse judge: a new warning" "$T/sparse.sh" --compare "$tmp/sp-before" "$tmp/sp-new"

# 5b. the early stop of a negative control: only a line that reports a
# failure stops the guest, never a guest's own RIG-OK line quoting the words
printf 'RIG-OK: g: R2, written between the ack and the release, reported\r\n' > "$tmp/stop-ok"
printf 'RIG-FAIL: g: R2, written between the ack and the release, reported\r\n' > "$tmp/stop-fail"
printf '    # ghes_test_move: EXPECTATION FAILED at ghes_kunit.c:1\r\n' > "$tmp/stop-kunit"
expect 1 "early stop: a RIG-OK line quoting the regex" \
	"$S/boot.sh" --failed-line 'R2, written between' "$tmp/stop-ok"
expect 0 "early stop: a RIG-FAIL line" \
	"$S/boot.sh" --failed-line 'R2, written between' "$tmp/stop-fail"
expect 0 "early stop: a KUnit expectation failed" \
	"$S/boot.sh" --failed-line 'ghes_test_move: EXPECTATION FAILED' "$tmp/stop-kunit"
expect 1 "early stop: another test's failure" \
	"$S/boot.sh" --failed-line 'ghes_test_bad_record: EXPECTATION FAILED' "$tmp/stop-kunit"

# 5c. the tries a boot gets: 7.3's early x86_64 KASAN report, and an
# early x86_64 hang, only before APEI's first line
k='[    0.008873] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x109/0x240\r\n'
h='[    2.442553] HEST: Table parsing has been initialized.\r\n'
printf "$k$h" > "$tmp/early-kasan"
printf "$h$k" > "$tmp/late-kasan"
printf '[    0.008873] BUG: KASAN: slab-out-of-bounds in ghes_probe+0x1/0x2\r\n' > "$tmp/other-kasan"
expect 0 "boot retry: the early KASAN report" "$S/boot.sh" --early-x86-report "$tmp/early-kasan"
expect 1 "boot retry: the same report once APEI is up" "$S/boot.sh" --early-x86-report "$tmp/late-kasan"
expect 1 "boot retry: another KASAN report" "$S/boot.sh" --early-x86-report "$tmp/other-kasan"
# the same, on consoles far longer than a pipe holds (a cold run's was
# 90 KB; these are 1 MB)
long=$(awk 'BEGIN { for (i = 1; i <= 20000; i++)
	printf "[    5.%06d] rig: line %d of a long console\r\n", i, i }')
{ printf "$k"; printf '%s\n' "$long"; printf "$h"; } > "$tmp/early-kasan-long"
{ printf "$h"; printf "$k"; printf '%s\n' "$long"; } > "$tmp/late-kasan-long"
expect 0 "boot retry: the early KASAN report, long console" \
	"$S/boot.sh" --early-x86-report "$tmp/early-kasan-long"
expect 1 "boot retry: the report once APEI is up, long console" \
	"$S/boot.sh" --early-x86-report "$tmp/late-kasan-long"
# a hang gets the tries only before APEI's first line
printf '[    1.675067] ACPI: Added _OSI(Processor Aggregator Device)\r\n' > "$tmp/early-hang"
printf "$h"'[    3.1] GHES: APEI firmware first mode is enabled by APEI bit.\r\n' > "$tmp/late-hang"
expect 0 "boot retry: a hang before APEI is up" "$S/boot.sh" --before-apei "$tmp/early-hang"
expect 1 "boot retry: a hang once APEI is up" "$S/boot.sh" --before-apei "$tmp/late-hang"
expect 1 "boot retry: a hang once APEI is up, long console" \
	"$S/boot.sh" --before-apei "$tmp/late-kasan-long"

# 6. checkpatch's MAINTAINERS question, answered only for covered files
newfile() {	# newfile PATH -> a clean patch that adds PATH
	cat <<EOP
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: $RIG_ID_NAME <$RIG_ID_EMAIL>
Date: Tue, 24 Nov 2026 00:00:00 +0000
Subject: [PATCH] rig: add $1

Add an empty file, to test the rig's checkpatch answer about MAINTAINERS.

Signed-off-by: $RIG_ID_NAME <$RIG_ID_EMAIL>
---
 $1 | 2 ++
 1 file changed, 2 insertions(+)
 create mode 100644 $1

diff --git a/$1 b/$1
new file mode 100644
index 000000000000..111111111111
--- /dev/null
+++ b/$1
@@ -0,0 +1,2 @@
+// SPDX-License-Identifier: GPL-2.0
+/* Empty. */
EOP
}
if [ -f "$RIG_TREE/scripts/checkpatch.pl" ]; then
	newfile drivers/acpi/apei/ghes_kunit.c > "$tmp/covered.patch"
	newfile README > "$tmp/uncovered.patch"
	expect 0 "checkpatch: a new file MAINTAINERS covers" "$T/checkpatch.sh" "$tmp/covered.patch"
	expect 1 "checkpatch: a new file nothing covers" "$T/checkpatch.sh" "$tmp/uncovered.patch"
else
	no "checkpatch: no test tree at $RIG_TREE"
fi

# 7. restamp rewrites author and sign-off of every patch, and nothing else
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
[ "$n" -gt 0 ] || no "restamp: no patches to restamp"
expect 1 "restamp refuses a malformed identity" \
	env RIG_PATCHES="$tmp/p" "$S/series.sh" restamp "not an identity"

# 8. a patch that does not apply stops the tree with its name; then the
# tree is made again, as the suite left it
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
	FORCE=1 "$S/series.sh" tree >/dev/null 2>&1 || no "the test tree could not be made again"
	# Made again over itself, the tree has no file written: kbuild would
	# take a rewritten file for a changed one (commit_mails).
	touch "$tmp/stamp"
	sleep 1
	FORCE=1 "$S/series.sh" tree >/dev/null 2>&1 || no "the test tree could not be made a third time"
	newer=$(find "$RIG_TREE" -path "$RIG_TREE/.git" -prune -o -type f -newer "$tmp/stamp" -print | wc -l)
	if [ "$newer" = 0 ]; then
		ok "making the tree again over itself writes no file"
	else
		no "making the tree again over itself wrote $newer files"
	fi
	# and its commits are those of patches/: exported, the same bytes
	mkdir -p "$tmp/export"
	RIG_PATCHES=$tmp/export "$S/series.sh" export >/dev/null 2>&1 || no "export failed"
	differ=$(for f in "$RIG_TOP"/patches/*.patch; do
		cmp -s "$f" "$tmp/export/$(basename "$f")" || basename "$f"; done)
	if [ -z "$differ" ] && [ "$(ls "$tmp/export" | wc -l)" = "$(ls "$RIG_TOP"/patches/*.patch | wc -l)" ]; then
		ok "the tree's commits export to patches/ byte for byte"
	else
		no "exported from the tree, these differ from patches/: ${differ:-(a count)}"
	fi
fi

# 9. a config option that does not stick fails the build with its name
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
# 10. once.sh remembers a pass, and only a pass
st=$tmp/once
expect 1 "once: a failing command fails" "$T/once.sh" "$st" in1 sh -c 'echo hello; false'
[ -z "$(ls -A "$st" 2>/dev/null)" ] && ok "once: a failure is not remembered" ||
	no "once: a failure left $(ls "$st")"
expect 0 "once: a passing command passes" "$T/once.sh" "$st" in1 sh -c 'echo hello'
rc=0
out=$("$T/once.sh" "$st" in1 sh -c 'echo hello' 2>&1) || rc=$?
if [ $rc = 77 ] && grep -q 'not run again' <<<"$out" && grep -q hello "$st"/*; then
	ok "once: a remembered pass is skipped, and its output kept"
else
	no "once: rc $rc for a remembered pass, output: $out"
fi
expect 1 "once: other inputs run again" "$T/once.sh" "$st" in2 sh -c 'echo hello; false'
expect 1 "once: another command runs again" "$T/once.sh" "$st" in1 sh -c 'echo hello; exit 3'
exit $bad
