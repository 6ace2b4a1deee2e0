// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Nesting: while the GHES poll path is reporting the record of polled
 * source A, a real SEA for SEA source B arrives; both records must be
 * reported, once each.
 *
 * How the poll path is held: the rig-only kernel hook in tests/kernel/
 * (not part of the series) puts a kprobe on memory_failure_queue() that,
 * with rig_hold=1 on the command line, spins for 3 s when called from
 * softirq context, i.e. from the poll timer while it reports A's memory
 * error record. At that point that CPU owns A, has read A's record and
 * not yet cleared A's block. The hook logs "rig-hold: holding on CPU<n>";
 * this program, pinned to one CPU beforehand, writes B's record (a section
 * of a type no handler knows, so the SEA path reports it and sends SIGBUS
 * with no memory_failure() work that would wait for the held CPU) and
 * takes the SEA. If the poll timer fires on the program's own CPU, the
 * program cannot run until the hold ends; it then tries once more, pinned
 * to the other CPU.
 *
 * Passes when: B is reported (the kernel's "synchronous unrecoverable
 * error (SIGBUS)" line, once, before "rig-hold: released") and
 * acknowledged while A's block is still set; A is reported and
 * acknowledged after the hold, its page through memory_failure once.
 * The debug kernels run it with lockdep and KASAN.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL

static sigjmp_buf jb;
static volatile int armed;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	if (armed) {
		armed = 0;
		siglongjmp(jb, 1);
	}
}

struct src {
	struct ghes_src *g;
	volatile void *blk, *ack;
	uint64_t pa;
};

static void setup(struct src *s, struct ghes_src *g)
{
	s->g = g;
	s->blk = devmem_map(rd64(devmem_map(g->esa, 8)), g->block_len);
	s->ack = devmem_map(g->ack, 8);
	s->pa = virt_to_phys_self(own_page());
}

static void inject(struct src *s, int vendor)
{
	uint32_t rec[MEM_RECORD_LEN / 4];
	size_t len;

	if (vendor)
		len = cper_vendor_record(rec, 0x7e57);
	else
		len = cper_mem_record(rec, CPER_SEV_RECOVERABLE, s->pa);
	fw_post_record(s->blk, s->ack, rec, len);
}

static int reported(struct src *s)
{
	return !rd32(s->blk) && rd64(s->ack) == s->g->ack_write;
}

int main(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	volatile void *trig;
	struct sigaction sa = { 0 };
	struct src a, b;
	struct ghes_src *pa_src = NULL;
	char *log = NULL, *p, *q, *hold;
	int i, cpu = -1, n, attempt, pin;
	cpu_set_t set;

	rig_name = "ghes_nest";
	hest_load();
	for (i = 0; i < nr_ghes_srcs; i++)
		if (ghes_srcs[i].notify == NOTIFY_POLLED && ghes_srcs[i].type == HEST_TYPE_GHES_V2)
			pa_src = &ghes_srcs[i];
	if (!pa_src || !ghes_find(NOTIFY_SEA, 0))
		fail("want a polled GHESv2 source and an SEA source");
	setup(&a, pa_src);
	setup(&b, ghes_find(NOTIFY_SEA, 0));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	trig = devmem_map(UNASSIGNED_PA, 4);

	for (attempt = 0; attempt < 2; attempt++) {
		int seen;

		pin = attempt ? 0 : 1;
		CPU_ZERO(&set);
		CPU_SET(pin, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fail("cannot pin to CPU%d", pin);
		free(log);
		log = kmsg_read();
		seen = count_substr(log, "rig-hold: holding on CPU");
		if (attempt)
			a.pa = virt_to_phys_self(own_page());
		inject(&a, 0);
		cpu = -1;
		for (i = 0; i < 2000 && cpu < 0; i++) {
			free(log);
			log = kmsg_read();
			if (count_substr(log, "rig-hold: holding on CPU") > seen) {
				p = log;
				for (n = 0; n <= seen; n++)
					p = strstr(p, "rig-hold: holding on CPU") + 1;
				cpu = atoi(p - 1 + strlen("rig-hold: holding on CPU"));
			} else {
				nanosleep(&ts, NULL);
			}
		}
		if (cpu < 0)
			fail("the poll path never reached the hold (is rig_hold=1 set?)");
		if (cpu != pin && rd32(a.blk))
			break;
		info("the poll timer held CPU%d, ours: try pinned elsewhere", cpu);
		for (i = 0; i < 2000 && rd32(a.blk); i++)
			nanosleep(&ts, NULL);
	}
	if (attempt == 2)
		fail("could not catch the poll path on the other CPU");
	info("poll path holds source %d on CPU%d; SEA for source %d from CPU%d",
	     a.g->source_id, cpu, b.g->source_id, sched_getcpu());

	inject(&b, 1);
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)rd32(trig);
	armed = 0;
	if (!reported(&b))
		fail("SEA source %d not reported/acked", b.g->source_id);
	if (!rd32(a.blk))
		fail("source %d cleared before the SEA for source %d was handled: no nesting happened",
		     a.g->source_id, b.g->source_id);
	free(log);
	log = kmsg_read();
	p = strstr(log, "synchronous unrecoverable error (SIGBUS)");
	if (!p || count_substr(log, "synchronous unrecoverable error (SIGBUS)") != 1)
		fail("SEA source %d's record was not reported exactly once", b.g->source_id);
	/* between the hold we caught (the last one) and its end */
	hold = log;
	while ((q = strstr(hold + 1, "rig-hold: holding on CPU")))
		hold = q;
	q = strstr(hold, "rig-hold: released");
	if (p < hold || (q && q < p))
		fail("source %d was not reported during the hold", b.g->source_id);
	info("SEA for source %d reported while the poll path held source %d",
	     b.g->source_id, a.g->source_id);

	for (i = 0; i < 2000 && !reported(&a); i++)
		nanosleep(&ts, NULL);
	if (!reported(&a))
		fail("source %d not reported/acked after the hold", a.g->source_id);
	n = mf_reports(a.pa, 4000);
	if (n != 1)
		fail("source %d: pfn %#llx went through memory_failure %d times, want 1",
		     a.g->source_id, (unsigned long long)(a.pa >> 12), n);
	info("both records reported once");
	pass();
	return 0;
}
