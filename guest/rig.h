/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-side helpers for the rig's test programs: HEST parsing, /dev/mem
 * access to firmware registers and error status blocks, CPER record
 * building and kernel-log checks. The test programs play the firmware's
 * part: they write the record and the registers that firmware would write.
 */
#ifndef RIG_H
#define RIG_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#ifdef __x86_64__
#define IS_X86 1
#else
#define IS_X86 0
#endif

static const char *rig_name = "?";

static inline void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	printf("RIG-FAIL: %s: ", rig_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static inline void __attribute__((format(printf, 1, 2))) info(const char *fmt, ...)
{
	va_list ap;

	printf("RIG-INFO: %s: ", rig_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline void pass(void)
{
	printf("RIG-PASS: %s\n", rig_name);
	fflush(stdout);
}

/* One check on its own line: "RIG-OK: name: ..." if @cond, else the test fails. */
#define check(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail(__VA_ARGS__);				\
		printf("RIG-OK: %s: ", rig_name);			\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fflush(stdout);						\
	} while (0)

/* ---- /dev/mem ----------------------------------------------------- */

/*
 * Map physical memory. pread/pwrite on /dev/mem fail with EFAULT for the
 * non-RAM regions firmware tables point at on arm64, mmap works. The
 * mapping is Device memory: use only the aligned accessors below, never
 * memcpy/memset (they may use unaligned accesses or DC ZVA).
 */
static inline volatile void *devmem_map(uint64_t pa, size_t len)
{
	static int fd = -1;
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t base = pa & ~(uint64_t)(psz - 1);
	size_t maplen = (pa - base + len + psz - 1) & ~(size_t)(psz - 1);
	void *p;

	/*
	 * arm64 maps non-RAM as Device memory either way. x86's PAT refuses
	 * an uncached (O_SYNC) mapping of a range the kernel already maps
	 * write-back, as APEI does its registers: map it write-back too.
	 */
	if (fd < 0)
		fd = open("/dev/mem", O_RDWR | (IS_X86 ? 0 : O_SYNC));
	if (fd < 0)
		fail("open /dev/mem: %s", strerror(errno));
	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, base);
	if (p == MAP_FAILED)
		fail("mmap /dev/mem at 0x%llx+0x%zx: %s",
		     (unsigned long long)pa, len, strerror(errno));
	return (volatile char *)p + (pa - base);
}

static inline uint64_t rd64(volatile void *p)
{
	return *(volatile uint64_t *)p;
}

static inline uint32_t rd32(volatile void *p)
{
	return *(volatile uint32_t *)p;
}

static inline void wr64(volatile void *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

static inline void wr32(volatile void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

static inline void mb(void)
{
	__sync_synchronize();
}

/* Copy a buffer into device memory, 32 bits at a time (len % 4 == 0). */
static inline void devmem_write(volatile void *dst, const void *src, size_t len)
{
	const uint32_t *s = src;
	volatile uint32_t *d = dst;
	size_t i;

	for (i = 0; i < len / 4; i++)
		d[i] = s[i];
}

/*
 * Firmware's part of posting a record: mark it outstanding in the read-ack
 * register (GHESv2; @ack may be NULL), write the record, block_status last.
 */
static inline void fw_post_record(volatile void *blk, volatile void *ack,
				  const uint32_t *rec, size_t len)
{
	if (ack)
		wr64(ack, 0);
	devmem_write((volatile char *)blk + 4, rec + 1, len - 4);
	mb();
	wr32(blk, rec[0]);
	mb();
}

#ifdef _GNU_SOURCE
#include <sched.h>

/* Run the calling thread on @cpu only. */
static inline void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("cannot pin to CPU%d", cpu);
}
#endif

/* ---- HEST --------------------------------------------------------- */

#define HEST_TYPE_GHES		9
#define HEST_TYPE_GHES_V2	10
#define NOTIFY_POLLED		0
#define NOTIFY_EXTERNAL		1
#define NOTIFY_SCI		3
#define NOTIFY_NMI		4
#define NOTIFY_SEA		8
#define NOTIFY_SEI		9
#define NOTIFY_GSIV		10
#define NOTIFY_SDEI		11

struct ghes_src {
	int type;		/* 9 or 10 */
	int source_id;
	int enabled;
	int notify;
	uint32_t vector;	/* an SDEI source's event number */
	uint32_t block_len;
	uint64_t esa;		/* error status address register */
	uint64_t ack;		/* read ack register (v2), else 0 */
	uint64_t ack_preserve, ack_write;
	int ack_space, ack_bits, ack_access;	/* the rest of its GAR */
};

#define MAX_SRC 1024
static struct ghes_src ghes_srcs[MAX_SRC];
static int nr_ghes_srcs;

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* Read /sys/firmware/acpi/tables/HEST and collect its GHES sources. */
static inline void hest_load(void)
{
	static uint8_t t[1 << 20];
	uint32_t len, off, count, i;
	ssize_t n;
	int fd;

	fd = open("/sys/firmware/acpi/tables/HEST", O_RDONLY);
	if (fd < 0)
		fail("no HEST table: %s", strerror(errno));
	n = 0;
	for (;;) {	/* sysfs hands out at most a page per read */
		ssize_t r = read(fd, t + n, sizeof(t) - n);

		if (r < 0)
			fail("read HEST: %s", strerror(errno));
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	if (n < 40)
		fail("HEST too short (%zd bytes)", n);
	len = get32(t + 4);
	if (len != (uint32_t)n)
		fail("HEST length %u but read %zd bytes", len, n);
	count = get32(t + 36);
	off = 40;
	for (i = 0; i < count; i++) {
		uint16_t type = get16(t + off);
		uint32_t sublen;

		switch (type) {
		case 2: sublen = 20; break;	/* IA-32 NMI */
		case 6: sublen = 48; break;	/* AER root port */
		case 7: sublen = 44; break;	/* AER endpoint */
		case 8: sublen = 56; break;	/* AER bridge */
		case HEST_TYPE_GHES: sublen = 64; break;
		case HEST_TYPE_GHES_V2: sublen = 92; break;
		default:
			fail("HEST subtable %u has type %u, which this parser does not know", i, type);
		}
		if (off + sublen > len)
			fail("HEST subtable %u overruns the table", i);
		if (type == HEST_TYPE_GHES || type == HEST_TYPE_GHES_V2) {
			struct ghes_src *g = &ghes_srcs[nr_ghes_srcs++];

			if (nr_ghes_srcs > MAX_SRC)
				fail("more than %d GHES sources", MAX_SRC);
			memset(g, 0, sizeof(*g));
			g->type = type;
			g->source_id = get16(t + off + 2);
			g->enabled = t[off + 7];
			g->esa = get64(t + off + 24);
			g->notify = t[off + 32];
			g->vector = get32(t + off + 40);
			g->block_len = get32(t + off + 60);
			if (type == HEST_TYPE_GHES_V2) {
				g->ack_space = t[off + 64];
				g->ack_bits = t[off + 65];
				g->ack_access = t[off + 67];
				g->ack = get64(t + off + 68);
				g->ack_preserve = get64(t + off + 76);
				g->ack_write = get64(t + off + 84);
			}
		}
		off += sublen;
	}
}

static inline struct ghes_src *ghes_find(int notify, int nth)
{
	int i;

	for (i = 0; i < nr_ghes_srcs; i++)
		if (ghes_srcs[i].notify == notify && nth-- == 0)
			return &ghes_srcs[i];
	return NULL;
}

/* Source @g's error status block, @len bytes of it, where its error
 * status address register points now (firmware may move it). */
static inline volatile void *ghes_block_map(const struct ghes_src *g, size_t len)
{
	return devmem_map(rd64(devmem_map(g->esa, 8)), len);
}

/* ---- the kernel command line ---------------------------------------- */

/* The value of "@key=" on the kernel command line, or NULL. */
static inline const char *cmdline_find(const char *key)
{
	static char cmdline[4096];
	char *r, *last;
	FILE *f;
	size_t n;

	f = fopen("/proc/cmdline", "r");
	if (!f)
		fail("/proc/cmdline: %s", strerror(errno));
	n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
	cmdline[n] = '\0';
	fclose(f);
	/* The last one given counts, as for the kernel's own parameters. */
	for (last = NULL, r = strstr(cmdline, key); r; r = strstr(r + 1, key))
		if ((r == cmdline || r[-1] == ' ') && r[strlen(key)] == '=')
			last = r;
	if (!last)
		return NULL;
	r = last + strlen(key) + 1;
	r[strcspn(r, " \n")] = '\0';
	return r;
}

/* The value of "@key=" on the kernel command line; the test fails without it. */
static inline const char *cmdline_opt(const char *key)
{
	const char *v = cmdline_find(key);

	if (!v)
		fail("no %s= on the command line", key);
	return v;
}

/* ---- physical addresses of our own pages --------------------------- */

static inline uint64_t virt_to_phys_self(void *va)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		fail("open pagemap: %s", strerror(errno));
	if (pread(fd, &ent, 8, ((uintptr_t)va / psz) * 8) != 8)
		fail("read pagemap: %s", strerror(errno));
	close(fd);
	if (!(ent & (1ULL << 63)) || !(ent & ((1ULL << 55) - 1)))
		fail("page %p not present or PFN hidden (pagemap 0x%llx)", va,
		     (unsigned long long)ent);
	return (ent & ((1ULL << 55) - 1)) * psz + ((uintptr_t)va % psz);
}

/* A locked, touched anonymous page of our own. */
static inline void *own_page(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap anon: %s", strerror(errno));
	memset(p, 0x5a, psz);
	mlock(p, psz);
	return p;
}

/* ---- CPER --------------------------------------------------------- */

#define CPER_SEV_RECOVERABLE	0
#define CPER_SEV_FATAL		1
#define CPER_SEV_CORRECTED	2

#define ESTATUS_HDR_LEN		20
#define GDATA_HDR_LEN		64	/* revision < 0x300 */
#define MEM_ERR_LEN		80
#define MEM_RECORD_LEN		(ESTATUS_HDR_LEN + GDATA_HDR_LEN + MEM_ERR_LEN)

/* CPER_SEC_PLATFORM_MEM, A5BC1114-6F64-4EDE-B863-3E83ED7C83B1 */
static const uint8_t guid_platform_mem[16] = {
	0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e,
	0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1,
};

/* CPER_SEC_PROC_ARM, E19E3D16-BC11-11E4-9CAA-C2051D5D46B0 */
static const uint8_t guid_proc_arm[16] = {
	0x16, 0x3d, 0x9e, 0xe1, 0x11, 0xbc, 0xe4, 0x11,
	0x9c, 0xaa, 0xc2, 0x05, 0x1d, 0x5d, 0x46, 0xb0,
};

/*
 * Build a generic error status block holding one memory error section
 * for physical address @pa with CPER severity @sev. Returns its length.
 * The layout is the one ACPI 6.x section 18.3.2.7 gives.
 */
static inline size_t cper_mem_record(uint32_t *buf32, int sev, uint64_t pa)
{
	uint8_t *b = (uint8_t *)buf32;
	uint8_t *g = b + ESTATUS_HDR_LEN;
	uint8_t *m = g + GDATA_HDR_LEN;
	uint32_t v32;
	uint64_t v64;
	uint16_t v16;

	memset(b, 0, MEM_RECORD_LEN);
	/* block_status: UE or CE valid, one data entry (bits 4..13) */
	v32 = (sev == CPER_SEV_CORRECTED ? 1u << 1 : 1u << 0) | (1u << 4);
	memcpy(b + 0, &v32, 4);
	v32 = GDATA_HDR_LEN + MEM_ERR_LEN;		/* data_length */
	memcpy(b + 12, &v32, 4);
	v32 = sev;					/* error_severity */
	memcpy(b + 16, &v32, 4);

	memcpy(g, guid_platform_mem, 16);		/* section_type */
	v32 = sev;
	memcpy(g + 16, &v32, 4);			/* error_severity */
	v16 = 0x0201;
	memcpy(g + 20, &v16, 2);			/* revision */
	v32 = MEM_ERR_LEN;
	memcpy(g + 24, &v32, 4);			/* error_data_length */

	v64 = 1u << 1;					/* CPER_MEM_VALID_PA */
	memcpy(m + 0, &v64, 8);
	memcpy(m + 16, &pa, 8);				/* physical_addr */
	return MEM_RECORD_LEN;
}

/* Firmware posts a recoverable memory error for @pa into a block. */
static inline void fw_post_mem_error(volatile void *blk, volatile void *ack, uint64_t pa)
{
	uint32_t rec[MEM_RECORD_LEN / 4];

	cper_mem_record(rec, CPER_SEV_RECOVERABLE, pa);
	fw_post_record(blk, ack, rec, MEM_RECORD_LEN);
}

/*
 * A recoverable record with one section of a type nobody handles, @tag in
 * its payload so that no two are alike. On a synchronous notification the
 * kernel reports it and sends SIGBUS ("synchronous unrecoverable error").
 */
static inline size_t cper_vendor_record(uint32_t *buf32, uint32_t tag)
{
	uint8_t *b = (uint8_t *)buf32, *g = b + ESTATUS_HDR_LEN;
	uint32_t v32;
	uint16_t v16;
	const size_t payload = 16;

	memset(b, 0, ESTATUS_HDR_LEN + GDATA_HDR_LEN + payload);
	v32 = 1u | (1u << 4);
	memcpy(b, &v32, 4);
	v32 = GDATA_HDR_LEN + payload;
	memcpy(b + 12, &v32, 4);
	v32 = CPER_SEV_RECOVERABLE;
	memcpy(b + 16, &v32, 4);
	memset(g, 0xa5, 16);			/* section type: unknown */
	memcpy(g + 16, &v32, 4);
	v16 = 0x0201;
	memcpy(g + 20, &v16, 2);
	v32 = payload;
	memcpy(g + 24, &v32, 4);
	memcpy(g + GDATA_HDR_LEN, &tag, 4);	/* each record differs */
	return ESTATUS_HDR_LEN + GDATA_HDR_LEN + payload;
}

/* ---- kernel log --------------------------------------------------- */

/* Read what the kernel log holds now into a malloc'ed string. */
static inline char *kmsg_read(void)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap), rec[8192];
	ssize_t n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0 || !buf)
		fail("open /dev/kmsg: %s", strerror(errno));
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten record; go on */
		if (n <= 0)
			break;
		if (len + n + 1 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				fail("out of memory");
		}
		memcpy(buf + len, rec, n);
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static inline int count_substr(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static inline void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000L * 1000 };

	nanosleep(&ts, NULL);
}

