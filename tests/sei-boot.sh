#!/usr/bin/env bash
# sei-boot.sh ROW IMAGE LOG: a row of guest/sei.c (or, for kvm-*, of
# guest/kvm_serror.c) that must end in a panic,
# booted as tests/scenario.sh sets it up (RIG_MACHINE, RIG_APPEND and
# RIG_HEST: EL2 for the injector, one SEA and two SEI sources). This script
# checks the console log in order: the program's "row ROW" line, then what
# the kernel must print before the panic, then the panic message; and
# nothing of the sort it must not print.
# sei-boot.sh --check ROW LOG runs the checks only, on a log (the rig's
# self-test feeds it known-bad ones).
. "$(dirname "$0")/../scripts/lib.sh"
if [ "$1" = --check ]; then
	row=$2 log=$3
else
	row=$1 img=$2 log=$3
fi
# The kvm-* rows are guest/kvm_serror.c's (an SError taken while a KVM
# guest runs), the others guest/sei.c's.
prog=sei opt="rig.sei=$row"
case "$row" in kvm-*) prog=kvm_serror opt="rig.kvm=${row#kvm-}" ;; esac
if [ "$1" != --check ]; then
	export RIG_APPEND="${RIG_APPEND:+$RIG_APPEND }$opt"
	RIG_ALLOW_PANIC=1 RIG_NO_PASS=1 "$RIG_TOP/tests/hest-boot.sh" arm64 "$img" "$log" "$prog" || exit 1
fi

# The regexes, in the order they must appear after the row line.
serror='SError Interrupt on CPU0, code 0x0+'
case "$row" in
fatal-el*) want=('\[Hardware Error\]: event severity: fatal'
		 'Kernel panic - not syncing: GHES: Fatal hardware error')
	   never='SError Interrupt on CPU' ;;
uer-el1)   want=('\[Hardware Error\]: event severity: recoverable' "${serror}be000c11"
		 'pc : rig_' 'Kernel panic - not syncing: Asynchronous SError Interrupt')
	   never='Fatal hardware error' ;;
uer-el0)   want=('\[Hardware Error\]: event severity: recoverable' "${serror}be000c11"
		 'pc : [0-9a-f]+$' 'Kernel panic - not syncing: Asynchronous SError Interrupt')
	   never='Fatal hardware error' ;;
norec-el1) want=("${serror}bf000000" 'pc : rig_'
		 'Kernel panic - not syncing: Asynchronous SError Interrupt')
	   never='\[Hardware Error\]' ;;
norec-el0) want=("${serror}be000c11" 'pc : [0-9a-f]+$'
		 'Kernel panic - not syncing: Asynchronous SError Interrupt')
	   never='\[Hardware Error\]' ;;
kvm-fatal) want=('rig-kvm: guest exit turned into an SError exit'
		 '\[Hardware Error\]: event severity: fatal'
		 'Kernel panic - not syncing: GHES: Fatal hardware error')
	   never='SError Interrupt on CPU' ;;
kvm-uc)    want=('rig-kvm: guest exit turned into an SError exit, ESR 0xbe000011'
		 '\[Hardware Error\]: event severity: recoverable'
		 'SError Interrupt on CPU[0-9]+, code 0x0+be000011'
		 'Kernel panic - not syncing: Asynchronous SError Interrupt')
	   never='Fatal hardware error' ;;
*) die "sei-boot.sh: unknown row $row" ;;
esac
tr -d '\r' < "$log" | awk -v row="RIG-INFO: $prog: row $row:" -v never="$never" '
	BEGIN { n = split(ARGV[1], want, "\037"); ARGV[1] = ""; i = 0 }
	i == 0 && index($0, row) { i = 1; next }
	i == 0 { next }
	never != "" && $0 ~ never { print "  printed after the row: " $0; bad = 1 }
	i <= n && $0 ~ want[i] { i++ }
	END {
		if (i == 0) { print "  no \"" row "\" line"; exit 1 }
		if (i <= n) { print "  missing, in this order after the row: /" want[i] "/"; exit 1 }
		exit bad
	}' "$(IFS=$'\037'; echo "${want[*]}")" || { echo "verdict: FAIL ($log)"; exit 1; }
echo "row $row: ${#want[@]} expected lines in order, nothing forbidden"
