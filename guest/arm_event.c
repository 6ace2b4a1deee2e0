// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * arm_event: what the ras:arm_event trace event (the one rasdaemon reads)
 * is handed for an ARM processor error section (patch 3).
 *
 * Source (tests/hest/mkhest.py --sea 1): GHESv2 0, notified by SEA. The
 * program enables ras:arm_event in tracefs, then, acting as firmware,
 * writes one record per case below into the source's block and takes a
 * real SEA (a load from an unassigned address). It reads the event the
 * kernel traced and compares the three lengths it carries, those of the
 * error information structures, of the context information structures
 * and of the vendor specific data, with what the section holds.
 *
 *  - two-contexts: one error information structure (32 bytes), two
 *    contexts (AArch32 and AArch64 general registers: 8 + 56 and 8 + 248
 *    bytes, each a multiple of 16, so that the alignment the kernel's CPER
 *    printer assumes plays no part) and 16 bytes of vendor data (0xee).
 *    Want 32, 320, 16, and the vendor data traced as 0xee bytes. 7.3's
 *    walk counts only the contexts' headers: 32, 16, 320.
 *  - context-past-section: a context header that ends where the section
 *    ends, claiming 0x7ffffff8 bytes. Want 32, 0, 0 and a [Firmware Bug]
 *    line. 7.3 makes the context length 0x80000000: the event is too big
 *    for the trace buffer, and nothing is traced.
 *  - section-longer-than-entry: a section_length of 2048 in an entry of
 *    72 bytes. Want 0, 0, 0 and a [Firmware Bug] line. 7.3 traces 1976
 *    bytes of vendor data, from past the record.
 *  - error-infos-past-section: 60 error information structures declared
 *    in a section of 72 bytes. Want 0, 0, 0 and a [Firmware Bug] line.
 *    7.3 traces 1920 bytes of error information, from past the record.
 *  - one-error-info: a plain section, 32, 0, 0 on 7.3 and the series.
 *
 * "rig.arm_event=NAME" runs that case only.
 *
 * Passes when each record is traced exactly once, with those lengths,
 * and the block is cleared after each (the host judges the log for
 * KASAN, UBSAN, lockdep and WARN reports).
 *
 * Real: the HEST, the SEAs, GHES, the RAS trace event and tracefs.
 * Simulated: firmware's writes.
 */
#include <sys/mount.h>
#define RIG_SEA
#include "rig.h"

#define TRACING		"/sys/kernel/tracing"
#define SECTION		(ESTATUS_HDR_LEN + GDATA_HDR_LEN)
#define REC_MAX		1024

struct rec { uint8_t b[REC_MAX]; size_t len; };

static void put(struct rec *r, size_t off, int width, uint64_t v)
{
	memcpy(r->b + off, &v, width);	/* little endian, as CPER is */
}

/*
 * A recoverable record of one ARM processor section: its entry holds
 * @entry bytes, of which the section says @seclen; @nerr error information
 * structures declared and @room written; @nctx contexts.
 */
static void arm_record(struct rec *r, uint32_t entry, uint32_t seclen,
		       int nerr, int room, int nctx)
{
	int i;

	memset(r->b, 0, sizeof(r->b));
	put(r, 0, 4, 1 | 1 << 4);		/* UE valid, one entry */
	put(r, 12, 4, GDATA_HDR_LEN + entry);	/* data_length */
	put(r, 16, 4, CPER_SEV_RECOVERABLE);
	memcpy(r->b + ESTATUS_HDR_LEN, guid_proc_arm, 16);
	put(r, ESTATUS_HDR_LEN + 16, 4, CPER_SEV_RECOVERABLE);
	put(r, ESTATUS_HDR_LEN + 20, 2, 0x0201);	/* revision */
	put(r, ESTATUS_HDR_LEN + 24, 4, entry);		/* error_data_length */

	put(r, SECTION + 0, 4, 0x7);		/* MPIDR, affinity, state valid */
	put(r, SECTION + 4, 2, nerr);
	put(r, SECTION + 6, 2, nctx);
	put(r, SECTION + 8, 4, seclen);
	for (i = 0; i < room; i++) {
		r->b[SECTION + 40 + 32 * i + 1] = 32;		/* length */
		r->b[SECTION + 40 + 32 * i + 4] = 1 << 1;	/* cache error */
	}
	r->len = (SECTION + entry + 3) & ~3UL;
}

/* Context @type with @size bytes of registers at @off in the section. */
static size_t arm_context(struct rec *r, size_t off, int type, uint32_t size)
{
	put(r, SECTION + off + 2, 2, type);
	put(r, SECTION + off + 4, 4, size);
	memset(r->b + SECTION + off + 8, 0x40 + type, size);
	return off + 8 + size;
}

struct arm_case {
	const char *name;
	void (*build)(struct rec *r);
	uint32_t pei, ctx, vendor;	/* the lengths the event must carry */
	int fw_bug;			/* a [Firmware Bug] line must say why */
};

