// rig-arch: arm64
/*
 * sei: firmware-first SEI, the rows of the SError decision table
 * (Documentation/firmware-guide/acpi/apei/arm64.rst in the series).
 *
 * The HEST (tests/hest/mkhest.py --sea 1 --sei 2) has one SEA and two SEI
 * GHESv2 sources. The program writes a CPER record into an SEI source's
 * block as firmware would, then has the rig-only injector (tests/kernel/,
 * not part of the series) raise a real virtual SError from EL2 with a
 * chosen syndrome: taken at EL1 during a write() to /proc/rig_serror, or
 * at EL0 on this program's own "dc zva", which EL2 traps (HCR_EL2.TDZ).
 * The kernel takes it through its normal SError vector, as it takes the
 * SError firmware emulates on real hardware.
 *
 * The row comes from rig.sei= on the command line:
 *   live    every row in which the kernel goes on, from EL1 and EL0, and
 *           an SEA inside the SEI handler: ends with RIG-PASS
 *   fatal-el1, fatal-el0, uer-el1, uer-el0, norec-el1, norec-el0
 *           one row that panics: the program injects and the boot ends in
 *           a panic; tests/sei-boot.sh checks what was printed before it
 *   nosei   a kernel built without CONFIG_ACPI_APEI_SEI: the SEI sources
 *           are refused, a record in their block is never read, the SEA
 *           source works
 * Simulated: firmware's writes of records and the SError's origin (EL2
 * instead of EL3). Real: the exception, its syndrome, the entry code,
 * GHES, memory_failure and the signals.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/prctl.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL

struct src {
	struct ghes_src *g;
	volatile void *blk, *ack;
};

static struct src sea_src, sei_src[2];
static sigjmp_buf jb;
static volatile int armed, last_code;
static volatile void *last_addr;
static volatile int nsig;

static volatile int nmasked;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *u = uc;

	(void)sig;
	/*
	 * A frame saved with IRQ or FIQ masked (PSTATE bits 7 and 6) would be
	 * refused by rt_sigreturn(): the injector left them masked in the
	 * task. Count it and unmask them here, so that the program lives to
	 * report it.
	 */
	if (u->uc_mcontext.pstate & 0xc0) {
		nmasked++;
		u->uc_mcontext.pstate &= ~0xc0ULL;
	}
	nsig++;
	last_code = si->si_code;
	last_addr = si->si_addr;
	if (armed) {
		armed = 0;
		siglongjmp(jb, 1);
	}
}

static void src_setup(struct src *s, struct ghes_src *g)
{
	if (!g)
		fail("HEST lacks a source this test needs");
	s->g = g;
	s->blk = ghes_block_map(g, g->block_len);
	s->ack = devmem_map(g->ack, 8);
}

static void post(struct src *s, int sev, uint64_t pa)
{
	uint32_t rec[MEM_RECORD_LEN / 4];

	if (rd32(s->blk))
		fail("source %d busy before injection", s->g->source_id);
	cper_mem_record(rec, sev, pa);
	fw_post_record(s->blk, s->ack, rec, MEM_RECORD_LEN);
}

#define rig_cmd(...)	proc_cmd("/proc/rig_serror", __VA_ARGS__)

/* The SError at EL1, during this write(). */
static void serror_el1(uint64_t iss)
{
	armed = 1;
	if (!sigsetjmp(jb, 1))
		rig_cmd("el1 %llx", (unsigned long long)iss);
	armed = 0;
}

/*
 * The SError at EL0, on our own dc zva. If the kernel zeroes a page with
 * its own dc zva first (an interrupt or a fault between the arming and
 * ours), the injector drops the SError and "restore" fails with EAGAIN:
 * arm again, a few times at most. An interrupt pending when ours traps
 * cannot take the SError's place: EL2 returns here with IRQ and FIQ
 * masked until "restore".
 */
static void serror_el0(uint64_t iss)
{
	static char line[256] __attribute__((aligned(256)));
	int try, err;

	for (try = 1; ; try++) {
		line[0] = 1;	/* no page fault between the arming and ours */
		rig_cmd("el0 %llx", (unsigned long long)iss);
		asm volatile("dc zva, %0" : : "r" (line) : "memory");
		err = proc_try("/proc/rig_serror", "restore");
		if (!err)
			return;
		if (err != EAGAIN || try == 5)
			fail("EL0 SError not taken, try %d: %s", try, strerror(err));
		info("EL0 SError dropped: the kernel's own dc zva trapped first; arming again");
	}
}

