// SPDX-License-Identifier: GPL-2.0
/*
 * Bad firmware input: a corpus of malformed error status blocks, each
 * written into a real block and notified through a real path, then a good
 * record through the same source.
 *
 * Sources (tests/hest/mkhest.py --sea 1 --sei 2, booted at EL1 under the
 * hyp stub): GHESv2 0 notified by SEA, the polled GHESv2, and the first
 * SEI-notified GHESv2. On x86_64 (--sea 0 --nmi 1): the NMI-notified
 * GHESv2, notified by an NMI IPI the rig-only hook sends to this CPU, and
 * the polled GHESv2. Every case of the table below runs on all of them:
 * this program, acting as firmware, writes a valid recoverable memory
 * error record for a page of its own, breaks it as the case says, and
 * notifies the source (a real SEA: a load from an unassigned address; a
 * real SError, raised by the rig-only injector at EL2 with a corrected
 * syndrome; or waits for the kernel's poll timer). It prints, per case, how many lines the kernel
 * printed and the first of them, and whether the kernel cleared and
 * acknowledged the block. If it did not, firmware gives up on the record
 * (clears block_status and sets the read-ack register itself). Then it
 * writes a good record for another page of its own and notifies the same
 * source again.
 *
 * Four more cases move the error status address register: to 0, to a page
 * of this program's RAM holding a valid record, to an address one byte
 * off the block, and to the last bytes of a page.
 *
 * A watchdog thread on the other CPU names a case that does not come back
 * in 10 s (the kernel hangs): 7.3 loops for ever in its CPER check on
 * "section-length-wraps", in the SEA handler with interrupts masked.
 *
 * Passes when: after every case the good record is reported (block
 * cleared, read-ack written, its page through memory_failure exactly once
 * at the end), every one of GHES's own firmware warnings names the source,
 * and the kernel log has no oops, WARN, lockdep, KASAN or UBSAN report
 * (judged by the host). Not in the corpus: a block severity
 * the kernel does not know, which both 7.3 and the series take as fatal
 * (a panic, by design). What the kernel prints for each bad
 * case is reported, not judged: the README's corpus table says what 7.3
 * and the series print.
 *
 * Real: the HEST, the SEAs, the SErrors, the poll timer and everything the
 * kernel does. Simulated: firmware's writes, including the malformed ones;
 * who raises the SError (EL2, not EL3). On 7.3, which has no SEI, the SEI
 * source is refused at probe, and the program fails before it gets there.
 */
#define _GNU_SOURCE
#define RIG_SEA
#define RIG_WATCHDOG
#include "rig.h"

#define BLK_MAX		1024

static int kmsg_fd;

/* ---- the records --------------------------------------------------- */

/* Offsets in a memory error record (cper_mem_record() in rig.h). */
#define EST_STATUS	0
#define EST_RAW_OFF	4
#define EST_RAW_LEN	8
#define EST_DATA_LEN	12
#define EST_SEV		16
#define GD		ESTATUS_HDR_LEN
#define GD_SEV		(GD + 16)
#define GD_REV		(GD + 20)
#define GD_VALID	(GD + 22)
#define GD_FLAGS	(GD + 23)
#define GD_LEN		(GD + 24)
#define GD_FRU_TEXT	(GD + 44)
#define MEM		(GD + GDATA_HDR_LEN)
#define MEM_VALID	(MEM + 0)
#define MEM_PA		(MEM + 16)

struct poke { int off, width; uint64_t val; };

struct rec { uint8_t b[BLK_MAX]; size_t len; uint64_t pa; };

/* Section types, as the bytes of their GUIDs. */
static const uint8_t guid_pcie[16] = {
	0x54, 0xe9, 0x95, 0xd9, 0xc1, 0xbb, 0x0f, 0x43,
	0xad, 0x91, 0xb4, 0x4d, 0xcb, 0x3c, 0x6f, 0x35,
};
static const uint8_t guid_proc_generic[16] = {
	0xad, 0xcc, 0x76, 0x98, 0xb4, 0x47, 0xdb, 0x4b,
	0xb6, 0x5e, 0x16, 0xf1, 0x93, 0xc4, 0xf3, 0xdb,
};

