# hoptrace: BPF objects -> one linked BPF object -> skeleton -> one binary.
# Everything generated goes under build/; `make V=1` shows the commands.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

VMLINUX_DIR := vmlinux/$(ARCH)
# bpf/hoptrace.bpf.c includes the others: one unit, built twice (see that file).
# bpf/prog_exit.bpf.c is an object of its own (fexit on other BPF programs), one unit too.
BPF_DEPS := $(filter-out bpf/prog_exit.bpf.c,$(wildcard bpf/*.bpf.c bpf/*.bpf.h)) include/hoptrace.h
SKEL := $(BUILD)/hoptrace.skel.h
PROG_EXIT_SKEL := $(BUILD)/prog_exit.skel.h
PROG_EXIT_DEPS := bpf/prog_exit.bpf.c bpf/tracking.bpf.h bpf/skb_device.bpf.h \
	bpf/core_fixes.bpf.h include/hoptrace.h
SKEL_CAST := $(BUILD)/hoptrace_cast.skel.h
CAST_BYTES := $(BUILD)/hoptrace_cast_bytes.o

# user/ by stage. The core (cli, pipeline, sinks, host, util) knows nothing of the BPF object;
# only the loader (load/) and the session above it are built against the skeleton.
CORE_DIRS := cli pipeline sinks host util merge bundle report check
CORE_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(foreach d,$(CORE_DIRS),$(wildcard user/$(d)/*.c)) \
	user/trace_config.c)
LOAD_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(wildcard user/load/*.c) user/session.c) \
	$(CAST_BYTES)
DEMO_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(wildcard user/demo/*.c))
MAIN_OBJ := $(BUILD)/user/main.o
USER_OBJS := $(CORE_OBJS) $(filter-out $(CAST_BYTES),$(LOAD_OBJS)) $(DEMO_OBJS) $(MAIN_OBJ)
CORE_LIB := $(BUILD)/libhoptrace-core.a
LOAD_LIB := $(BUILD)/libhoptrace-load.a
DEMO_LIB := $(BUILD)/libhoptrace-demo.a
# Every object but main, for the fuzz and sanitizer builds.
LIB_OBJS := $(CORE_OBJS) $(LOAD_OBJS) $(DEMO_OBJS)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# The end-to-end tests' own BPF programs, and tools that attach them and list what is
# attached (tests/bpf, tests/tools); built with the unit tests.
TEST_BPF_OBJ := $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%.o,$(wildcard tests/bpf/*.bpf.c))
TEST_TOOLS := $(BUILD)/tests/bpf_attach $(BUILD)/tests/list_attached

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# -mcpu=v3: 32-bit subregisters and atomics (Linux 5.1+).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(VMLINUX_DIR) -Iinclude -Ibpf
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -MMD -MP -Iinclude -Iuser -I$(BUILD) \
	-DHOPTRACE_VERSION='"$(VERSION)"' $(EXTRA_CFLAGS)
# libbpf is linked statically so the binary runs on nodes with another libbpf. Its
# btf__load_vmlinux_btf and btf__free are wrapped so its loads share the parse hoptrace made
# already (user/util/btf_handoff.h); -u pulls the wrappers from the core archive into every
# binary.
LDLIBS := -Wl,--wrap=btf__load_vmlinux_btf -Wl,-u,__wrap_btf__load_vmlinux_btf \
	-Wl,--wrap=btf__free -Wl,-u,__wrap_btf__free \
	-Wl,-Bstatic -lbpf -Wl,-Bdynamic -lelf -lz \
	-lnftnl -lmnl -lnetfilter_log -lcjson $(EXTRA_LDLIBS)

# Libraries few runs need are opened on first use, not linked (user/util/lazy_lib.h). Their
# sonames, as the development packages installed here name them, are read once into
# $(BUILD)/lazy-libs (what the package's Depends and the image's files add back) and
# $(BUILD)/lazy_sonames.h (what the shims open).
LAZY_LIBS := pcap nftables crypto

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all deps test unit e2e clean demo bench format check-format

all: $(BUILD)/hoptrace $(BUILD)/lazy-libs

deps:
	$(Q)scripts/install-deps.sh

$(BUILD)/bpf/hoptrace.unit.o: $(BPF_DEPS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c bpf/hoptrace.bpf.c -o $@

$(BUILD)/bpf/hoptrace_cast.unit.o: $(BPF_DEPS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DHOP_RDONLY_CAST -c bpf/hoptrace.bpf.c -o $@

$(BUILD)/bpf/prog_exit.unit.o: $(PROG_EXIT_DEPS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c bpf/prog_exit.bpf.c -o $@

# bpftool's linker drops the DWARF that -g adds (the BTF stays): the embedded object is a
# third of the size, and the binary starts faster.
$(BUILD)/bpf/%.bpf.o: $(BUILD)/bpf/%.unit.o
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(SKEL): $(BUILD)/bpf/hoptrace.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name hoptrace_bpf > $@

$(PROG_EXIT_SKEL): $(BUILD)/bpf/prog_exit.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name prog_exit_bpf > $@

# user/bpf_variant.c opens the probe-read skeleton with the cast object's bytes: both must
# have the same maps, programs and variables, at the same offsets. The skeletons, minus
# their names and embedded bytes, must be identical, or the build stops here.
$(SKEL_CAST): $(BUILD)/bpf/hoptrace_cast.bpf.o $(SKEL)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name hoptrace_cast_bpf > $@.tmp
	$(Q)scripts/skel-layout.sh $(SKEL) hoptrace_bpf > $@.a && \
		scripts/skel-layout.sh $@.tmp hoptrace_cast_bpf > $@.b && \
		cmp -s $@.a $@.b || { echo "BPF object variants differ in layout:"; \
		diff $@.a $@.b | head -20; rm -f $@.tmp; exit 1; }
	$(Q)rm -f $@.a $@.b && mv $@.tmp $@

$(CAST_BYTES:.o=.c): $(SKEL_CAST)
	$(call msg,GEN,$@)
	$(Q)scripts/skel-bytes.sh $< hoptrace_cast_bpf > $@

$(CAST_BYTES): $(CAST_BYTES:.o=.c)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The demo's stand-in for a CNI's policy program, embedded through its own skeleton.
DEMO_SKEL := $(BUILD)/demo_cni.skel.h
$(BUILD)/bpf/demo_cni.unit.o: bpf/demo_cni.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(DEMO_SKEL): $(BUILD)/bpf/demo_cni.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name demo_cni_bpf > $@

$(BUILD)/user/demo/cni_dropper.o: $(DEMO_SKEL)

# Only the loader's objects wait for the skeleton: a BPF change rebuilds load/, not all of user/.
$(filter-out $(CAST_BYTES),$(LOAD_OBJS)) $(MAIN_OBJ): $(SKEL) $(PROG_EXIT_SKEL)

$(BUILD)/user/%.o: user/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
$(LOAD_LIB): $(LOAD_OBJS)
$(DEMO_LIB): $(DEMO_OBJS)
$(CORE_LIB) $(LOAD_LIB) $(DEMO_LIB):
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/hoptrace: $(MAIN_OBJ) $(DEMO_LIB) $(LOAD_LIB) $(CORE_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# The lazily opened libraries' sonames, one a line (scripts/build-deb.sh and
# deploy/build-image.sh read it), and as the shims' #defines.
$(BUILD)/lazy-libs: Makefile
	$(Q)mkdir -p $(@D)
	$(Q)for l in $(LAZY_LIBS); do \
		so=$$(objdump -p "$$($(CC) -print-file-name=lib$$l.so)" | awk '/SONAME/ { print $$2 }'); \
		[ -n "$$so" ] || { echo "no soname for lib$$l.so (make deps)"; exit 1; }; \
		echo "$$so"; done > $@

$(BUILD)/lazy_sonames.h: $(BUILD)/lazy-libs
	$(Q)printf '%s\n' $(LAZY_LIBS) | paste -d' ' - $< | \
		awk '{ printf "#define HOPTRACE_SONAME_%s \"%s\"\n", toupper($$1), $$2 }' > $@

$(LAZY_LIBS:%=$(BUILD)/user/util/lazy_%.o): $(BUILD)/lazy_sonames.h

# Unit tests link the core alone; a test of the demo's own logic adds the demo and the
# loader (tests/unit/test_demo_*.c), the ring reader's test the loader and the program
# that writes its records.
UNIT_LIBS = $(if $(filter test_demo_%,$(notdir $@)),$(DEMO_LIB) $(LOAD_LIB)) \
	$(if $(filter test_ring_reader,$(notdir $@)),$(LOAD_LIB)) $(CORE_LIB)
$(BUILD)/tests/test_demo_%: $(DEMO_LIB) $(LOAD_LIB)
$(BUILD)/tests/test_ring_reader: $(LOAD_LIB) $(BUILD)/tests/bpf/ring_writer.bpf.o
$(BUILD)/tests/%: tests/unit/%.c $(CORE_LIB) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(UNIT_LIBS) -o $@ $(LDLIBS)

$(BUILD)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c $(VMLINUX_DIR)/vmlinux.h | $(BUILD)/tests/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# bpf_attach attaches through the demo's user/demo/prog_attach.c.
$(BUILD)/tests/bpf_attach: tests/tools/bpf_attach.c $(DEMO_LIB) $(CORE_LIB) | $(BUILD)/tests
$(BUILD)/tests/list_attached: tests/tools/list_attached.c $(CORE_LIB) | $(BUILD)/tests
$(TEST_TOOLS):
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(filter %.a,$^) -o $@ $(LDLIBS)

$(BUILD)/bpf $(BUILD)/tests $(BUILD)/tests/bpf:
	$(Q)mkdir -p $@

unit: $(UNIT_BINS) $(TEST_BPF_OBJ) $(TEST_TOOLS)

# The test command of the README and of CI: unit tests, end-to-end tests as root, the same
# again under ASan/UBSan, and a short run of each fuzz target; one closing count.
test: deps all unit
	$(Q)HOPTRACE_TEST_EXTRAS=1 tests/run.sh

demo: deps all
	$(Q)$(BUILD)/hoptrace demo

FORMAT_FILES = bpf/*.c bpf/*.h user/*.c user/*.h user/*/*.c user/*/*.h include/*.h \
	tests/unit/*.c tests/unit/*.h tests/tools/*.c tests/bpf/*.c bench/*.c

format:
	$(Q)clang-format -i $(FORMAT_FILES)

check-format:
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES)

clean:
	$(Q)rm -rf $(BUILD)

-include $(USER_OBJS:.o=.d) $(UNIT_BINS:=.d) $(TEST_TOOLS:=.d)

# Further targets (bench, fuzz, sanitizers, vmtest) each live in their own file.
include $(wildcard mk/*.mk)
