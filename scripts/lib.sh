# shellcheck shell=bash
# Common helpers for the rig scripts. Source this file; do not run it.

set -euo pipefail

RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Debian's python3 and tools first: setup-host.sh installs the modules the
# kernel's scripts need (ply, yaml, sphinx) for it, not for another python3
# that may come first in PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
# Everything big lives outside the repo. Override with RIG_CACHE.
RIG_CACHE=${RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ghes-rig}
# The base we build on. RIG_BASE_TARBALL may point at a local
# linux-source-7.3 tarball (.tar.xz) or .deb instead of downloading one.
RIG_BASE_PKG=${RIG_BASE_PKG:-linux-source-7.3}
RIG_BASE_MAJOR=7
RIG_BASE_MINOR=3
export CCACHE_DIR=${CCACHE_DIR:-$RIG_CACHE/ccache}
# Trees and their build directories sit side by side (X/linux, X/build-ARCH)
# for every X, so relative paths, and ccache entries, are shared.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$RIG_CACHE}
JOBS=${JOBS:-3}

die() { echo "rig: error: $*" >&2; exit 1; }
say() { echo "rig: $*" >&2; }

need_root_or_sudo() {
	if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
}

# Print the Debian archive URI this machine already uses for bookworm, so
# the rig never hard-codes a mirror. RIG_DEBIAN_MIRROR overrides it.
# private_apt DIR OPTIONS SUITE...: an apt state of its own in DIR, with
# the machine's Debian mirror for each SUITE ("main"), which changes neither
# the machine's apt configuration nor its dpkg state. OPTIONS go into each
# sources.list line (e.g. "arch=arm64 ", or ""). Sets APT_OPTS for apt-get
# and apt-cache.
private_apt() {
	local apt=$1 opts=$2 mirror suite
	shift 2
	mirror=$(debian_mirror)
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/preferences.d" "$apt/etc/apt.conf.d"
	: > "$apt/status"
	for suite in "$@"; do
		echo "deb [${opts}signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main"
	done > "$apt/sources.list"
	APT_OPTS=(
		-o "Dir::Etc::sourcelist=$apt/sources.list"
		-o "Dir::Etc::sourceparts=-"
		-o "Dir::Etc::preferencesparts=$apt/etc/preferences.d"
		-o "Dir::Etc::parts=$apt/etc/apt.conf.d"
		-o "Dir::State=$apt"
		-o "Dir::State::lists=$apt/lists"
		-o "Dir::State::status=$apt/status"
		-o "Dir::Cache=$apt/cache"
		-o "Debug::NoLocking=1"
		-o "APT::Get::List-Cleanup=0"
	)
}

