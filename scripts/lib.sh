# shellcheck shell=bash
# Common helpers for the rig scripts. Source this file; do not run it.

set -euo pipefail

RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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

# The identity the series is authored and signed with. A human submitter
# re-stamps it with: make restamp ID="Name <email>"
RIG_ID_NAME=${RIG_ID_NAME:-GHES Rig}
RIG_ID_EMAIL=${RIG_ID_EMAIL:-ghes-rig@example.org}
RIG_TREE=${RIG_TREE:-$RIG_CACHE/work/linux}
