# The same binary on other kernels (issue 8): `make vmtest` boots each of KERNELS under qemu
# (tests/vmtest/boot.sh: Debian's kernel packages, fetched once into /var/cache/hoptrace-vmtest;
# software emulation unless hardware KVM works), runs tests/vmtest/guest.sh inside and checks
# the plan, the traced cases and the demo's scenarios (hoptrace selftest) against
# tests/vmtest/expect-<kernel>.json. `make vmtest` runs each kernel's quick set of scenarios
# (its expectation's selftest_quick), `make vmtest-full` all of them (docs/kernels.md).
# `make vmtest KERNELS="6.1 6.12"` for a subset; KERNELS=host runs the cases on this kernel.
# Needs root and qemu-system-x86 busybox-static kmod cpio xz-utils debian-archive-keyring
# (make deps), and Debian's mirror the first time each kernel is used.

KERNELS ?= 5.10 6.1 6.12
VMTEST ?= tests/vmtest/boot.sh
VMTEST_TIMEOUT ?= 900
VMTEST_JOBS ?= 1

.PHONY: vmtest vmtest-full

VMTEST_RUN = tests/vmtest/run.sh --hoptrace $(BUILD)/hoptrace --vmtest $(VMTEST) \
	--out $(BUILD)/vmtest --timeout $(VMTEST_TIMEOUT) --jobs $(VMTEST_JOBS)

vmtest: deps $(BUILD)/hoptrace
	$(Q)$(VMTEST_RUN) --selftest quick $(KERNELS)

vmtest-full: deps $(BUILD)/hoptrace
	$(Q)$(VMTEST_RUN) --selftest all --timeout 2400 $(KERNELS)