static void put(struct rec *r, int off, int width, uint64_t v)
{
	memcpy(r->b + off, &v, width);	/* little endian, as CPER is */
}

/* Replace the memory section by one of @guid, @len bytes of @fill. */
static void one_section(struct rec *r, const uint8_t *guid, uint32_t len, int fill)
{
	memcpy(r->b + GD, guid, 16);
	put(r, GD_LEN, 4, len);
	memset(r->b + MEM, fill, len);
	put(r, EST_DATA_LEN, 4, GDATA_HDR_LEN + len);
	r->len = MEM + len;
}

/* An Arm processor error section: @nerr error infos of @elen bytes
 * declared, room for @room; @nctx context infos of @csize bytes. */
static void arm_section(struct rec *r, int nerr, int elen, int room, int nctx,
			uint32_t csize, uint32_t seclen)
{
	uint8_t *s = r->b + MEM;
	int i;

	one_section(r, guid_proc_arm, 40 + 32 * room + (nctx ? 8 : 0), 0);
	put(r, MEM + 0, 4, 0x7);		/* MPIDR, affinity, running state */
	put(r, MEM + 4, 2, nerr);
	put(r, MEM + 6, 2, nctx);
	put(r, MEM + 8, 4, seclen);
	for (i = 0; i < room; i++) {
		s[40 + 32 * i] = 0;		/* version */
		s[41 + 32 * i] = elen;
		s[44 + 32 * i] = 1 << 1;	/* cache error */
	}
	if (nctx)
		put(r, MEM + 40 + 32 * room + 4, 4, csize);
}

struct bad {
	const char *name;
	struct poke p[4];
	void (*build)(struct rec *r);
	int no_address;		/* no page of it may go through memory_failure() */
	int printed;		/* it only matters when the record is printed */
};

static void b_fru_text(struct rec *r)
{
	r->b[GD_VALID] = 3;			/* FRU id and FRU text valid */
	memset(r->b + GD_FRU_TEXT, 'A', 20);	/* no NUL */
}

static void b_mem_all_valid(struct rec *r)
{
	memset(r->b + MEM + 8, 0xff, 8);	/* error status */
	memset(r->b + MEM + 24, 0xff, MEM_ERR_LEN - 24);
	put(r, MEM_VALID, 8, ~0ULL);
}

static void b_two_second_short(struct rec *r)
{
	uint8_t *g2 = r->b + MEM + MEM_ERR_LEN;

	memcpy(g2, guid_proc_generic, 16);
	put(r, MEM + MEM_ERR_LEN + 24, 4, 200);	/* past data_length */
	put(r, EST_DATA_LEN, 4, 2 * GDATA_HDR_LEN + MEM_ERR_LEN + 8);
	put(r, EST_STATUS, 4, 1 | 2 << 4);
	r->len = MEM + MEM_ERR_LEN + GDATA_HDR_LEN + 8;
	memset(r->b + MEM + MEM_ERR_LEN + GDATA_HDR_LEN, 0xee, 8);
}

static void b_two_second_header_cut(struct rec *r)
{
	uint8_t *g2 = r->b + MEM + MEM_ERR_LEN;

	memcpy(g2, guid_proc_generic, 16);
	put(r, EST_DATA_LEN, 4, GDATA_HDR_LEN + MEM_ERR_LEN + 32);
	put(r, EST_STATUS, 4, 1 | 2 << 4);
	r->len = MEM + MEM_ERR_LEN + 32;
}

