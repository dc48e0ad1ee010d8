#!/usr/bin/env python3
"""Presses Ctrl-C the way a person does: runs a command on a new pseudo-terminal (its own
session, so the command and its children form the terminal's foreground process group),
waits until a line of its output matches, types the interrupt character, and exits with the
command's exit status as a shell reports it (128+signal when a signal killed it). Everything
the command printed is copied to standard output. Bounded: 20 s for the line, 20 s to end.

usage: ctrl_c.py REGEX COMMAND [ARGS...]"""
import os
import pty
import re
import select
import signal
import sys
import time


def read_until(fd, out, deadline, pattern=None):
    """Reads from fd into out until pattern matches, the end of output, or the deadline."""
    while time.monotonic() < deadline:
        if pattern and pattern.search(out.decode(errors="replace")):
            return True
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: every process holding the terminal has ended
            return False
        if not chunk:
            return False
        out.extend(chunk)
    return False


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    pattern = re.compile(sys.argv[1], re.M)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    out = bytearray()
    seen = read_until(fd, out, time.monotonic() + 20, pattern)
    if seen:
        os.write(fd, b"\x03")
    else:
        os.kill(pid, signal.SIGKILL)
    read_until(fd, out, time.monotonic() + 20)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    if not seen:
        print("ctrl_c.py: no line matched %r" % sys.argv[1])
        sys.exit(99)
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else
             128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
