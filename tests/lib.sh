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

# t_bg NAME COMMAND...: queue a test to run in the background (QEMU
# boots, each mostly one busy vCPU thread, and idle while its guest sleeps
# or waits for a timer; never kernel builds, which use every CPU). t_wait
# runs the queue, T_JOBS at a time, the longest of the last run first, so
# that a long boot is not left to run alone at the end; it waits for them
# all and reports them in the order they were queued.
T_BG=() T_BG_CMD=()
T_JOBS=$(nproc)
t_bg() {
	local name=$1; shift
	T_BG+=("$name")
	T_BG_CMD+=("$(printf '%q ' "$@")")
}

t_last_secs() {	# how long test NAME took when it last ran; 30 if never
	local rc secs
	read -r rc secs 2>/dev/null < "$T_LOGS/$1.rc" || secs=30
	echo "${secs:-30}"
}

t_wait() {
	local i name rc secs order
	order=$(for i in "${!T_BG[@]}"; do
			echo "$(t_last_secs "${T_BG[$i]}") $i"
		done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
	for i in $order; do
		name=${T_BG[$i]}
		while [ "$(jobs -rp | wc -l)" -ge "$T_JOBS" ]; do wait -n || true; done
		rm -f "$T_LOGS/$name.rc"
		(
			start=$SECONDS rc=0
			eval "${T_BG_CMD[$i]}" >"$T_LOGS/$name.log" 2>&1 || rc=$?
			echo "$rc $((SECONDS - start))" > "$T_LOGS/$name.rc"
		) &
	done
	wait
	for name in "${T_BG[@]}"; do
		read -r rc secs 2>/dev/null < "$T_LOGS/$name.rc" || { rc=1 secs=0; }
		t_count "$name" "$rc" "$secs"
	done
	T_BG=() T_BG_CMD=()
}

# Did test NAME pass (it ran, and is not among the failures)?
t_passed() {
	[ -f "$T_LOGS/$1.log" ] && [[ " ${T_FAILED[*]} " != *" $1 "* ]]
}

# The machine's busy and total CPU time so far, in clock ticks (all CPUs).
t_cpu_ticks() {
	local cpu user nice sys idle iowait rest
	read -r cpu user nice sys idle iowait rest < /proc/stat
	echo "$((user + nice + sys)) $((user + nice + sys + idle + iowait))"
}

t_phase() {
	local now=$SECONDS busy total
	read -r busy total < <(t_cpu_ticks)
	if [ ${#T_PHASES[@]} -gt 0 ] || [ -n "${T_PHASE:-}" ]; then
		T_PHASES+=("$T_PHASE|$((now - T_PHASE_START))|$(((busy - T_PHASE_BUSY) * 100 / (total - T_PHASE_TOTAL + 1)))")
	fi
	T_PHASE=$1
	T_PHASE_START=$now T_PHASE_BUSY=$busy T_PHASE_TOTAL=$total
	echo "== $1"
}

t_summary() {
	local p name secs busy
	t_phase end
	echo
	echo "time by phase (and how busy the CPUs were):"
	for p in "${T_PHASES[@]}"; do
		IFS='|' read -r name secs busy <<< "$p"
		printf '  %-58s %3dm%02ds %3d%%\n' "$name" $((secs / 60)) $((secs % 60)) "$busy"
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
