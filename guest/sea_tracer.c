// SPDX-License-Identifier: GPL-2.0
/*
 * Tracer bullet: firmware-first SEA end to end, with QEMU's own HEST
 * (-M virt,ras=on: one GHESv2 source, notification SEA).
 *
 * This program plays the firmware: it writes a recoverable CPER memory
 * error record for one of its own pages into the SEA source's error status
 * block and clears the read-ack register, as firmware does before it
 * raises the notification. What is real: the HEST (QEMU's), the
 * exception (a load from an unassigned physical address is a synchronous
 * external abort under TCG), and everything the kernel does from do_sea()
 * on. What is simulated: the firmware's writes.
 *
 * Passes when: SIGBUS with BUS_MCEERR_AR arrives for our page, the kernel
 * logged the record exactly once with our physical address, the block was
 * cleared and the read-ack register written as the HEST says.
 */
#include <setjmp.h>
#include <signal.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL	/* nothing is mapped here on virt */

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

int main(void)
{
	uint32_t rec[MEM_RECORD_LEN / 4];
	volatile void *esa, *blk, *trig;
	volatile void *volatile ack = NULL;
	struct sigaction sa = { 0 };
	struct ghes_src *g;
	uint64_t blk_pa, pa, want_ack;
	char *log, line[128];
	size_t len;
	void *page;
	int n;

	rig_name = "sea_tracer";
	hest_load();
	g = ghes_find(NOTIFY_SEA, 0);
	if (!g)
		fail("no SEA-notified GHES source in HEST (%d GHES sources)", nr_ghes_srcs);
	info("GHES%s source %d: SEA, block length %u",
	     g->type == HEST_TYPE_GHES_V2 ? "v2" : "", g->source_id, g->block_len);

	esa = devmem_map(g->esa, 8);
	blk_pa = rd64(esa);
	if (!blk_pa)
		fail("error status address register at 0x%llx holds 0",
		     (unsigned long long)g->esa);
	blk = devmem_map(blk_pa, g->block_len);
	if (g->ack)
		ack = devmem_map(g->ack, 8);
	if (rd32(blk) != 0)
		fail("block at 0x%llx is busy before injection (block_status 0x%x)",
		     (unsigned long long)blk_pa, rd32(blk));

	page = own_page();
	pa = virt_to_phys_self(page);
	info("page va %p pa 0x%llx; block at 0x%llx", page,
	     (unsigned long long)pa, (unsigned long long)blk_pa);

	/* Firmware's part: record outstanding, then the record itself. */
	len = cper_mem_record(rec, CPER_SEV_RECOVERABLE, pa);
	if (len > g->block_len)
		fail("record (%zu bytes) does not fit the block (%u)", len, g->block_len);
	fw_post_record(blk, ack, rec, len);

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	trig = devmem_map(UNASSIGNED_PA, 4);
	if (!sigsetjmp(jb, 1)) {
		(void)rd32(trig);	/* the synchronous external abort */
		fail("no SIGBUS: the load from 0x%llx completed",
		     (unsigned long long)UNASSIGNED_PA);
	}
	info("SIGBUS si_code %d si_addr %p", got_code, got_addr);
	if (got_code != BUS_MCEERR_AR)
		fail("SIGBUS si_code %d, want BUS_MCEERR_AR (%d): record not handled",
		     got_code, BUS_MCEERR_AR);
	if (((uintptr_t)got_addr & ~4095UL) != (uintptr_t)page)
		fail("SIGBUS for %p, want our page %p", got_addr, page);
	if (rd32(blk) != 0)
		fail("block_status 0x%x after handling, want 0 (cleared)", rd32(blk));
	if (ack) {
		want_ack = (0 & g->ack_preserve) | g->ack_write;
		if (rd64(ack) != want_ack)
			fail("read-ack register 0x%llx, want 0x%llx",
			     (unsigned long long)rd64(ack), (unsigned long long)want_ack);
	}

	log = kmsg_read();
	n = count_substr(log, "[Hardware Error]: event severity: recoverable");
	if (n != 1)
		fail("kernel logged %d recoverable records, want exactly 1", n);
	snprintf(line, sizeof(line), "physical_address: 0x%016llx",
		 (unsigned long long)(pa & ~4095ULL));
	if (!strstr(log, line)) {
		snprintf(line, sizeof(line), "physical_address: 0x%016llx",
			 (unsigned long long)pa);
		if (!strstr(log, line))
			fail("kernel log lacks '%s'", line);
	}
	if (!strstr(log, "Memory failure: "))
		fail("kernel log shows no memory_failure for the page");
	pass();
	return 0;
}