static void b_many_empty(struct rec *r)
{
	int i, n = 15;

	memset(r->b + GD, 0, BLK_MAX - GD);
	for (i = 0; i < n; i++) {
		uint8_t *g = r->b + GD + i * GDATA_HDR_LEN;

		memset(g, 0x11 + i, 16);		/* unknown types */
		put(r, GD + i * GDATA_HDR_LEN + 20, 2, 0x0201);
	}
	put(r, EST_DATA_LEN, 4, n * GDATA_HDR_LEN);
	put(r, EST_STATUS, 4, 1 | n << 4);
	r->len = GD + n * GDATA_HDR_LEN;
}

static void b_fill_block(struct rec *r)
{
	one_section(r, (const uint8_t *)"\x99\x88\x77\x66\x55\x44\x33\x22"
		    "\x11\x00\xff\xee\xdd\xcc\xbb\xaa",
		    BLK_MAX - MEM, 0x3c);
}

/* A memory section of 16 bytes: validation bits (the address valid) and
 * error status, the address itself past its end. */
static void b_mem_16(struct rec *r)
{
	one_section(r, guid_platform_mem, 16, 0);
	put(r, MEM_VALID, 8, 1 << 1);
}

static void b_arm_ok(struct rec *r)		{ arm_section(r, 1, 32, 1, 0, 0, 72); }
static void b_arm_err_255(struct rec *r)	{ arm_section(r, 255, 32, 1, 0, 0, 72); }
static void b_arm_err_0(struct rec *r)		{ arm_section(r, 0, 32, 1, 0, 0, 72); }
static void b_arm_err_len_0(struct rec *r)	{ arm_section(r, 3, 0, 1, 0, 0, 72); }
static void b_arm_err_len_255(struct rec *r)	{ arm_section(r, 2, 255, 1, 0, 0, 72); }
static void b_arm_seclen_0(struct rec *r)	{ arm_section(r, 1, 32, 1, 0, 0, 0); }
static void b_arm_seclen_huge(struct rec *r)	{ arm_section(r, 1, 32, 1, 0, 0, 0xffffffff); }
static void b_arm_short(struct rec *r)		{ one_section(r, guid_proc_arm, 8, 0x01); }
static void b_arm_ctx_wraps(struct rec *r)	{ arm_section(r, 1, 32, 1, 1, 0xfffffff0, 80); }
static void b_arm_ctx_negative(struct rec *r)	{ arm_section(r, 1, 32, 1, 1, 0x7ffffff8, 80); }
static void b_pcie_short(struct rec *r)		{ one_section(r, guid_pcie, 8, 0xff); }
static void b_pcie_all_ones(struct rec *r)	{ one_section(r, guid_pcie, 72, 0xff); }
static void b_generic_short(struct rec *r)	{ one_section(r, guid_proc_generic, 4, 0xff); }
static void b_generic_all_ones(struct rec *r)	{ one_section(r, guid_proc_generic, 192, 0xff); }

/*
 * 7.3 fails the whole corpus early, on the first warning that does not
 * name the source (patch 18). Each case it gets wrong in another way runs
 * alone too (rig.corpus=NAME), on 7.3 and on the series, in a scenario of
 * its own: section-length-wraps (ghes-corpus-wraps, patch 1; above),
 * arm-context-size-wraps (ghes-corpus-arm-context, patch 2) and two that
 * patches 4 and 5 fix (ghes-corpus-grain, ghes-corpus-short-memory):
 *  - "arm-context-size-wraps", an Arm processor section whose one context
 *    structure claims 0xfffffff0 bytes: 7.3's cper_print_proc_arm() keeps
 *    the aligned size in an int, 0 for that size, so its check against the
 *    bytes left passes and print_hex_dump() is asked for 0xfffffff0 bytes
 *    from a section of 80 ("arm-context-size-negative", 0x7ffffff8 bytes,
 *    does the same with a negative int): 7.3 prints some 200 KiB past the
 *    record, then oopses in hex_dump_to_buffer(), in irq_work, and
 *    panics. The record is printed, and this happens, only when
 *    ghes_print_estatus()'s rate limit (two records in five seconds) lets
 *    it through: alone, the case waits it out first (.printed);
 *  - "memory-pa-mask-zero", CPER_MEM_VALID_PA_MASK with a mask of 0:
 *    7.3's ghes_edac makes a grain of 0 of it, and
 *    edac_raw_mc_handle_error() WARNs ("Sanity-check driver-supplied
 *    grain");
 *  - "memory-section-16-bytes": 7.3's ghes_do_proc() hands the section to
 *    memory_failure() and ghes_edac without checking its length, so the
 *    physical address is read from past the section, from what the
 *    kernel's copy held before (page 0 on the SEA source, in the rig's
 *    runs), and that page goes through memory_failure(). This program
 *    fails the case when any "Memory failure:" line comes with it.
 */
