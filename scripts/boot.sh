#!/usr/bin/env bash
# Boot a rig kernel in QEMU (TCG, UEFI firmware, ACPI) and judge the log.
#   boot.sh ARCH KERNEL LOG TEST... [-- QEMU-OPTIONS...]
# Environment: RIG_MACHINE (extra -M options), RIG_APPEND (extra kernel
# command line), RIG_ACPI_DIR (tables for the initrd upgrade), RIG_MEM (-m,
# default 2G), RIG_SMP (default 2), RIG_TIMEOUT (seconds, default 240),
# RIG_EXPECT (extra regex that must appear), RIG_GUEST_ROOT (a tree of
# files for the initrd, see guest.sh), RIG_ALLOW_PANIC=1 (a panic is
# the expected outcome), RIG_DRIVER (a command run beside QEMU with
# RIG_LOG=<console log>, RIG_QMP=<QMP socket> and, on x86_64,
# RIG_CTL=<file of a second UART, ttyS1, that only the guest program
# writes> in its environment, to act on the guest from the host),
# RIG_STOP_ON (a regex: stop the guest, failed, once the console shows it).
# Each TEST is a guest program run by /init; it passes only if it printed
# "RIG-PASS: TEST" and exited with status 0. The boot fails on a panic,
# oops, WARN, BUG, lockdep, KASAN or UBSAN report, a missing RIG-DONE, the
# timeout, or a console that does not show the banner of KERNEL (written
# by scripts/build.sh next to the image, as KERNEL.banner).
. "$(dirname "$0")/lib.sh"

# The first line of LOG that matches RIG_STOP_ON and reports a failure.
failed_line() {	# failed_line LOG
	awk '{ sub(/\r$/, "") }
		$0 ~ ENVIRON["RIG_STOP_ON"] && /FAIL/ && !/^RIG-(OK|INFO):/ { print; found = 1; exit }
		END { exit !found }' "$1" 2>/dev/null
}
# x86_64's debug kernel of 7.3 sometimes takes a device interrupt in
# identify_cpu(), long before APEI is up, that KASAN reports as a wild
# access in handle_edge_irq() (a few boots in a hundred, under a full
# run's load; on 7.3's code alone). Only that report, printed before
# APEI's first line ("HEST: Table parsing ..."), gets the boot one more
# try, said in the test's log; anything else, and the same report once
# APEI is up, fails as it is.
# Both read the log themselves: behind a pipe, a reader that stops at
# its first match leaves the writer to die of SIGPIPE, and under
# pipefail the test then answered wrongly for any log longer than the
# pipe (a cold run's early report on a 90 KB console, not tried again).
early_x86_report() {	# early_x86_report LOG
	awk '
		/HEST: Table parsing|GHES: / { exit 1 }
		/BUG: KASAN: wild-memory-access in do_raw_spin_lock/ { found = 1; exit 0 }
		END { exit !found }' "$1"
}
# The same early boot, under the same load, also hangs now and then (both
# vCPUs busy, nothing more on the console: at smp bring-up, at ACPI's
# _OSC; 2 boots of 14 in one cold run, none in the runs before it). An
# x86_64 console with no line of APEI's yet and nothing new for 30 s is
# such a hang: the guest is stopped and gets the same tries. Once APEI
# is up a hang runs to the timeout and fails, as any other does. Only a
# console that shows the kernel's banner is watched so: a kernel told to
# be quiet (the bench's loglevel=1) prints nothing before its program.
before_apei() {	# before_apei LOG: APEI has printed nothing yet
	[ -f "$1" ] || return 0
	! grep -qE 'HEST: Table parsing|GHES: ' "$1"
}

# boot.sh --early-x86-report LOG: that test alone (the rig's self-test).
if [ "${1:-}" = --early-x86-report ]; then
	early_x86_report "$2"
	exit
fi

# boot.sh --before-apei LOG: that test alone (the rig's self-test).
if [ "${1:-}" = --before-apei ]; then
	before_apei "$2"
	exit
fi

# boot.sh --failed-line REGEX LOG: that test alone (the rig's self-test).
if [ "${1:-}" = --failed-line ]; then
	export RIG_STOP_ON=$2
	failed_line "$3"
	exit
fi

arch=$1 kernel=$2 log=$3; shift 3
tests=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do tests+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
extra=("$@")
[ -r "$kernel" ] || die "no kernel image at $kernel"
[ -r "$kernel.banner" ] || die "no $kernel.banner: build images with scripts/build.sh"
RIG_BANNER=$(cat "$kernel.banner")
export RIG_BANNER
# Boots run side by side (tests/lib.sh): the bound leaves room for a
# guest that shares the CPUs; only a hung guest reaches it.
timeout_s=${RIG_TIMEOUT:-240}

initrd=$(mktemp --suffix=.cpio)
trap 'rm -f "$initrd"' EXIT
"$RIG_TOP/scripts/guest.sh" "$arch" "$initrd" ${RIG_ACPI_DIR:+--acpi "$RIG_ACPI_DIR"} \
	${RIG_GUEST_ROOT:+--root "$RIG_GUEST_ROOT"}

append="panic=-1 ${RIG_APPEND:-}"
for t in "${tests[@]}"; do append+=" rig.test=$t"; done
case "$arch" in
arm64)
	fw=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
	cmd=(qemu-system-aarch64 -M "virt,gic-version=3${RIG_MACHINE:+,$RIG_MACHINE}" -cpu max
	     -smp "${RIG_SMP:-2}" -m "${RIG_MEM:-2G}" -bios "$fw" -append "console=ttyAMA0 acpi=force $append")
	;;
