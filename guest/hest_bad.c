// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * Bad firmware input in the HEST itself: sources that firmware described
 * wrongly (tests/hest/mkhest.py --bad), next to good ones.
 *
 * With "--bad small,huge,notify,disabled" (scenario hest-bad), for each
 * GHES source of the HEST, as this program reads it from sysfs:
 *  - an error status block length shorter than the block's header: the
 *    kernel refuses the source at probe, with a line naming it, and never
 *    reads its block;
 *  - a length of 0xffffffff: a line naming the source, the length capped,
 *    and the source works;
 *  - a notification type no ACPI version defines: refused, with a line
 *    naming it;
 *  - Enabled 0: no line needed, and the block is never read;
 *  - with "ack-preserve" (scenario hest-bad too), a read-ack preserve
 *    mask of 0xffff0000ffff0000 and a write value of 2: the source works,
 *    and the kernel's acknowledgment keeps the preserved bits firmware
 *    left in the register and sets the write value (ACPI 6.5, 18.3.2.8);
 *  - with "ack-zero", "ack-space", "ack-width" (scenario hest-bad too), a
 *    read-ack register that APEI cannot access (address 0, PCI
 *    configuration space, an undefined access size): the kernel names the
 *    register ("Invalid ... in GAR [address/width/offset/access/space]")
 *    and the source ("GHES.N: probe ... failed"), refuses the source and
 *    never reads its block;
 *  - with "ack-read-only" (scenario hest-bad too), a read-ack register
 *    that ignores writes (a read-only device register): the kernel cannot
 *    tell, so no line is due; its acknowledgment is lost (the register
 *    reads as before, which this program checks: else the case proves
 *    nothing), and the source works, for this record and the next;
 *  - with "esa-abort", "ack-abort", "block-abort" (scenarios hest-abort-*),
 *    the error status address register, the read-ack register or the
 *    block at an address where nothing answers, so that reading it aborts
 *    (an SEA): the kernel names the source, what it cannot read and the
 *    address, and refuses the source at probe (GHES.N exists and is not
 *    bound, with no second line from the driver core); with "ack-abort",
 *    a record posted in its block is never read. This program never
 *    reads such a source's register or block (its SEA trigger loads the
 *    same unassigned address, for the SEA source);
 *  - every other source (the SEA one, the polled GHESv2 and GHES v1):
 *    works.
 * "Works": a record firmware posts is taken (block cleared, read-ack
 * written), through a real SEA or the poll timer, and its page goes
 * through memory_failure() exactly once. "Never read": a record posted
 * there is still there after two seconds, and its page never reaches
 * memory_failure().
 *
 * With "--bad dup" (scenario hest-dup), two sources share id 0: the kernel
 * names the id, registers no GHES source at all (7.3's rule, which the
 * series keeps), and nothing reads any block.
 *
 * Real: the HEST, as the kernel's table upgrade installs it, the probe,
 * the SEA, the poll timer. Simulated: firmware's writes.
 */
#define _GNU_SOURCE
#define RIG_SEA
#include <dirent.h>
#include "rig.h"

#define GHES_HDR_LEN	20	/* struct acpi_hest_generic_status */
#define ESTATUS_MAX	0x10000	/* GHES_ESTATUS_MAX_SIZE */
#define NOTIFY_MAX	11	/* ACPI 6.5: software delegated exception */

/* What firmware leaves in a read-ack register while a record is out:
 * the preserve mask keeps the bits it covers. */
#define ACK_PENDING	0xa5a5c3c35a5a3c3cULL

struct post {
	struct ghes_src *g;
	volatile void *blk, *ack;
	uint64_t pa;
	uint64_t ack_done;	/* the read-ack register once acknowledged */
	volatile void *ro;	/* a 32-bit read-ack register that ignores writes */
	uint32_t ro_was;	/* what it read before the record was posted */
};

/*
 * A read-ack register APEI cannot access at all: what apei_check_gar()
 * says about it, in @line. Only the rig's 64-bit memory registers and
 * "ack-read-only"'s 32-bit one are usable.
 */
static int ack_unusable(const struct ghes_src *g, char *line, size_t n)
{
	const char *what = NULL;

	if (g->type != HEST_TYPE_GHES_V2)
		return 0;
	if (!g->ack)
		what = "physical address";
	else if (g->ack_access < 1 || g->ack_access > 4)
		what = "access size code";
	else if (g->ack_space != 0 && g->ack_space != 1)
		what = "address space type";
	if (!what)
		return 0;
	snprintf(line, n, "Invalid %s in GAR [0x%llx/%d/0/%d/%d]", what,
		 (unsigned long long)g->ack, g->ack_bits, g->ack_access, g->ack_space);
	return 1;
}

