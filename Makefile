# Linux 7.3 APEI/GHES series and its test rig. See README.md.
SHELL := /bin/bash
S := scripts

.PHONY: all setup base tree export restamp build demo test test-full bench help
all: help

help:
	@echo "make demo      build the patched arm64 kernel, boot it in QEMU, inject and handle a firmware-first error"
	@echo "make test      run every test (series hygiene, builds, QEMU boots, mutants); ends with 'N passed, M failed'"
	@echo "make test-full the same, and the final series built in the configurations the bots build"
	@echo "make tree      \$$RIG_CACHE/work/linux = base + patches/ as commits (branch series)"
	@echo "make export    write the commits of that tree back to patches/"
	@echo "make restamp ID='Name <email>'   re-author and re-sign every patch"
	@echo "make build     build the work tree for arm64 and x86_64"

setup:
	@$(S)/setup-host.sh

base: setup
	@$(S)/fetch-base.sh

tree: base
	@$(S)/series.sh tree

export:
	@$(S)/series.sh export

restamp:
	@$(S)/series.sh restamp "$(ID)"

build: base
	@$(S)/build.sh arm64
	@$(S)/build.sh x86_64

demo: base
	@$(S)/demo.sh

test:
	@tests/run.sh

test-full:
	@tests/run.sh --full

bench: base
	@$(S)/bench.sh
