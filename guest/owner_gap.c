// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * owner_gap: firmware writes the next record into a source while the
 * context that reported the previous one has acknowledged it and not yet
 * let go of the source, and notifies; that record must be reported.
 *
 * The HEST (tests/hest/mkhest.py --sea 1 --sei 2, and for sdei
 * --sdei 0x100,0x101,0x200) has one SEA and two SEI GHESv2 sources (and
 * three notified by SDEI); rig.gap= on the command line picks the
 * notification:
 *
 *   sea  CPU0 takes an SEA from user space for record R1 on the SEA source.
 *        The rig-only hook (tests/kernel/, "ack" point) holds CPU0 right
 *        after GHES writes the source's read-ack register, inside the SEA
 *        handler. CPU1 writes R2 and takes an SEA in the kernel, by a
 *        nofault load (the rig-only injector's "nofault" command), which
 *        the kernel does not retry; then the hold is released.
 *   sei  the same with SErrors: a virtual SError with an IMPLEMENTATION
 *        DEFINED syndrome on CPU0 for R1, then one on CPU1 for R2.
 *   sdei the same with SDEI event 0x200, a private one, which the rig's
 *        EL2 stand-in for SDEI firmware (tests/kernel/) dispatches on
 *        CPU0 for R1, then on CPU1 for R2. CPU1's handler must come back
 *        while CPU0 is held: in 7.3 it spins on the lock all normal SDEI
 *        events share until the hold times out, and then reads R2 itself.
 *
 * Passes when: CPU1's notification counts as firmware's (the nofault load
 * fails with -EFAULT; the SError goes on; the SDEI event completes), R1 and R2 each go through
 * memory_failure() exactly once, and the block ends cleared and
 * acknowledged. A record left in the block is reported by nobody: no other
 * notification comes.
 *
 * Real: the exceptions, the kernel's SDEI driver and entry code, GHES,
 * memory_failure(). Simulated: firmware's writes; who raises the SErrors
 * and dispatches the SDEI events (EL2, not EL3); the point where CPU0 is
 * held, by a rig-only kprobe.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define HOLD_MS		10000

static struct ghes_src *g;
static volatile void *blk, *ack;
static int sea, sdei;		/* rig.gap=sea, =sdei, else sei */
#define SDEI_EVENT	0x200
static sigjmp_buf jb;
static volatile int got_code;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	got_code = si->si_code;
	siglongjmp(jb, 1);
}

/* CPU0: the notification for R1, whose handler the hook holds. */
static void *owner(void *arg)
{
	uint64_t pa = *(uint64_t *)arg;

	pin_cpu(0);
	fw_post_mem_error(blk, ack, pa);
	if (sea) {
		if (!sigsetjmp(jb, 1))
			(void)rd32(devmem_map(UNASSIGNED_PA, 4));
	} else if (sdei) {
		proc_cmd("/proc/rig_sdei", "dispatch %x", SDEI_EVENT);
	} else {
		proc_cmd("/proc/rig_serror", "el1 %llx", ISS_IMPDEF);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa = { 0 };
	char cmdline[4096] = "";
	uint64_t pa1, pa2;
	pthread_t t;
	int held, before, i;
	const char *what;
	FILE *f;

	rig_name = "owner_gap";
	f = fopen("/proc/cmdline", "r");
	if (!f || !fgets(cmdline, sizeof(cmdline), f))
		fail("cannot read /proc/cmdline");
	fclose(f);
	if (strstr(cmdline, "rig.gap=sea"))
		sea = 1;
	else if (strstr(cmdline, "rig.gap=sdei"))
		sdei = 1;
	else if (!strstr(cmdline, "rig.gap=sei"))
		fail("no rig.gap=sea|sei|sdei on the command line");
	what = sea ? "SEA" : sdei ? "SDEI" : "SEI";
	info("notification: %s", what);

	hest_load();
	if (sdei) {
		for (i = 0; (g = ghes_find(NOTIFY_SDEI, i)); i++)
			if (g->vector == SDEI_EVENT)
				break;
	} else {
		g = ghes_find(sea ? NOTIFY_SEA : NOTIFY_SEI, 0);
	}
	if (!g || !g->ack)
		fail("no GHESv2 %s source in the HEST", what);
	blk = ghes_block_map(g, g->block_len);
	ack = devmem_map(g->ack, 8);
	pa1 = virt_to_phys_self(own_page());
	pa2 = virt_to_phys_self(own_page());
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);

	pin_cpu(1);
	held = count_log("rig-hold: holding ack on CPU0");
	hold_cmd("ack %#llx %d", (unsigned long long)g->ack, HOLD_MS);
	pthread_create(&t, NULL, owner, &pa1);
	check(wait_log("rig-hold: holding ack on CPU0", held, 5000) > held,
	      "CPU0 acknowledged R1 and is held before it lets go of source %d",
	      g->source_id);

	/* Firmware's next record, and its notification, on CPU1. */
	fw_post_mem_error(blk, ack, pa2);
	if (sea) {
		before = count_log("nofault load on CPU1 returned -14");
		proc_cmd("/proc/rig_serror", "nofault 0 %#llx", UNASSIGNED_PA);
		check(count_log("nofault load on CPU1 returned -14") == before + 1,
		      "CPU1's SEA for R2 counts as firmware's: the nofault load fails with -EFAULT");
	} else if (sdei) {
		before = count_log("rig-hold: released");
		proc_cmd("/proc/rig_sdei", "dispatch %x", SDEI_EVENT);
		check(count_log("rig-hold: released") == before,
		      "CPU1's SDEI handler for R2 came back while CPU0 held the source");
	} else {
		before = count_log("vSError on CPU1 taken");
		proc_cmd("/proc/rig_serror", "el1 %llx", ISS_IMPDEF);
		check(count_log("vSError on CPU1 taken") == before + 1,
		      "CPU1's SError for R2 was taken, counted as firmware's, and the system goes on");
	}
	check(rd32(blk) != 0, "R2 is still in the block while CPU0 holds the source");
	hold_cmd("release");
	pthread_join(t, NULL);

	check(mf_reports(pa2, 5000) == 1,
	      "R2, written between the acknowledgment and the release, went through memory_failure once");
	check(mf_reports(pa1, 5000) == 1, "R1 went through memory_failure once");
	if (sea)
		check(got_code == BUS_MCEERR_AR, "CPU0's task got SIGBUS BUS_MCEERR_AR for R1");
	check(!rd32(blk) && rd64(ack) == g->ack_write,
	      "source %d ends cleared and acknowledged", g->source_id);
	pass();
	return 0;
}
