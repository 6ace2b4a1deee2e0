// rig-arch: arm64
/*
 * kvm_serror: an SError taken while a KVM guest runs goes to the host's
 * GHES first (Documentation/virt/kvm/arm/ras.rst in the series).
 *
 * This program is a minimal VMM: one VM, one vCPU, one memslot, and guest
 * code (below, at IPA 0x40000000, MMU off) whose SError vector reports
 * ESR_EL1 through an MMIO write. For each row it writes a CPER record into
 * the host's first SEI source as firmware would (tests/hest/mkhest.py
 * --sei), points the guest at a page of its own memory, and lets the guest
 * run "hvc #0x5e1", which the rig-only hook (tests/kernel/, not part of
 * the series) turns into a guest SError exit with the syndrome in x1.
 *
 * Simulated: the SError's origin (a guest hvc rewritten by two kprobes in
 * the host, not the hardware) and firmware's writes. Real: the nested KVM
 * host (QEMU -M virt,virtualization=on), the exit handling after the
 * rewrite, the host's GHES, memory_failure(), the stage 2 unmapping, the
 * signals, the virtual SError the guest takes and the exit to the VMM.
 *
 * The row comes from rig.kvm= on the command line:
 *   vhe, nvhe  every row in which the host goes on, on a VHE or an nVHE
 *              host (the program checks which one KVM says it is)
 *   fatal, uc  a fatal record, or a recoverable one with a UC syndrome:
 *              the host must panic; tests/sei-boot.sh checks what was
 *              printed before it
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <linux/kvm.h>
#include "rig.h"

/* From the series' include/uapi/linux/kvm.h, newer than the build host's. */
#ifndef KVM_CAP_ARM_SERROR_TO_USER
#define KVM_CAP_ARM_SERROR_TO_USER	252
#endif
#ifndef KVM_EXIT_ARM_SERROR
#define KVM_EXIT_ARM_SERROR		44
#endif

#define GUEST_IPA	0x40000000ULL
#define GUEST_SIZE	(2 << 20)
#define MMIO_IPA	0x10000000ULL	/* no memslot: every access exits */
#define NR_ROWS		16

/* ISS of the syndrome (the hook puts it in ESR_EL2 with EC SError) */
/* ESR_EL1 of a virtual SError: EC 0x2f, IL, then the ISS */
#define VSERROR(iss)	(0xbe000000ULL | (iss))

/*
 * The guest. x1: the ISS to raise (0: none, only touch the page); x2: the
 * IPA of the row's page, loaded first so that stage 2 maps it. MMIO writes
 * at MMIO_IPA: +0 done, +8 an SError (ESR_EL1), +16 any other exception.
 * The first instruction is a nop: KVM finishes an MMIO exit by stepping
 * the PC on, even when the VMM has set a new one. (The labels are hidden:
 * through the GOT, both would be the section's start.)
 */
extern const char l2_start[] __attribute__((visibility("hidden")));
extern const char l2_end[] __attribute__((visibility("hidden")));
asm(	".pushsection .rodata.rig_l2, \"a\"\n"
	".balign 4096\n"
	"l2_start:\n"
	"	nop\n"
	"	adr	x9, l2_vectors\n"
	"	msr	vbar_el1, x9\n"
	"	isb\n"
	"	mov	x10, #0x10000000\n"
	"	msr	daifclr, #4\n"
	"	ldr	x13, [x2]\n"
	"	cbz	x1, 2f\n"
	"	hvc	#0x5e1\n"
	"	isb\n"
	"	mov	x11, #1000\n"
	"1:	subs	x11, x11, #1\n"
	"	b.ne	1b\n"
	"2:	str	xzr, [x10]\n"
	"	b	.\n"
	".balign 2048\n"
	"l2_vectors:\n"
	"	.rept	7\n"		/* SP0: sync, IRQ, FIQ, SError; SPx: sync, IRQ, FIQ */
	"	mrs	x12, esr_el1\n"
	"	str	x12, [x10, #16]\n"
	"	b	.\n"
	"	.balign	128\n"
	"	.endr\n"
	"	mrs	x12, esr_el1\n"	/* SPx SError, at +0x380 */
	"	str	x12, [x10, #8]\n"
	"	eret\n"
	"	.balign	128\n"
	"l2_end:\n"
	".popsection\n");