static inline int count_log(const char *pat)
{
	char *log = kmsg_read();
	int n = count_substr(log, pat);

	free(log);
	return n;
}

/* Wait up to @ms for the kernel log to hold more than @before @pat lines. */
static inline int wait_log(const char *pat, int before, int ms)
{
	int n, waited;

	for (waited = 0; (n = count_log(pat)) <= before && waited < ms; waited += 10)
		msleep(10);
	return n;
}

/*
 * How many times memory_failure() finished a report for the page holding
 * @pa ("recovery action" ends each one).  A record that was not taken
 * through an SEA reaches memory_failure() from a workqueue, after the
 * kernel has cleared the block: wait up to @wait_ms for the first report,
 * then until no memory_failure() report has come for 500 ms (at most 5 s
 * more), so that a late second report of the page is counted too.  A
 * program that counts many pages waits for that quiet once: while the
 * kernel has printed no memory_failure() line since the last quiet 500 ms,
 * the system is still quiet (ghes_multi counts 74 pages: 72 s of waiting
 * otherwise).
 */
static int mf_lines_when_quiet = -1;

static inline int mf_reports(uint64_t pa, int wait_ms)
{
	char pat[64];
	int n, all, quiet = 0, waited = 0;

	snprintf(pat, sizeof(pat), "Memory failure: %#llx: recovery action",
		 (unsigned long long)(pa >> 12));
	wait_log(pat, 0, wait_ms);
	all = count_log("Memory failure: ");
	if (all == mf_lines_when_quiet)
		return count_log(pat);
	while (quiet < 500 && waited < 5000) {
		msleep(50);
		waited += 50;
		n = count_log("Memory failure: ");
		quiet = n == all ? quiet + 50 : 0;
		all = n;
	}
	if (quiet >= 500)
		mf_lines_when_quiet = all;
	return count_log(pat);
}

