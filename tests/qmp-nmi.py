#!/usr/bin/env python3
"""Host side of the x86 NMI test: each time the guest writes RIG-NMI-READY
on its control UART (ttyS1, RIG_CTL: it has written a record and waits),
send QMP inject-nmi. Runs as boot.sh's RIG_DRIVER."""
import json
import os
import socket
import time

log, sock_path = os.environ["RIG_CTL"], os.environ["RIG_QMP"]


def qmp():
    for _ in range(300):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            f = s.makefile("rw")
            json.loads(f.readline())                    # greeting
            f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
            f.flush()
            json.loads(f.readline())
            return s, f
        except OSError:
            time.sleep(0.1)
    raise SystemExit("no QMP socket")


s, f = qmp()
done = 0
deadline = time.time() + 600
while time.time() < deadline:
    with open(log, errors="replace") as lf:
        ready = lf.read().count("RIG-NMI-READY")
    while done < ready:
        f.write(json.dumps({"execute": "inject-nmi"}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                break
        done += 1
        print(f"inject-nmi #{done}: {r}", flush=True)
    time.sleep(0.05)