static int kvm, vm, vcpu;
static struct kvm_run *run;
static char *mem;
static struct ghes_src *sei;
static volatile void *blk, *ack;
static int next_page = 1;
static volatile int nsig, last_code;
static void *volatile last_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	nsig++;
	last_code = si->si_code;
	last_addr = si->si_addr;
}

static void set_reg(uint64_t id, uint64_t v)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&v };

	if (ioctl(vcpu, KVM_SET_ONE_REG, &r))
		fail("KVM_SET_ONE_REG %#llx: %s", (unsigned long long)id, strerror(errno));
}

static uint64_t get_reg(uint64_t id)
{
	uint64_t v;
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&v };

	if (ioctl(vcpu, KVM_GET_ONE_REG, &r))
		fail("KVM_GET_ONE_REG %#llx: %s", (unsigned long long)id, strerror(errno));
	return v;
}

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))

static void vm_create(void)
{
	struct kvm_userspace_memory_region slot;
	struct kvm_vcpu_init init;
	long sz;

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		fail("/dev/kvm: %s", strerror(errno));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM: %s", strerror(errno));
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap guest memory: %s", strerror(errno));
	memset(mem, 0x5a, GUEST_SIZE);
	mlock(mem, GUEST_SIZE);
	if (l2_end - l2_start != 0xc00)
		fail("the guest code is %ld bytes, want 0xc00", (long)(l2_end - l2_start));
	memcpy(mem, l2_start, l2_end - l2_start);
	slot = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = GUEST_IPA,
		.memory_size = GUEST_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot))
		fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		fail("KVM_CREATE_VCPU: %s", strerror(errno));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		fail("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		fail("KVM_ARM_VCPU_INIT: %s", strerror(errno));
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		fail("mmap kvm_run: %s", strerror(errno));
}

/* What one guest run showed. */
struct outcome {
	int serrors;		/* SErrors the guest took */
	uint64_t esr;		/* ESR_EL1 of the last one */
	int exits;		/* KVM_EXIT_ARM_SERROR exits */
	uint64_t exit_esr, exit_flags;
};

/* Run the guest from its entry with x1 = @iss and x2 = @page's IPA. */
static struct outcome guest_run(uint64_t iss, char *page, int stop_on_sigbus)
{
	struct outcome o = { 0 };
	uint64_t *u = (uint64_t *)((char *)run + offsetof(struct kvm_run, mmio));
	int sig0 = nsig, i;

	set_reg(CORE_REG(regs.regs[1]), iss);
	set_reg(CORE_REG(regs.regs[2]), GUEST_IPA + (page - mem));
	set_reg(CORE_REG(regs.pc), GUEST_IPA);
	for (i = 0; i < 1000; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno != EINTR)
				fail("KVM_RUN: %s", strerror(errno));
			if (stop_on_sigbus && nsig != sig0)
				return o;
			continue;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			if (!run->mmio.is_write)
				fail("guest MMIO read at %#llx", (unsigned long long)run->mmio.phys_addr);
			if (run->mmio.phys_addr == MMIO_IPA)
				return o;
			if (run->mmio.phys_addr == MMIO_IPA + 8) {
				o.serrors++;
				memcpy(&o.esr, run->mmio.data, 8);
				break;
			}
			memcpy(&o.esr, run->mmio.data, 8);
			fail("the guest took an exception other than SError, ESR_EL1 %#llx",
			     (unsigned long long)o.esr);
		case KVM_EXIT_ARM_SERROR:
			o.exits++;
			o.exit_flags = u[0];
			o.exit_esr = u[1];
			break;
		default:
			fail("unexpected exit reason %u", run->exit_reason);
		}
	}
	fail("the guest never finished");
}

static void post(int sev, uint64_t pa)
{
	uint32_t rec[MEM_RECORD_LEN / 4];

	if (rd32(blk))
		fail("SEI source %d busy before injection", sei->source_id);
	cper_mem_record(rec, sev, pa);
	fw_post_record(blk, ack, rec, MEM_RECORD_LEN);
}

static void wait_done(const char *what)
{
	int i;

	for (i = 0; i < 300 && (rd32(blk) || rd64(ack) != sei->ack_write); i++)
		msleep(10);
	if (rd32(blk))
		fail("%s: record: source %d block not cleared", what, sei->source_id);
	if (rd64(ack) != sei->ack_write)
		fail("%s: record: source %d not acknowledged", what, sei->source_id);
}