/* ---- rig-only kernel hooks (tests/kernel/) -------------------------- */

/* Write a command to a hook's /proc file: 0, or the errno it failed with. */
static inline int proc_write(const char *file, const char *cmd)
{
	int fd, err = 0;
	ssize_t n = strlen(cmd);

	fd = open(file, O_WRONLY);
	if (fd < 0)
		fail("open %s: %s (rig-only hook missing?)", file, strerror(errno));
	if (write(fd, cmd, n) != n)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

#define proc_fmt(buf, fmt) do {						\
	va_list ap;							\
	va_start(ap, fmt);						\
	vsnprintf(buf, sizeof(buf), fmt, ap);				\
	va_end(ap);							\
} while (0)

/* The same, for a command the hook may refuse. */
static inline int __attribute__((format(printf, 2, 3)))
proc_try(const char *file, const char *fmt, ...)
{
	char buf[128];

	proc_fmt(buf, fmt);
	return proc_write(file, buf);
}

static inline void __attribute__((format(printf, 2, 3)))
proc_cmd(const char *file, const char *fmt, ...)
{
	char buf[128];
	int err;

	proc_fmt(buf, fmt);
	err = proc_write(file, buf);
	if (err)
		fail("'%s' to %s: %s", buf, file, strerror(err));
}