static const struct bad cases[] = {
	{ "status-zero",		.p = { { EST_STATUS, 4, 0 } } },
	{ "status-no-entries",		.p = { { EST_STATUS, 4, 1 } } },
	{ "status-1023-entries",	.p = { { EST_STATUS, 4, 1 | 1023 << 4 } } },
	{ "status-multiple-ue-only",	.p = { { EST_STATUS, 4, 1 << 2 | 1 << 4 } } },
	{ "status-reserved-bits",	.p = { { EST_STATUS, 4, 0xffffc000u | 1 | 1 << 4 } } },
	{ "raw-overlaps-header",	.p = { { EST_RAW_OFF, 4, 8 }, { EST_RAW_LEN, 4, 16 } } },
	{ "raw-past-block",		.p = { { EST_RAW_OFF, 4, 1000 }, { EST_RAW_LEN, 4, 100 } } },
	{ "raw-wraps",			.p = { { EST_RAW_OFF, 4, 0xffffffff }, { EST_RAW_LEN, 4, 0xffffffff } } },
	{ "raw-length-no-offset",	.p = { { EST_RAW_LEN, 4, 64 } } },
	{ "data-length-0",		.p = { { EST_DATA_LEN, 4, 0 } } },
	{ "data-length-1",		.p = { { EST_DATA_LEN, 4, 1 } } },
	{ "data-length-63",		.p = { { EST_DATA_LEN, 4, 63 } } },
	{ "data-length-64",		.p = { { EST_DATA_LEN, 4, 64 } } },
	{ "data-length-143",		.p = { { EST_DATA_LEN, 4, 143 } } },
	{ "data-length-145",		.p = { { EST_DATA_LEN, 4, 145 } } },
	{ "data-length-to-block-end",	.p = { { EST_DATA_LEN, 4, BLK_MAX - ESTATUS_HDR_LEN } } },
	{ "data-length-past-block",	.p = { { EST_DATA_LEN, 4, BLK_MAX - ESTATUS_HDR_LEN + 1 } } },
	{ "data-length-2g",		.p = { { EST_DATA_LEN, 4, 0x80000000u } } },
	{ "data-length-max",		.p = { { EST_DATA_LEN, 4, 0xffffffffu } } },
	{ "severity-info",		.p = { { EST_SEV, 4, 3 } } },
	{ "section-length-0",		.p = { { GD_LEN, 4, 0 } } },
	{ "section-length-79",		.p = { { GD_LEN, 4, 79 } } },
	{ "section-length-81",		.p = { { GD_LEN, 4, 81 } } },
	{ "section-length-past-block",	.p = { { GD_LEN, 4, BLK_MAX } } },
	{ "section-length-wraps",	.p = { { GD_LEN, 4, 0xffffffc0u } } },
	{ "section-length-max",		.p = { { GD_LEN, 4, 0xffffffffu } } },
	{ "section-revision-0x300",	.p = { { GD_REV, 2, 0x300 } } },
	{ "section-rev-0x300-fits",	.p = { { GD_REV, 2, 0x300 }, { EST_DATA_LEN, 4, 72 + MEM_ERR_LEN } } },
	{ "section-revision-0xffff",	.p = { { GD_REV, 2, 0xffff } } },
	{ "section-guid-unknown",	.p = { { GD, 4, 0xdeadbeef } } },
	{ "section-guid-zero",		.p = { { GD, 8, 0 }, { GD + 8, 8, 0 } } },
	{ "section-severity-4",		.p = { { GD_SEV, 4, 4 } } },
	{ "section-severity-max",	.p = { { GD_SEV, 4, 0xffffffffu } } },
	{ "section-flags-all",		.p = { { GD_FLAGS, 1, 0xff } } },
	{ "section-fru-text-no-nul",	.build = b_fru_text },
	{ "memory-no-valid-bits",	.p = { { MEM_VALID, 8, 0 } } },
	{ "memory-all-valid-bits",	.build = b_mem_all_valid },
	{ "memory-pa-zero",		.p = { { MEM_PA, 8, 0 } } },
	{ "memory-pa-max",		.p = { { MEM_PA, 8, ~0ULL } } },
	{ "memory-pa-unassigned",	.p = { { MEM_PA, 8, UNASSIGNED_PA } } },
	{ "memory-pa-firmware-dimm",	.p = { { MEM_PA, 8, 0xC0010000ULL } } },
	{ "memory-pa-mask-zero",	.p = { { MEM_VALID, 8, 1 << 1 | 1 << 2 } } },
	{ "memory-section-16-bytes",	.build = b_mem_16, .no_address = 1 },
	{ "two-sections-second-long",	.build = b_two_second_short },
	{ "two-sections-header-cut",	.build = b_two_second_header_cut },
	{ "fifteen-empty-sections",	.build = b_many_empty },
	{ "one-section-fills-block",	.build = b_fill_block },
	{ "arm-valid",			.build = b_arm_ok },
	{ "arm-255-error-infos",	.build = b_arm_err_255 },
	{ "arm-0-error-infos",		.build = b_arm_err_0 },
	{ "arm-error-info-length-0",	.build = b_arm_err_len_0 },
	{ "arm-error-info-length-255",	.build = b_arm_err_len_255 },
	{ "arm-section-length-0",	.build = b_arm_seclen_0 },
	{ "arm-section-length-max",	.build = b_arm_seclen_huge },
	{ "arm-section-8-bytes",	.build = b_arm_short },
	{ "arm-context-size-wraps",	.build = b_arm_ctx_wraps, .printed = 1 },
	{ "arm-context-size-negative",	.build = b_arm_ctx_negative, .printed = 1 },
	{ "pcie-section-8-bytes",	.build = b_pcie_short },
	{ "pcie-all-ones",		.build = b_pcie_all_ones },
	{ "generic-proc-4-bytes",	.build = b_generic_short },
	{ "generic-proc-all-ones",	.build = b_generic_all_ones },
};
#define NR_CASES (int)(sizeof(cases) / sizeof(cases[0]))

