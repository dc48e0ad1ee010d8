# shellcheck shell=bash
# Stage 2 of a vmtest guest (tests/vmtest/boot.sh): PID 1 on the guest's real root, run by
# the host's bash after the initramfs (tests/vmtest/init) switched to it. Runs the command
# (/run/vmtest/cmd.sh), leaves its exit status in /run/vmtest/rc and powers off.
# No `set -e`: PID 1 must reach the power-off whatever happens.

# The command's output goes to a virtio-serial port, which boot.sh reads: no tty layer,
# so no \r\n mangling, and megabytes per second where the emulated UART manages 250 KB/s.
out=/dev/ttyS0
for port in /sys/class/virtio-ports/*; do
	[ "$(cat "$port/name" 2>/dev/null)" = hoptrace.out ] && out=/dev/${port##*/}
done
[ "$out" = /dev/ttyS0 ] && echo "vmtest-init: no virtio-serial port; output follows here" >"$out"

echo vmtest >/proc/sys/kernel/hostname
ip link set lo up 2>/dev/null
# 5.10 charges BPF maps to RLIMIT_MEMLOCK.
ulimit -l unlimited
read -r up _ </proc/uptime
echo "vmtest-init: command starts at ${up}s" >/dev/ttyS0
bash /run/vmtest/cmd.sh </dev/null >"$out" 2>&1
rc=$?
read -r up _ </proc/uptime
echo "vmtest-init: command exited $rc at ${up}s" >/dev/ttyS0
echo "$rc" >/run/vmtest/rc
sync
# -f: no init system to ask. Should it fail, PID 1 exits, the kernel panics (panic=-1
# reboots at once) and qemu, started with -no-reboot, ends.
busybox poweroff -f
exit "$rc"
