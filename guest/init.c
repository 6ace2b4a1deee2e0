// SPDX-License-Identifier: GPL-2.0
/*
 * Rig init: the only process the test kernel starts. It mounts the pseudo
 * filesystems, runs /bin/<name> for each rig.test=<name> on the kernel
 * command line, reports each exit status and powers the machine off.
 *
 * A test passes only when the host finds the program's own
 * "RIG-PASS: <name>" line in the console log; init never prints one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void console(void)
{
	int fd;

	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static int run(const char *name)
{
	char path[128];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "/bin/%s", name);
	printf("RIG-RUN: %s\n", name);
	pid = fork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		printf("RIG-FAIL: %s: exec %s: %s\n", name, path, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		printf("RIG-FAIL: %s: fork/wait: %s\n", name, strerror(errno));
		return 1;
	}
	if (WIFEXITED(status))
		printf("RIG-EXIT: %s status %d\n", name, WEXITSTATUS(status));
	else
		printf("RIG-EXIT: %s signal %d\n", name, WTERMSIG(status));
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	char cmdline[4096] = "";
	char *tok, *save;
	FILE *f;
	size_t n;

	console();
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);

	/*
	 * The running kernel's banner, on the console whatever the loglevel
	 * (the bench boots with loglevel=1): the verdict compares it with
	 * the image the test meant to boot.
	 */
	f = fopen("/proc/version", "r");
	if (f) {
		n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
		cmdline[n] = '\0';
		fclose(f);
		printf("RIG-KERNEL: %s", cmdline);
		fflush(stdout);
	}

	f = fopen("/proc/cmdline", "r");
	if (f) {
		n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
		cmdline[n] = '\0';
		fclose(f);
	}
	for (tok = strtok_r(cmdline, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "rig.test=", 9))
			run(tok + 9);
	}
	printf("RIG-DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
