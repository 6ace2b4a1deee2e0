# shellcheck shell=bash
# Test bookkeeping: every test is one call to t_run NAME COMMAND... (or
# t_bg, then t_wait); its output goes to $T_LOGS/NAME.log and the outcome
# is counted. t_phase NAME starts a phase of the run; t_summary prints the
# time of each phase and "N passed, M failed".
T_PASS=0 T_FAIL=0 T_SKIP=0
T_FAILED=()
T_LOGS=${T_LOGS:-$RIG_CACHE/test/logs}
T_PHASES=()
T_PHASE_START=$SECONDS
T_START=$SECONDS
mkdir -p "$T_LOGS"

t_count() {	# t_count NAME RC SECONDS: count and report one outcome
	local name=$1 rc=$2 secs=$3 log=$T_LOGS/$1.log
	if [ "$rc" = 0 ]; then
		T_PASS=$((T_PASS + 1))
		printf 'PASS %-52s %4ss\n' "$name" "$secs"
	elif [ "$rc" = 77 ]; then
		T_SKIP=$((T_SKIP + 1))
		printf 'SKIP %-52s %s\n' "$name" "$(tail -n1 "$log")"
	else
		T_FAIL=$((T_FAIL + 1))
		T_FAILED+=("$name")
		printf 'FAIL %-52s %4ss (log: %s)\n' "$name" "$secs" "$log"
		tail -n 15 "$log" | sed 's/^/     | /'
	fi
}

t_run() {
	local name=$1; shift
	local start=$SECONDS rc=0
	"$@" >"$T_LOGS/$name.log" 2>&1 || rc=$?
	t_count "$name" "$rc" $((SECONDS - start))
	return 0
}

# t_bg NAME COMMAND...: t_run in the background, T_JOBS at most (QEMU
# boots, each mostly one busy vCPU thread, and idle while its guest sleeps
# or waits for a timer; never kernel builds, which use every CPU). t_wait
# waits for them all and reports them in the order they were started.
T_BG=()
T_JOBS=$(nproc)
t_bg() {
	local name=$1; shift
	while [ "$(jobs -rp | wc -l)" -ge "$T_JOBS" ]; do wait -n || true; done
	rm -f "$T_LOGS/$name.rc"
	(
		start=$SECONDS rc=0
		"$@" >"$T_LOGS/$name.log" 2>&1 || rc=$?
		echo "$rc $((SECONDS - start))" > "$T_LOGS/$name.rc"
	) &
	T_BG+=("$name")
}

t_wait() {
	local name rc secs
	wait
	for name in "${T_BG[@]}"; do
		read -r rc secs < "$T_LOGS/$name.rc" 2>/dev/null || { rc=1 secs=0; }
		t_count "$name" "$rc" "$secs"
	done
	T_BG=()
}

# Did test NAME pass (it ran, and is not among the failures)?
t_passed() {
	[ -f "$T_LOGS/$1.log" ] && [[ " ${T_FAILED[*]} " != *" $1 "* ]]
}

t_phase() {
	local now=$SECONDS
	if [ ${#T_PHASES[@]} -gt 0 ] || [ -n "${T_PHASE:-}" ]; then
		T_PHASES+=("$T_PHASE|$((now - T_PHASE_START))")
	fi
	T_PHASE=$1
	T_PHASE_START=$now
	echo "== $1"
}

t_summary() {
	local p
	t_phase end
	echo
	echo "time by phase:"
	for p in "${T_PHASES[@]}"; do
		printf '  %-58s %3dm%02ds\n' "${p%|*}" $((${p#*|} / 60)) $((${p#*|} % 60))
	done
	printf '  %-58s %3dm%02ds\n' total $(((SECONDS - T_START) / 60)) $(((SECONDS - T_START) % 60))
	echo
	if [ "$T_SKIP" -gt 0 ]; then
		echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	else
		echo "$T_PASS passed, $T_FAIL failed"
	fi
	[ "$T_FAIL" = 0 ]
}
