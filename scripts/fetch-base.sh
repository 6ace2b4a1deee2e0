#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 and turn it into a one-commit git tree in
# the cache:
#   $RIG_CACHE/base/linux-source.tar.xz   the upstream tarball from the .deb
#   $RIG_CACHE/base/linux.git             bare repo, branch "base", one commit
#   $RIG_CACHE/base/VERSION               e.g. 7.3.4 (from the Makefile)
#   $RIG_CACHE/base/checkout              the tree it was made from, checked
#                                         out, until series.sh takes it as
#                                         the first tree it makes
# Nothing is installed and the machine's apt configuration is not touched:
# apt runs with a private sources list and state directory.
# Set RIG_BASE_TARBALL=/path/to/linux-source-7.3.tar.xz (or the .deb) to use
# a local copy instead of downloading.
. "$(dirname "$0")/lib.sh"

B=$RIG_CACHE/base
mkdir -p "$B"

if [ -s "$B/VERSION" ] && [ -d "$B/linux.git" ] && [ -s "$B/linux-source.tar.xz" ]; then
	say "base $(cat "$B/VERSION") cached in $B"
	exit 0
fi

work=$(mktemp -d "$B/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

get_deb() {
	private_apt "$work/apt" "" trixie-backports
	say "fetching $RIG_BASE_PKG from trixie-backports (private apt state in $work/apt)"
	apt-get "${APT_OPTS[@]}" -q update >"$work/apt-update.log" 2>&1 || {
		cat "$work/apt-update.log" >&2
		die "apt-get update for trixie-backports failed; wanted $RIG_BASE_PKG. Set RIG_BASE_TARBALL=/path/to/linux-source-7.3.tar.xz to use a local copy"
	}
	(cd "$work" && apt-get "${APT_OPTS[@]}" -q download "$RIG_BASE_PKG") >"$work/apt-dl.log" 2>&1 || {
		cat "$work/apt-dl.log" >&2
		die "cannot download $RIG_BASE_PKG (wanted Linux $RIG_BASE_MAJOR.$RIG_BASE_MINOR from trixie-backports). Set RIG_BASE_TARBALL=/path/to/linux-source-7.3.tar.xz (or the .deb) to use a local copy"
	}
	ls "$work"/"$RIG_BASE_PKG"_*.deb | head -n1
}

deb=
tarball=
if [ -n "${RIG_BASE_TARBALL:-}" ]; then
	[ -r "$RIG_BASE_TARBALL" ] || die "RIG_BASE_TARBALL=$RIG_BASE_TARBALL is not readable"
	case "$RIG_BASE_TARBALL" in
	*.deb) deb=$RIG_BASE_TARBALL ;;
	*) tarball=$RIG_BASE_TARBALL ;;
	esac
else
	deb=$(get_deb)
fi

if [ -n "$deb" ]; then
	say "unpacking $(basename "$deb")"
	dpkg-deb -f "$deb" Version > "$work/deb-version"
	dpkg -x "$deb" "$work/deb"
	tarball=$(ls "$work"/deb/usr/src/linux-source-*.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "$(basename "$deb") holds no /usr/src/linux-source-*.tar.*"
fi

say "extracting $(basename "$tarball")"
mkdir -p "$work/src"
tar -C "$work/src" -xf "$tarball"
top=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -f "$top/Makefile" ] || die "$(basename "$tarball") does not contain a kernel tree"

mkv() { sed -n "s/^$1 = *//p" "$top/Makefile" | head -n1; }
ver=$(mkv VERSION) pl=$(mkv PATCHLEVEL) sl=$(mkv SUBLEVEL) ev=$(mkv EXTRAVERSION)
if [ "$ver" != "$RIG_BASE_MAJOR" ] || [ "$pl" != "$RIG_BASE_MINOR" ]; then
	die "$(basename "$tarball") is Linux $ver.$pl.$sl, wanted $RIG_BASE_MAJOR.$RIG_BASE_MINOR"
fi
full="$ver.$pl.$sl$ev"

say "making the base git tree for Linux $full"
# Debian's tarball has a top-level .gitignore ending in "/*"; -f adds all.
git -C "$top" init -q -b base
git -C "$top" add -Af .
debver=$(cat "$work/deb-version" 2>/dev/null || echo "local tarball")
GIT_AUTHOR_NAME=rig GIT_AUTHOR_EMAIL=rig@localhost \
GIT_COMMITTER_NAME=rig GIT_COMMITTER_EMAIL=rig@localhost \
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	git -C "$top" commit -q -m "Linux $full ($RIG_BASE_PKG $debver)"
git clone -q --bare "$top" "$work/linux.git"

cp "$tarball" "$work/linux-source.tar.xz"
echo "$debver" > "$work/DEB_VERSION"
# Publish: the VERSION file goes last; a run interrupted before it leaves
# nothing that the next run trusts.
rm -f "$B/VERSION"
publish "$work/linux.git" "$B/linux.git"
publish "$top" "$B/checkout"
mv "$work/linux-source.tar.xz" "$B/linux-source.tar.xz"
mv "$work/DEB_VERSION" "$B/DEB_VERSION"
echo "$full" > "$B/VERSION.tmp" && mv "$B/VERSION.tmp" "$B/VERSION"
say "base Linux $full ($debver), commit $(git -C "$B/linux.git" rev-parse base)"
