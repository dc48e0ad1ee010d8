# The benchmark (issue 7): what tracing costs the traffic. `make bench` runs it all and
# writes BENCHMARKS.md; `make bench-smoke` is one short round of every measurement.
# Both need root. Not part of `make test`; tests/e2e/test_bench_smoke.sh runs the smoke.

BENCH_TOOLS := $(BUILD)/bench/udpblast $(BUILD)/bench/runstat $(BUILD)/bench/floor \
	$(BUILD)/bench/floor.bpf.o
BENCH_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11

.PHONY: bench bench-smoke bench-tools

bench-tools: $(BENCH_TOOLS)

$(BUILD)/bench/udpblast $(BUILD)/bench/runstat: $(BUILD)/bench/%: bench/%.c | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -o $@

$(BUILD)/bench/floor: bench/floor.c | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -o $@ -Wl,-Bstatic -lbpf -Wl,-Bdynamic -lelf -lz

$(BUILD)/bench/floor.bpf.o: bench/floor.bpf.c | $(BUILD)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench:
	$(Q)mkdir -p $@

# The previous BENCHMARKS.md gives the "before" column. BENCH_COMPARE=PATH runs another
# hoptrace binary (an older build; BENCH_COMPARE_WHAT says which) in the same rounds.
bench: $(BUILD)/hoptrace $(BENCH_TOOLS)
	$(Q)BENCH_COMPARE_WHAT="$(BENCH_COMPARE_WHAT)" bench/run.sh --hoptrace $(BUILD)/hoptrace \
		--tools $(BUILD)/bench --report BENCHMARKS.md --before BENCHMARKS.md \
		$(if $(BENCH_COMPARE),--compare $(BENCH_COMPARE))

bench-smoke: $(BUILD)/hoptrace $(BENCH_TOOLS)
	$(Q)bench/run.sh --smoke --hoptrace $(BUILD)/hoptrace --tools $(BUILD)/bench
