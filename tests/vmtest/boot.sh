#!/usr/bin/env bash
# Runs one command inside another Linux kernel under qemu: the runner behind `make vmtest`
# (tests/vmtest/run.sh). The guest sees the host's / read-only under a throwaway overlay,
# so it runs this machine's tools; the working directory is shared read-write, so what the
# command writes there is on the host afterwards.
#
# Usage: boot.sh [-t SECS] [-m MEM] [-c CPUS] [-v] [--console FILE] KERNEL -- COMMAND...
#   KERNEL   5.10 | 6.1 | 6.12: the newest Debian kernel of that series (5.10 from
#            bullseye, the others from bookworm), or a linux-image-*.deb file
#   -t SECS  the whole run's limit (default 600)      -m MEM   guest memory (default 2G)
#   -c CPUS  vCPUs (default: this machine's, up to 4)  -v       the guest's console afterwards
#   --console FILE  keep the guest's console log in FILE
# Exit status: the command's own; 124 when the limit passed; 125 when the VM ended before
# the command did (a panic, an oops, a missing share); 2 when the VM could not be set up.
# The command's standard output and error come out merged on standard output; its
# standard input is /dev/null; exported variables go with it, plus VMTEST_GUEST=1.
#
# Environment: HOPTRACE_VMTEST_CACHE (default /var/cache/hoptrace-vmtest) holds the package
# lists, unpacked kernels (~400 MB each) and initramfs images; HOPTRACE_VMTEST_ACCEL=kvm|tcg
# overrides the choice of accelerator; HOPTRACE_VMTEST_REFRESH=1 refetches package lists;
# HOPTRACE_VMTEST_MIRROR (default http://deb.debian.org) is where Debian is.
# Needs root and: qemu-system-x86 busybox-static kmod cpio xz-utils debian-archive-keyring.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HOPTRACE_VMTEST_CACHE:-/var/cache/hoptrace-vmtest}
TIMEOUT=600
MEM=2G
CPUS=$(nproc)
((CPUS > 4)) && CPUS=4
VERBOSE=0
CONSOLE_COPY=
# Set as the run goes; cleanup() undoes whatever of it exists.
TEMPS=()
RUN=
QEMU_PID=
READER_PID=

die() {
	echo "vmtest: $*" >&2
	exit 2
}

# shellcheck source=tests/vmtest/kernel.sh
. "$HERE/kernel.sh"
# shellcheck source=tests/vmtest/initramfs.sh
. "$HERE/initramfs.sh"

usage() { sed -n '/^# Usage:/,/^# Exit status/{/^# Exit status/d;s/^# \{0,1\}//;p}' "$0"; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		-t) TIMEOUT=$2; shift 2 ;;
		-m) MEM=$2; shift 2 ;;
		-c) CPUS=$2; shift 2 ;;
		-v) VERBOSE=1; shift ;;
		--console) CONSOLE_COPY=$2; shift 2 ;;
		-h | --help) usage; exit 0 ;;
		-*) die "unknown option $1 (--help lists them)" ;;
		*) break ;;
		esac
	done
	if [ $# -lt 3 ] || [ "$2" != -- ]; then
		usage >&2
		exit 2
	fi
	KERNEL=$1
	shift 2
	COMMAND=("$@")
}

check_host() {
	local tool
	[ "$(id -u)" -eq 0 ] || die "needs root (9p shares of /, modules, BPF in the guest)"
	[ "$(uname -m)" = x86_64 ] || die "runs x86_64 guests only, on an x86_64 host"
	for tool in qemu-system-x86_64 busybox depmod modprobe cpio xz apt-get dpkg flock timeout; do
		command -v "$tool" >/dev/null || die "$tool not found (make deps)"
	done
	# The initramfs has no libc for a dynamic busybox to use.
	ldd "$(command -v busybox)" >/dev/null 2>&1 && die "busybox is not static (apt-get install busybox-static)"
	[ -r "$KEYRING" ] || die "no $KEYRING (apt-get install debian-archive-keyring)"
	WORKDIR=$(pwd -P)
	[ "$WORKDIR" != / ] || die "run from a project folder: / cannot be the read-write share"
}

# prepare: the kernel (KDIR, VMLINUZ, KVER, MODDIR) and its initramfs (INITRD), under a lock
# so that two runs never unpack or build into the same cache entry at once.
prepare() {
	mkdir -p "$CACHE/kernels" "$CACHE/initramfs"
	exec {lock}>"$CACHE/lock"
	flock "$lock"
	kernel_dir "$KERNEL"
	VMLINUZ=$(compgen -G "$KDIR/boot/vmlinuz-*" | head -n 1) || true
	[ -n "$VMLINUZ" ] || die "no boot/vmlinuz-* in $KDIR"
	KVER=${VMLINUZ##*/vmlinuz-}
	MODDIR=$KDIR/lib/modules/$KVER
	[ -d "$MODDIR" ] || MODDIR=$KDIR/usr/lib/modules/$KVER
	[ -f "$MODDIR/modules.dep" ] || die "no modules for $KVER in $KDIR"
	initramfs "$MODDIR"
	exec {lock}>&-
}

# write_run_dir: the per-run folder the guest mounts: the command as a script (environment,
# working directory, arguments, each quoted), stage 2, and where to mount the work share.
write_run_dir() {
	local name
	RUN=$(mktemp -d /tmp/hoptrace-vmtest.XXXXXX)
	cp "$HERE/stage2.sh" "$RUN/stage2.sh"
	printf '%s\n' "$WORKDIR" >"$RUN/workdir"
	{
		while read -r name; do
			# The shell's own, the terminal's and make's jobserver mean nothing in the guest.
			case $name in
			BASH* | SHLVL | PWD | OLDPWD | _ | TERM* | COLUMNS | LINES | SSH_* | DISPLAY | \
				XDG_* | DBUS_* | MAKEFLAGS | MFLAGS | MAKELEVEL | MAKE_TERM*) continue ;;
			esac
			printf 'export %s=%q\n' "$name" "${!name}"
		done < <(compgen -e)
		echo 'export VMTEST_GUEST=1 TERM=dumb'
		printf 'cd %q || exit 125\n' "$WORKDIR"
		printf 'exec'
		printf ' %q' "${COMMAND[@]}"
		printf '\n'
	} >"$RUN/cmd.sh"
	mkfifo "$RUN/out.fifo"
}

