// SPDX-License-Identifier: GPL-2.0
// rig-arch: x86_64
/*
 * nmi_gap: firmware writes the next record into an NMI-notified source
 * while the CPU that reported the previous one has acknowledged it and not
 * yet let go of the source, and sends an NMI; that record must be reported.
 *
 * The rig's own HEST has one GHESv2 source notified by NMI. CPU0 gets an
 * NMI for record R1; the rig-only hook (tests/kernel/, "ack" point) holds
 * CPU0 in the NMI handler right after GHES writes the read-ack register.
 * CPU1 writes R2 and gets an NMI of its own; then the hold is released.
 * The hook sends both NMIs, as IPIs to one CPU each, so that no other NMI
 * comes that could find R2 by chance.
 *
 * Passes when: CPU1's NMI counts as GHES's (no "unknown reason" line for
 * CPU 1), R1 and R2 each go through memory_failure() exactly once, and the
 * block ends cleared and acknowledged.
 *
 * Real: the NMIs and the NMI handler chain, GHES, memory_failure().
 * Simulated: firmware's writes, and who sends the NMIs (the hook, not
 * firmware); the point where CPU0 is held, by a rig-only kprobe.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "rig.h"

#define HOLD_MS		10000

static volatile void *blk, *ack;

static void *owner(void *arg)
{
	(void)arg;
	pin_cpu(0);
	hold_cmd("nmi 0");
	return NULL;
}

int main(void)
{
	struct ghes_src *g;
	uint64_t pa1, pa2;
	int held, unknown1;
	pthread_t t;

	rig_name = "nmi_gap";
	hest_load();
	g = ghes_find(NOTIFY_NMI, 0);
	if (!g || !g->ack)
		fail("no GHESv2 source notified by NMI in the HEST");
	blk = ghes_block_map(g, g->block_len);
	ack = devmem_map(g->ack, 8);
	pa1 = virt_to_phys_self(own_page());
	pa2 = virt_to_phys_self(own_page());

	pin_cpu(1);
	unknown1 = count_log("unknown reason");
	held = count_log("rig-hold: holding ack on CPU0");
	hold_cmd("ack %#llx %d", (unsigned long long)g->ack, HOLD_MS);
	fw_post_mem_error(blk, ack, pa1);
	pthread_create(&t, NULL, owner, NULL);
	check(wait_log("rig-hold: holding ack on CPU0", held, 5000) > held,
	      "CPU0's NMI acknowledged R1 and is held before it lets go of source %d",
	      g->source_id);

	fw_post_mem_error(blk, ack, pa2);
	hold_cmd("nmi 1");
	msleep(200);
	check(rd32(blk) != 0, "R2 is still in the block while CPU0 holds the source");
	hold_cmd("release");
	pthread_join(t, NULL);

	check(mf_reports(pa2, 5000) == 1,
	      "R2, written between the acknowledgment and the release, went through memory_failure once");
	check(mf_reports(pa1, 5000) == 1, "R1 went through memory_failure once");
	check(!rd32(blk) && rd64(ack) == g->ack_write,
	      "source %d ends cleared and acknowledged", g->source_id);
	check(count_log("unknown reason") == unknown1,
	      "no NMI was taken for an unknown reason: CPU1's counted as GHES's");
	pass();
	return 0;
}