static void b_two_contexts(struct rec *r)
{
	size_t off;

	arm_record(r, 408, 408, 1, 1, 2);
	off = arm_context(r, 72, 0, 56);
	off = arm_context(r, off, 5, 248);
	memset(r->b + SECTION + off, 0xee, 16);
}

static void b_context_past_section(struct rec *r)
{
	arm_record(r, 80, 80, 1, 1, 1);
	put(r, SECTION + 72 + 4, 4, 0x7ffffff8);
}

static void b_section_longer(struct rec *r)
{
	arm_record(r, 72, 2048, 1, 1, 0);
}

static void b_error_infos_past(struct rec *r)
{
	arm_record(r, 72, 72, 60, 1, 0);
}

static void b_one_error_info(struct rec *r)
{
	arm_record(r, 72, 72, 1, 1, 0);
}

static const struct arm_case cases[] = {
	{ "two-contexts", b_two_contexts, 32, 320, 16, 0 },
	{ "context-past-section", b_context_past_section, 32, 0, 0, 1 },
	{ "section-longer-than-entry", b_section_longer, 0, 0, 0, 1 },
	{ "error-infos-past-section", b_error_infos_past, 0, 0, 0, 1 },
	{ "one-error-info", b_one_error_info, 32, 0, 0, 0 },
};

/* What tracefs holds now, in a static buffer. */
static char *trace_read(void)
{
	static char buf[1 << 16];
	ssize_t n, got = 0;
	int fd = open(TRACING "/trace", O_RDONLY);

	if (fd < 0)
		fail("open %s/trace: %s", TRACING, strerror(errno));
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return buf;
}

/* Empty the trace buffer: tracefs clears it on an open with O_TRUNC. */
static void trace_clear(void)
{
	int fd = open(TRACING "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		fail("open %s/trace: %s", TRACING, strerror(errno));
	close(fd);
}

static long field(const char *line, const char *name)
{
	const char *p = strstr(line, name);

	if (!p)
		fail("arm_event without '%s': %.300s", name, line);
	return strtol(p + strlen(name), NULL, 10);
}

int main(void)
{
	volatile void *blk, *ack;
	struct ghes_src *g;
	const char *only;
	struct rec r;
	unsigned int i;
	int nrun = 0;

	rig_name = "arm_event";
	hest_load();
	g = ghes_find(NOTIFY_SEA, 0);
	if (!g)
		fail("no SEA-notified GHES source in HEST");
	if (g->block_len < REC_MAX)
		fail("block of %u bytes, want %d", g->block_len, REC_MAX);
	blk = ghes_block_map(g, REC_MAX);
	ack = devmem_map(g->ack, 8);
	sea_setup();

	if (mount("tracefs", TRACING, "tracefs", 0, NULL) && errno != EBUSY)
		fail("mount tracefs: %s", strerror(errno));
	proc_cmd(TRACING "/events/ras/arm_event/enable", "1");

	only = cmdline_find("rig.arm_event");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct arm_case *c = &cases[i];
		const char *vdata = "Vendor Specific Err Info raw data: ";
		char *t, *line, *end, *v;
		int bugs = count_log("[Firmware Bug]: ARM processor");
		long pei, ctx, vendor;

		if (only && strcmp(only, c->name))
			continue;
		nrun++;
		trace_clear();
		c->build(&r);
		if (rd32(blk))
			fail("%s: the block is busy before the record", c->name);
		fw_post_record(blk, ack, (uint32_t *)r.b, r.len);
		sea();
		if (rd32(blk))
			fail("%s: the block was not cleared (block_status 0x%x)",
			     c->name, rd32(blk));

		t = trace_read();
		for (int waited = 0; !strstr(t, "arm_event:") && waited < 3000;
		     waited += 50) {
			msleep(50);
			t = trace_read();
		}
		line = strstr(t, "arm_event:");
		if (!line)
			fail("%s: no arm_event traced", c->name);
		if (strstr(line + 1, "arm_event:"))
			fail("%s: arm_event traced more than once", c->name);
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		pei = field(line, "ARM Processor Err Info data len: ");
		ctx = field(line, "ARM Processor Err Context Info data len: ");
		vendor = field(line, "Vendor Specific Err Info data len: ");
		info("%s: traced error info %ld, context %ld, vendor %ld bytes",
		     c->name, pei, ctx, vendor);
		if (pei != c->pei || ctx != c->ctx || vendor != c->vendor)
			fail("%s: traced error info %ld, context %ld, vendor %ld bytes; want %u, %u, %u",
			     c->name, pei, ctx, vendor, c->pei, c->ctx, c->vendor);
		if (c->vendor) {
			v = strstr(line, vdata);
			if (!v || strncmp(v + strlen(vdata), "ee ee ee ee", 11))
				fail("%s: the vendor data traced is not the section's: %.80s",
				     c->name, v ? v : "(none)");
		}
		if (c->fw_bug && count_log("[Firmware Bug]: ARM processor") <= bugs)
			fail("%s: no [Firmware Bug] line says what is wrong", c->name);
	}
	if (!nrun)
		fail("rig.arm_event=%s: no such case", only);
	pass();
	return 0;
}
