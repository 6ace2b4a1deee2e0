// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Nesting: while the GHES poll path is reporting the record of polled
 * source A, a real SEA for SEA source B arrives; both records must be
 * reported, once each.
 *
 * How the poll path is held: the rig-only kernel hook in tests/kernel/
 * (not part of the series), armed with "poll", holds the next call of
 * memory_failure_queue() from softirq context, i.e. from the poll timer
 * while it reports A's memory error record, until this program releases
 * it (at most 60 s). At that point that CPU holds the poll path (and, with
 * the series, owns nothing A's notifications need), has read A's record
 * and not yet cleared A's block. The hook logs "rig-hold: holding poll on
 * CPU<n>"; this program, on the other CPU (it waits on both, as it cannot
 * know which one the timer fires on), writes B's record (a section
 * of a type no handler knows, so the SEA path reports it and sends SIGBUS
 * with no memory_failure() work that would wait for the held CPU), takes
 * the SEA, then releases the hold.
 *
 * Passes when: B is reported (the kernel's "synchronous unrecoverable
 * error (SIGBUS)" line, once, before "rig-hold: released") and
 * acknowledged while A's block is still set; A is reported and
 * acknowledged after the hold, its page through memory_failure once.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <pthread.h>
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
	s->blk = ghes_block_map(g, g->block_len);
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

static struct src a, b;
static volatile void *trig;
static int held_before;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int done;

/* On each CPU: wait for the hold; the one not held does the rest. */
static void *waiter(void *arg)
{
	int me = (int)(long)arg, cpu;
	char *log, *hold, *q;

	pin_cpu(me);
	if (wait_log("rig-hold: holding poll on CPU", held_before, 20000) <= held_before)
		fail("the poll timer never reached the hold");
	log = kmsg_read();
	hold = log;
	while ((q = strstr(hold + 1, "rig-hold: holding poll on CPU")))
		hold = q;
	cpu = atoi(hold + strlen("rig-hold: holding poll on CPU"));
	free(log);
	pthread_mutex_lock(&lock);
	if (cpu == me || done) {
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	done = 1;
	pthread_mutex_unlock(&lock);

	check(rd32(a.blk) != 0,
	      "the poll path holds CPU%d while it reports source %d: read, not yet cleared",
	      cpu, a.g->source_id);
	info("SEA for source %d from CPU%d", b.g->source_id, sched_getcpu());
	inject(&b, 1);
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)rd32(trig);
	armed = 0;
	check(reported(&b), "SEA source %d reported and acknowledged during the hold",
	      b.g->source_id);
	check(rd32(a.blk) != 0, "source %d still held (not cleared): the SEA nested",
	      a.g->source_id);
	hold_cmd("release");
	return NULL;
}

int main(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	struct sigaction sa = { 0 };
	struct ghes_src *pa_src = NULL;
	char *log, *p, *q, *hold;
	pthread_t t[2];
	int i;

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

	held_before = count_log("rig-hold: holding poll on CPU");
	hold_cmd("poll 60000");
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, waiter, (void *)(long)i);
	inject(&a, 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check(done, "a CPU not held took the SEA");

	log = kmsg_read();
	p = strstr(log, "synchronous unrecoverable error (SIGBUS)");
	check(p && count_substr(log, "synchronous unrecoverable error (SIGBUS)") == 1,
	      "SEA source %d's record was reported exactly once", b.g->source_id);
	hold = log;
	while ((q = strstr(hold + 1, "rig-hold: holding poll on CPU")))
		hold = q;
	q = strstr(hold, "rig-hold: released");
	check(p > hold && (!q || q > p),
	      "source %d's record was reported while the poll path held the CPU",
	      b.g->source_id);
	free(log);

	for (i = 0; i < 2000 && !reported(&a); i++)
		nanosleep(&ts, NULL);
	check(reported(&a), "source %d reported and acknowledged after the hold",
	      a.g->source_id);
	check(mf_reports(a.pa, 4000) == 1,
	      "source %d: its page went through memory_failure once", a.g->source_id);
	pass();
	return 0;
}