#define hold_cmd(...)	proc_cmd("/proc/rig_hold", __VA_ARGS__)

/* ---- a watchdog (programs that define RIG_WATCHDOG) ----------------- */

#ifdef RIG_WATCHDOG
#include <pthread.h>

/*
 * A step that never comes back is a kernel that hangs, with the CPU that
 * took the notification looping: such a program runs its steps on CPU0,
 * says what it is doing in @doing and counts @progress; the watchdog, on
 * CPU1, names the step after 10 s without progress.
 */
static const char *volatile doing = "start";
static volatile unsigned long progress;

static void *watchdog(void *arg)
{
	unsigned long seen = progress;
	int still = 0;

	(void)arg;
	pin_cpu(1);
	for (;;) {
		msleep(100);
		if (progress != seen) {
			seen = progress;
			still = 0;
		} else if (++still == 100) {
			printf("RIG-FAIL: %s: %s did not come back in 10 s: the kernel hangs\n",
			       rig_name, doing);
			fflush(stdout);
		}
	}
	return NULL;
}

static inline void watchdog_start(void)
{
	pthread_t wd;

	pin_cpu(0);
	if (pthread_create(&wd, NULL, watchdog, NULL))
		fail("pthread_create: %s", strerror(errno));
}
#endif

/* ---- SError syndromes (arm64) ------------------------------------- */

