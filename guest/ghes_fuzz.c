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
 * Sources (tests/hest/mkhest.py --sea 1 --sei 2 --polled P, at EL1 under
 * the hyp stub): GHESv2 0, notified by SEA, the first SEI-notified GHESv2,
 * and the P polled GHESv2 sources. On x86_64 (--sea 0 --nmi 1 --polled P):
 * the NMI-notified GHESv2, each record followed by an NMI IPI that the
 * rig-only hook sends to this CPU, and the polled ones.
 * "rig.fuzz=SEED,COUNT,POLLED" on the command line (default 1,1000,COUNT/4):
 * COUNT records per NMI-like source and POLLED through the polled sources,
 * from a xorshift generator seeded with SEED, the same records for the same
 * seed. Each starts from one of four valid records (a memory
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
 * which has no SEI, is fuzzed through SEA before its SEI source fails it.
 * Then to the polled sources, one record in each at a time, as each takes
 * its block only at its next poll: that is the poll timer's path, which
 * reads the block through the IRQ-context window and reports the record
 * from there. A record the kernel leaves in the block is reclaimed by
 * firmware (block_status cleared, read-ack written). Before the first
 * record, every 500 records and after the last, a good recoverable record
 * goes through the (first) source and must be reported: its page through
 * memory_failure().
 *
 * Passes when every record comes back (a watchdog on the other CPU names
 * a record, or a round of polled records, that does not, with its seed
 * and number, in 10 s), every polled source takes each of its records
 * (a poll timer clears any block it reads), the good records are
 * reported, and the host finds no oops, WARN, KASAN, UBSAN or lockdep
 * report in the log. It prints how many records the kernel cleared and
 * how many it left.
 *
 * Real: the HEST, the SEAs, the SErrors, the NMIs, the poll timers, GHES,
 * the CPER code, the trace events. Simulated: firmware's writes, the mutations; who
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
	int wait_ms;		/* for the kernel to take a record */
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
	else if (s->g->notify == NOTIFY_NMI)
		hold_cmd("nmi 0");	/* this CPU (the watchdog pinned it) */
	/* a polled source: its timer */
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
	if (!cleared(s, s->wait_ms + 3000))
		fail("%s: after %s, a good record was not taken", s->how, after);
	progress++;
	snprintf(pat, sizeof(pat), "Memory failure: %#llx: recovery action",
		 (unsigned long long)(pa >> 12));
	if (wait_log(pat, 0, 5000) < 1)
		fail("%s: after %s, the good record's page was not through memory_failure",
		     s->how, after);
	ngood++;
	progress++;
}

static void src_setup(struct src *s, int notify_type, int nth, const char *how)
{
	s->g = ghes_find(notify_type, nth);
	if (!s->g)
		fail("no %s source in the HEST", how);
	/*
	 * An NMI-like notification is handled before the program goes on. A
	 * poll timer's expiry is rounded to a whole second (GHES passes an
	 * absolute time to round_jiffies_relative()), so a polled source
	 * takes a block up to about a second after it was written.
	 */
	s->wait_ms = notify_type == NOTIFY_POLLED ? 5000 : 20;
	if (s->g->block_len < BLK)
		fail("%s source: a block of %u bytes, want %d", how, s->g->block_len, BLK);
	s->blk = ghes_block_map(s->g, BLK);
	s->ack = devmem_map(s->g->ack, 8);
	s->how = how;
}

/* Counts over the whole run. */
static unsigned long ntotal, nleft, nempty, kind[4];

/*
 * @count mutated records through the @n sources @s, good records through
 * the first of them before, every 500 records and after the last. A round
 * writes a record into each source's block, notifies it, then waits for
 * each to be taken: one source at a time for NMI-like ones, a record in
 * every polled source at once, as each is taken only at its next poll.
 */
