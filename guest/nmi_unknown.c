// SPDX-License-Identifier: GPL-2.0
// rig-arch: x86_64
/*
 * nmi_unknown: an NMI for which no GHES source holds a record is not
 * GHES's, even while another CPU is checking the GHES sources: it must
 * reach the kernel's unknown-NMI path ("NMI received for unknown reason").
 *
 * The rig's own HEST has GHES sources notified by NMI, all empty. Three
 * rounds: the rig-only hook (tests/kernel/) is armed to hold CPU0 in the
 * first copy from an error status block it makes in NMI context ("copy"
 * point), and sends CPU0 an NMI; then it sends CPU1 one, and releases
 * CPU0. A handler that reads the blocks of empty sources under their owner
 * is held there while CPU1 checks; one that finds nothing with two loads
 * never reaches the hold.
 *
 * Passes when each round adds one unknown-NMI line ("... for unknown reason
 * XX on CPU N.") for CPU 0 and one for CPU 1: nothing claimed either NMI.
 *
 * Real: the NMIs and the NMI handler chain. Simulated: who sends the NMIs
 * (the hook); the point where CPU0 would be held, by a rig-only kprobe.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "rig.h"

#define ROUNDS	3

static void *cpu0_nmi(void *arg)
{
	(void)arg;
	pin_cpu(0);
	hold_cmd("nmi 0");
	return NULL;
}

int main(void)
{
	int r, u0, u1, held, nsrc = 0;
	pthread_t t;

	rig_name = "nmi_unknown";
	hest_load();
	while (ghes_find(NOTIFY_NMI, nsrc))
		nsrc++;
	if (!nsrc)
		fail("no GHES source notified by NMI in the HEST");
	info("%d GHES sources notified by NMI, all empty", nsrc);

	pin_cpu(1);
	for (r = 0; r < ROUNDS; r++) {
		u0 = count_log("on CPU 0.\n");
		u1 = count_log("on CPU 1.\n");
		held = count_log("rig-hold: holding copy on CPU0");
		hold_cmd("copy 0 3000");
		pthread_create(&t, NULL, cpu0_nmi, NULL);
		/* Held, or never: an empty source needs no copy. */
		if (wait_log("rig-hold: holding copy on CPU0", held, 1000) > held)
			info("round %d: CPU0 is held reading a block in its NMI", r);
		hold_cmd("nmi 1");
		msleep(100);
		hold_cmd("release");
		pthread_join(t, NULL);
		msleep(100);
		check(count_log("on CPU 1.\n") == u1 + 1,
		      "round %d: CPU1's NMI, with no record anywhere, reached the unknown-NMI path", r);
		check(count_log("on CPU 0.\n") == u0 + 1,
		      "round %d: so did CPU0's", r);
	}
	pass();
	return 0;
}