/*
 * One row: a record of severity @sev (or none if @sev < 0) for a fresh
 * page of guest memory, then the guest's SError with @iss. GHES prints at
 * most two uncorrected records in five seconds: the rows after the first
 * of each kind check that the record was not printed twice, and that it
 * was handled (acknowledged, and memory_failure() once on the page for a
 * recoverable one).
 */
static int printed_rec, printed_cor;

static struct outcome row(const char *what, int sev, uint64_t iss, char **pagep)
{
	char *page = mem + (size_t)next_page++ * 4096;
	uint64_t pa = virt_to_phys_self(page);
	int hw0 = count_log("[Hardware Error]: event severity"), n, mf;
	int *printed = sev == CPER_SEV_CORRECTED ? &printed_cor : &printed_rec;
	struct outcome o;

	if (next_page > NR_ROWS)
		fail("out of row pages");
	if (sev >= 0)
		post(sev, pa);
	o = guest_run(iss, page, 0);
	if (sev < 0) {
		msleep(200);
		check(count_log("[Hardware Error]: event severity") == hw0,
		      "%s: no record, none printed", what);
		goto out;
	}
	wait_done(what);
	mf = mf_reports(pa, sev == CPER_SEV_CORRECTED ? 0 : 5000);
	if (mf != (sev == CPER_SEV_CORRECTED ? 0 : 1))
		fail("%s: pfn %#llx through memory_failure %d times", what,
		     (unsigned long long)(pa >> 12), mf);
	if (!*printed)
		wait_log("[Hardware Error]: event severity", hw0, 3000);
	n = count_log("[Hardware Error]: event severity") - hw0;
	check(n == 1 || (n == 0 && *printed),
	      "%s: the host %s the record (printed %d times), acknowledged it, memory_failure() %s",
	      what, n ? "printed" : "handled, its print rate-limited,", n,
	      mf ? "once on the page" : "not run (corrected)");
	*printed = 1;
out:
	if (pagep)
		*pagep = page;
	return o;
}

static void expect_guest(const char *what, struct outcome o, int serrors, uint64_t esr)
{
	if (o.exits)
		fail("%s: %d exits to the VMM, want none", what, o.exits);
	if (!serrors)
		check(o.serrors == 0, "%s: the guest goes on, no SError injected", what);
	else
		check(o.serrors == 1 && o.esr == esr,
		      "%s: the guest took one SError, ESR_EL1 %#llx (took %d, last %#llx)",
		      what, (unsigned long long)esr, o.serrors, (unsigned long long)o.esr);
}

