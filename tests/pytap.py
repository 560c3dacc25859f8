"""pytap.py: TAP output and libvirt's event loop for the Python tests
(interop-python.py, dom-events.py), run with Debian's python3 and
python3-libvirt.

SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import sys
import threading

count = 0
failures = 0


def ok(cond, desc, detail=None):
    """One check; DETAIL goes out as comments when it failed (always with VERBOSE set)."""
    global count, failures
    count += 1
    if cond:
        print(f"ok {count} - {desc}")
    else:
        failures += 1
        print(f"not ok {count} - {desc}")
    if detail is not None and (not cond or os.environ.get("VERBOSE")):
        for line in str(detail).splitlines():
            print(f"#   {line}")
    sys.stdout.flush()
    return cond


def comment(text):
    for line in str(text).splitlines():
        print(f"# {line}")
    sys.stdout.flush()


def skip_all(why):
    print(f"1..0 # SKIP {why}")
    sys.exit(0)


def finish():
    """The plan, and the exit status: 1 if a check failed."""
    print(f"1..{count}")
    sys.stdout.flush()
    sys.exit(1 if failures else 0)


class EventLoop:
    """libvirt's default event implementation, run on a thread."""

    def __init__(self):
        import libvirt

        self.libvirt = libvirt
        libvirt.virEventRegisterDefaultImpl()
        self.stopping = False
        # a timer wakes the loop up regularly, so stop() is seen
        self.timer = libvirt.virEventAddTimeout(100, lambda t, o: None, None)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            self.libvirt.virEventRunDefaultImpl()

    def stop(self):
        self.stopping = True
        self.thread.join(2)
        self.libvirt.virEventRemoveTimeout(self.timer)
