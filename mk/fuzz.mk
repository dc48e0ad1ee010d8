# libFuzzer targets (tests/fuzz/fuzz_*.c) for every parser of outside data, built with clang
# against the core objects (no BPF object needed) compiled for fuzzing under $(BUILD)/fuzz.
#   make fuzz        each target for FUZZ_SECONDS; crashes found are saved as regressions
#   make fuzz-smoke  replays tests/fuzz/regressions/, then each target for FUZZ_SMOKE_SECONDS
# Both exit non-zero when a target fails.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_OBJS := $(patsubst $(BUILD)/user/%.o,$(FUZZ_BUILD)/user/%.o,$(CORE_OBJS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Warnings are the main build's to police (-Werror there), not the fuzzers'; clang, unlike
# gcc, warns about the hop record (flexible array) inside struct hop.
FUZZ_CFLAGS = $(CFLAGS) $(FUZZ_SAN) -Wno-error -Wno-gnu-variable-sized-type-not-at-end

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-seeds
# Built by a pattern rule for another pattern rule: keep them, or every link rebuilds them.
.SECONDARY: $(FUZZ_OBJS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_SAVE=1 tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZ_TARGETS)

fuzz-smoke: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_BUILD) $(FUZZ_TARGETS)

# Rewrites the binary seeds of fuzz_decode and fuzz_pcapng; run it when struct hop_event
# changes, and commit the result.
fuzz-seeds: $(FUZZ_BUILD)/seeds
	$(Q)mkdir -p tests/fuzz/corpus/fuzz_decode tests/fuzz/corpus/fuzz_pcapng
	$(Q)$< tests/fuzz/corpus/fuzz_decode tests/fuzz/corpus/fuzz_pcapng

$(FUZZ_BUILD)/seeds: tests/fuzz/seeds.c include/hoptrace.h | $(FUZZ_BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# The lazily opened libraries' shims include their sonames (Makefile).
$(LAZY_LIBS:%=$(FUZZ_BUILD)/user/util/lazy_%.o): $(BUILD)/lazy_sonames.h

$(FUZZ_BUILD)/user/%.o: user/%.c | $(FUZZ_BUILD)/user
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS) | $(FUZZ_BUILD)/user
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz $< $(FUZZ_OBJS) -o $@ \
		$(LDLIBS)

$(FUZZ_BUILD)/user:
	$(Q)mkdir -p $@

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
