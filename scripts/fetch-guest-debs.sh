#!/usr/bin/env bash
# Fetch Debian 12 arm64 rasdaemon (from bookworm-backports: 0.8.x, built
# with the ARM, non-standard and memory-failure events that bookworm's 0.6.8
# lacks) and sqlite3, with the packages
# of the libraries they run with, and unpack them for the arm64 guest:
#   $RIG_CACHE/guest-arm64-root/               the .debs, unpacked (dpkg-deb -x)
#   $RIG_CACHE/guest-arm64-root/.rig-packages  "package version", one a line
#   $RIG_CACHE/guest-arm64-root/.rig-done      written last: the tree is complete
# scripts/guest.sh --root DIR (boot.sh: RIG_GUEST_ROOT=DIR) puts the programs
# and the files they load into the initramfs.
# Dependencies are followed recursively, except packages that only serve
# maintainer scripts, init systems or Perl (SKIP below). Every library the
# programs need (DT_NEEDED, transitively) must then be in the tree; the one
# missing is named. Nothing is installed: apt runs with a private sources
# list, state directory and cache, for arm64 only, so neither the machine's
# apt configuration nor its dpkg architecture list changes.
. "$(dirname "$0")/lib.sh"

R=$RIG_CACHE/guest-arm64-root
PKGS=(rasdaemon sqlite3)
PROGS=(usr/sbin/rasdaemon usr/bin/sqlite3)
# Not needed by the programs at run time in a minimal initramfs:
# perl (ras-mc-ctl, a Perl script, and its DBD::SQLite), debconf, dpkg and
# install-info (maintainer scripts), init-system-helpers, lsb-base,
# sysvinit-utils, systemd, adduser (service set-up).
SKIP=" perl perl-base libdbd-sqlite3-perl debconf debconf-2.0 cdebconf dpkg
	install-info init-system-helpers lsb-base sysvinit-utils systemd adduser "

for t in readelf dpkg-deb apt-get apt-cache; do
	command -v "$t" >/dev/null || die "$t not found (run: make setup)"
done

show_versions() {
	say "guest packages (Debian $suite, arm64):"
	sed 's/^/rig:   /' "$1" >&2
}

suite=bookworm-backports
want="$suite arm64: ${PKGS[*]}"
# Boots run side by side (tests/lib.sh): one fetches, the others wait.
mkdir -p "$RIG_CACHE"
exec 9>"$RIG_CACHE/.guest-root.lock"
flock 9
if [ -f "$R/.rig-done" ] && [ "$(cat "$R/.rig-done")" = "$want" ]; then
	say "guest root cached in $R"
	show_versions "$R/.rig-packages"
	exit 0
fi

mkdir -p "$RIG_CACHE"
work=$(mktemp -d "$RIG_CACHE/.guest-root.XXXXXX")
trap 'rm -rf "$work"' EXIT

apt=$work/apt
private_apt "$apt" "arch=arm64 " bookworm bookworm-backports
APT_OPTS+=(
	-o "APT::Architecture=arm64"
	-o "APT::Architectures::=arm64"
	-o "APT::Default-Release=$suite"
)
say "reading the $suite arm64 package lists (private apt state in $apt)"
apt-get "${APT_OPTS[@]}" -q update >"$work/apt-update.log" 2>&1 || {
	cat "$work/apt-update.log" >&2
	die "apt-get update for bookworm arm64 failed; wanted ${PKGS[*]}"
}

# The candidate's Depends and Pre-Depends, one dependency group a line,
# version constraints and architecture qualifiers removed.
deps_of() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null | awk '
		/^[^ \t]/ { f = $0; sub(/:.*/, "", f) }
		/^(Depends|Pre-Depends):/ { sub(/^[^:]*:/, ""); print; next }
		/^[ \t]/ && (f == "Depends" || f == "Pre-Depends") { print }' |
		tr ',' '\n' | sed -e 's/([^)]*)//g' -e 's/:[a-z0-9]*//g' -e 's/  */ /g' \
			-e 's/^ //' -e 's/ $//' | grep -v '^$' || true
}
is_real() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null | grep '^Package:' >/dev/null
}

declare -A have=()
todo=("${PKGS[@]}")
got=()
while [ ${#todo[@]} -gt 0 ]; do
	p=${todo[0]}
	todo=("${todo[@]:1}")
	[ -z "${have[$p]:-}" ] || continue
	is_real "$p" || die "bookworm has no arm64 package $p"
	have[$p]=1
	got+=("$p")
	while IFS= read -r group; do
		skip='' pick=''
		for alt in ${group//|/ }; do
			case "$SKIP" in *[[:space:]]"$alt"[[:space:]]*) skip=1 ;; esac
		done
		[ -z "$skip" ] || continue
		for alt in ${group//|/ }; do
			if is_real "$alt"; then pick=$alt; break; fi
		done
		[ -n "$pick" ] || die "$p depends on \"$group\", which no bookworm arm64 package provides"
		todo+=("$pick")
	done < <(deps_of "$p")
done

say "downloading ${#got[@]} packages: ${got[*]}"
mkdir -p "$work/debs"
(cd "$work/debs" && apt-get "${APT_OPTS[@]}" -q download "${got[@]}") >"$work/apt-dl.log" 2>&1 || {
	cat "$work/apt-dl.log" >&2
	die "cannot download the bookworm arm64 packages ${got[*]}"
}

mkdir -p "$work/root"
: > "$work/packages"
for deb in "$work"/debs/*.deb; do
	name=$(dpkg-deb -f "$deb" Package)
	ver=$(dpkg-deb -f "$deb" Version)
	arch=$(dpkg-deb -f "$deb" Architecture)
	case "$arch" in arm64 | all) ;; *) die "$(basename "$deb") is for $arch, not arm64" ;; esac
	echo "$name $ver" >> "$work/packages"
	dpkg-deb -x "$deb" "$work/root"
done
LC_ALL=C sort -o "$work/packages" "$work/packages"

for f in "${PROGS[@]}"; do
	[ -f "$work/root/$f" ] || die "the packages hold no $f"
done
files=$(elf_closure "$work/root" "${PROGS[@]}") ||
	die "a library ${PROGS[*]} need is missing from the packages fetched (above); add the package that holds it"
# shellcheck disable=SC2086 # one path a line, none with blanks
kib=$(cd "$work/root" && find $files -maxdepth 0 -type f -printf '%s\n' |
	awk '{ s += $1 } END { printf "%d", s / 1024 }')
say "${PROGS[*]}: every library they need is there ($kib KiB with the loader)"

# Publish: .rig-done goes last; a run interrupted before it leaves a tree
# that the next run does not trust.
rm -f "$R/.rig-done"
mv "$work/packages" "$work/root/.rig-packages"
publish "$work/root" "$R"
echo "$want" > "$R/.rig-done.tmp" && mv "$R/.rig-done.tmp" "$R/.rig-done"
say "guest root in $R"
show_versions "$R/.rig-packages"