/* ---- a source ------------------------------------------------------ */

struct src {
	struct ghes_src *g;
	const char *how;
	volatile void *esa, *blk, *ack;
	uint64_t blk_pa;
	uint64_t iss;		/* SEI: the syndrome of the next SError */
};

static void src_setup(struct src *s, struct ghes_src *g, const char *how)
{
	s->g = g;
	s->how = how;
	s->esa = devmem_map(g->esa, 8);
	s->blk_pa = rd64(s->esa);
	s->blk = devmem_map(s->blk_pa, BLK_MAX + 4096);
	s->ack = devmem_map(g->ack, 8);
}

/* Firmware writes @r's bytes at @blk (bytes: @blk may be misaligned),
 * block_status last. */
static void post_bytes(struct src *s, volatile uint8_t *blk, const struct rec *r)
{
	size_t i;

	wr64(s->ack, 0);
	for (i = 4; i < BLK_MAX; i++)
		blk[i] = i < r->len ? r->b[i] : 0;
	mb();
	for (i = 0; i < 4; i++)
		blk[i] = r->b[i];
	mb();
}

/*
 * An SError for an SEI source, raised by the rig-only injector at EL2 and
 * taken at EL1 in this write(). A bad case is notified with a corrected
 * (CE) syndrome, which the kernel survives whether or not a record is
 * claimed; a good record with an IMPLEMENTATION DEFINED one, which it
 * survives only when the record is claimed: the panic is the verdict.
 */
