# hoptrace: BPF objects -> one linked BPF object -> skeleton -> one binary.
# Everything generated goes under build/; `make V=1` shows the commands.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD ?= build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc

VMLINUX_DIR := vmlinux/$(ARCH)
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKEL := $(BUILD)/hoptrace.skel.h

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(USER_SRCS))
LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))

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

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h) include/hoptrace.h | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/hoptrace.bpf.o: $(BPF_OBJS)
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKEL): $(BUILD)/hoptrace.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name hoptrace_bpf > $@

$(BUILD)/user/%.o: user/%.c $(SKEL) | $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/hoptrace: $(USER_OBJS)
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
	$(Q)clang-format -i bpf/*.c bpf/*.h user/*.c user/*.h include/*.h tests/unit/*.c tests/unit/*.h

check-format:
	$(Q)clang-format --dry-run -Werror bpf/*.c bpf/*.h user/*.c user/*.h include/*.h tests/unit/*.c tests/unit/*.h

clean:
	$(Q)rm -rf $(BUILD)

-include $(USER_OBJS:.o=.d) $(UNIT_BINS:=.d)

# Further targets (bench, fuzz, sanitizers, vmtest) each live in their own file.
include $(wildcard mk/*.mk)
