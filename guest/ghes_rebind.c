// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Removal while notifications arrive: one thread, pinned to CPU0, writes
 * records into SEA source 1 and takes real SEAs, while another, pinned to
 * CPU1, unbinds and rebinds that source (GHES.1) through sysfs, over and
 * over. Unbinding takes the source off the SEA list, waits for the
 * handlers and the irq_work, and gives its fixmap pages back; binding
 * reserves pages again and reports a record left in the block.
 *
 * Passes when every SEA ends in a SIGBUS (claimed or not, depending on
 * the moment), nothing is left in the block at the end, the rebound source
 * reports a final memory error record (SIGBUS with BUS_MCEERR_AR for our
 * page), and the kernel log has no oops, WARN, lockdep or KASAN report
 * (judged by the host; the debug kernels run this too).
 *
 * Real: the SEAs, driver unbind/bind, everything the kernel does.
 * Simulated: firmware's writes.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define MIN_SEAS	300
#define MIN_UNBINDS	40

static __thread sigjmp_buf jb;
static __thread volatile int armed;
static volatile int stop, nsig, code;
static volatile long unbinds;
static volatile void *trig, *blk, *ack;
static struct ghes_src *g;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	nsig++;
	if (armed) {
		armed = 0;
		code = si->si_code;
		siglongjmp(jb, 1);
	}
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
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

static void *rebinder(void *arg)
{
	char dev[32];

	(void)arg;
	pin(1);
	snprintf(dev, sizeof(dev), "GHES.%d", g->source_id);
	while (!stop) {
		unbinds += sysfs_write("/sys/bus/platform/drivers/GHES/unbind", dev);
		sysfs_write("/sys/bus/platform/drivers/GHES/bind", dev);
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

int main(void)
{
	uint32_t rec[64];
	struct sigaction sa = { 0 };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pthread_t t;
	time_t t0;
	int i, written = 0, seas = 0;
	uint64_t pa;
	void *page;

	rig_name = "ghes_rebind";
	hest_load();
	g = ghes_find(NOTIFY_SEA, 1);
	if (!g)
		fail("want at least two SEA sources");
	blk = devmem_map(rd64(devmem_map(g->esa, 8)), g->block_len);
	ack = devmem_map(g->ack, 8);
	trig = devmem_map(UNASSIGNED_PA, 4);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);

	pin(0);
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
	info("%d SEAs, %d records written, %ld unbinds, %d SIGBUS", seas, written,
	     unbinds, nsig);
	if (unbinds < MIN_UNBINDS)
		fail("only %ld unbinds in 60 s: the race was not exercised", unbinds);

	/* Bound again (bind fails harmlessly if it already is). */
	{
		char dev[32];

		snprintf(dev, sizeof(dev), "GHES.%d", g->source_id);
		sysfs_write("/sys/bus/platform/drivers/GHES/bind", dev);
	}
	for (i = 0; i < 300 && rd32(blk); i++) {
		sea();	/* a record left while unbound is reported now */
		nanosleep(&ts, NULL);
	}
	if (rd32(blk))
		fail("a record is still in the block after rebinding");

	page = own_page();
	pa = virt_to_phys_self(page);
	{
		uint32_t mrec[MEM_RECORD_LEN / 4];

		cper_mem_record(mrec, CPER_SEV_RECOVERABLE, pa);
		fw_post_record(blk, ack, mrec, MEM_RECORD_LEN);
	}
	code = 0;
	sea();
	if (code != BUS_MCEERR_AR)
		fail("final record: SIGBUS si_code %d, want BUS_MCEERR_AR: source not working after rebinding",
		     code);
	if (rd32(blk) || rd64(ack) != g->ack_write)
		fail("final record not cleared and acknowledged");
	pass();
	return 0;
}
