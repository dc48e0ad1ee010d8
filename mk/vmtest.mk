# The same binary on other kernels (issue 8): `make vmtest` boots each of KERNELS under qemu
# (tests/vmtest/boot.sh: Debian's kernel packages, fetched once into /var/cache/hoptrace-vmtest;
# software emulation unless hardware KVM works), runs tests/vmtest/guest.sh inside and checks
# the plan and three traced cases against tests/vmtest/expect-<kernel>.json.
# `make vmtest KERNELS="6.1 6.12"` for a subset; KERNELS=host runs the cases on this kernel.
# Needs root and qemu-system-x86 busybox-static kmod cpio xz-utils debian-archive-keyring
# (make deps), and Debian's mirror the first time each kernel is used.

KERNELS ?= 5.10 6.1 6.12
VMTEST ?= tests/vmtest/boot.sh
VMTEST_TIMEOUT ?= 600

.PHONY: vmtest

vmtest: deps $(BUILD)/hoptrace
	$(Q)tests/vmtest/run.sh --hoptrace $(BUILD)/hoptrace --vmtest $(VMTEST) \
		--out $(BUILD)/vmtest --timeout $(VMTEST_TIMEOUT) $(KERNELS)
