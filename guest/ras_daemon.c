// SPDX-License-Identifier: GPL-2.0
// rig-arch: arm64
/*
 * ras_daemon: what an operator sees. Debian's rasdaemon (bookworm-backports,
 * arm64, in the initramfs from scripts/fetch-guest-debs.sh) records the
 * kernel's RAS trace events into its SQLite database. This program starts
 * it, then, acting as firmware, reports a recoverable memory error through
 * an SEA (SEA source) and another through an SError (SEI source, raised by
 * the rig-only injector with an IMPLEMENTATION DEFINED syndrome), and reads
 * the database with Debian's sqlite3.
 *
 * Passes when rasdaemon stored, for each of the two pages, a memory
 * controller event (ras:mc_event, from ghes_edac) with its address, and a
 * memory failure event (ras:memory_failure_event) with its pfn, in the
 * tables mc_event and memory_failure_event.
 *
 * Real: rasdaemon, sqlite3, the trace events, the SEA, the SError, GHES,
 * ghes_edac, memory_failure(). Simulated: firmware's writes; who raises the
 * SError (EL2, not EL3).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "rig.h"

#define UNASSIGNED_PA	0x09100000ULL
#define DB		"/var/lib/rasdaemon/ras-mc_event.db"

static sigjmp_buf jb;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	siglongjmp(jb, 1);
}

/* Run a program, its output into @out (at most @len bytes); its status. */
static int run(char *out, size_t len, char *const argv[])
{
	int fd[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(fd))
		fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while (got + 1 < len && (n = read(fd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void post(struct ghes_src *g, uint64_t pa)
{
	fw_post_mem_error(ghes_block_map(g, g->block_len),
			  devmem_map(g->ack, 8), pa);
}

static int stored(const char *sql, const char *want)
{
	static char out[16384];
	char *argv[] = { "/usr/bin/sqlite3", DB, (char *)sql, NULL };

	run(out, sizeof(out), argv);
	info("sqlite3 %s:\n%s", sql, out);
	return strstr(out, want) != NULL;
}

int main(void)
{
	struct sigaction sa = { 0 };
	struct ghes_src *sea, *sei;
	char addr[2][32], pfn[2][32];
	uint64_t pa[2];
	struct stat st;
	pid_t daemon;
	int i, k;

	rig_name = "ras_daemon";
	hest_load();
	sea = ghes_find(NOTIFY_SEA, 0);
	sei = ghes_find(NOTIFY_SEI, 0);
	if (!sea || !sei)
		fail("want an SEA and an SEI source in the HEST");
	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
		fail("mount debugfs: %s", strerror(errno));
	mkdir("/var/lib/rasdaemon", 0755);

	daemon = fork();
	if (daemon == 0) {
		char *argv[] = { "/usr/sbin/rasdaemon", "--foreground", "--record", NULL };

		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 500 && stat(DB, &st); i++)
		msleep(20);
	check(!stat(DB, &st), "rasdaemon created its database %s", DB);
	msleep(500);	/* it enables the events after it creates the tables */
	check(waitpid(daemon, NULL, WNOHANG) == 0, "rasdaemon (pid %d) is still running", daemon);

	for (k = 0; k < 2; k++)
		pa[k] = virt_to_phys_self(own_page());

	/* An SEA with its record, from this program. */
	post(sea, pa[0]);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	if (!sigsetjmp(jb, 1))
		(void)rd32(devmem_map(UNASSIGNED_PA, 4));
	check(mf_reports(pa[0], 5000) == 1, "SEA: the page went through memory_failure");

	/* An SError with its record. */
	post(sei, pa[1]);
	proc_cmd("/proc/rig_serror", "el1 %llx", ISS_IMPDEF);
	check(mf_reports(pa[1], 5000) == 1, "SEI: the page went through memory_failure");
	msleep(1000);	/* rasdaemon writes as the events come */

	for (k = 0; k < 2; k++) {
		snprintf(addr[k], sizeof(addr[k]), "%llx", (unsigned long long)pa[k]);
		snprintf(pfn[k], sizeof(pfn[k]), "|0x%llx|", (unsigned long long)(pa[k] >> 12));
	}
	for (k = 0; k < 2; k++) {
		check(stored("select id, timestamp, err_type, err_msg, printf('%x', address) from mc_event;",
			     addr[k]),
		      "rasdaemon stored a memory controller event at %s (%s)", addr[k],
		      k ? "the SError" : "the SEA");
		check(stored("select id, timestamp, pfn, page_type, action_result from memory_failure_event;",
			     pfn[k]),
		      "rasdaemon stored a memory failure event %s (%s)", pfn[k],
		      k ? "the SError" : "the SEA");
	}
	kill(daemon, SIGTERM);
	waitpid(daemon, NULL, 0);
	pass();
	return 0;
}
