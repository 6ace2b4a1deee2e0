// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Removal while notifications arrive: one thread, pinned to CPU0, writes
 * records into SEA source 1 and takes real SEAs, while another, pinned to
 * CPU1, unbinds and rebinds that source (GHES.1) through sysfs, over and
 * over. Unbinding takes the source off the SEA list, waits for the
 * handlers and the irq_work, and gives its windows back; binding maps its
 * block again and reports a record left in it.
 *
 * Then, deterministically: with the source unbound, a memory error record
 * is left in its block and an SEA taken (nothing claims it); binding the
 * source again must report that record. Last, the rebound source reports
 * a new record through a real SEA.
 *
 * Passes when: the loop ran long enough (SEAs and unbinds counted), every
 * SEA ended in exactly one SIGBUS (claimed or not, depending on the
 * moment), the record left while unbound went through memory_failure once
 * after binding, the final record gave SIGBUS with BUS_MCEERR_AR, the block
 * ends cleared and acknowledged, and the kernel log has no oops, WARN,
 * lockdep, KASAN or UBSAN report (judged by the host).
 *
 * Real: the SEAs, driver unbind/bind, everything the kernel does.
 * Simulated: firmware's writes.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define MIN_SEAS	300
#define MIN_UNBINDS	40

static __thread sigjmp_buf jb;
static __thread volatile int armed, nsig;
static volatile int stop, code, nsig_all;
static volatile long unbinds;
static volatile void *trig, *blk, *ack;
static struct ghes_src *g;
static char dev[32];

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	nsig++;
	__sync_fetch_and_add(&nsig_all, 1);
	if (armed) {
		armed = 0;
		code = si->si_code;
		siglongjmp(jb, 1);
	}
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

static int unbind(void)
{
	return sysfs_write("/sys/bus/platform/drivers/GHES/unbind", dev);
}

static int bind(void)
{
	return sysfs_write("/sys/bus/platform/drivers/GHES/bind", dev);
}

static void *rebinder(void *arg)
{
	(void)arg;
	pin_cpu(1);
	while (!stop) {
		unbinds += unbind();
		bind();
	}
	return NULL;
}

static void sea(void)
{
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)rd32(trig);
	armed = 0;
}

static void post_mem(uint64_t pa)
{
	uint32_t rec[MEM_RECORD_LEN / 4];

	cper_mem_record(rec, CPER_SEV_RECOVERABLE, pa);
	fw_post_record(blk, ack, rec, MEM_RECORD_LEN);
}

int main(void)
{
	uint32_t rec[64];
	struct sigaction sa = { 0 };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pthread_t t;
	time_t t0;
	int i, written = 0, seas = 0;
	uint64_t pa_left, pa_last;

	rig_name = "ghes_rebind";
	hest_load();
	g = ghes_find(NOTIFY_SEA, 1);
	if (!g)
		fail("want at least two SEA sources");
	snprintf(dev, sizeof(dev), "GHES.%d", g->source_id);
	blk = ghes_block_map(g, g->block_len);
	ack = devmem_map(g->ack, 8);
	trig = devmem_map(UNASSIGNED_PA, 4);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);

	pin_cpu(0);
	pthread_create(&t, NULL, rebinder, NULL);
	t0 = time(NULL);
	for (i = 0; (seas < MIN_SEAS || unbinds < MIN_UNBINDS) && time(NULL) - t0 < 60; i++) {
		if (!rd32(blk)) {
			size_t len = cper_vendor_record(rec, 0x5000 + i);

			fw_post_record(blk, ack, rec, len);
			written++;
		}
		sea();
		seas++;
	}
	stop = 1;
	pthread_join(t, NULL);
	info("%d SEAs, %d records written, %ld unbinds, %d SIGBUS to the SEA thread, %d to the other",
	     seas, written, unbinds, nsig, nsig_all - nsig);
	check(seas >= MIN_SEAS && unbinds >= MIN_UNBINDS,
	      "the race ran: %d SEAs, %ld unbinds and binds of %s", seas, unbinds, dev);
	check(nsig == seas, "each of the %d SEAs ended in one SIGBUS to the thread that took it", seas);

	/* Bound again (bind fails harmlessly if it already is). */
	bind();
	for (i = 0; i < 300 && rd32(blk); i++) {
		sea();	/* a record the loop left is reported now */
		nanosleep(&ts, NULL);
	}
	check(!rd32(blk), "nothing is left in the block after the loop");

	/* A record left while the source is unbound is reported on binding. */
	check(unbind(), "%s unbound", dev);
	pa_left = virt_to_phys_self(own_page());
	post_mem(pa_left);
	sea();
	check(rd32(blk) != 0, "while %s is unbound, nothing reads its block", dev);
	check(bind(), "%s bound again", dev);
	check(mf_reports(pa_left, 5000) == 1,
	      "the record left while unbound went through memory_failure once after binding");

	pa_last = virt_to_phys_self(own_page());
	post_mem(pa_last);
	code = 0;
	sea();
	check(code == BUS_MCEERR_AR,
	      "a final record through a real SEA: SIGBUS BUS_MCEERR_AR (si_code %d)", code);
	check(!rd32(blk) && rd64(ack) == g->ack_write,
	      "the block ends cleared and acknowledged");
	pass();
	return 0;
}
