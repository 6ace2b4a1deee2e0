#!/usr/bin/env bash
# Build a rig kernel.
#   build.sh ARCH [--debug] [--link-only] [--config FRAG]...
#            [--tree DIR] [--out DIR] [--sparse FILES...]
# --link-only builds and links vmlinux, warning-free, and stops there: no
# boot image (arm64's objcopy, x86_64's compressed bzImage), no banner;
# for builds that only prove that a tree builds.
# ARCH is arm64 or x86_64. The .config is allnoconfig plus
# configs/common.config, configs/ARCH.config, configs/series.config and
# configs/series-ARCH.config (options the series adds), configs/debug.config
# with --debug, and each --config FRAG, in that order. Every option a
# fragment asks for is checked in the final .config; one that did not stick
# is printed and the build fails.
. "$(dirname "$0")/lib.sh"

arch=${1:-}; shift || true
debug=
linkonly=
tree=$RIG_TREE
out=
sparse=()
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--debug) debug=1 ;;
	--link-only) linkonly=1 ;;
	--config) extra+=("$2"); shift ;;
	--tree) tree=$2; shift ;;
	--out) out=$2; shift ;;
	--sparse) shift; sparse=("$@"); break ;;
	*) die "build.sh: unknown argument $1" ;;
	esac
	shift
done

case "$arch" in
arm64) karch=arm64; cross=aarch64-linux-gnu-; target=Image; img=arch/arm64/boot/Image ;;
x86_64) karch=x86; cross=; target=bzImage; img=arch/x86/boot/bzImage ;;
*) die "build.sh: ARCH must be arm64 or x86_64, not '$arch'" ;;
esac
out=${out:-$(dirname "$tree")/build-$arch${debug:+-debug}}
[ -f "$tree/Makefile" ] || die "no kernel tree at $tree (run: make tree)"
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found (run: make setup)"
command -v ccache >/dev/null || die "ccache not found (run: make setup)"
mkdir -p "$out" "$CCACHE_DIR"

cfgdir=${RIG_CONFIG_DIR:-$RIG_TOP/configs}
series=("$cfgdir/series.config")
[ -f "$cfgdir/series-$arch.config" ] && series+=("$cfgdir/series-$arch.config")
frags=("$cfgdir/common.config" "$cfgdir/$arch.config" "${series[@]}")
[ -n "$debug" ] && frags+=("$cfgdir/debug.config")
frags+=("${extra[@]}")

MK=(make -s -C "$tree" O="$out" ARCH="$karch" CROSS_COMPILE="$cross"
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS")

# Re-run the config step only when the fragments or the Kconfig files
# changed; an unchanged config keeps incremental builds incremental.
stamp=$( (cat "${frags[@]}"; cd "$tree" && git ls-files -s -- '*Kconfig*' && git diff HEAD -- '*Kconfig*') 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/.rig-config-stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$out/.config" ]; then
	rm -f "$out/.rig-config-stamp"
	cat "${frags[@]}" > "$out/.rig-fragments"
	"${MK[@]}" KCONFIG_ALLCONFIG="$out/.rig-fragments" allnoconfig >/dev/null
	# Check every requested value.
	bad=0
	# Symbols of the series' fragments (and of --config ones) that this
	# tree does not define yet.
	later=" "
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) opt=${line%%=*} ;; *) continue ;; esac
		git -C "$tree" grep -q -E "^(menu)?config ${opt#CONFIG_}\$" -- '*Kconfig*' ||
			later+="$opt "
	done < <(cat "${series[@]}" "${extra[@]}")
	# A later fragment overrides an earlier one, as it does for Kconfig.
	declare -A want=()
	order=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*}; val=${line#*=} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; val=n ;;
		*) continue ;;
		esac
		[ -n "${want[$opt]+x}" ] || order+=("$opt")
		want[$opt]=$val
	done < "$out/.rig-fragments"
	for opt in "${order[@]}"; do
		[[ "$later" == *" $opt "* ]] && continue
		have=$(grep -E "^($opt=|# $opt is not set)" "$out/.config" | head -n1 || true)
		case "$have" in
		"$opt="*) have=${have#*=} ;;
		*) have=n ;;
		esac
		if [ "$have" != "${want[$opt]}" ]; then
			echo "rig: config: $opt requested '${want[$opt]}' but the final .config has '$have' ($arch${debug:+ debug})" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "config options did not stick; the .config actually used is $out/.config"
	echo "$stamp" > "$out/.rig-config-stamp"
