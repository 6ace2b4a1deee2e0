// SPDX-License-Identifier: GPL-2.0
/*
 * ghes_fuzz: seeded random mutations of valid error records, written into
 * a real error status block and notified through real SEAs and SErrors,
 * on a kernel with KASAN, UBSAN and lockdep. What is fuzzed is the code
 * that reads a block and decides whether to trust it: the peek at the
 * block through its window, the CPER checks, the copy into the pool, and
 * after them what prints, traces (ras:arm_event and ras:mc_event are on)
 * and hands a record on.
 *
 * Sources (tests/hest/mkhest.py --sea 1 --sei 2, at EL1 under the hyp
 * stub): GHESv2 0, notified by SEA, and the first SEI-notified GHESv2. On
 * x86_64 (--sea 0 --nmi 1): the NMI-notified GHESv2, each record followed
 * by an NMI IPI that the rig-only hook sends to this CPU.
 * "rig.fuzz=SEED,COUNT" on the command line (default 1,1000): COUNT
 * records per source from a xorshift generator seeded with SEED, the same
 * records for the same seed. Each starts from one of four valid records (a memory
 * error, an ARM processor error with two contexts and vendor data, a
 * section of an unknown type, a memory error and an ARM processor error
 * in one block) and takes one to four mutations: a random byte, a bit
 * flipped, or a 32-bit field set to a boundary value (0, 1, 0xff, 0xffff,
 * 0x7fffffff, 0x80000000, 0xffffffff, or the record's length, or one off
 * it), anywhere in the record and the 16 bytes after it. The block's
 * severity is then set back to corrected: a severity the kernel does not
 * know, or fatal, panics by design, and a recoverable one would send
 * whatever page a mutated address names through memory_failure().
 * The records go first to the SEA source (each followed by a load from an
 * unassigned address), then to the SEI source (each followed by an SError
 * with a corrected syndrome, raised by the rig-only injector at EL2): 7.3,
 * which has no SEI, is fuzzed through SEA before its SEI source fails it. A record the kernel leaves in
 * the block is reclaimed by firmware (block_status cleared, read-ack
 * written). Before the first record, every 500 records and after the
 * last, a good recoverable record goes through the source and must be
 * reported: its page through memory_failure().
 *
 * Passes when every record comes back (a watchdog on the other CPU names
 * a record that does not, with its seed and number, in 10 s), the good
 * records are reported, and the host finds no oops, WARN, KASAN, UBSAN or
 * lockdep report in the log. It prints how many records the kernel
 * cleared and how many it left.
 *
 * Real: the HEST, the SEAs, the SErrors, the NMIs, GHES, the CPER code,
 * the trace events. Simulated: firmware's writes, the mutations; who
 * raises the SError (EL2, not EL3) and sends the NMI (the rig-only hook).
 */
#define _GNU_SOURCE
#include <sys/mount.h>
#define RIG_SEA
#define RIG_WATCHDOG
#include "rig.h"

#define BLK		1024
#define SEC		(ESTATUS_HDR_LEN + GDATA_HDR_LEN)

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

struct src {
	struct ghes_src *g;
	volatile void *blk, *ack;
	const char *how;
};

static uint8_t rec[BLK];

static void put(size_t off, int width, uint64_t v)
{
	memcpy(rec + off, &v, width);	/* little endian, as CPER is */
}

/* An ARM processor section at @off of the record: one error information
 * structure, two contexts (8 + 56 and 8 + 248 bytes), 16 of vendor data. */
static size_t arm_section(size_t off, int sev)
{
	uint8_t *s = rec + off + GDATA_HDR_LEN;
	const uint32_t len = 40 + 32 + 64 + 256 + 16;

	memcpy(rec + off, guid_proc_arm, 16);
	put(off + 16, 4, sev);
	put(off + 20, 2, 0x0201);
	put(off + 24, 4, len);
	memset(s, 0, len);
	put(off + GDATA_HDR_LEN + 0, 4, 0x7);
	put(off + GDATA_HDR_LEN + 4, 2, 1);
	put(off + GDATA_HDR_LEN + 6, 2, 2);
	put(off + GDATA_HDR_LEN + 8, 4, len);
	s[41] = 32;
	s[44] = 1 << 1;
	put(off + GDATA_HDR_LEN + 72 + 4, 4, 56);
	memset(s + 80, 0x41, 56);
	put(off + GDATA_HDR_LEN + 136 + 2, 2, 5);
	put(off + GDATA_HDR_LEN + 136 + 4, 4, 248);
	memset(s + 144, 0x45, 248);
	memset(s + 392, 0xee, 16);
	return GDATA_HDR_LEN + len;
}

