#!/usr/bin/env bash
# kvm-selftests.sh REV OUT: build two of the kernel's KVM selftests for
# arm64 from REV of the test tree, statically linked, into OUT/usr/bin
# (a tree guest.sh --root puts into the initramfs): upstream's
# external_aborts and the series' serror_to_user. The kernel's own
# Makefile builds them, against REV's exported headers; a warning fails.
# Built again only when what they are built from changes: tools/ and
# what headers_install reads (the uapi headers, scripts/, the Makefiles),
# not, say, ghes.c.
. "$(dirname "$0")/../scripts/lib.sh"
rev=$1 out=$2
tests=(external_aborts serror_to_user)
key=$(git -C "$RIG_TREE" rev-parse "$rev:tools" "$rev:include/uapi" "$rev:arch/arm64/include/uapi" \
	"$rev:scripts" "$rev:usr" "$rev:Makefile" "$rev:arch/arm64/Makefile" | sha256sum | cut -c1-24)
if [ -f "$out/.rig-built" ] && [ "$(cat "$out/.rig-built")" = "$key" ]; then
	echo "built from this tree already: ${tests[*]}"
	exit 0
fi
# (checked out only to build: see build-at.sh)
git -C "$RIG_TREE" checkout -q --detach "$rev" || die "cannot check out $rev"
rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/build"
make -s -C "$RIG_TREE" ARCH=arm64 O="$out/build/kernel" \
	INSTALL_HDR_PATH="$out/build/usr" headers_install ||
	die "headers_install failed at $rev"
targets=()
for t in "${tests[@]}"; do targets+=("$out/build/kvm/arm64/$t"); done
LDFLAGS=-static make -C "$RIG_TREE/tools/testing/selftests/kvm" -j"$(nproc)" \
	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- OUTPUT="$out/build/kvm" \
	KHDR_INCLUDES="-isystem $out/build/usr/include" "${targets[@]}" \
	> "$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; die "the KVM selftests did not build at $rev"; }
if grep -E 'warning:' "$out/build.log"; then
	die "the KVM selftests built with warnings at $rev"
fi
for t in "${tests[@]}"; do cp "$out/build/kvm/arm64/$t" "$out/usr/bin/$t"; done
echo "$key" > "$out/.rig-built"
echo "built from $(git -C "$RIG_TREE" log --oneline -1): ${tests[*]} (static, in $out/usr/bin)"
