// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Benchmark: guest instructions for one SEA notification, from the load
 * that raises it to the SIGBUS handler. Run under QEMU -icount shift=0,
 * where the generic timer (1 GHz on virt) advances one tick per guest
 * instruction, so counter deltas are instruction counts.
 *
 *   rig.bench=found    each SEA finds a record in the last SEA source of
 *                      the HEST (a non-memory section: the kernel reports
 *                      it and sends SIGBUS, with no memory_failure work
 *                      to swamp the notification's own cost)
 *   rig.bench=notmine  no source holds a record: the scan finds nothing
 *                      and the SEA is not claimed
 *
 * Prints "RIG-BENCH: <mode> sources=<n> median=<i> min=<i> max=<i>".
 */
#include <setjmp.h>
#include <signal.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define ITERS		41

static sigjmp_buf jb;
static volatile uint64_t t_sig;
static volatile void *trig, *blk, *ack;

static inline uint64_t cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	t_sig = cntvct();
	siglongjmp(jb, 1);
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	uint32_t rec[64];
	uint64_t d[ITERS];
	struct sigaction sa = { 0 };
	struct ghes_src *g = NULL;
	char cmdline[4096] = "";
	int found, nsea = 0, i;
	size_t len;
	FILE *f;

	rig_name = "bench_sea";
	f = fopen("/proc/cmdline", "r");
	if (!f || !fgets(cmdline, sizeof(cmdline), f))
		fail("cannot read /proc/cmdline");
	fclose(f);
	if (strstr(cmdline, "rig.bench=found"))
		found = 1;
	else if (strstr(cmdline, "rig.bench=notmine"))
		found = 0;
	else
		fail("no rig.bench=found|notmine on the command line");

	hest_load();
	while (ghes_find(NOTIFY_SEA, nsea))
		g = ghes_find(NOTIFY_SEA, nsea++);
	if (!g)
		fail("no SEA source");
	blk = ghes_block_map(g, g->block_len);
	if (g->ack)
		ack = devmem_map(g->ack, 8);
	trig = devmem_map(UNASSIGNED_PA, 4);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);

	for (i = 0; i < ITERS; i++) {
		uint64_t t0;

		if (found) {
			len = cper_vendor_record(rec, 0x1000 + i);
			fw_post_record(blk, ack, rec, len);
		}
		t_sig = 0;
		t0 = cntvct();
		if (!sigsetjmp(jb, 1))
			(void)rd32(trig);
		if (!t_sig)
			fail("iteration %d: no SIGBUS", i);
		d[i] = t_sig - t0;
		if (found && rd32(blk))
			fail("iteration %d: record not consumed", i);
	}
	qsort(d, ITERS, sizeof(d[0]), cmp);
	printf("RIG-BENCH: %s sources=%d median=%llu min=%llu max=%llu\n",
	       found ? "found" : "notmine", nsea, (unsigned long long)d[ITERS / 2],
	       (unsigned long long)d[0], (unsigned long long)d[ITERS - 1]);
	pass();
	return 0;
}