x86_64)
	fw=/usr/share/ovmf/OVMF.fd
	cmd=(qemu-system-x86_64 -M "q35${RIG_MACHINE:+,$RIG_MACHINE}" -cpu max
	     -smp "${RIG_SMP:-2}" -m "${RIG_MEM:-2G}" -bios "$fw" -append "console=ttyS0 $append")
	;;
*) die "boot.sh: ARCH must be arm64 or x86_64" ;;
esac
[ -r "$fw" ] || die "firmware $fw missing (run: make setup)"
command -v "${cmd[0]}" >/dev/null || die "${cmd[0]} not found (run: make setup)"
cmd+=(-kernel "$kernel" -initrd "$initrd" -display none -monitor none
      -serial "file:$log" -no-reboot "${extra[@]}")

# One boot, judged (scripts/verdict.sh): its status.
boot_once() {
	local c=("${cmd[@]}")
	rm -f "$log"
	rc=0
	if [ -n "${RIG_DRIVER:-}" ]; then
		qmp=$(mktemp -u --suffix=.qmp)
		c+=(-qmp "unix:$qmp,server=on,wait=off")
		# The console interleaves kernel messages with the guest's lines: give
		# the guest a channel of its own for talking to the driver.
		[ "$arch" = x86_64 ] && c+=(-serial "file:$log.ctl")
		: > "$log"
		: > "$log.ctl"
		RIG_LOG=$log RIG_QMP=$qmp RIG_CTL=$log.ctl $RIG_DRIVER > "$log.driver" 2>&1 &
		driver=$!
	fi
	timeout --kill-after=5 "$timeout_s" "${c[@]}" </dev/null &
	qemu=$!
	# RIG_STOP_ON (set by tests/expect-fail.sh): a regex naming the failure a
	# negative control waits for. Once the console shows it on a line that
	# reports a failure (one with "FAIL" in it: RIG-FAIL, KUnit's EXPECTATION
	# FAILED; not a guest's RIG-OK or RIG-INFO line, which may quote the same
	# words), the outcome is known, so the guest is stopped there instead of
	# running on to a hang's timeout; the boot then fails, as it would have.
	#
	# A panic ends a boot: panic=-1 reboots, and QEMU, -no-reboot, exits.
	# A panic whose own path hangs (7.3 oopses again in it, on a fuzzed
	# record) would run on to the timeout: the guest is stopped once the
	# console has said "Kernel panic" and then nothing for 10 s.
	stopped= quiet=0 size=-1 equiet=0 esize=-1
	while kill -0 "$qemu" 2>/dev/null; do
		if [ "$arch" = x86_64 ] && before_apei "$log" &&
			grep -q 'Linux version' "$log" 2>/dev/null; then
			now=$(stat -c %s "$log" 2>/dev/null || echo 0)
			if [ "$now" = "$esize" ]; then equiet=$((equiet + 1)); else equiet=0 esize=$now; fi
			if [ "$equiet" -ge 30 ]; then
				echo "stopped: the kernel hung before APEI was up (nothing more on the console for 30 s)"
				stopped=early
				kill "$qemu" 2>/dev/null || true
				break
			fi
		fi
		if [ -n "${RIG_STOP_ON:-}" ] && hit=$(failed_line "$log"); then
			echo "stopped: the console shows the failure expected: $hit"
			stopped=1
			kill "$qemu" 2>/dev/null || true
			break
		fi
		if grep -q 'Kernel panic - not syncing' "$log" 2>/dev/null; then
			now=$(stat -c %s "$log")
			if [ "$now" = "$size" ]; then quiet=$((quiet + 1)); else quiet=0 size=$now; fi
			if [ "$quiet" -ge 10 ]; then
				echo "stopped: the kernel panicked and then hung (no reboot, nothing more on the console for 10 s)"
				stopped=1
				kill "$qemu" 2>/dev/null || true
				break
			fi
		fi
		sleep 1
	done
	wait "$qemu" || rc=$?
	# QEMU may exit 0 on SIGTERM: a stopped guest did not finish.
	[ -n "$stopped" ] && [ "$rc" = 0 ] && rc=143
	[ -f "$log" ] || : > "$log"
	if [ -n "${RIG_DRIVER:-}" ]; then
		kill "$driver" 2>/dev/null || true
		wait "$driver" 2>/dev/null || true
		sed 's/^/  driver: /' "$log.driver"
		rm -f "$log.driver" "$log.ctl" "$qmp"
	fi
	"$RIG_TOP/scripts/verdict.sh" "$log" "$rc" "${tests[@]}"
}

boot_once && exit 0 || rc=$?
for try in 2 3; do
	if [ "$arch" = x86_64 ] && [ "${stopped:-}" = early ]; then
		why="an early-boot hang, before APEI is up"
	elif [ "$arch" = x86_64 ] && [ -z "${stopped:-}" ] && early_x86_report "$log"; then
		why="7.3's early-boot KASAN report, before APEI is up"
	else
		exit "$rc"
	fi
	mv "$log" "$log.try-$((try - 1))"
	echo "  tried again: $why ($log.try-$((try - 1)))"
	boot_once && exit 0 || rc=$?
done
exit "$rc"
