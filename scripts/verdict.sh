#!/usr/bin/env bash
# Judge a boot log:  verdict.sh LOG QEMU-RC TEST...
# Prints one line per problem and "verdict: pass" or "verdict: FAIL";
# exits non-zero on failure. A test passes only if the program printed its
# own "RIG-PASS: TEST" and /init saw it exit with status 0. RIG_BANNER is
# the "Linux version" line of the kernel the caller meant to boot: the log
# must show it. RIG_ALLOW_PANIC=1 accepts a kernel panic as the end of the
# boot (then RIG-DONE is not required); RIG_NO_PASS=1, for a test whose
# correct end is that panic, does not ask for its RIG-PASS or exit status
# (the caller then checks the log itself); RIG_EXPECT is a regex the log
# must match.
set -u
raw=$1 rc=$2; shift 2
bad=0
# The serial log has CRLF line ends; judge a copy without them.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tr -d '\r' < "$raw" > "$log"
problem() { echo "  $*"; bad=1; }

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	problem "QEMU timed out (hung guest?)"
elif [ "$rc" != 0 ]; then
	problem "QEMU exited with status $rc"
fi
[ "${RIG_NO_PASS:-0}" = 1 ] && set --
for t in "$@"; do
	# a kernel message may follow on the same console line
	grep -qE "RIG-PASS: $t(\$|\[)" "$log" || {
		why=$(grep -m1 "RIG-FAIL: $t:" "$log")
		problem "test $t did not pass${why:+: $why}"
	}
	grep -qE "^RIG-EXIT: $t status 0(\$|\[)" "$log" || {
		how=$(grep -m1 -E "^RIG-EXIT: $t " "$log")
		problem "program $t did not exit with status 0${how:+: $how}"
	}
done
if [ -n "${RIG_BANNER:-}" ] && ! grep -qF -- "$RIG_BANNER" "$log"; then
	problem "the console does not show the kernel meant to boot: $RIG_BANNER"
fi
patterns=(
	'Oops' 'WARNING:' 'BUG:' 'Internal error:' 'Unable to handle kernel'
	'KASAN' 'UBSAN' 'possible (recursive|circular) locking' 'inconsistent lock state'
	'possible irq lock inversion' 'suspicious RCU usage' 'Call [Tt]race:'
	'RIG-FAIL' '^ *not ok [0-9]'
)
if [ "${RIG_ALLOW_PANIC:-0}" != 1 ]; then
	patterns+=('Kernel panic')
	grep -q '^RIG-DONE' "$log" || problem "guest did not reach RIG-DONE"
else
	# The panic prints its own call trace: judge what came before it.
	sed -i '/Kernel panic - not syncing/,$d' "$log"
fi
for p in "${patterns[@]}"; do
	hit=$(grep -m1 -E "$p" "$log")
	[ -n "$hit" ] && problem "log shows: $hit"
done
# The first frames of each of the first three call traces, one line each,
# innermost first: when one CPU oopses, another's report can come first.
# Two CPUs that oops at once interleave their lines, so a trace ends at
# its "Code:", end-of-trace or "</TASK>" line, a blank line, or KASAN's
# "Allocated by"/"Freed by" stacks, not at the first line that is not a
# frame (another CPU's registers).
while IFS= read -r trace; do
	problem "call trace: $trace"
done < <(awk '/Call [Tt]race:/ { if (n) print ""; if (++t > 3) exit; on = 1; n = 0; next }
	on && /^\[ *[0-9.]+\] +[^ ]+\+0x/ {
		sub(/^\[[^]]*\] +/, ""); sub(/ .*/, "")
		if (n < 8) printf "%s%s", n++ ? " < " : "", $0
		next
	}
	on && /Code: |---\[ end trace|<\/TASK>|Allocated by|Freed by|Kernel panic|^RIG-|^\[[^]]*\] *$/ {
		on = 0; if (n) print ""; n = 0
	}
	END { if (on && n) print "" }' "$log")
if [ -n "${RIG_EXPECT:-}" ] && ! grep -qE "$RIG_EXPECT" "$log"; then
	problem "log lacks /$RIG_EXPECT/"
fi
if [ "$bad" = 0 ]; then echo "verdict: pass ($raw)"; else echo "verdict: FAIL ($raw)"; fi
exit "$bad"