fi

if [ ${#sparse[@]} -gt 0 ]; then
	command -v sparse >/dev/null || die "sparse not found (run: make setup)"
	# Force a recheck of just these objects with sparse (C=2). Debian 12's
	# sparse 0.6.4 predates __typeof_unqual__, which the kernel's checker
	# test (scripts/checker-valid.sh) requires, and the kernel would then
	# skip sparse without failing: map it to __typeof__ for sparse only.
	chk=$("${MK[@]}" C=2 CHECK="sparse -D__typeof_unqual__=__typeof__" "${sparse[@]}" 2>&1) ||
		{ echo "$chk"; die "sparse build failed"; }
	echo "$chk"
	if grep -q 'is not available or not up to date' <<<"$chk"; then
		die "the kernel refused to run sparse ($(sparse --version 2>&1))"
	fi
	exit 0
fi

log=$out/build.log
# A directory's first build compiles every file, and on a cold run the
# cache has next to none of them. ccache's default mode runs the
# preprocessor before each compiler run, for a key of its output; its
# depend mode takes the headers from the compiler's dependency file
# instead and costs nothing on a miss (drivers/acpi, drivers/firmware and
# kernel/, arm64 with the debug options, 3 jobs, empty caches: 136 s
# without ccache, 176 s in the default mode, 129 s in depend mode), and
# builds in the default mode find what it stored. But its key is the text
# of every header, autoconf.h too, with no key of the preprocessed output,
# which the default mode falls back on: a build that walks back across a
# new Kconfig symbol finds nothing of it. And it caches an .incbin of a
# file it does not hash, which the default mode refuses. So depend mode
# is for first builds only, and for C files without .incbin
# (first-build/ccache, found in PATH in place of ccache: the compiler
# command kbuild records stays the same, and so the next build stays
# incremental).
if [ ! -e "$out/vmlinux" ]; then
	RIG_CCACHE=$(command -v ccache)
	export RIG_CCACHE PATH=$RIG_TOP/scripts/first-build:$PATH
	say "first build in $out: ccache in depend mode for C files"
fi
# A failed build must not leave the previous image to be booted.
rm -f "$out/$img" "$out/$img.banner"
[ -n "$linkonly" ] && target=vmlinux
if ! "${MK[@]}" "$target" >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2
	die "$arch${debug:+ debug} build failed in $tree (log: $log)"
fi
# Compiler warnings are errors for the rig: report them.
if grep -E 'warning:' "$log" >&2; then
	die "$arch${debug:+ debug} build produced warnings (log: $log)"
fi
if [ -n "$linkonly" ]; then
	say "built and linked $arch${debug:+ debug}: $out/vmlinux"
	echo "$out/vmlinux"
	exit 0
fi
rel=$("${MK[@]}" kernelrelease)
echo "$rel" > "$out/kernelrelease"
# The banner this build prints at boot (its build number and time make it
# unique): boot.sh checks that the console shows it.  vmlinux also holds
# a copy without the build number; take the one that has it.  (awk reads
# all of its input, so strings never dies of SIGPIPE under pipefail.)
strings -n 16 "$out/vmlinux" |
	awk '/^Linux version .* #[0-9]+ / && !n++' > "$out/$img.banner"
[ -s "$out/$img.banner" ] || die "no Linux version banner in $out/vmlinux"
say "built $arch${debug:+ debug} $rel: $out/$img"
echo "$out/$img"
