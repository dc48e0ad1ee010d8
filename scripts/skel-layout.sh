#!/bin/sh
# Prints a bpftool skeleton header without what differs between two builds of one BPF
# object: its name (given as $2) and the embedded ELF bytes. What is left describes the
# layout user space relies on: maps, programs, links, global variables and their sizes.
# Usage: skel-layout.sh SKEL.h NAME
set -e
awk -v name="$2" '
	$0 == "static inline const void *" name "__elf_bytes(size_t *sz)" { skip = 1; next }
	skip && $0 == "}" { skip = 0; next }
	!skip { gsub(name, "SKEL"); gsub(toupper(name), "SKEL"); print }
' "$1"