debian_mirror() {
	if [ -n "${RIG_DEBIAN_MIRROR:-}" ]; then
		echo "$RIG_DEBIAN_MIRROR"; return
	fi
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		uri=$(awk '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
			/^$/ { if (u != "" && s) { print u; exit } u = ""; s = 0 }
			END { if (u != "" && s) print u }' "$f" | head -n1)
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	die "cannot find the Debian archive this machine uses for bookworm; set RIG_DEBIAN_MIRROR"
}

# Atomically publish a finished directory/file: build into $1.tmp.$$, then
# call publish "$1.tmp.$$" "$1".
publish() {
	rm -rf "$2"
	mv "$1" "$2"
}

# Follow PATH (absolute, as a program in the guest names it) inside the
# unpacked tree ROOT, treating ROOT as "/". Prints, one a line and relative
# to ROOT, each symlink met on the way and last the file it ends at. Fails
# if PATH does not resolve to an existing file in ROOT.
root_resolve() {
	local root=$1 rest=${2#/} at="" comp link hops=0
	while [ -n "$rest" ]; do
		comp=${rest%%/*}
		if [ "$comp" = "$rest" ]; then rest=; else rest=${rest#*/}; fi
		case "$comp" in
		'' | .) continue ;;
		..) at=${at%/*}; continue ;;
		esac
		if [ -L "$root$at/$comp" ]; then
			hops=$((hops + 1))
			[ "$hops" -le 40 ] || return 1
			echo "${at#/}${at:+/}$comp"
			link=$(readlink "$root$at/$comp")
			case "$link" in /*) at= ;; esac
			rest=$link${rest:+/$rest}
		else
			at=$at/$comp
		fi
	done
	[ -n "$at" ] && [ -f "$root$at" ] || return 1
	echo "${at#/}"
}

# elf_closure ROOT PROG...: the files of the unpacked tree ROOT that the
# dynamically linked ELF programs PROG... (paths relative to ROOT) need to
# run with ROOT as "/": the programs, their program interpreter and every
# shared library they need (DT_NEEDED, transitively), each with the
# symlinks on its way. Libraries are looked up where the loader looks when
# there is no ld.so.cache: the multiarch and then the plain lib
# directories. Prints the paths relative to ROOT, sorted; dies naming the
# first library that is missing. Call it as files=$(elf_closure ...), so
# that its failure stops the caller.
elf_closure() {
	local root=$1 f lib d res machine triplet ok
	shift
	local -A seen=()
	local queue=() out=() dirs=()
	machine=$(readelf -hW "$root/$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')
	case "$machine" in
	AArch64) triplet=aarch64-linux-gnu ;;
	*X86-64*) triplet=x86_64-linux-gnu ;;
	*) die "$root/$1 is not an arm64 or x86_64 ELF file (machine: ${machine:-none})" ;;
	esac
	dirs=("lib/$triplet" "usr/lib/$triplet" lib usr/lib)
	# take the lines root_resolve printed; queue the file it ended at
	take() {
		local l last=
		while IFS= read -r l; do out+=("$l"); last=$l; done <<<"$1"
		queue+=("$last")
	}
	for f in "$@"; do
		res=$(root_resolve "$root" "/$f") || die "$root has no $f"
		take "$res"
	done
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		[ -z "${seen[$f]:-}" ] || continue
		seen[$f]=1
		lib=$(readelf -lW "$root/$f" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
		if [ -n "$lib" ]; then
			res=$(root_resolve "$root" "$lib") ||
				die "$f asks for the program interpreter $lib, which is not in $root"
			take "$res"
		fi
		for lib in $(readelf -dW "$root/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			ok=
			for d in "${dirs[@]}"; do
				if res=$(root_resolve "$root" "/$d/$lib"); then ok=1; break; fi
			done
			[ -n "$ok" ] ||
				die "$f needs $lib, which is not in $root (looked in ${dirs[*]})"
			take "$res"
		done
	done
	printf '%s\n' "${out[@]}" | LC_ALL=C sort -u
}

# The identity the series is authored and signed with. A human submitter
# re-stamps it with: make restamp ID="Name <email>"
RIG_ID_NAME=${RIG_ID_NAME:-GHES Rig}
RIG_ID_EMAIL=${RIG_ID_EMAIL:-ghes-rig@example.org}
RIG_TREE=${RIG_TREE:-$RIG_CACHE/work/linux}

# commit_mails REPO ONTO MAIL...: commit each git format-patch
# MAIL on ONTO as "git am" would (author, date and message from the mail;
# the committer is REPO's identity), and print the last commit. Unlike
# "git am" it applies them in a scratch index and never writes REPO's
# work tree: a file written out again, even with the content it had, is
# newer than every object built from it, and kbuild would compile all
# that include it once more. Fails, naming the mail, at the first that
# does not apply.
commit_mails() {
	local repo=$1 head=$2
	shift 2
	(
		# (no set -e: a caller's "|| die" would switch it off in here)
		tmp=$(mktemp -d) || exit 1
		trap 'rm -rf "$tmp"' EXIT
		export GIT_INDEX_FILE=$tmp/index
		field() { sed -n "s/^$1: //p" "$tmp/info" | head -n1; }
		git -C "$repo" read-tree "$head" || exit 1
		for m in "$@"; do
			git mailinfo "$tmp/msg" "$tmp/patch" < "$m" > "$tmp/info" || exit 1
			if ! git -C "$repo" apply --cached "$tmp/patch" 2> "$tmp/err"; then
				sed 's/^/  /' "$tmp/err" >&2
				echo "rig: error: patch does not apply: $(basename "$m")" \
					"(on $(git -C "$repo" log --oneline -1 "$head"))" >&2
				exit 1
			fi
			{ field Subject; if [ -s "$tmp/msg" ]; then echo; cat "$tmp/msg"; fi; } > "$tmp/log"
			tree=$(git -C "$repo" write-tree) || exit 1
			head=$(GIT_AUTHOR_NAME=$(field Author) GIT_AUTHOR_EMAIL=$(field Email) \
				GIT_AUTHOR_DATE=$(field Date) \
				git -C "$repo" commit-tree "$tree" -p "$head" -F "$tmp/log") || exit 1
		done
		echo "$head"
	)
}
