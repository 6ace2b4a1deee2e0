#!/usr/bin/env bash
# The main job: build the patched kernel and boot it in QEMU with a
# firmware-first error injected, then show what the kernel did with it.
. "$(dirname "$0")/lib.sh"
export RIG_TREE=$RIG_CACHE/demo/linux
S=$RIG_TOP/scripts
FORCE=1 "$S/series.sh" tree
img=$("$S/build.sh" arm64 --tree "$RIG_TREE" --out "$RIG_CACHE/demo/build-arm64" | tail -n1)
log=$RIG_CACHE/demo/console-sea.log
echo
echo "== arm64, QEMU virt (ras=on), edk2, Linux $(cat "$RIG_CACHE/base/VERSION") + $(ls "$RIG_TOP"/patches/0*.patch | grep -vc cover-letter) patches"
echo "== firmware-first SEA: a CPER memory error for a user page, then a real synchronous external abort"
rc=0
RIG_MACHINE=ras=on "$S/boot.sh" arm64 "$img" "$log" sea_tracer || rc=$?
echo "-- console (excerpt) --"
tr -d '\r' < "$log" | grep -E 'RIG-|Hardware Error|Memory failure|GHES|SEA' | grep -v 'RIG-RUN\|RIG-EXIT'
echo "-- full console log: $log"
exit $rc