static void wait_done(struct src *s, const char *what)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 300 && (rd32(s->blk) || rd64(s->ack) != s->g->ack_write); i++)
		nanosleep(&ts, NULL);
	if (rd32(s->blk))
		fail("%s: source %d block not cleared", what, s->g->source_id);
	if (rd64(s->ack) != s->g->ack_write)
		fail("%s: source %d not acknowledged", what, s->g->source_id);
}

/* A record of severity sev for a fresh page, an SError with iss; from el. */
static uint64_t row(int el, int sev, uint64_t iss, void **pagep)
{
	void *page = own_page();
	uint64_t pa = virt_to_phys_self(page);

	post(&sei_src[0], sev, pa);
	if (el)
		serror_el1(iss);
	else
		serror_el0(iss);
	wait_done(&sei_src[0], "record");
	if (pagep)
		*pagep = page;
	return pa;
}

static void touch_expect_ar(void *page, const char *what)
{
	nsig = 0;
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)*(volatile char *)page;
	armed = 0;
	if (nsig != 1 || last_code != BUS_MCEERR_AR || last_addr != page)
		fail("%s: touching the poisoned page gave %d SIGBUS (code %d), want BUS_MCEERR_AR",
		     what, nsig, last_code);
}

static void live(void)
{
	const char *el_name[2] = { "EL0", "EL1" };
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int el, n0, i;
	uint64_t pa;
	void *page;
	char *log;

	for (el = 1; el >= 0; el--) {
		const char *e = el_name[el];

		/* corrected record, CE syndrome: logged, nothing else */
		n0 = count_log("event severity: corrected");
		row(el, CPER_SEV_CORRECTED, ISS_CE, NULL);
		for (i = 0; i < 300 && count_log("event severity: corrected") == n0; i++)
			nanosleep(&ts, NULL);
		if (count_log("event severity: corrected") != n0 + 1)
			fail("%s: corrected record not logged once", e);
		info("%s: corrected record, CE syndrome: logged, system goes on", e);

		/* recoverable record, IMPLEMENTATION DEFINED syndrome */
		pa = row(el, CPER_SEV_RECOVERABLE, ISS_IMPDEF, &page);
		if (mf_reports(pa, 5000) != 1)
			fail("%s: recoverable record, IMPDEF syndrome: pfn %#llx not through memory_failure once",
			     e, (unsigned long long)(pa >> 12));
		touch_expect_ar(page, e);
		info("%s: recoverable record, IMPDEF syndrome: memory_failure, then BUS_MCEERR_AR on access", e);

		/* recoverable record, UEO syndrome */
		pa = row(el, CPER_SEV_RECOVERABLE, ISS_UEO, &page);
		if (mf_reports(pa, 5000) != 1)
			fail("%s: recoverable record, UEO syndrome: pfn %#llx not through memory_failure once",
			     e, (unsigned long long)(pa >> 12));
		info("%s: recoverable record, UEO syndrome: memory_failure, system goes on", e);

		/* no record: the syndrome rules, CE and UEO go on */
		n0 = count_log("[Hardware Error]: event severity");
		i = count_log("vSError on CPU0 taken");
		if (el)
			serror_el1(ISS_CE), serror_el1(ISS_UEO);
		else
			serror_el0(ISS_CE), serror_el0(ISS_UEO);
		nanosleep(&ts, NULL);
		check(count_log("vSError on CPU0 taken") == i + 2,
		      "%s: no record: both vSErrors (CE, UEO) were taken", e);
		check(count_log("[Hardware Error]: event severity") == n0,
		      "%s: no record, CE and UEO syndromes: no record printed, system goes on", e);
	}

	/* early kill: BUS_MCEERR_AO without touching the page */
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0))
		fail("prctl(PR_MCE_KILL_EARLY): %s", strerror(errno));
	nsig = 0;
	pa = row(0, CPER_SEV_RECOVERABLE, ISS_IMPDEF, &page);
	for (i = 0; i < 500 && !nsig; i++)
		nanosleep(&ts, NULL);
	if (nsig != 1 || last_code != BUS_MCEERR_AO || last_addr != page)
		fail("EL0, early kill: %d SIGBUS, code %d, want one BUS_MCEERR_AO for the page",
		     nsig, last_code);
	prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);
	info("EL0: recoverable record, early-kill task: BUS_MCEERR_AO");
	check(!nmasked, "EL0: every SIGBUS frame saved IRQ and FIQ unmasked (%d did not)",
	      nmasked);

	/* SEA inside SEI, same CPU: both records reported */
	{
		void *pa_sei_page = own_page(), *pa_sea_page = own_page();
		uint64_t pa_sei = virt_to_phys_self(pa_sei_page);
		uint64_t pa_sea = virt_to_phys_self(pa_sea_page);

		post(&sei_src[1], CPER_SEV_RECOVERABLE, pa_sei);
		post(&sea_src, CPER_SEV_RECOVERABLE, pa_sea);
		nsig = 0;
		armed = 1;
		if (!sigsetjmp(jb, 1))
			rig_cmd("sea-in-sei %llx %llx", ISS_IMPDEF, UNASSIGNED_PA);
		armed = 0;
		wait_done(&sei_src[1], "SEA inside SEI, SEI record");
		wait_done(&sea_src, "SEA inside SEI, SEA record");
		log = kmsg_read();
		if (!strstr(log, "rig-serror: SEA inside SEI on CPU0: nofault load returned -14"))
			fail("SEA inside SEI: the hook's load did not fail with -EFAULT");
		free(log);
		if (mf_reports(pa_sei, 5000) != 1 || mf_reports(pa_sea, 5000) != 1)
			fail("SEA inside SEI: pfns %#llx (SEI) and %#llx (SEA) not each through memory_failure once",
			     (unsigned long long)(pa_sei >> 12), (unsigned long long)(pa_sea >> 12));
		info("SEA inside SEI on CPU0: both records reported (%d SIGBUS to this task)", nsig);
	}
}