# accelerator: QEMU_ACCEL. KVM only where it is hardware KVM: a PVM host (kvm_pvm, as in
# nested sandboxes) offers /dev/kvm but runs only kernels built as PVM guests, and a stock
# kernel there hangs in real-mode setup or dies with an emulation failure. Elsewhere TCG,
# software emulation: ~15x slower, but it runs anything.
accelerator() {
	local mode=${HOPTRACE_VMTEST_ACCEL:-auto}
	if [ "$mode" = auto ]; then
		mode=tcg
		[ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
			grep -qw -m1 'vmx\|svm' /proc/cpuinfo && mode=kvm
	fi
	# shellcheck disable=SC2054 # the commas are qemu's
	case $mode in
	kvm) QEMU_ACCEL=(-accel kvm -cpu host) ;;
	tcg) QEMU_ACCEL=(-accel tcg,thread=multi -cpu max) ;;
	*) die "HOPTRACE_VMTEST_ACCEL must be kvm or tcg, not $mode" ;;
	esac
}

# share TAG PATH [readonly]: one 9p export (commas in a path are doubled, as qemu wants).
share() {
	echo "-virtfs"
	echo "local,path=${2//,/,,},mount_tag=$1,security_model=none,multidevs=remap${3:+,readonly=on}"
}

# run_qemu: boots, and waits for the VM to end; QEMU_RC is qemu's (or timeout's) status.
run_qemu() {
	local args bios=()
	# qboot skips SeaBIOS's device probing: a second less per boot under TCG.
	[ -f /usr/share/qemu/qboot.rom ] && bios=(-bios /usr/share/qemu/qboot.rom)
	mapfile -t args < <(share host / ro; share run "$RUN"; share mods "$MODDIR" ro
		share work "$WORKDIR")
	# The command's output: a virtio-serial port, into a file chardev on a FIFO that cat
	# copies to our stdout as it comes. (A stdio chardev is no good: with stdin at EOF,
	# qemu sees the port as closed and the guest's writes block for ever.)
	cat "$RUN/out.fifo" &
	READER_PID=$!
	# no_timer_check: TCG's slow clock fails the timer IRQ check; i8042.*: no PS/2 probing.
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -nodefaults -no-user-config -display none \
		-monitor none -no-reboot "${QEMU_ACCEL[@]}" -M pc -m "$MEM" -smp "$CPUS" "${bios[@]}" \
		-kernel "$VMLINUZ" -initrd "$INITRD" \
		-append "console=ttyS0 loglevel=4 panic=-1 oops=panic rdinit=/init no_timer_check i8042.noaux i8042.nomux i8042.nopnp" \
		"${args[@]}" -serial "file:$RUN/console.log" \
		-device virtio-serial-pci -chardev "file,id=out,path=$RUN/out.fifo" \
		-device virtserialport,chardev=out,name=hoptrace.out \
		-device virtio-rng-pci </dev/null &
	QEMU_PID=$!
	QEMU_RC=0
	wait "$QEMU_PID" || QEMU_RC=$?
	QEMU_PID=
	release_reader
}

# release_reader: ends the FIFO's cat. If qemu died before it opened the FIFO, cat is still
# waiting in open(); opening the FIFO read-write ourselves (which never blocks) and closing
# it again lets it through to end-of-file.
release_reader() {
	local fd
	[ -n "$READER_PID" ] || return 0
	if kill -0 "$READER_PID" 2>/dev/null; then
		exec {fd}<>"$RUN/out.fifo"
		exec {fd}>&-
	fi
	wait "$READER_PID" 2>/dev/null || true
	READER_PID=
}

console_tail() {
	echo "vmtest: the guest console's last lines ($KERNEL, $KVER):" >&2
	tail -n "$1" "$RUN/console.log" | sed 's/^/    /' >&2
}

# finish: the command's exit status, or why there is none.
finish() {
	[ -n "$CONSOLE_COPY" ] && cp "$RUN/console.log" "$CONSOLE_COPY"
	if [ "$VERBOSE" = 1 ]; then
		echo "----- guest console ($KVER) -----" >&2
		cat "$RUN/console.log" >&2
	fi
	if [ -s "$RUN/rc" ]; then
		exit "$(cat "$RUN/rc")"
	fi
	if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
		echo "vmtest: timed out after ${TIMEOUT}s" >&2
		console_tail 30
		exit 124
	fi
	echo "vmtest: the VM ended (qemu exit $QEMU_RC) before the command did" >&2
	console_tail 40
	exit 125
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	# timeout passes our TERM on to qemu.
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
	[ -n "$RUN" ] && release_reader
	[ -n "$RUN" ] && rm -rf "$RUN"
	((${#TEMPS[@]})) && rm -rf "${TEMPS[@]}"
	return 0
}

main() {
	parse_args "$@"
	check_host
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	prepare
	write_run_dir
	accelerator
	run_qemu
	finish
}

main "$@"
