// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: the kernel reached userspace and found ACPI tables, which
 * came from the UEFI firmware.
 */
#include <sys/stat.h>
#include "rig.h"

int main(void)
{
	struct stat st;

	rig_name = "smoke";
	if (stat("/sys/firmware/acpi/tables/FACP", &st))
		fail("no FADT in /sys/firmware/acpi/tables: not an ACPI boot?");
	pass();
	return 0;
}
