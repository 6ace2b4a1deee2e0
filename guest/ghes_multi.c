// SPDX-License-Identifier: GPL-2.0
/*
 * Many error sources: the rig's own HEST (tests/hest/mkhest.py) declares
 * 64 GHESv2 sources notified by SEA, one polled GHESv2 and one polled
 * GHES v1, with their registers and blocks in a cold-plugged DIMM.
 *
 * Acting as firmware, this program writes a recoverable memory error
 * record, each for a different page of its own, into:
 *   1. every SEA source in turn, each followed by a real SEA;
 *   2. eight SEA sources at once, followed by one SEA;
 *   3. the polled GHESv2 source, then the polled GHES v1 source (the
 *      kernel's poll timer finds them).
 * After each step the blocks must be cleared and, for GHESv2, the read-ack
 * register written. At the end every page must have gone through
 * memory_failure exactly once: its "recovery action" line for the pfn
 * appears once (a second report of a page would add a second one, for an
 * "already poisoned page").
 *
 * Real: the HEST (installed from the initrd by ACPI table upgrade), the
 * SEA (a load from an unassigned address), the kernel's poll timer and
 * everything the kernel does. Simulated: firmware's writes.
 */
#include <time.h>
#define RIG_SEA
#include "rig.h"

#define NR_SEA		64
#define NR_AT_ONCE	8


struct inj {
	struct ghes_src *g;
	volatile void *blk, *ack;
	void *page;
	uint64_t pa;
};

static struct inj inj[NR_SEA + 2];
static int ninj;

static void setup(struct inj *in, struct ghes_src *g)
{
	in->g = g;
	in->blk = ghes_block_map(g, g->block_len);
	in->ack = g->ack ? devmem_map(g->ack, 8) : NULL;
	in->page = own_page();
	in->pa = virt_to_phys_self(in->page);
	if (rd32(in->blk))
		fail("source %d: block busy before injection", g->source_id);
}

static void inject(struct inj *in)
{
	uint32_t rec[MEM_RECORD_LEN / 4];

	cper_mem_record(rec, CPER_SEV_RECOVERABLE, in->pa);
	fw_post_record(in->blk, in->ack, rec, MEM_RECORD_LEN);
}

static void check_done(struct inj *in, const char *step)
{
	if (rd32(in->blk))
		fail("%s: source %d: block_status 0x%x, not cleared", step,
		     in->g->source_id, rd32(in->blk));
	if (in->ack && rd64(in->ack) != in->g->ack_write)
		fail("%s: source %d: read-ack register 0x%llx, want 0x%llx", step,
		     in->g->source_id, (unsigned long long)rd64(in->ack),
		     (unsigned long long)in->g->ack_write);
}

/* The last polled source of a HEST source type. */
static struct ghes_src *polled(int type, const char *name)
{
	struct ghes_src *g = NULL;
	int i;

	for (i = 0; i < nr_ghes_srcs; i++)
		if (ghes_srcs[i].notify == NOTIFY_POLLED && ghes_srcs[i].type == type)
			g = &ghes_srcs[i];
	if (!g)
		fail("no polled %s source", name);
	return g;
}

static void wait_polled(struct inj *in)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	/* the kernel clears block_status first, then acknowledges */
	for (i = 0; i < 500 && (rd32(in->blk) ||
				(in->ack && rd64(in->ack) != in->g->ack_write)); i++)
		nanosleep(&ts, NULL);
}

int main(void)
{
	static const int at_once[NR_AT_ONCE] = { 3, 11, 17, 29, 36, 42, 55, 63 };
	struct inj more[NR_AT_ONCE];
	struct ghes_src *g;
	char *log;
	int i, n;

	rig_name = "ghes_multi";
	hest_load();
	info("%d GHES sources in the HEST", nr_ghes_srcs);
	for (i = 0; i < NR_SEA; i++) {
		g = ghes_find(NOTIFY_SEA, i);
		if (!g)
			fail("only %d SEA sources, want %d", i, NR_SEA);
		setup(&inj[ninj++], g);
	}
	setup(&inj[ninj++], polled(HEST_TYPE_GHES_V2, "GHESv2"));
	setup(&inj[ninj++], polled(HEST_TYPE_GHES, "GHES v1"));

	sea_setup();

	/* 1. every SEA source in turn */
	for (i = 0; i < NR_SEA; i++) {
		inject(&inj[i]);
		sea();
		check_done(&inj[i], "one at a time");
	}
	info("one at a time: %d SEA sources reported and acked", NR_SEA);

	/* 2. several SEA sources at once, one SEA */
	for (i = 0; i < NR_AT_ONCE; i++) {
		setup(&more[i], inj[at_once[i]].g);
		inject(&more[i]);
	}
	sea();
	for (i = 0; i < NR_AT_ONCE; i++)
		check_done(&more[i], "at once");
	info("at once: %d SEA sources reported and acked after one SEA", NR_AT_ONCE);

	/* 3. polled sources */
	for (i = NR_SEA; i < ninj; i++) {
		inject(&inj[i]);
		wait_polled(&inj[i]);
		check_done(&inj[i], "polled");
	}
	info("polled: GHESv2 and GHES v1 reported%s", "");

	/* Every page through memory_failure exactly once. */
	for (i = 0; i < ninj + NR_AT_ONCE; i++) {
		uint64_t pa = i < ninj ? inj[i].pa : more[i - ninj].pa;
		int sid = i < ninj ? inj[i].g->source_id : more[i - ninj].g->source_id;

		n = mf_reports(pa, 5000);
		if (n != 1)
			fail("source %d: pfn %#llx went through memory_failure %d times, want 1",
			     sid, (unsigned long long)(pa >> 12), n);
	}
	log = kmsg_read();
	n = count_substr(log, "Failed to read error status block");
	if (n)
		fail("kernel could not read %d error status block(s)", n);
	info("%d records, each reported once (%d SIGBUS seen)", ninj + NR_AT_ONCE, nsigbus);
	pass();
	return 0;
}
