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

# t_run NAME COMMAND...: run a test now and report it. It runs at the
# lowest priority: the boots that t_start left running beside it (each
# bound in time) come first, and it takes the CPU time they leave.
t_run() {
	local name=$1; shift
	local start=$SECONDS rc=0
	nice -n 19 "$@" >"$T_LOGS/$name.log" 2>&1 || rc=$?
	t_count "$name" "$rc" $((SECONDS - start))
	return 0
}

# t_bg NAME COMMAND...: queue a test to run in the background (QEMU
# boots, each mostly one busy vCPU thread, and idle while its guest sleeps
# or waits for a timer; never kernel builds, which use every CPU). t_start
# starts what is queued, in the background, the longest of the last run
# first, so that a long boot is not left to run alone at the end; at most
# T_JOBS of them run at once, counting those of every t_start (a lock on
# one of T_JOBS slot files is held by each). t_wait starts what is still
# queued, waits for them all and reports them in the order they were
# queued.
T_BG=() T_BG_CMD=() T_BG_STARTED=0 T_STARTERS=()
T_JOBS=$(nproc)
T_SLOTS=$T_LOGS/.slots
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

t_slot() {	# lock a free slot of the T_JOBS on a new fd, in $slot; wait for one
	local s
	while :; do
		for ((s = 1; s <= T_JOBS; s++)); do
			exec {slot}>"$T_SLOTS/$s"
			flock -n "$slot" && return 0
			exec {slot}>&-
		done
		sleep 0.5
	done
}

t_start() {
	local i order
	order=$(for ((i = T_BG_STARTED; i < ${#T_BG[@]}; i++)); do
			echo "$(t_last_secs "${T_BG[$i]}") $i"
		done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
	T_BG_STARTED=${#T_BG[@]}
	[ -n "$order" ] || return 0
	mkdir -p "$T_SLOTS"
	for i in $order; do rm -f "$T_LOGS/${T_BG[$i]}.rc" "$T_LOGS/${T_BG[$i]}.log"; done
	(
		for i in $order; do
			t_slot
			# The test holds the slot (its fd, which the test's own
			# command does not inherit) until it ends.
			(
				start=$SECONDS rc=0
				eval "${T_BG_CMD[$i]}" >"$T_LOGS/${T_BG[$i]}.log" 2>&1 {slot}>&- || rc=$?
				echo "$rc $((SECONDS - start))" > "$T_LOGS/${T_BG[$i]}.rc"
			) &
			exec {slot}>&-
		done
		wait
	) &
	T_STARTERS+=($!)
}

t_children() {	# t_children PID: the processes PID started
	local f k v
	for f in /proc/[0-9]*/status; do
		while read -r k v; do
			[ "$k" = PPid: ] || continue
			[ "$v" = "$1" ] && { f=${f#/proc/}; echo "${f%/status}"; }
			break
		done 2>/dev/null < "$f" || true
	done
}

t_kill_tree() {	# t_kill_tree PID: stop PID, then what it started
	local c kids
	kids=$(t_children "$1")
	kill "$1" 2>/dev/null || true
	for c in $kids; do t_kill_tree "$c"; done
}

# t_abort: stop what t_start left running, for a run that ends before its
# t_wait (tests/run.sh's EXIT trap): a starter is a child of this shell
# until t_wait has waited for it.
t_abort() {
	local p
	for p in "${T_STARTERS[@]}"; do
		[[ " $(t_children $$ | tr '\n' ' ') " == *" $p "* ]] && t_kill_tree "$p"
	done
	return 0
}

t_wait() {
	local name rc secs
	t_start
	wait
	for name in "${T_BG[@]}"; do
		read -r rc secs 2>/dev/null < "$T_LOGS/$name.rc" || { rc=1 secs=0; }
		t_count "$name" "$rc" "$secs"
	done
	T_BG=() T_BG_CMD=() T_BG_STARTED=0 T_STARTERS=()
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
