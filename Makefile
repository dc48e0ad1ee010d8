# hoptrace: BPF objects -> one linked BPF object -> skeleton -> one binary.
# Everything generated goes under build/; `make V=1` shows the commands.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

VMLINUX_DIR := vmlinux/$(ARCH)
# bpf/hoptrace.bpf.c includes the others: one unit, built twice (see that file).
BPF_DEPS := $(wildcard bpf/*.bpf.c bpf/*.bpf.h) include/hoptrace.h
SKEL := $(BUILD)/hoptrace.skel.h
SKEL_CAST := $(BUILD)/hoptrace_cast.skel.h
CAST_BYTES := $(BUILD)/hoptrace_cast_bytes.o

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS)) $(CAST_BYTES)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# -mcpu=v3: 32-bit subregisters and atomics (Linux 5.1+).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(VMLINUX_DIR) -Iinclude -Ibpf
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -MMD -MP -Iinclude -Iuser -I$(BUILD) \
	-DHOPTRACE_VERSION='"$(VERSION)"' $(EXTRA_CFLAGS)
# libbpf is linked statically so the binary runs on nodes with another libbpf.
LDLIBS := -Wl,-Bstatic -lbpf -Wl,-Bdynamic -lelf -lz -lpcap $(EXTRA_LDLIBS)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all deps test unit e2e clean demo bench format check-format

all: $(BUILD)/hoptrace

deps:
	$(Q)scripts/install-deps.sh

$(BUILD)/bpf/hoptrace.unit.o: $(BPF_DEPS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c bpf/hoptrace.bpf.c -o $@

$(BUILD)/bpf/hoptrace_cast.unit.o: $(BPF_DEPS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DHOP_RDONLY_CAST -c bpf/hoptrace.bpf.c -o $@

# bpftool's linker drops the DWARF that -g adds (the BTF stays): the embedded object is a
# third of the size, and the binary starts faster.
$(BUILD)/bpf/%.bpf.o: $(BUILD)/bpf/%.unit.o
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(SKEL): $(BUILD)/bpf/hoptrace.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name hoptrace_bpf > $@

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

$(BUILD)/user/%.o: user/%.c $(SKEL) | $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/hoptrace: $(USER_OBJS) $(CAST_BYTES)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(LIB_OBJS) -o $@ $(LDLIBS)

$(BUILD)/bpf $(BUILD)/user $(BUILD)/tests:
	$(Q)mkdir -p $@

unit: $(UNIT_BINS)

# The test command of the README and of CI: unit tests, end-to-end tests as root, the same
# again under ASan/UBSan, and a short run of each fuzz target; one closing count.
test: deps all unit
	$(Q)HOPTRACE_TEST_EXTRAS=1 tests/run.sh

demo: deps all
	$(Q)$(BUILD)/hoptrace demo

format:
	$(Q)clang-format -i bpf/*.c bpf/*.h user/*.c user/*.h include/*.h tests/unit/*.c tests/unit/*.h \
		bench/*.c

check-format:
	$(Q)clang-format --dry-run -Werror bpf/*.c bpf/*.h user/*.c user/*.h include/*.h tests/unit/*.c tests/unit/*.h \
		bench/*.c

clean:
	$(Q)rm -rf $(BUILD)

-include $(USER_OBJS:.o=.d) $(UNIT_BINS:=.d)

# Further targets (bench, fuzz, sanitizers, vmtest) each live in their own file.
include $(wildcard mk/*.mk)
