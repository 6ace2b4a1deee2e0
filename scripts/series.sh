#!/usr/bin/env bash
# The edit loop for the patch series in patches/.
#   series.sh tree      make $RIG_TREE: the base plus every patch, as commits
#                       on branch "series" (as git am would; stops at the first
#                       patch that does not apply)
#   series.sh export    write the commits base..series of $RIG_TREE back to
#                       patches/ (format-patch, zero commit ids, base-commit)
#   series.sh restamp "Name <email>"
#                       re-author and re-sign every patch with that identity
#   series.sh list      the patch files, in order
. "$(dirname "$0")/lib.sh"

P=${RIG_PATCHES:-$RIG_TOP/patches}
COVER=$RIG_TOP/series/cover.txt
BASE_GIT=$RIG_CACHE/base/linux.git
BASE_CHECKOUT=$RIG_CACHE/base/checkout

patch_files() {
	local f
	for f in "$P"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		case "$f" in */0000-cover-letter.patch) continue ;; esac
		echo "$f"
	done
}

git_id() {
	git -C "$RIG_TREE" config user.name "$RIG_ID_NAME"
	git -C "$RIG_TREE" config user.email "$RIG_ID_EMAIL"
}

cmd_tree() {
	[ -d "$BASE_GIT" ] || die "no base in $BASE_GIT (run: make base)"
	if [ ! -d "$RIG_TREE/.git" ]; then
		mkdir -p "$(dirname "$RIG_TREE")"
		# Writing out the 90,000 files of a clone takes about 40 s:
		# the first tree made takes the base's own checkout instead.
		if [ -d "$BASE_CHECKOUT/.git" ] &&
		   [ "$(git -C "$BASE_CHECKOUT" rev-parse -q --verify base)" = \
		     "$(git -C "$BASE_GIT" rev-parse base)" ]; then
			mv "$BASE_CHECKOUT" "$RIG_TREE"
		else
			git clone -q -b base "$BASE_GIT" "$RIG_TREE"
		fi
	fi
	if [ -d "$RIG_TREE/.git/rebase-apply" ]; then
		git -C "$RIG_TREE" am --abort >/dev/null 2>&1 || true
	fi
	if [ -n "$(git -C "$RIG_TREE" status --porcelain --untracked-files=no)" ] && [ "${FORCE:-0}" != 1 ]; then
		die "$RIG_TREE has uncommitted changes; commit or export them, or rerun with FORCE=1"
	fi
	git -C "$RIG_TREE" checkout -q --detach
	git -C "$RIG_TREE" fetch -q -f "$BASE_GIT" base:base
	git_id
	# The commits are made without writing the tree (commit_mails); the
	# checkout then writes only the files that differ from what is there.
	local top n files
	mapfile -t files < <(patch_files)
	n=${#files[@]}
	top=$(commit_mails "$RIG_TREE" base "${files[@]}") ||
		die "the series does not apply"
	git -C "$RIG_TREE" checkout -q -f -B series "$top"
	say "$RIG_TREE: branch series = base $(cat "$RIG_CACHE/base/VERSION" 2>/dev/null) + $n patches"
}

cmd_export() {
	[ -d "$RIG_TREE/.git" ] || die "no tree at $RIG_TREE (run: make tree)"
	[ -r "$COVER" ] || die "no cover letter text in $COVER"
	local n tmp
	n=$(git -C "$RIG_TREE" rev-list --count base..series)
	git -C "$RIG_TREE" config branch.series.description "$(cat "$COVER")"
	tmp=$(mktemp -d)
	# The blob ids of the "index" lines are abbreviated to a length git
	# derives from how many objects it counts, which changes as a tree is
	# packed (a cold run's new tree exported other bytes than patches/,
	# the same tree packed the same bytes). patches/ has 9 digits: ask
	# for 9 (git writes more only where 9 are ambiguous). The user's and
	# the system's git settings (diff prefixes, format.* headers) are left
	# out for the same reason; the tree's own, its identity, stay.
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
	git -C "$RIG_TREE" -c core.abbrev=9 format-patch -q --zero-commit --base=base --no-signature \
		--cover-letter --cover-from-description=subject \
		-o "$tmp" base..series
	# The cover letter's Date is "now"; pin it to the newest patch so an
	# unchanged series exports byte for byte the same.
	local last
	last=$(ls "$tmp"/*.patch | tail -n1)
	if [ "$n" -gt 0 ]; then
		local d
		d=$(sed -n 's/^Date: //p' "$last" | head -n1)
		sed -i "s/^Date: .*/Date: $d/" "$tmp/0000-cover-letter.patch"
	fi
	rm -f "$P"/*.patch
	mkdir -p "$P"
	mv "$tmp"/*.patch "$P"/
	rmdir "$tmp"
	say "exported $n patches and a cover letter to patches/"
}

cmd_restamp() {
	local id=${1:-}
	[[ "$id" =~ ^[^\<\>]+\ \<[^\<\>@\ ]+@[^\<\>\ ]+\>$ ]] || die "restamp wants an identity like \"Jane Doe <jane@example.com>\", got '$id'"
	local old="$RIG_ID_NAME <$RIG_ID_EMAIL>" f
	for f in "$P"/*.patch; do
		ID="$id" OLD="$old" perl -i -pe '
			BEGIN { $o = quotemeta($ENV{OLD}); $n = $ENV{ID} }
			s/^From: $o$/From: $n/;
			s/^Signed-off-by: $o$/Signed-off-by: $n/;
		' "$f"
	done
	say "re-stamped patches/ with $id (was $old); run 'make tree' to rebuild the tree from them"
}

case "${1:-}" in
tree) cmd_tree ;;
export) cmd_export ;;
restamp) shift; cmd_restamp "$@" ;;
list) patch_files ;;
*) die "usage: series.sh tree|export|restamp \"Name <email>\"|list" ;;
esac
