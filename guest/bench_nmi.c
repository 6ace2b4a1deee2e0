// SPDX-License-Identifier: GPL-2.0
// rig-arch: x86_64
/*
 * Benchmark: the cost of an NMI that is not for GHES, on x86, with the
 * HEST's GHES sources notified by NMI (all empty). The rig-only hook
 * (tests/kernel/, "nmibench") sends this CPU NMIs that only its own
 * handler on the unknown-NMI chain claims (so the path is the one an NMI
 * for another user takes, without the unknown-NMI message), and times
 * each with the TSC, from sending it to its end. Under QEMU -icount
 * shift=0 the TSC counts guest instructions.
 *
 * Prints "RIG-BENCH: nmi sources=<n> median=<i> min=<i> max=<i>".
 */
#include "rig.h"

#define NMIS	41

int main(void)
{
	char *log, *p;
	int n = 0, before;

	rig_name = "bench_nmi";
	hest_load();
	while (ghes_find(NOTIFY_NMI, n))
		n++;
	before = count_log("rig-bench: nmi n=");
	hold_cmd("nmibench %d", NMIS);
	if (wait_log("rig-bench: nmi n=", before, 10000) <= before)
		fail("the hook printed no result");
	log = kmsg_read();
	p = log;
	while (strstr(p + 1, "rig-bench: nmi n="))
		p = strstr(p + 1, "rig-bench: nmi n=");
	p = strstr(p, "median=");
	printf("RIG-BENCH: nmi sources=%d %.*s\n", n, (int)strcspn(p, "\n"), p);
	free(log);
	pass();
	return 0;
}
