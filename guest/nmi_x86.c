// SPDX-License-Identifier: GPL-2.0
// rig-arch: x86_64
/*
 * x86_64 NMI notification: the rig's own HEST has a GHESv2 source notified
 * by NMI. Acting as firmware, this program writes a recoverable memory
 * error record for one of its pages into the source's block, clears the
 * read-ack register, writes RIG-NMI-READY to its control UART (ttyS1, which
 * only this program writes: kernel messages on the console could split the
 * word) and waits; the host then sends QMP inject-nmi (tests/qmp-nmi.py),
 * which QEMU delivers to every vCPU.
 * Passes when the block is cleared, the read-ack register written and the
 * page went through memory_failure exactly once, for three rounds.
 *
 * Real: the HEST (ACPI table upgrade), the NMI, the kernel's NMI handler
 * chain and GHES. Simulated: firmware's writes.
 */
#include <time.h>
#include "rig.h"

#define ROUNDS 3

int main(void)
{
	uint32_t rec[MEM_RECORD_LEN / 4];
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	volatile void *blk, *ack;
	uint64_t pa[ROUNDS];
	struct ghes_src *g;
	char *log, msg[32];
	int r, i, n, ctl;

	rig_name = "nmi_x86";
	hest_load();
	g = ghes_find(NOTIFY_NMI, 0);
	if (!g || !g->ack)
		fail("no GHESv2 source notified by NMI in the HEST");
	blk = ghes_block_map(g, g->block_len);
	ack = devmem_map(g->ack, 8);
	ctl = open("/dev/ttyS1", O_WRONLY | O_NOCTTY);
	if (ctl < 0)
		fail("open /dev/ttyS1 (control UART): %s", strerror(errno));
	for (r = 0; r < ROUNDS; r++) {
		pa[r] = virt_to_phys_self(own_page());
		cper_mem_record(rec, CPER_SEV_RECOVERABLE, pa[r]);
		if (rd32(blk))
			fail("round %d: block busy before injection", r);
		fw_post_record(blk, ack, rec, MEM_RECORD_LEN);
		n = snprintf(msg, sizeof(msg), "RIG-NMI-READY %d\n", r);
		if (write(ctl, msg, n) != n)
			fail("write to the control UART: %s", strerror(errno));
		info("round %d: record written, NMI requested", r);
		/* the kernel clears block_status first, then acknowledges */
		for (i = 0; i < 2000 && (rd32(blk) || rd64(ack) != g->ack_write); i++)
			nanosleep(&ts, NULL);
		if (rd32(blk))
			fail("round %d: block not cleared 20 s after RIG-NMI-READY", r);
		if (rd64(ack) != g->ack_write)
			fail("round %d: read-ack register 0x%llx, want 0x%llx", r,
			     (unsigned long long)rd64(ack), (unsigned long long)g->ack_write);
		info("round %d: record for pa 0x%llx reported and acked", r,
		     (unsigned long long)pa[r]);
	}
	for (r = 0; r < ROUNDS; r++) {
		n = mf_reports(pa[r], 2000);
		if (n != 1)
			fail("round %d: pfn %#llx went through memory_failure %d times, want 1",
			     r, (unsigned long long)(pa[r] >> 12), n);
	}
	log = kmsg_read();
	info("unknown-NMI messages: %d (expected when the other vCPU looks after the record is gone)",
	     count_substr(log, "NMI received for unknown reason"));
	pass();
	return 0;
}
