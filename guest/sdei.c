// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * sdei: GHES sources notified by SDEI (HEST notification type 11), through
 * the kernel's own SDEI driver, entry code and stacks, dispatched by the
 * rig's EL2 stand-in for SDEI firmware (tests/kernel/, rig_sdei.c; not
 * part of the series).
 *
 * The HEST (tests/hest/mkhest.py --sdei 0x100,0x101,0x200) has three SDEI
 * GHESv2 sources: event 0x100 (shared, normal), 0x101 (shared, critical),
 * 0x200 (private, normal); the stand-in gives each event its type and
 * priority. The program writes a record into a source's block as firmware
 * would, then has the stand-in dispatch the source's event on a chosen CPU.
 * rig.sdei= on the command line picks the test:
 *
 *   records  each source, a record dispatched with IRQs unmasked (the
 *            kernel's handler ends with COMPLETE_AND_RESUME), and one with
 *            IRQs masked (COMPLETE), on both CPUs; then an event with no
 *            record: each record through memory_failure() once, each
 *            block cleared and acknowledged, the empty event completed
 *            with nothing reported
 *   nest     R1 in the normal source, R2 in the critical one; the critical
 *            event is dispatched inside the normal event's handler, on the
 *            same CPU, while GHES checks R1's header (a rig-only kprobe
 *            asks the stand-in): both reported once, nothing left
 *   owner    one record R in the private source; CPU0's handler of the
 *            event is held while it reads R (the rig-only hold hook), and
 *            the same event is dispatched on CPU1: CPU1's handler must
 *            come back while CPU0 is held (the source is CPU0's; 7.3
 *            spins on the one lock that all normal SDEI events share),
 *            leaving R in the block, and R is reported once
 *   rebind   the normal shared source's GHES device unbound while its
 *            event's handler runs (held by the hold hook while it reads
 *            R1): the unbind waits for the handler, R1 is reported, the
 *            event ends unregistered, and binding the device again works
 *            (R2 reported through it); then 40 unbinds and binds while
 *            CPU1 dispatches the event all the time, with records: every
 *            bind works, every dispatch completes or is refused as
 *            unregistered or disabled, the last record is reported;
 *            then unbound while a record its handler queued waits for
 *            irq_work (CPU1 keeps IRQs masked after the event): the
 *            unbind waits, the record is reported. 7.3
 *            gives the unregistration up, and the event can never be
 *            registered again: binding fails with EBUSY
 *
 * Real: the kernel's SDEI driver and entry code (registration, the entry
 * point, the CONTEXT, COMPLETE and COMPLETE_AND_RESUME calls, the SDEI
 * stacks), GHES, memory_failure(), the ACPI tables. Simulated: firmware
 * (the stand-in at EL2, not EL3); when an event comes (only when the test
 * asks, at an HVC in a write() to /proc/rig_sdei, so an event never
 * interrupts user space, a guest or the entry code, and
 * COMPLETE_AND_RESUME always resumes at the kernel's IRQ vector); the
 * points where a handler is held (kprobes, exceptions inside the handler,
 * which the kernel reports as "unsafe: exception during handler"). The
 * rig also lets the kernel's own sdei_arch_get_entry_point() accept a
 * kernel at EL1 under the hyp stub, which it refuses otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include "rig.h"

#define HOLD_MS		5000

struct src {
	struct ghes_src *g;
	volatile void *blk, *ack;
	unsigned int event;
};

static struct src normal, critical, private_ev;

static void src_init(struct src *s, unsigned int event)
{
	int i;

	for (i = 0; (s->g = ghes_find(NOTIFY_SDEI, i)); i++)
		if (s->g->vector == event)
			break;
	if (!s->g || !s->g->ack)
		fail("no GHESv2 SDEI source for event %#x in the HEST", event);
	s->blk = ghes_block_map(s->g, s->g->block_len);
	s->ack = devmem_map(s->g->ack, 8);
	s->event = event;
}

static int bound(struct src *s)
{
	char p[96];

	snprintf(p, sizeof(p), "/sys/bus/platform/drivers/GHES/GHES.%d", s->g->source_id);
	return access(p, F_OK) == 0;
}

static int block_done(struct src *s)
{
	return !rd32(s->blk) && rd64(s->ack) == s->g->ack_write;
}

/* Dispatch @s's event on @cpu; 0, or the errno the stand-in's write gave. */
static int dispatch(struct src *s, int cpu, int irqsoff)
{
	pin_cpu(cpu);
	return proc_try("/proc/rig_sdei", "%s %x",
			irqsoff ? "dispatch-irqsoff" : "dispatch", s->event);
}

/* The stand-in's counts, printed by "stats" and read back from the log. */
static void stats(unsigned long *resumed, unsigned long *completed)
{
	char *log, *p, *last = NULL;
	unsigned long d, r;

	proc_cmd("/proc/rig_sdei", "stats");
	log = kmsg_read();
	for (p = log; (p = strstr(p, "rig-sdei: dispatched ")); p++)
		last = p;
	if (!last || sscanf(last, "rig-sdei: dispatched %lu, completed %lu, "
			    "completed and resumed %lu", &d, completed, &r) != 3)
		fail("no counts from the stand-in");
	*resumed = r;
	free(log);
}

static void records(void)
{
	struct src *all[] = { &normal, &critical, &private_ev };
	unsigned long r0, c0, r1, c1;
	unsigned int i, k;
	int err, n0;

	stats(&r0, &c0);
	for (i = 0; i < 3; i++) {
		for (k = 0; k < 2; k++) {	/* CPU0, IRQs on; CPU1, IRQs off */
			struct src *s = all[i];
			uint64_t pa = virt_to_phys_self(own_page());

			fw_post_mem_error(s->blk, s->ack, pa);
			err = dispatch(s, k, k);
			check(!err, "event %#x (source %d) dispatched on CPU%u, IRQs %s, and completed%s%s",
			      s->event, s->g->source_id, k, k ? "masked" : "unmasked",
			      err ? ": " : "", err ? strerror(err) : "");
			check(mf_reports(pa, 5000) == 1,
			      "its record went through memory_failure once");
			check(block_done(s), "source %d cleared and acknowledged",
			      s->g->source_id);
		}
	}
	stats(&r1, &c1);
	check(r1 - r0 == 3 && c1 - c0 == 3,
	      "the kernel's handlers ended with COMPLETE_AND_RESUME (%lu of 3) and COMPLETE (%lu of 3)",
	      r1 - r0, c1 - c0);

	check(count_log("unsafe: exception during handler") == 0,
	      "no handler took an exception (no rig breakpoint is armed in this test)");

	/* No record: the handler finds nothing, and the event completes. */
	n0 = count_log("[Hardware Error]:");
	err = dispatch(&normal, 0, 0);
	check(!err, "event %#x with no record dispatched and completed", normal.event);
	msleep(500);
	check(count_log("[Hardware Error]:") == n0, "nothing reported for it");
}

static void nest(void)
{
	uint64_t pa1 = virt_to_phys_self(own_page());
	uint64_t pa2 = virt_to_phys_self(own_page());
	int err, before;

	fw_post_mem_error(normal.blk, normal.ack, pa1);
	fw_post_mem_error(critical.blk, critical.ack, pa2);
	before = count_log("inside the handler on CPU0: dispatched and completed");
	pin_cpu(0);
	err = proc_try("/proc/rig_sdei", "nest %x %x", normal.event, critical.event);
	check(!err, "event %#x dispatched on CPU0, and %#x inside its handler%s%s",
	      normal.event, critical.event, err ? ": " : "", err ? strerror(err) : "");
	check(count_log("inside the handler on CPU0: dispatched and completed") == before + 1,
	      "the critical event ran inside the normal one's handler, while GHES checked R1");
	check(mf_reports(pa2, 5000) == 1, "R2, of the critical event, went through memory_failure once");
	check(mf_reports(pa1, 5000) == 1, "R1, of the normal event, went through memory_failure once");
	check(block_done(&normal) && block_done(&critical),
	      "both sources cleared and acknowledged");
}

/* A thread that dispatches a source's event on a CPU, IRQs unmasked. */
struct on_cpu {
	struct src *s;
	int cpu;
};

static void *dispatch_thread(void *arg)
{
	struct on_cpu *o = arg;
	int err = dispatch(o->s, o->cpu, 0);

	if (err)
		fail("event %#x on CPU%d: %s", o->s->event, o->cpu, strerror(err));
	return NULL;
}

static void *dispatch_hold_cpu1(void *arg)
{
	int err;

	(void)arg;
	pin_cpu(1);
	err = proc_try("/proc/rig_sdei", "dispatch-hold %x %d", normal.event, HOLD_MS);
	if (err)
		fail("event %#x on CPU1, held: %s", normal.event, strerror(err));
	return NULL;
}

/*
 * From the other CPU, have the hold hook hold @o's CPU in its handler of
 * @o's event while it copies the record (@what), and dispatch the event
 * there, in a thread that this returns.
 */
static pthread_t dispatch_held(struct on_cpu *o, const char *what)
{
	char line[64];
	pthread_t t;
	int held;

	snprintf(line, sizeof(line), "rig-hold: holding copy on CPU%d", o->cpu);
	pin_cpu(!o->cpu);
	held = count_log(line);
	hold_cmd("copy %d %d", o->cpu, HOLD_MS);
	pthread_create(&t, NULL, dispatch_thread, o);
	check(wait_log(line, held, 5000) > held,
	      "CPU%d's handler of event %#x is held while it reads %s",
	      o->cpu, o->s->event, what);
	return t;
}

static void owner(void)
{
	uint64_t pa = virt_to_phys_self(own_page());
	struct on_cpu cpu0 = { &private_ev, 0 };
	int released, err;
	pthread_t t;

	fw_post_mem_error(private_ev.blk, private_ev.ack, pa);
	t = dispatch_held(&cpu0, "the record");
	released = count_log("rig-hold: released");
	err = dispatch(&private_ev, 1, 0);
	check(!err, "event %#x dispatched on CPU1 too, and completed", private_ev.event);
	check(count_log("rig-hold: released") == released,
	      "CPU1's handler came back while CPU0 held the source");
	msleep(200);
	check(rd32(private_ev.blk) != 0,
	      "R is still in the block while CPU0 holds the source: CPU1's handler left it to CPU0");
	hold_cmd("release");
	pthread_join(t, NULL);
	check(mf_reports(pa, 5000) == 1, "the record went through memory_failure once");
	check(block_done(&private_ev), "source %d cleared and acknowledged",
	      private_ev.g->source_id);
}

static char dev_normal[32];
static volatile int stop_dispatching;
static volatile unsigned long ndispatched, nrefused, nposted;

static void unbind_normal(void)
{
	int err = proc_try("/sys/bus/platform/drivers/GHES/unbind", "%s", dev_normal);

	if (err)
		fail("unbind %s: %s", dev_normal, strerror(err));
}

static int bind_normal(void)
{
	return proc_try("/sys/bus/platform/drivers/GHES/bind", "%s", dev_normal);
}

static volatile int unbind_done;

static void *unbinder(void *arg)
{
	(void)arg;
	pin_cpu(0);
	unbind_normal();
	unbind_done = 1;
	return NULL;
}

/* How many unregistrations the stand-in answered PENDING (handler running). */
static unsigned long pending_answers(void)
{
	char *log, *p, *last = NULL;
	unsigned long n;

	proc_cmd("/proc/rig_sdei", "stats");
	log = kmsg_read();
	for (p = log; (p = strstr(p, "unregistration pending ")); p++)
		last = p;
	if (!last || sscanf(last, "unregistration pending %lu", &n) != 1)
		fail("no count of pending unregistrations from the stand-in");
	free(log);
	return n;
}

/* CPU1: firmware posting records to the normal source and dispatching. */
static void *dispatcher(void *arg)
{
	uint64_t pa = *(uint64_t *)arg;
	int err;

	pin_cpu(1);
	while (!stop_dispatching) {
		if (!rd32(normal.blk)) {	/* corrected: nothing acts on it */
			uint32_t rec[MEM_RECORD_LEN / 4];

			cper_mem_record(rec, CPER_SEV_CORRECTED, pa);
			fw_post_record(normal.blk, normal.ack, rec, MEM_RECORD_LEN);
			nposted++;
		}
		err = proc_try("/proc/rig_sdei", "dispatch %x", normal.event);
		if (!err)
			ndispatched++;
		else if (err == ENOENT)	/* unregistered or disabled */
			nrefused++;
		else
			fail("dispatch %x: %s (see the stand-in's reason in the log)",
			     normal.event, strerror(err));
	}
	return NULL;
}

static void rebind(void)
{
	uint64_t pa1 = virt_to_phys_self(own_page());
	uint64_t pa2 = virt_to_phys_self(own_page());
	uint64_t pa3 = virt_to_phys_self(own_page());
	uint64_t pa4 = virt_to_phys_self(own_page());
	struct on_cpu cpu1 = { &normal, 1 };
	int held, released, i, err, before, waited;
	unsigned long pending;
	pthread_t t, u;

	snprintf(dev_normal, sizeof(dev_normal), "GHES.%d", normal.g->source_id);

	/* 1. Unbound while the handler runs. */
	fw_post_mem_error(normal.blk, normal.ack, pa1);
	t = dispatch_held(&cpu1, "R1");
	released = count_log("rig-hold: released");
	pending = pending_answers();
	pthread_create(&u, NULL, unbinder, NULL);
	msleep(500);
	check(count_log("rig-hold: released") == released,
	      "%s unbound while the handler of its event runs (the hold is still on)",
	      dev_normal);
	check(pending_answers() > pending,
	      "firmware answered the unregistration PENDING: the handler was running");
	waited = !unbind_done;
	hold_cmd("release");
	pthread_join(t, NULL);
	pthread_join(u, NULL);
	check(!bound(&normal), "%s is unbound", dev_normal);
	check(mf_reports(pa1, 5000) == 1, "R1, which the handler was reading, went through memory_failure once");
	/* What an unregistration that gave up costs: the source, for good. */
	err = bind_normal();
	check(!err && bound(&normal), "%s binds again%s%s", dev_normal,
	      err ? ": " : "", err ? strerror(err) : "");
	check(waited, "the unbind waited for the handler (it had not returned 500 ms later)");
	check(count_log("Failed to unregister") == 0,
	      "GHES unregistered the event (no \"Failed to unregister\")");
	fw_post_mem_error(normal.blk, normal.ack, pa2);
	check(!dispatch(&normal, 0, 0), "event %#x dispatched again and completed", normal.event);
	check(mf_reports(pa2, 5000) == 1, "R2 went through memory_failure once");

	/* 2. Unbound and bound 40 times while CPU1 dispatches. */
	before = count_log("Failed to unregister");
	pending = pending_answers();
	pthread_create(&t, NULL, dispatcher, &pa3);
	pin_cpu(0);
	for (i = 0; i < 40; i++) {
		msleep(20);
		unbind_normal();
		msleep(5);
		err = bind_normal();
		if (err)
			fail("bind %s, round %d: %s", dev_normal, i, strerror(err));
	}
	msleep(50);
	stop_dispatching = 1;
	pthread_join(t, NULL);
	info("%lu dispatches completed, %lu refused while unbound, %lu records posted, "
	     "%lu unregistrations while the handler ran",
	     ndispatched, nrefused, nposted, pending_answers() - pending);
	check(bound(&normal), "40 unbinds and binds while CPU1 dispatched: every bind worked");
	check(count_log("Failed to unregister") == before, "and every unbind unregistered the event");
	check(ndispatched > 40 && nrefused > 0,
	      "dispatches completed (%lu) and were refused while unbound (%lu)",
	      ndispatched, nrefused);
	if (rd32(normal.blk))
		check(!dispatch(&normal, 0, 0), "one more dispatch for the record left");
	check(!rd32(normal.blk) && rd64(normal.ack) == normal.g->ack_write,
	      "the last record reported: source %d cleared and acknowledged",
	      normal.g->source_id);

	/*
	 * 3. Unbound while a record the handler queued waits for irq_work:
	 * CPU1 keeps IRQs masked after the event completed. Removal must
	 * wait for the irq_work before it frees the source the record names.
	 */
	fw_post_mem_error(normal.blk, normal.ack, pa4);
	held = count_log("holds IRQs masked after event");
	pthread_create(&t, NULL, dispatch_hold_cpu1, NULL);
	check(wait_log("holds IRQs masked after event", held, 5000) > held,
	      "CPU1's handler queued R4 and CPU1 keeps IRQs masked");
	unbind_done = 0;
	pthread_create(&u, NULL, unbinder, NULL);
	msleep(500);
	waited = !unbind_done;
	proc_cmd("/proc/rig_sdei", "release");
	pthread_join(t, NULL);
	pthread_join(u, NULL);
	check(mf_reports(pa4, 5000) == 1, "R4 went through memory_failure once");
	check(waited, "the unbind waited for the irq_work that reports R4");
	err = bind_normal();
	check(!err && bound(&normal), "%s binds again", dev_normal);
}

int main(void)
{
	const char *test;

	rig_name = "sdei";
	test = cmdline_opt("rig.sdei");
	info("test: %s", test);
	hest_load();
	src_init(&normal, 0x100);
	src_init(&critical, 0x101);
	src_init(&private_ev, 0x200);
	check(count_log("SDEIv1.0 (0x524947) detected in firmware") == 1,
	      "the kernel's SDEI driver found the stand-in");
	check(bound(&normal) && bound(&critical) && bound(&private_ev),
	      "GHES bound the three SDEI sources (registered and enabled their events)");

	if (!strcmp(test, "records"))
		records();
	else if (!strcmp(test, "nest"))
		nest();
	else if (!strcmp(test, "owner"))
		owner();
	else if (!strcmp(test, "rebind"))
		rebind();
	else
		fail("unknown rig.sdei=%s", test);
	pass();
	return 0;
}