static void fuzz_sources(struct src *s, int n, unsigned long seed,
			 unsigned long count, uint64_t pa)
{
	static char now[96];
	unsigned long i = 0;
	int k, m, empty[n];
	size_t len;

	good_record(&s[0], "nothing");
	while (i < count) {
		m = count - i < (unsigned long)n ? (int)(count - i) : n;
		if (m == 1)
			snprintf(now, sizeof(now), "%s record %lu of seed %lu", s->how, i, seed);
		else
			snprintf(now, sizeof(now), "%s records %lu-%lu of seed %lu",
				 s->how, i, i + m - 1, seed);
		doing = now;
		for (k = 0; k < m; k++) {
			int which = rnd() % 4;

			kind[which]++;
			len = template(which, pa);
			mutate(len);
			empty[k] = !rec[0] && !rec[1] && !rec[2] && !rec[3];
			nempty += empty[k];
			post(&s[k], len);
			notify(&s[k], ISS_CE);
		}
		for (k = 0; k < m; k++) {
			if (empty[k]) {
				wr64(s[k].ack, s[k].g->ack_write);	/* nothing to read */
			} else if (!cleared(&s[k], s[k].wait_ms)) {
				/*
				 * A poll clears what it read, good or bad: a
				 * record left there is a source that stopped
				 * polling (and a reclaim could race its timer).
				 */
				if (s[k].g->notify == NOTIFY_POLLED)
					fail("%s: source %d did not take a record in %d ms (%s)",
					     s->how, s[k].g->source_id, s[k].wait_ms, now);
				nleft++;		/* firmware reclaims it */
				wr32(s[k].blk, 0);
				wr64(s[k].ack, s[k].g->ack_write);
				mb();
			}
			progress++;
		}
		ntotal += m;
		i += m;
		if (i % 500 < (unsigned long)m || i == count) {
			snprintf(now, sizeof(now), "%s record %lu", s->how, i - 1);
			good_record(&s[0], now);
			info("%s: %lu records, %lu left in the block by the kernel so far",
			     s->how, i, nleft);
		}
	}
}

#define MAX_POLLED	64

int main(void)
{
	unsigned long seed = 1, count = 1000, npolled_recs = ~0UL;
	static struct src sea_src, sei_src, nmi_src, polled[MAX_POLLED];
	struct ghes_src *g;
	const char *opt;
	int i, npolled = 0;
	uint64_t pa;

	rig_name = "ghes_fuzz";
	watchdog_start();
	opt = cmdline_find("rig.fuzz");
	if (opt && sscanf(opt, "%lu,%lu,%lu", &seed, &count, &npolled_recs) < 1)
		fail("rig.fuzz=%s: want SEED[,COUNT[,POLLED]]", opt);
	if (npolled_recs == ~0UL)
		npolled_recs = count / 4;
	rnd_state = seed * 0x9e3779b97f4a7c15ULL | 1;
	hest_load();
	if (IS_X86) {
		src_setup(&nmi_src, NOTIFY_NMI, 0, "NMI");
	} else {
		src_setup(&sea_src, NOTIFY_SEA, 0, "SEA");
		src_setup(&sei_src, NOTIFY_SEI, 0, "SEI");
		sea_setup();
	}
	/* every enabled polled GHESv2 source (GHES v1 has no read-ack) */
	for (i = 0; (g = ghes_find(NOTIFY_POLLED, i)); i++) {
		if (g->type != HEST_TYPE_GHES_V2 || !g->enabled)
			continue;
		if (npolled == MAX_POLLED)
			fail("more than %d polled GHESv2 sources", MAX_POLLED);
		src_setup(&polled[npolled++], NOTIFY_POLLED, i, "polled");
	}
	if (!npolled)
		fail("no polled GHESv2 source in the HEST");
	pa = virt_to_phys_self(own_page());	/* what mutated records name */

	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) && errno != EBUSY)
		fail("mount tracefs: %s", strerror(errno));
	proc_cmd("/sys/kernel/tracing/events/ras/arm_event/enable", "1");
	proc_cmd("/sys/kernel/tracing/events/ras/mc_event/enable", "1");

	info("seed %lu, %lu records per NMI-like source, %lu through %d polled sources",
	     seed, count, npolled_recs, npolled);
	if (IS_X86) {
		fuzz_sources(&nmi_src, 1, seed, count, pa);
	} else {
		fuzz_sources(&sea_src, 1, seed, count, pa);
		fuzz_sources(&sei_src, 1, seed, count, pa);
	}
	fuzz_sources(polled, npolled, seed, npolled_recs, pa);
	info("seed %lu: %lu records (%lu memory, %lu ARM, %lu unknown, %lu two-section; %lu with block_status 0), %lu cleared by the kernel, %lu left; %d good records reported",
	     seed, ntotal, kind[0], kind[1], kind[2], kind[3], nempty,
	     ntotal - nempty - nleft, nleft, ngood);
	pass();
	return 0;
}