/*
 * A fatal record comes with a CE syndrome, which alone would let the
 * kernel go on: the record decides. A recoverable record comes with UER,
 * which the interrupted context cannot survive: the syndrome decides, the
 * record is printed first. No record: the syndrome rules of 7.3.
 */
static void panic_row(const char *r)
{
	int el = strstr(r, "el1") != NULL;
	uint64_t pa = virt_to_phys_self(own_page()), iss = ISS_UER;

	if (!strncmp(r, "fatal", 5)) {
		post(&sei_src[0], CPER_SEV_FATAL, pa);
		iss = ISS_CE;
	} else if (!strncmp(r, "uer", 3)) {
		post(&sei_src[0], CPER_SEV_RECOVERABLE, pa);
	} else if (!strncmp(r, "norec", 5)) {
		iss = el ? ISS_IMPDEF : ISS_UER;
	} else {
		fail("unknown row '%s'", r);
	}
	info("row %s: SError from EL%d with ISS %#llx now, the kernel must panic",
	     r, el, (unsigned long long)iss);
	if (el)
		serror_el1(iss);
	else
		serror_el0(iss);
	fail("row %s: the kernel went on after the SError", r);
}

static void nosei(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	void *page = own_page();
	uint64_t pa = virt_to_phys_self(page);
	char pat[128];
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(pat, sizeof(pat), "source: %d notified via SEI is not supported: CONFIG_ACPI_APEI_SEI is not set",
			 sei_src[i].g->source_id);
		if (count_log(pat) != 1)
			fail("no refusal message for SEI source %d", sei_src[i].g->source_id);
	}
	post(&sei_src[0], CPER_SEV_RECOVERABLE, pa);
	i = count_log("vSError on CPU0 taken");
	serror_el1(ISS_CE);
	serror_el0(ISS_UEO);
	nanosleep(&ts, NULL);
	check(count_log("vSError on CPU0 taken") == i + 2,
	      "both vSErrors (CE from EL1, UEO from EL0) were taken, and the system goes on");
	check(rd32(sei_src[0].blk) && !mf_reports(pa, 0),
	      "SEI sources refused with the option named; a record in their block is not read");
	/* The SEA source still works: a real SEA from EL0 with its record. */
	post(&sea_src, CPER_SEV_RECOVERABLE, virt_to_phys_self(page));
	wr32(sei_src[0].blk, 0);
	nsig = 0;
	armed = 1;
	if (!sigsetjmp(jb, 1))
		(void)rd32(devmem_map(UNASSIGNED_PA, 4));
	armed = 0;
	if (nsig != 1 || last_code != BUS_MCEERR_AR)
		fail("SEA source: %d SIGBUS, code %d, want BUS_MCEERR_AR", nsig, last_code);
	wait_done(&sea_src, "SEA");
	info("SEA source: record reported, BUS_MCEERR_AR");
}

int main(void)
{
	struct sigaction sa = { 0 };
	const char *r;

	rig_name = "sei";
	r = cmdline_opt("rig.sei");

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	pin_cpu(0);
	hest_load();
	src_setup(&sea_src, ghes_find(NOTIFY_SEA, 0));
	src_setup(&sei_src[0], ghes_find(NOTIFY_SEI, 0));
	src_setup(&sei_src[1], ghes_find(NOTIFY_SEI, 1));

	if (!strcmp(r, "live"))
		live();
	else if (!strcmp(r, "nosei"))
		nosei();
	else
		panic_row(r);
	pass();
	return 0;
}
