# `make sanitize`: hoptrace and the unit tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer into their own build directory, then the whole test run
# (tests/run.sh: unit, and end-to-end when root) on that build. Any sanitizer report fails
# it: the process aborts, and the report, written under the build directory, fails the
# target even when the test around it expected a non-zero exit. ASAN_BUILD (default
# $(BUILD)/asan) and SANITIZE_CC (default clang) choose where and with what.

ASAN_BUILD ?= $(BUILD)/asan
SANITIZE_CC ?= clang
# Warnings are the main build's to police (-Werror there); here they would only make the
# run depend on how a compiler's analysis shifts under instrumentation.
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-Wno-error -Wno-gnu-variable-sized-type-not-at-end
SANITIZE_REPORTS = $(abspath $(ASAN_BUILD))/sanitizer-reports
# halt/abort: stop at the first error with an exit the runner sees as a crash; log_path: a
# report file per failing process (the runtimes share it), checked after the run.
SANITIZE_LOG := log_path=$(SANITIZE_REPORTS)/report
SANITIZE_ENV = \
	ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:$(SANITIZE_LOG) \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:$(SANITIZE_LOG) \
	LSAN_OPTIONS=$(SANITIZE_LOG)

.PHONY: sanitize sanitize-build

sanitize-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CC=$(SANITIZE_CC) \
		EXTRA_CFLAGS="$(EXTRA_CFLAGS) $(SANITIZE_FLAGS)" all unit

# tests/run.sh finds the binary at $PWD/$BUILD, so BUILD is passed relative to here.
sanitize: sanitize-build
	$(Q)rm -rf $(SANITIZE_REPORTS) && mkdir -p $(SANITIZE_REPORTS)
	$(Q)rc=0; \
	$(SANITIZE_ENV) BUILD=$$(realpath -m --relative-to=. $(ASAN_BUILD)) tests/run.sh || rc=1; \
	if [ -n "$$(ls -A $(SANITIZE_REPORTS))" ]; then \
		echo "FAIL sanitize: sanitizer reports in $(SANITIZE_REPORTS):"; \
		for f in $(SANITIZE_REPORTS)/*; do echo "== $$f"; head -n 60 "$$f"; done; \
		rc=1; \
	fi; \
	exit $$rc