static void serror(struct src *s)
{
	proc_cmd("/proc/rig_serror", "el1 %llx", (unsigned long long)s->iss);
}

/* Raise @s's notification on this CPU (CPU0); nothing when polled. */
static void raise_notification(struct src *s)
{
	if (s->g->notify == NOTIFY_SEA)
		sea();
	else if (s->g->notify == NOTIFY_SEI)
		serror(s);
	else if (s->g->notify == NOTIFY_NMI)
		hold_cmd("nmi 0");	/* an NMI IPI from the rig-only hook */
}

/* Notify @s; wait for the kernel to clear the block (up to @ms when
 * polled). Returns whether it did. */
static int notify(struct src *s, volatile void *blk, int ms)
{
	int waited = 0;

	/*
	 * An SEA that finds its block moved while no window is free claims
	 * nothing; the record is reported from process context soon after
	 * (the series' known limit): wait for that too.
	 */
	raise_notification(s);
	/* The kernel clears block_status, then writes read-ack: both. */
	while ((rd32(blk) || rd64(s->ack) != s->g->ack_write) && waited < ms) {
		msleep(10);
		waited += 10;
	}
	return !rd32(blk) && rd64(s->ack) == s->g->ack_write;
}

/*
 * What the kernel printed since the last call: line count and the first;
 * in @mf, the first line that says memory_failure() ran, if any; in
 * @unnamed, the first of GHES's own firmware warnings that does not name
 * the source (7.3's do not; patch 18 names it). nctx counts the lines
 * that show an Arm context being printed.
 */
static char mf[160], unnamed[160];
static int nctx;

/* "rig.corpus=NAME" on the command line: that case only, no moves. */
static const char *only;

static int new_lines(char *first, size_t n)
{
	char rec[8192], *msg;
	ssize_t len;
	int lines = 0;

	first[0] = '\0';
	mf[0] = '\0';
	unnamed[0] = '\0';
	for (;;) {
		len = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!lines++) {
			size_t m = strnlen(msg, n - 1);

			memcpy(first, msg, m);
			first[m] = '\0';
		}
		if (strstr(msg, "Context info structure"))
			nctx++;
		if (!mf[0] && strstr(msg, "Memory failure: "))
			snprintf(mf, sizeof(mf), "%s", msg);
		if (!unnamed[0] && (strstr(msg, "[Firmware Warn]: GHES: ") ||
				    strstr(msg, "[Firmware Bug]: GHES: ")) &&
		    !strstr(msg, "source"))
			snprintf(unnamed, sizeof(unnamed), "%s", msg);
	}
	return lines;
}

/* Firmware gives up on a record the kernel left: frees the block. */
static void fw_reclaim(struct src *s, volatile void *blk)
{
	wr32(blk, 0);
	wr64(s->ack, s->g->ack_write);
	mb();
}

#define MAX_GOOD	(3 * (NR_CASES + 4) + 3)	/* per source: each case, and one first */
static uint64_t good_pa[MAX_GOOD];
static int ngood, nleft;

