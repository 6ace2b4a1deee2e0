# shellcheck shell=bash
# Test bookkeeping: every test is one call to t_run NAME COMMAND...; its
# output goes to $T_LOGS/NAME.log and the outcome is counted.
T_PASS=0 T_FAIL=0 T_SKIP=0
T_FAILED=()
T_LOGS=${T_LOGS:-$RIG_CACHE/test/logs}
mkdir -p "$T_LOGS"

t_run() {
	local name=$1; shift
	local log=$T_LOGS/$name.log start=$SECONDS rc=0
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		T_PASS=$((T_PASS + 1))
		printf 'PASS %-44s %4ss\n' "$name" $((SECONDS - start))
	elif [ "$rc" = 77 ]; then
		T_SKIP=$((T_SKIP + 1))
		printf 'SKIP %-44s %s\n' "$name" "$(tail -n1 "$log")"
	else
		T_FAIL=$((T_FAIL + 1))
		T_FAILED+=("$name")
		printf 'FAIL %-44s %4ss (log: %s)\n' "$name" $((SECONDS - start)) "$log"
		tail -n 15 "$log" | sed 's/^/     | /'
	fi
}

t_summary() {
	echo
	if [ "$T_SKIP" -gt 0 ]; then
		echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	else
		echo "$T_PASS passed, $T_FAIL failed"
	fi
	[ "$T_FAIL" = 0 ]
}
