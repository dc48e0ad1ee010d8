# `make soak`: ten minutes of steady tracing; memory must stay flat and totals exact.
SOAK_SECONDS ?= 600

.PHONY: soak
soak: $(BUILD)/hoptrace
	$(Q)HOPTRACE=$(abspath $(BUILD))/hoptrace tests/soak.sh $(SOAK_SECONDS)