/* A good record through @s: the source still works. */
static void good_record(struct src *s, const char *after)
{
	struct rec r;
	char first[160];

	r.pa = virt_to_phys_self(own_page());
	r.len = cper_mem_record((uint32_t *)r.b, CPER_SEV_RECOVERABLE, r.pa);
	post_bytes(s, s->blk, &r);
	s->iss = ISS_IMPDEF;
	if (!notify(s, s->blk, 3000))
		fail("%s: after %s, a good record was not taken: block_status 0x%x, read-ack 0x%llx",
		     s->how, after, rd32(s->blk), (unsigned long long)rd64(s->ack));
	if (ngood == MAX_GOOD)
		fail("more good records than MAX_GOOD (%d)", MAX_GOOD);
	good_pa[ngood++] = r.pa;
	snprintf(first, sizeof(first), "Memory failure: %#llx: recovery action",
		 (unsigned long long)(r.pa >> 12));
	if (wait_log(first, 0, 5000) < 1)
		fail("%s: after %s, the good record's page was not through memory_failure",
		     s->how, after);
	new_lines(first, sizeof(first));
	progress++;
}

static char now[96];

static void run_case(struct src *s, int i)
{
	const struct bad *c = &cases[i];
	char first[160];
	struct rec r;
	int k, taken, lines;

	memset(&r, 0, sizeof(r));
	r.pa = virt_to_phys_self(own_page());
	r.len = cper_mem_record((uint32_t *)r.b, CPER_SEV_RECOVERABLE, r.pa);
	if (c->build)
		c->build(&r);
	for (k = 0; k < 4 && c->p[k].width; k++)
		put(&r, c->p[k].off, c->p[k].width, c->p[k].val);
	new_lines(first, sizeof(first));
	snprintf(now, sizeof(now), "%s case %s", s->how, c->name);
	doing = now;
	post_bytes(s, s->blk, &r);
	s->iss = ISS_CE;
	taken = notify(s, s->blk, 1000);
	progress++;
	if (c->no_address)
		msleep(300);	/* memory_failure() runs from a work item */
	lines = new_lines(first, sizeof(first));
	info("%s %-28s %s; kernel: %d line(s)%s%.110s", s->how, c->name,
	     taken ? "taken" : "left", lines, lines ? ": " : "", first);
	if (c->no_address && mf[0])
		fail("%s case %s: a section too short to hold an address went through memory_failure(): %s",
		     s->how, c->name, mf);
	/* Alone, a case is judged by what it is run alone for. */
	if (unnamed[0] && !only)
		fail("%s case %s: a warning that does not name the source: %s",
		     s->how, c->name, unnamed);
	if (!taken) {
		nleft++;
		fw_reclaim(s, s->blk);
	}
	good_record(s, c->name);
}

/* The error status address register moved: to @pa, holding @r if given. */
static void run_esa_case(struct src *s, const char *name, uint64_t pa, volatile uint8_t *at)
{
	struct rec r;
	char first[160];
	int taken = 0, lines;

	r.pa = virt_to_phys_self(own_page());
	r.len = cper_mem_record((uint32_t *)r.b, CPER_SEV_RECOVERABLE, r.pa);
	new_lines(first, sizeof(first));
	snprintf(now, sizeof(now), "%s case %s", s->how, name);
	doing = now;
	if (at)
		post_bytes(s, at, &r);
	wr64(s->esa, pa);
	mb();
	s->iss = ISS_CE;
	raise_notification(s);
	if (s->g->notify != NOTIFY_SEA)
		msleep(300);
	if (at)
		taken = !at[0] && !at[1];
	lines = new_lines(first, sizeof(first));
	wr64(s->esa, s->blk_pa);
	mb();
	if (at)
		for (int i = 0; i < 4; i++)
			at[i] = 0;
	wr64(s->ack, s->g->ack_write);
	info("%s %-28s %s; kernel: %d line(s)%s%.110s", s->how, name,
	     at ? (taken ? "taken" : "left") : "-", lines, lines ? ": " : "", first);
	if (unnamed[0])
		fail("%s case %s: a warning that does not name the source: %s",
		     s->how, name, unnamed);
	good_record(s, name);
}

static int nrun;