static void live(const char *mode)
{
	const char *banner = !strcmp(mode, "vhe") ? ": VHE mode initialized successfully"
						   : "Hyp nVHE mode initialized successfully";
	uint64_t pfr0, ras_vserror, impdef = VSERROR(ISS_IMPDEF);
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SERROR_TO_USER };
	struct outcome o;
	char *page;
	int i;

	check(count_log(banner) == 1, "the host's KVM says \"%s\"", banner);
	vm_create();
	pfr0 = get_reg(ARM64_SYS_REG(3, 0, 0, 4, 0));
	/* ID_AA64PFR0_EL1.RAS: the VM has FEAT_RAS, so the RAS syndrome */
	ras_vserror = (pfr0 >> 28) & 0xf ? VSERROR(ISS_UER) : impdef;
	info("the VM %s FEAT_RAS", ras_vserror == impdef ? "lacks" : "has");

	/* the guest alone, no SError: it runs and reports nothing */
	o = guest_run(0, mem + 4096 * (NR_ROWS - 1), 0);
	expect_guest("no SError", o, 0, 0);

	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0))
		fail("prctl(PR_MCE_KILL_EARLY): %s", strerror(errno));
	nsig = 0;
	o = row("recoverable record, CE syndrome", CPER_SEV_RECOVERABLE, ISS_CE, &page);
	expect_guest("recoverable record, CE syndrome", o, 0, 0);
	for (i = 0; i < 300 && !nsig; i++)
		msleep(10);
	check(nsig == 1 && last_code == BUS_MCEERR_AO && last_addr == page,
	      "recoverable record, CE syndrome: the early-kill VMM got BUS_MCEERR_AO for the page (%d SIGBUS, code %d)",
	      nsig, last_code);
	prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);
	nsig = 0;
	guest_run(0, page, 1);
	check(nsig >= 1 && last_code == BUS_MCEERR_AR && last_addr == page,
	      "the guest touching the page afterwards: stage 2 lost it, the VMM got BUS_MCEERR_AR (%d SIGBUS, code %d)",
	      nsig, last_code);

	o = row("recoverable record, IMPDEF syndrome", CPER_SEV_RECOVERABLE, ISS_IMPDEF, NULL);
	expect_guest("recoverable record, IMPDEF syndrome", o, 0, 0);

	o = row("corrected record, CE syndrome", CPER_SEV_CORRECTED, ISS_CE, NULL);
	expect_guest("corrected record, CE syndrome", o, 0, 0);

	o = row("recoverable record, UER syndrome", CPER_SEV_RECOVERABLE, ISS_UER, NULL);
	expect_guest("recoverable record, UER syndrome", o, 1, ras_vserror);

	o = row("no record, UER syndrome", -1, ISS_UER, NULL);
	expect_guest("no record, UER syndrome (as 7.3)", o, 1, impdef);

	o = row("no record, CE syndrome", -1, ISS_CE, NULL);
	expect_guest("no record, CE syndrome (as 7.3)", o, 0, 0);

	if (ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SERROR_TO_USER) != 1)
		fail("KVM_CAP_ARM_SERROR_TO_USER not offered");
	if (ioctl(vm, KVM_ENABLE_CAP, &cap))
		fail("KVM_ENABLE_CAP(KVM_CAP_ARM_SERROR_TO_USER): %s", strerror(errno));
	o = row("VMM opted in, recoverable record, UER syndrome", CPER_SEV_RECOVERABLE, ISS_UER, NULL);
	check(o.exits == 1 && o.exit_esr == VSERROR(ISS_UER) && o.exit_flags == 0 && !o.serrors,
	      "VMM opted in, recoverable record, UER syndrome: one KVM_EXIT_ARM_SERROR, esr %#llx, flags 0, nothing injected (exits %d, esr %#llx, flags %#llx, guest SErrors %d)",
	      VSERROR(ISS_UER), o.exits, (unsigned long long)o.exit_esr,
	      (unsigned long long)o.exit_flags, o.serrors);

	o = row("VMM opted in, recoverable record, CE syndrome", CPER_SEV_RECOVERABLE, ISS_CE, NULL);
	expect_guest("VMM opted in, recoverable record, CE syndrome", o, 0, 0);

	o = row("VMM opted in, no record, UER syndrome", -1, ISS_UER, NULL);
	expect_guest("VMM opted in, no record, UER syndrome (as 7.3)", o, 1, impdef);
}

/*
 * A row that panics the host. fatal: a fatal record with a CE syndrome,
 * the record decides. uc: a recoverable record with a UC syndrome, which
 * says the error may have spread beyond the guest: the host panics, the
 * record printed first.
 */
static void panic_row(const char *r)
{
	int sev = !strcmp(r, "fatal") ? CPER_SEV_FATAL : CPER_SEV_RECOVERABLE;
	uint64_t iss = !strcmp(r, "fatal") ? ISS_CE : ISS_UC;
	char *page;

	if (strcmp(r, "fatal") && strcmp(r, "uc"))
		fail("unknown row '%s'", r);
	vm_create();
	page = mem + 4096;
	post(sev, virt_to_phys_self(page));
	info("row kvm-%s: guest SError with ISS %#llx now, the host must panic", r,
	     (unsigned long long)iss);
	guest_run(iss, page, 0);
	fail("row kvm-%s: the host went on after the SError", r);
}

int main(void)
{
	struct sigaction sa = { 0 };
	const char *r;

	rig_name = "kvm_serror";
	r = cmdline_opt("rig.kvm");

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	pin_cpu(0);
	hest_load();
	sei = ghes_find(NOTIFY_SEI, 0);
	if (!sei)
		fail("HEST lacks an SEI source");
	blk = ghes_block_map(sei, sei->block_len);
	ack = devmem_map(sei->ack, 8);

	if (!strcmp(r, "vhe") || !strcmp(r, "nvhe"))
		live(r);
	else
		panic_row(r);
	pass();
	return 0;
}