/*
 * "esa-abort", "ack-abort", "block-abort": the address of @g that aborts
 * when read, in @addr, and what the kernel calls it; NULL if none does.
 * UNASSIGNED_PA must be mkhest.py's UNASSIGNED.
 */
static const char *aborts(const struct ghes_src *g, uint64_t *addr)
{
	*addr = g->esa;
	if (*addr == UNASSIGNED_PA)
		return "error status address register";
	*addr = g->ack;
	if (g->type == HEST_TYPE_GHES_V2 && *addr == UNASSIGNED_PA)
		return "read-ack register";
	*addr = rd64(devmem_map(g->esa, 8));
	if (*addr == UNASSIGNED_PA)
		return "error status block";
	return NULL;
}

static void post(struct post *p, struct ghes_src *g)
{
	char line[160];

	memset(p, 0, sizeof(*p));
	p->g = g;
	p->blk = ghes_block_map(g, 1024);
	if (g->ack && !ack_unusable(g, line, sizeof(line)) && g->ack_bits == 32) {
		/* Not the rig's register: only read it, 32 bits at a time. */
		p->ro = devmem_map(g->ack, 4);
		p->ro_was = rd32(p->ro);
	} else if (g->ack && g->ack != UNASSIGNED_PA &&
		   !ack_unusable(g, line, sizeof(line))) {
		p->ack = devmem_map(g->ack, 8);
	}
	p->pa = virt_to_phys_self(own_page());
	p->ack_done = (ACK_PENDING & g->ack_preserve) | g->ack_write;
	if (p->ack && g->ack_preserve) {
		wr64(p->ack, ACK_PENDING & ~g->ack_write);
		fw_post_mem_error(p->blk, NULL, p->pa);
	} else {
		fw_post_mem_error(p->blk, p->ack, p->pa);
	}
	if (g->notify == NOTIFY_SEA)
		sea();
}

static int taken(struct post *p, int ms)
{
	int waited;

	/* The kernel clears block_status, then writes read-ack: both. */
	for (waited = 0; (rd32(p->blk) || (p->ack && rd64(p->ack) != p->ack_done)) &&
	     waited < ms; waited += 10)
		msleep(10);
	return !rd32(p->blk) && (!p->ack || rd64(p->ack) == p->ack_done);
}

static void want_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void want_line(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (count_log(line) < 1)
		fail("the kernel did not say: %s", line);
	info("the kernel said: %s", line);
}

static int ghes_devices(void)
{
	struct dirent *e;
	DIR *d = opendir("/sys/bus/platform/devices");
	int n = 0;

	if (!d)
		fail("/sys/bus/platform/devices: %s", strerror(errno));
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "GHES.", 5);
	closedir(d);
	return n;
}

static int dup_id(void)
{
	int i, j;

	for (i = 0; i < nr_ghes_srcs; i++)
		for (j = i + 1; j < nr_ghes_srcs; j++)
			if (ghes_srcs[i].source_id == ghes_srcs[j].source_id)
				return ghes_srcs[i].source_id;
	return -1;
}

static void never_read(struct post *p, const char *why)
{
	if (taken(p, 2000))
		fail("source %d (%s): its record was taken", p->g->source_id, why);
	if (mf_reports(p->pa, 0))
		fail("source %d (%s): its page went through memory_failure()",
		     p->g->source_id, why);
	info("source %d (%s): its block was never read", p->g->source_id, why);
	wr32(p->blk, 0);	/* firmware gives up on it */
}

static void works(struct post *p, const char *what);

/* "ack-read-only": the acknowledgment is lost, and the source goes on. */
static void read_only(struct post *p)
{
	struct post next;

	works(p, "read-ack register ignores writes");
	if (rd32(p->ro) != p->ro_was)
		fail("source %d: its read-ack register at 0x%llx took the kernel's write (0x%x, was 0x%x): it is not read-only, and the case proves nothing",
		     p->g->source_id, (unsigned long long)p->g->ack, rd32(p->ro), p->ro_was);
	post(&next, p->g);
	works(&next, "the next record, the last acknowledgment lost");
	if (rd32(p->ro) != p->ro_was)
		fail("source %d: its read-ack register changed", p->g->source_id);
	info("source %d: read-ack register 0x%llx still reads 0x%x after two acknowledgments (write value 0x%llx): both lost, both records reported",
	     p->g->source_id, (unsigned long long)p->g->ack, p->ro_was,
	     (unsigned long long)p->g->ack_write);
}