static void run_source(struct src *s)
{
	volatile uint8_t *ram;
	int i;

	for (i = 0; i < NR_CASES; i++)
		if (!only || !strcmp(only, cases[i].name)) {
			run_case(s, i);
			nrun++;
		}
	if (only)
		return;
	run_esa_case(s, "address-zero", 0, NULL);
	ram = own_page();
	run_esa_case(s, "address-own-ram", virt_to_phys_self((void *)ram), ram);
	run_esa_case(s, "address-misaligned", s->blk_pa + 1, (volatile uint8_t *)s->blk + 1);
	run_esa_case(s, "address-page-end", (s->blk_pa | 0xfff) - 63,
		     (volatile uint8_t *)s->blk + ((s->blk_pa | 0xfff) - 63 - s->blk_pa));
}

int main(void)
{
	struct src first, poll_src, sei_src;
	struct ghes_src *g;
	char pat[64], *log;
	int i, n;

	rig_name = "ghes_corpus";
	watchdog_start();	/* this thread on CPU0 */
	hest_load();
	g = ghes_find(IS_X86 ? NOTIFY_NMI : NOTIFY_SEA, 0);
	if (!g)
		fail("no %s source in the HEST", IS_X86 ? "NMI" : "SEA");
	src_setup(&first, g, IS_X86 ? "NMI   " : "SEA   ");
	for (g = NULL, i = 0; i < nr_ghes_srcs; i++)
		if (ghes_srcs[i].notify == NOTIFY_POLLED && ghes_srcs[i].type == HEST_TYPE_GHES_V2)
			g = &ghes_srcs[i];
	if (!g)
		fail("no polled GHESv2 source in the HEST");
	src_setup(&poll_src, g, "polled");
	if (!IS_X86) {
		g = ghes_find(NOTIFY_SEI, 0);
		if (!g)
			fail("no SEI source in the HEST");
		src_setup(&sei_src, g, "SEI   ");
		sea_setup();
	}
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0 || lseek(kmsg_fd, 0, SEEK_END) < 0)
		fail("/dev/kmsg: %s", strerror(errno));

	good_record(&first, "nothing");
	good_record(&poll_src, "nothing");
	only = cmdline_find("rig.corpus");
	/*
	 * Alone, a case that only matters when printed waits out
	 * ghes_print_estatus()'s rate limit (two records in five seconds),
	 * which the two good records above spent.
	 */
	for (i = 0; only && i < NR_CASES; i++)
		if (!strcmp(only, cases[i].name) && cases[i].printed)
			msleep(5500);
	run_source(&first);
	run_source(&poll_src);
	/* Last: 7.3, which has no SEI, panics at the first good record. */
	if (!IS_X86) {
		good_record(&sei_src, "nothing");
		run_source(&sei_src);
	}
	if (only && !nrun)
		fail("rig.corpus=%s: no such case", only);
	for (i = 0; only && i < NR_CASES; i++)
		if (!strcmp(only, cases[i].name) && cases[i].printed && !nctx)
			fail("%s: the kernel printed no Arm context: the case proved nothing",
			     only);

	/*
	 * Wait for the last good record's report and then for a quiet log,
	 * then count every good record's reports in one read of it: reading
	 * the whole log for each of 198 records took 45 s.
	 */
	doing = "counting the good records";
	if (ngood)
		mf_reports(good_pa[ngood - 1], 5000);
	log = kmsg_read();
	for (i = 0; i < ngood; i++) {
		snprintf(pat, sizeof(pat), "Memory failure: %#llx: recovery action",
			 (unsigned long long)(good_pa[i] >> 12));
		n = count_substr(log, pat);
		if (n != 1)
			fail("good record %d: pfn %#llx went through memory_failure %d times, want 1",
			     i, (unsigned long long)(good_pa[i] >> 12), n);
	}
	free(log);
	info("%d bad cases on each of %d sources (%d left in the block for firmware to reclaim);"
	     " %d good records, each reported once", only ? 1 : NR_CASES + 4, IS_X86 ? 2 : 3,
	     nleft, ngood);
	pass();
	return 0;
}
