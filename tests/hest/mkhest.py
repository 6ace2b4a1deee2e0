#!/usr/bin/env python3
"""Make a HEST (iasl data-table source) and the register image firmware
would leave in memory for it.

  mkhest.py OUTDIR [--sea N] [--nmi M] [--sei K] [--sdei EV,...]
            [--bad KIND,...] [--base ADDR]

Sources, in this order of ids: N GHESv2 notified by SEA (arm64), M GHESv2
notified by NMI (x86), K GHESv2 notified by SEI (arm64), one GHESv2
notified by SDEI per event number EV (arm64; the notification's vector),
one GHESv2 polled, one GHES v1 polled. All
registers and blocks live in a region at ADDR that the kernel does not
treat as RAM (a cold-plugged DIMM, which the UEFI firmware leaves out of
its memory map):

  ADDR + 16*k       error status address register of source k (64-bit)
  ADDR + 16*k + 8   read-ack register of source k (64-bit; v2 only)
  ADDR + 0x10000 + k*0x600   error status block of source k (1024 bytes;
                    the 0x600 stride makes some blocks straddle a page)

--bad adds, after those, one polled GHESv2 source per KIND that firmware
got wrong: "small" (an error status block length of 8, less than its
header), "huge" (0xffffffff), "notify" (notification type 0x1f, which no
ACPI version defines), "disabled" (Enabled 0), "dup" (source id 0 again);
or described in a way firmware rarely does: "ack-preserve" (a read-ack
preserve mask of 0xffff0000ffff0000 and a write value of 2, where the
other sources have 0 and 1). Read-ack registers the kernel cannot use:
"ack-zero" (address 0), "ack-space" (in PCI configuration space, which
APEI does not access), "ack-width" (access size code 5, which no ACPI
version defines); and one it cannot write: "ack-read-only" (a 32-bit
register that ignores writes, QEMU virt's GICD_IIDR at 0x08000008).
Addresses where nothing answers, so that a read aborts (0x09100000, which
QEMU virt leaves unassigned): "ack-abort" (the read-ack register there),
"esa-abort" (the error status address register there), "block-abort"
(the block there, as the register says).

Writes OUTDIR/hest.asl (and, with --sdei, OUTDIR/sdei.asl: the SDEI
table, a bare header, by which the kernel knows SDEI firmware is there),
OUTDIR/regs.bin (the register page, to preload at
ADDR) and OUTDIR/layout.txt (one line per source, for the guest).
"""
import argparse
import os
import struct

BLOCK_LEN = 1024
BLOCK_OFF = 0x10000
BLOCK_STRIDE = 0x600
POLL_MS = 50
UNASSIGNED = 0x09100000  # guest/rig.h's UNASSIGNED_PA


def gas(name, addr, space=0, bits=64, access=4):
    return f"""[0012] {name} : [Generic Address Structure]
[0001] Space ID : {space:02X}
[0001] Bit Width : {bits:02X}
[0001] Bit Offset : 00
[0001] Encoded Access Width : {access:02X}
[0008] Address : {addr:016X}
"""