/* One of the valid records, for page @pa; its length. */
static size_t template(int which, uint64_t pa)
{
	size_t len, more;

	memset(rec, 0, sizeof(rec));
	switch (which) {
	case 0:		/* a memory error */
		return cper_mem_record((uint32_t *)rec, CPER_SEV_CORRECTED, pa);
	case 1:		/* an ARM processor error */
		cper_mem_record((uint32_t *)rec, CPER_SEV_CORRECTED, pa);
		len = arm_section(ESTATUS_HDR_LEN, CPER_SEV_CORRECTED);
		put(12, 4, len);
		return ESTATUS_HDR_LEN + len;
	case 2:		/* a section of an unknown type */
		return cper_vendor_record((uint32_t *)rec, (uint32_t)rnd());
	default:	/* both, in one block */
		len = cper_mem_record((uint32_t *)rec, CPER_SEV_CORRECTED, pa);
		more = arm_section(len, CPER_SEV_CORRECTED);
		put(0, 4, 2 | 2 << 4);		/* CE valid, two entries */
		put(12, 4, len - ESTATUS_HDR_LEN + more);
		return len + more;
	}
}

static void mutate(size_t len)
{
	static const uint32_t edge[] = {
		0, 1, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
	};
	int n = 1 + rnd() % 4;
	size_t off;
	uint64_t r;

	while (n--) {
		off = rnd() % (len + 16);
		r = rnd();
		switch (r % 3) {
		case 0:
			rec[off] = r >> 8;
			break;
		case 1:
			rec[off] ^= 1 << (r >> 8) % 8;
			break;
		default:
			off &= ~3UL;
			if ((r >> 8) % 10 < 7)
				put(off, 4, edge[(r >> 16) % 7]);
			else
				put(off, 4, len + (r >> 16) % 3 - 1);
		}
	}
	put(16, 4, CPER_SEV_CORRECTED);	/* the block's severity */
}

/* Firmware writes the record, block_status last. */
static void post(struct src *s, size_t len)
{
	volatile uint32_t *b = s->blk;
	uint32_t w[BLK / 4];
	size_t i;

	memcpy(w, rec, sizeof(w));
	wr64(s->ack, 0);
	for (i = 1; i < BLK / 4; i++)
		b[i] = i * 4 < len + 16 ? w[i] : 0;
	mb();
	b[0] = w[0];
	mb();
}

static void notify(struct src *s, uint64_t iss)
{
	if (s->g->notify == NOTIFY_SEA)
		sea();
	else if (s->g->notify == NOTIFY_SEI)
		proc_cmd("/proc/rig_serror", "el1 %llx", (unsigned long long)iss);
	else
		hold_cmd("nmi 0");	/* this CPU (the watchdog pinned it) */
}

/* Did the kernel clear the block and write read-ack (waiting @ms)? */
static int cleared(struct src *s, int ms)
{
	int waited = 0;

	while ((rd32(s->blk) || rd64(s->ack) != s->g->ack_write) && waited < ms) {
		msleep(5);
		waited += 5;
	}
	return !rd32(s->blk) && rd64(s->ack) == s->g->ack_write;
}

static int ngood;

/* A good recoverable record through @s must be reported. */
static void good_record(struct src *s, const char *after)
{
	uint64_t pa = virt_to_phys_self(own_page());
	char pat[80];
	size_t len;

	len = cper_mem_record((uint32_t *)rec, CPER_SEV_RECOVERABLE, pa);
	post(s, len);
	notify(s, ISS_IMPDEF);
	if (!cleared(s, 3000))
		fail("%s: after %s, a good record was not taken", s->how, after);
	snprintf(pat, sizeof(pat), "Memory failure: %#llx: recovery action",
		 (unsigned long long)(pa >> 12));
	if (wait_log(pat, 0, 5000) < 1)
		fail("%s: after %s, the good record's page was not through memory_failure",
		     s->how, after);
	ngood++;
	progress++;
}