static void works(struct post *p, const char *what)
{
	int n;

	if (!taken(p, 3000))
		fail("source %d (%s): its record was not taken: block_status 0x%x, read-ack 0x%llx, want 0x%llx",
		     p->g->source_id, what, rd32(p->blk),
		     p->ack ? (unsigned long long)rd64(p->ack) : 0ULL,
		     (unsigned long long)p->ack_done);
	n = mf_reports(p->pa, 5000);
	if (n != 1)
		fail("source %d (%s): its page went through memory_failure() %d times, want 1",
		     p->g->source_id, what, n);
	info("source %d (%s): record taken and reported once", p->g->source_id, what);
}

int main(void)
{
	struct post p[16];
	char line[160];
	int i, id, good = 0, bad = 0;

	rig_name = "hest_bad";
	pin_cpu(0);
	hest_load();
	sea_setup();
	if (nr_ghes_srcs > 16)
		fail("%d GHES sources, this program handles 16", nr_ghes_srcs);

	id = dup_id();
	if (id >= 0) {
		want_line("Duplicated hardware error source ID: %d.", id);
		if (ghes_devices())
			fail("%d GHES devices registered, want none", ghes_devices());
		for (i = 0; i < nr_ghes_srcs; i++) {
			post(&p[i], &ghes_srcs[i]);
			never_read(&p[i], "GHES not registered");
		}
		info("duplicate id %d: no GHES source registered, no block read", id);
		pass();
		return 0;
	}

	for (i = 0; i < nr_ghes_srcs; i++) {
		struct ghes_src *g = &ghes_srcs[i];
		const char *what;
		uint64_t addr;

		what = aborts(g, &addr);
		if (what) {
			/* 7.3 takes the record, and dies acknowledging it. */
			if (!strcmp(what, "read-ack register")) {
				post(&p[i], g);
				never_read(&p[i], "read-ack register aborts");
			}
			want_line("source %d: cannot read its %s at 0x%llx: not used",
				  g->source_id, what, (unsigned long long)addr);
			snprintf(line, sizeof(line), "/sys/bus/platform/devices/GHES.%d",
				 g->source_id);
			if (access(line, F_OK))
				fail("source %d: no device %s", g->source_id, line);
			snprintf(line, sizeof(line), "/sys/bus/platform/drivers/GHES/GHES.%d",
				 g->source_id);
			if (!access(line, F_OK))
				fail("source %d: bound to GHES, though its %s aborts",
				     g->source_id, what);
			snprintf(line, sizeof(line), "GHES.%d: probe with driver GHES failed",
				 g->source_id);
			if (count_log(line))
				fail("source %d: a second line, from the driver core: %s",
				     g->source_id, line);
			info("source %d: not bound", g->source_id);
			bad++;
			continue;
		}
		post(&p[i], g);
		if (!g->enabled) {
			never_read(&p[i], "Enabled 0");
			bad++;
		} else if (g->block_len < GHES_HDR_LEN) {
			want_line("Invalid error block length: %u for generic hardware error source: %d",
				  g->block_len, g->source_id);
			never_read(&p[i], "block length too short");
			bad++;
		} else if (g->notify > NOTIFY_MAX) {
			want_line("Unknown notification type: %u for generic hardware error source: %d",
				  g->notify, g->source_id);
			never_read(&p[i], "unknown notification type");
			bad++;
		} else if (ack_unusable(g, line, sizeof(line))) {
			want_line("%s", line);
			want_line("GHES.%d: probe with driver GHES failed with error -22",
				  g->source_id);
			never_read(&p[i], "read-ack register unusable");
			bad++;
		} else if (p[i].ro) {
			read_only(&p[i]);
			bad++;
		} else if (g->ack_preserve) {
			works(&p[i], "read-ack preserve mask");
			info("source %d: read-ack 0x%llx after the acknowledgment: 0x%llx kept, 0x%llx written",
			     g->source_id, (unsigned long long)rd64(p[i].ack),
			     (unsigned long long)(ACK_PENDING & g->ack_preserve),
			     (unsigned long long)g->ack_write);
			bad++;
		} else if (g->block_len > ESTATUS_MAX) {
			want_line("Error status block length is too long: %u for generic hardware error source: %d.",
				  g->block_len, g->source_id);
			works(&p[i], "block length too long");
			bad++;
		} else {
			works(&p[i], g->notify == NOTIFY_SEA ? "SEA" : "polled");
			snprintf(line, sizeof(line), "/sys/bus/platform/drivers/GHES/GHES.%d",
				 g->source_id);
			if (access(line, F_OK))
				fail("source %d works, but %s is not there: the bound test would prove nothing",
				     g->source_id, line);
			good++;
		}
	}
	if (!bad)
		fail("no source in this HEST was described wrongly");
	info("%d sources described wrongly, %d good: each as it should be", bad, good);
	pass();
	return 0;
}
