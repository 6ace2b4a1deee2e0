// SPDX-License-Identifier: GPL-2.0
/*
 * ghes_move: firmware moves a source's error status block (it writes a new
 * address into the error status address register) while notifications
 * arrive on the other CPU; every record, wherever it is, must be reported
 * exactly once.
 *
 * The rig's own HEST has more sources notified like an NMI than the
 * fixmap range reserved for them holds (arm64: 66 SEA sources, x86: 17
 * NMI sources), so the last ones map their block with ioremap() instead of
 * windows of their own. For the first source and for the last one, this
 * program, acting as firmware, writes records at the block's own address
 * and at two others in the same firmware region, moving the block there
 * and back, and notifies once per record: an SEA taken from user space on
 * arm64, an NMI sent to its own CPU on x86 (by the rig-only hook). Some
 * moves come right after another, before the window the block left can
 * have been retired. Meanwhile a thread on the other CPU raises
 * notifications of the same kind, for which no record is meant, whose
 * handlers read every source's window.
 *
 * Passes when every record's page goes through memory_failure() exactly
 * once (whichever notification found it, and also when it was found from
 * process context after a quick second move), and every block ends
 * cleared and acknowledged.
 *
 * Real: the HEST, the notifications, GHES, memory_failure(). Simulated:
 * firmware's writes; on x86, who sends the NMIs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define SPARE_OFF	0x800000ULL	/* free space in the firmware region */
#define ROUNDS		6

struct moving {
	struct ghes_src *g;
	volatile void *esa, *ack;
	uint64_t addr[3];		/* own block, and two others */
};

static volatile int stop;
static __thread sigjmp_buf jb;
static __thread volatile int armed;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	if (armed) {
		armed = 0;
		siglongjmp(jb, 1);
	}
}

/* A notification on this CPU. */
static void notify(int cpu)
{
	if (IS_X86) {
		hold_cmd("nmi %d", cpu);
		return;
	}
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)rd32(devmem_map(UNASSIGNED_PA, 4));
	armed = 0;
}

static void *bystander(void *arg)
{
	(void)arg;
	pin_cpu(1);
	while (!stop) {
		notify(1);
		msleep(2);
	}
	return NULL;
}

/*
 * Firmware's part of a record at @addr: the record, then the address in
 * the register, then block_status, and the read-ack register cleared first.
 */
static void post_at(struct moving *m, uint64_t addr, uint64_t pa)
{
	uint32_t rec[MEM_RECORD_LEN / 4];
	volatile void *blk = devmem_map(addr, m->g->block_len);

	if (rd32(blk))
		fail("source %d: block at %#llx busy before a record",
		     m->g->source_id, (unsigned long long)addr);
	cper_mem_record(rec, CPER_SEV_RECOVERABLE, pa);
	wr64(m->ack, 0);
	devmem_write((volatile char *)blk + 4, rec + 1, MEM_RECORD_LEN - 4);
	wr64(m->esa, addr);
	mb();
	wr32(blk, rec[0]);
	mb();
}

static int done_at(struct moving *m, uint64_t addr)
{
	return !rd32(devmem_map(addr, 4)) && rd64(m->ack) == m->g->ack_write;
}

int main(void)
{
	/* move sequence: where each record goes, and the pause before it */
	static const struct { int where, pause_ms; } seq[ROUNDS] = {
		{ 1, 100 }, { 0, 100 }, { 2, 100 }, { 1, 0 }, { 0, 100 }, { 0, 100 },
	};
	int notify_type = IS_X86 ? NOTIFY_NMI : NOTIFY_SEA;
	struct sigaction sa = { 0 };
	struct moving mv[2];
	uint64_t pa[2][ROUNDS], region;
	char pat[128];
	pthread_t t;
	int n = 0, i, k, r;

	rig_name = "ghes_move";
	hest_load();
	while (ghes_find(notify_type, n))
		n++;
	if (n < 2)
		fail("want at least two GHES sources notified like an NMI");
	mv[0].g = ghes_find(notify_type, 0);
	mv[1].g = ghes_find(notify_type, n - 1);

	region = mv[0].g->esa & ~0xfffffULL;
	for (k = 0; k < 2; k++) {
		mv[k].esa = devmem_map(mv[k].g->esa, 8);
		mv[k].ack = devmem_map(mv[k].g->ack, 8);
		mv[k].addr[0] = rd64(mv[k].esa);
		mv[k].addr[1] = region + SPARE_OFF + k * 0x10000;
		mv[k].addr[2] = mv[k].addr[1] + 0x1e00;	/* straddles a page */
		for (r = 0; r < ROUNDS; r++)
			pa[k][r] = virt_to_phys_self(own_page());
	}

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	pin_cpu(0);
	pthread_create(&t, NULL, bystander, NULL);

	for (k = 0; k < 2; k++) {
		for (r = 0; r < ROUNDS; r++) {
			uint64_t addr = mv[k].addr[seq[r].where];

			msleep(seq[r].pause_ms);
			post_at(&mv[k], addr, pa[k][r]);
			notify(0);
			for (i = 0; i < 300 && !done_at(&mv[k], addr); i++)
				msleep(10);
			check(done_at(&mv[k], addr),
			      "source %d, record %d at %#llx%s: cleared and acknowledged",
			      mv[k].g->source_id, r, (unsigned long long)addr,
			      seq[r].pause_ms ? "" : " (moved again at once)");
		}
		/* back where firmware started */
		wr64(mv[k].esa, mv[k].addr[0]);
	}
	stop = 1;
	pthread_join(t, NULL);

	for (k = 0; k < 2; k++)
		for (r = 0; r < ROUNDS; r++)
			check(mf_reports(pa[k][r], 5000) == 1,
			      "source %d, record %d: its page went through memory_failure once",
			      mv[k].g->source_id, r);

	/* Both kinds of source were moved: through fixmap windows, and not. */
	snprintf(pat, sizeof(pat), "No fixmap pages left for generic hardware error source: %d:",
		 mv[0].g->source_id);
	check(count_log(pat) == 0, "source %d read its block through fixmap windows",
	      mv[0].g->source_id);
	snprintf(pat, sizeof(pat), "No fixmap pages left for generic hardware error source: %d:",
		 mv[1].g->source_id);
	check(count_log(pat) == 1, "source %d had no fixmap pages: its block was ioremap()ed",
	      mv[1].g->source_id);
	pass();
	return 0;
}