static void src_setup(struct src *s, int notify_type, const char *how)
{
	s->g = ghes_find(notify_type, 0);
	if (!s->g)
		fail("no %s source in the HEST", how);
	if (s->g->block_len < BLK)
		fail("%s source: a block of %u bytes, want %d", how, s->g->block_len, BLK);
	s->blk = ghes_block_map(s->g, BLK);
	s->ack = devmem_map(s->g->ack, 8);
	s->how = how;
}

/* Counts over the whole run. */
static unsigned long nleft, nempty, kind[4];

/* @count mutated records through @s, good records between them. */
static void fuzz_source(struct src *s, unsigned long seed, unsigned long count,
			uint64_t pa)
{
	static char now[96];
	unsigned long i;
	int which, empty;
	size_t len;

	good_record(s, "nothing");
	for (i = 0; i < count; i++) {
		which = rnd() % 4;
		kind[which]++;
		len = template(which, pa);
		mutate(len);
		empty = !rec[0] && !rec[1] && !rec[2] && !rec[3];
		nempty += empty;
		snprintf(now, sizeof(now), "%s record %lu of seed %lu", s->how, i, seed);
		doing = now;
		post(s, len);
		notify(s, ISS_CE);
		if (empty) {
			wr64(s->ack, s->g->ack_write);	/* nothing to read */
		} else if (!cleared(s, 20)) {
			nleft++;		/* firmware reclaims it */
			wr32(s->blk, 0);
			wr64(s->ack, s->g->ack_write);
			mb();
		}
		progress++;
		if ((i + 1) % 500 == 0 || i + 1 == count) {
			snprintf(now, sizeof(now), "%s record %lu", s->how, i);
			good_record(s, now);
			info("%s: %lu records, %lu left in the block by the kernel so far",
			     s->how, i + 1, nleft);
		}
	}
}

int main(void)
{
	unsigned long seed = 1, count = 1000, nsrc = 2;
	struct src sea_src, sei_src, nmi_src;
	const char *opt;
	uint64_t pa;

	rig_name = "ghes_fuzz";
	watchdog_start();
	opt = cmdline_find("rig.fuzz");
	if (opt && sscanf(opt, "%lu,%lu", &seed, &count) < 1)
		fail("rig.fuzz=%s: want SEED[,COUNT]", opt);
	rnd_state = seed * 0x9e3779b97f4a7c15ULL | 1;
	hest_load();
	if (IS_X86) {
		src_setup(&nmi_src, NOTIFY_NMI, "NMI");
	} else {
		src_setup(&sea_src, NOTIFY_SEA, "SEA");
		src_setup(&sei_src, NOTIFY_SEI, "SEI");
		sea_setup();
	}
	pa = virt_to_phys_self(own_page());	/* what mutated records name */

	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) && errno != EBUSY)
		fail("mount tracefs: %s", strerror(errno));
	proc_cmd("/sys/kernel/tracing/events/ras/arm_event/enable", "1");
	proc_cmd("/sys/kernel/tracing/events/ras/mc_event/enable", "1");

	info("seed %lu, %lu records per source", seed, count);
	if (IS_X86) {
		fuzz_source(&nmi_src, seed, count, pa);
		nsrc = 1;
	} else {
		fuzz_source(&sea_src, seed, count, pa);
		fuzz_source(&sei_src, seed, count, pa);
	}
	info("seed %lu: %lu records (%lu memory, %lu ARM, %lu unknown, %lu two-section; %lu with block_status 0), %lu cleared by the kernel, %lu left; %d good records reported",
	     seed, nsrc * count, kind[0], kind[1], kind[2], kind[3], nempty,
	     nsrc * count - nempty - nleft, nleft, ngood);
	pass();
	return 0;
}
