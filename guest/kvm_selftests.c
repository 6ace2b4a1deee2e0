// rig-arch: arm64
/*
 * kvm_selftests: two of the kernel's own KVM selftests, built by
 * tests/kvm-selftests.sh from the series' tree (static, put in the
 * initramfs as /usr/bin/NAME), run on the nested KVM host this boot is:
 *   external_aborts  upstream's test of SError and SEA injection by
 *                    userspace: must pass on 7.3 and on the series
 *   serror_to_user   the series' test of KVM_CAP_ARM_SERROR_TO_USER:
 *                    must pass, with its firmware-first case skipped, when
 *                    the kernel offers the capability, and skip as a whole
 *                    when it does not (7.3)
 * Each test's KTAP output goes to the console as it runs.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/kvm.h>
#include "rig.h"

#ifndef KVM_CAP_ARM_SERROR_TO_USER
#define KVM_CAP_ARM_SERROR_TO_USER	252
#endif
#define KSFT_SKIP	4

/* Run /usr/bin/@name; its exit status, and how many KTAP lines matched. */
static int run_test(const char *name, int *ok, int *not_ok, int *skip)
{
	char path[64], line[512];
	int fds[2], status;
	FILE *out;
	pid_t pid;

	snprintf(path, sizeof(path), "/usr/bin/%s", name);
	if (access(path, X_OK))
		fail("%s is not in the initramfs", path);
	if (pipe(fds))
		fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		/* the selftest library loads its own ELF file by argv[0] */
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	*ok = *not_ok = *skip = 0;
	while (fgets(line, sizeof(line), out)) {
		printf("  %s: %s", name, line);
		if (!strncmp(line, "not ok ", 7))
			(*not_ok)++;
		else if (!strncmp(line, "ok ", 3) && strstr(line, "# SKIP"))
			(*skip)++;
		else if (!strncmp(line, "ok ", 3))
			(*ok)++;
	}
	fclose(out);
	fflush(stdout);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		fail("%s did not exit normally", name);
	return WEXITSTATUS(status);
}

int main(void)
{
	int kvm, has_cap, rc, ok, not_ok, skip;

	rig_name = "kvm_selftests";
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		fail("/dev/kvm: %s", strerror(errno));
	has_cap = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SERROR_TO_USER) == 1;
	close(kvm);
	info("this kernel %s KVM_CAP_ARM_SERROR_TO_USER", has_cap ? "offers" : "does not offer");

	rc = run_test("external_aborts", &ok, &not_ok, &skip);
	check(rc == 0 && !not_ok,
	      "external_aborts: exit status %d, no \"not ok\" (%d ok, %d not ok)", rc, ok, not_ok);

	rc = run_test("serror_to_user", &ok, &not_ok, &skip);
	if (has_cap)
		check(rc == 0 && ok == 2 && skip == 1 && !not_ok,
		      "serror_to_user: exit status %d, 2 ok and the firmware-first case skipped (%d ok, %d skipped, %d not ok)",
		      rc, ok, skip, not_ok);
	else
		check(rc == KSFT_SKIP && !ok && !not_ok,
		      "serror_to_user: skipped as a whole, the capability is not offered (exit status %d)", rc);
	pass();
	return 0;
}