def ghes(v2, sid, notify, poll_ms, esa, ack, blen=BLOCK_LEN, enabled=1,
         preserve=0, write=1, vector=0, ack_gas=None):
    t = f"""[0002] Subtable Type : {'000A' if v2 else '0009'}
[0002] Source Id : {sid:04X}
[0002] Related Source Id : FFFF
[0001] Reserved : 00
[0001] Enabled : {enabled:02X}
[0004] Records To Preallocate : 00000001
[0004] Max Sections Per Record : 00000001
[0004] Max Raw Data Length : 00001000
"""
    t += gas("Error Status Address", esa)
    t += f"""[0028] Notify : [Hardware Error Notification Structure]
[0001] Notify Type : {notify:02X}
[0001] Notify Length : 1C
[0002] Configuration Write Enable : 0000
[0004] PollInterval : {poll_ms:08X}
[0004] Vector : {vector:08X}
[0004] Polling Threshold Value : 00000000
[0004] Polling Threshold Window : 00000000
[0004] Error Threshold Value : 00000000
[0004] Error Threshold Window : 00000000
[0004] Error Status Block Length : {blen:08X}
"""
    if v2:
        t += gas("Read Ack Register", ack, **(ack_gas or {}))
        t += f"""[0008] Read Ack Preserve : {preserve:016X}
[0008] Read Ack Write : {write:016X}
"""
    return t + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--sea", type=int, default=64)
    ap.add_argument("--nmi", type=int, default=0)
    ap.add_argument("--sei", type=int, default=0)
    ap.add_argument("--sdei", default="")
    ap.add_argument("--bad", default="")
    ap.add_argument("--base", type=lambda s: int(s, 0), default=0xC0000000)
    a = ap.parse_args()

    # (v2, notify type, poll interval, source id or None, block length,
    # enabled, read-ack preserve mask, read-ack write value), and the
    # notification's vector apart (an SDEI source's event number), the
    # read-ack register apart where it is not the usual one
    ok = (None, BLOCK_LEN, 1, 0, 1)
    events = [int(e, 0) for e in filter(None, a.sdei.split(","))]
    srcs = ([(True, 8, 0) + ok] * a.sea + [(True, 4, 0) + ok] * a.nmi +
            [(True, 9, 0) + ok] * a.sei + [(True, 11, 0) + ok] * len(events) +
            [(True, 0, POLL_MS) + ok, (False, 0, POLL_MS) + ok])
    first_sdei = a.sea + a.nmi + a.sei
    vectors = [0] * first_sdei + events + [0] * (len(srcs) - first_sdei - len(events))
    bad = {
        "small": (True, 0, POLL_MS, None, 8, 1, 0, 1),
        "huge": (True, 0, POLL_MS, None, 0xFFFFFFFF, 1, 0, 1),
        "notify": (True, 0x1F, POLL_MS, None, BLOCK_LEN, 1, 0, 1),
        "disabled": (True, 0, POLL_MS, None, BLOCK_LEN, 0, 0, 1),
        "dup": (True, 0, POLL_MS, 0, BLOCK_LEN, 1, 0, 1),
        "ack-preserve": (True, 0, POLL_MS, None, BLOCK_LEN, 1,
                         0xFFFF0000FFFF0000, 2),
    }
    bad_ack = {
        "ack-zero": {"addr": 0},
        "ack-space": {"space": 2},
        "ack-width": {"access": 5},
        "ack-read-only": {"addr": 0x08000008, "bits": 32, "access": 3},
        "ack-abort": {"addr": UNASSIGNED},
    }
    # where the register, or the block, is not the usual one
    bad_where = {
        "esa-abort": {"esa": UNASSIGNED},
        "block-abort": {"blk": UNASSIGNED},
    }
    ack_gases = [None] * len(srcs)
    wheres = [{}] * len(srcs)
    for kind in filter(None, a.bad.split(",")):
        if kind in bad_ack or kind in bad_where:
            srcs.append((True, 0, POLL_MS) + ok)
        else:
            srcs.append(bad[kind])
        ack_gases.append(bad_ack.get(kind))
        wheres.append(bad_where.get(kind, {}))
        vectors.append(0)
    assert 16 * len(srcs) <= BLOCK_OFF

    body = ""
    regs = bytearray(16 * len(srcs))
    layout = []
    for k, (v2, notify, poll, sid, blen, enabled, preserve,
            write) in enumerate(srcs):
        esa = wheres[k].get("esa", a.base + 16 * k)
        ack = a.base + 16 * k + 8
        blk = wheres[k].get("blk", a.base + BLOCK_OFF + k * BLOCK_STRIDE)
        ack_gas = dict(ack_gases[k] or {})
        ack = ack_gas.pop("addr", ack)
        body += ghes(v2, k if sid is None else sid, notify, poll, esa,
                     ack if v2 else 0, blen, enabled, preserve, write,
                     vectors[k], ack_gas)
        struct.pack_into("<QQ", regs, 16 * k, blk, 1 if v2 else 0)
        layout.append(f"{k} {'v2' if v2 else 'v1'} {notify} {esa:#x} "
                      f"{ack if v2 else 0:#x} {blk:#x} {BLOCK_LEN}")

    head = f"""[0004] Signature : "HEST"
[0004] Table Length : 00000000
[0001] Revision : 01
[0001] Checksum : 00
[0006] Oem ID : "RIGOEM"
[0008] Oem Table ID : "RIGHEST "
[0004] Oem Revision : 00000001
[0004] Asl Compiler ID : "INTL"
[0004] Asl Compiler Revision : 00000000

[0004] Error Source Count : {len(srcs):08X}

"""
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "hest.asl"), "w") as f:
        f.write(head + body)
    if events:
        with open(os.path.join(a.outdir, "sdei.asl"), "w") as f:
            f.write(head.replace('"HEST"', '"SDEI"').replace("RIGHEST ", "RIGSDEI ")
                    .split("\n\n")[0] + "\n")
    with open(os.path.join(a.outdir, "regs.bin"), "wb") as f:
        f.write(regs)
    with open(os.path.join(a.outdir, "layout.txt"), "w") as f:
        f.write("\n".join(layout) + "\n")


if __name__ == "__main__":
    main()