/*
 * ESR ISS values for the SErrors the rig-only injector raises (it writes
 * them to VSESR_EL2): DFSC 0x11 (asynchronous SError) with the RAS
 * extension's AET, or IDS set for an IMPLEMENTATION DEFINED syndrome.
 */
#define ISS_CE		0x1811ULL	/* corrected */
#define ISS_UEO		0x811ULL	/* restartable */
#define ISS_UER		0xc11ULL	/* recoverable */
#define ISS_UC		0x11ULL		/* uncontainable */
#define ISS_IMPDEF	0x1000000ULL

/* ---- a real SEA (arm64; programs that define RIG_SEA) -------------- */

#ifdef RIG_SEA
#include <setjmp.h>
#include <signal.h>

/* An address in QEMU virt's map that nothing answers: a load from it is
 * an SEA, which the rig's HEST lets firmware-first GHES sources claim. */
#define UNASSIGNED_PA	0x09100000ULL

/* Per thread: two CPUs may each be in sea() at once (ghes_storm). */
static __thread sigjmp_buf sea_jb;
static __thread volatile int sea_armed;
static volatile int nsigbus;
static volatile void *sea_trig;

/* Every SIGBUS is counted; one that ends sea()'s load returns from it. */
static void sea_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	__atomic_fetch_add(&nsigbus, 1, __ATOMIC_RELAXED);
	if (sea_armed) {
		sea_armed = 0;
		siglongjmp(sea_jb, 1);
	}
}

static inline void sea_setup(void)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = sea_on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sea_trig = devmem_map(UNASSIGNED_PA, 4);
}

/* Take an SEA on this CPU: the load, then whatever the kernel did. */
static inline void sea(void)
{
	sea_armed = 1;
	if (!sigsetjmp(sea_jb, 1))
		(void)rd32(sea_trig);
	sea_armed = 0;
}
#endif

#endif
