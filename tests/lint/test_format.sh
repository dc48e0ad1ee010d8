#!/usr/bin/env bash
# The code keeps the kernel-like style of .clang-format (make format fixes it).
cd "$(dirname "$0")/../.." || exit 1
if make -s --no-print-directory check-format >/tmp/hoptrace-format.log 2>&1; then
	echo "PASS lint clang_format"
else
	echo "FAIL lint clang_format: run make format"
	head -20 /tmp/hoptrace-format.log
	exit 1
fi
