#!/usr/bin/python3
# dom-events.py: domain lifecycle events through Debian's python3-libvirt
# (on Debian's libvirt.so.0) from a virtnoded running a real qemu guest.
# Run by tests/dom-api-e2e.sh, which starts the agent and its `default`
# network and relays this program's TAP.
#
# Usage: dom-events.py URI GUEST_DIR WORK_DIR
#
# Client A registers for lifecycle events and drives the guest through
# define, start, suspend, resume, shutdown (the ACPI button, the guest
# powers off), start, destroy, undefine. Client B, on a connection of its
# own, registers for every domain event ID as `virsh event --loop --all`
# does. Both must see exactly the sequence libvirt's qemu driver emits:
#   DEFINED/ADDED, STARTED/BOOTED, SUSPENDED/PAUSED, RESUMED/UNPAUSED,
#   SHUTDOWN/GUEST, STOPPED/SHUTDOWN, STARTED/BOOTED, STOPPED/DESTROYED,
#   UNDEFINED/REMOVED
# (libvirt announces a guest's own poweroff with a SHUTDOWN event first,
# detail GUEST when qemu says the guest initiated it, as for a poweroff
# after the ACPI button, then STOPPED/SHUTDOWN once qemu is gone).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import EventLoop, comment, finish, ok, skip_all  # noqa: E402

NAME = "vgev1"
MAC = "52:54:00:7e:01:03"
EVENT_WAIT_S = 15.0
BOOT_WAIT_S = 120.0
SHUTDOWN_WAIT_S = 90.0

try:
    import libvirt
except ImportError:
    skip_all("Debian's python3-libvirt is not installed (import libvirt failed)")

if len(sys.argv) != 4:
    sys.stderr.write("usage: dom-events.py URI GUEST_DIR WORK_DIR\n")
    sys.exit(2)
URI, GUEST, WORK = sys.argv[1:4]
CONSOLE = os.path.join(WORK, f"{NAME}.console")

# libvirt's names of the lifecycle events and their details
EVENTS = {
    libvirt.VIR_DOMAIN_EVENT_DEFINED: "DEFINED",
    libvirt.VIR_DOMAIN_EVENT_UNDEFINED: "UNDEFINED",
    libvirt.VIR_DOMAIN_EVENT_STARTED: "STARTED",
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: "SUSPENDED",
    libvirt.VIR_DOMAIN_EVENT_RESUMED: "RESUMED",
    libvirt.VIR_DOMAIN_EVENT_STOPPED: "STOPPED",
    libvirt.VIR_DOMAIN_EVENT_SHUTDOWN: "SHUTDOWN",
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: "PMSUSPENDED",
    libvirt.VIR_DOMAIN_EVENT_CRASHED: "CRASHED",
}


def detail_names(prefix):
    return {getattr(libvirt, a): a[len(prefix):] for a in dir(libvirt) if a.startswith(prefix)}


DETAILS = {
    "DEFINED": detail_names("VIR_DOMAIN_EVENT_DEFINED_"),
    "UNDEFINED": detail_names("VIR_DOMAIN_EVENT_UNDEFINED_"),
    "STARTED": detail_names("VIR_DOMAIN_EVENT_STARTED_"),
    "SUSPENDED": detail_names("VIR_DOMAIN_EVENT_SUSPENDED_"),
    "RESUMED": detail_names("VIR_DOMAIN_EVENT_RESUMED_"),
    "STOPPED": detail_names("VIR_DOMAIN_EVENT_STOPPED_"),
    "SHUTDOWN": detail_names("VIR_DOMAIN_EVENT_SHUTDOWN_"),
    "PMSUSPENDED": detail_names("VIR_DOMAIN_EVENT_PMSUSPENDED_"),
    "CRASHED": detail_names("VIR_DOMAIN_EVENT_CRASHED_"),
}


def lifecycle_name(event, detail):
    ev = EVENTS.get(event, f"event{event}")
    return f"{ev}/{DETAILS.get(ev, {}).get(detail, f'detail{detail}')}"


class Recorder:
    """What one client received for domain NAME, in order."""

    def __init__(self):
        self.cond = threading.Condition()
        self.lifecycle = []  # "EVENT/DETAIL"
        self.others = []  # "ID_NAME args"

    def lifecycle_cb(self, conn, dom, event, detail, opaque):
        if dom.name() != NAME:
            return
        with self.cond:
            self.lifecycle.append(lifecycle_name(event, detail))
            self.cond.notify_all()

    def other_cb(self, id_name):
        def cb(conn, dom, *args):
            if dom.name() != NAME:
                return
            with self.cond:
                self.others.append(f"{id_name} {args[:-1]}")
                self.cond.notify_all()

        return cb

    def wait_for(self, wanted, start, timeout=EVENT_WAIT_S):
        """True once WANTED was received at index START or later."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while wanted not in self.lifecycle[start:]:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def snapshot(self):
        with self.cond:
            return list(self.lifecycle)


def guest_xml():
    with open(os.path.join(GUEST, "cmdline")) as f:
        cmdline = f.read().strip()
    return f"""<domain type='qemu'>
  <name>{NAME}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>{GUEST}/vmlinuz</kernel>
    <initrd>{GUEST}/initramfs.cpio.gz</initrd>
    <cmdline>{cmdline} vnguest.hostname={NAME}</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <interface type='network'>
      <mac address='{MAC}'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='{CONSOLE}'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
"""


def console_has(marker):
    try:
        with open(CONSOLE, errors="replace") as f:
            return marker in f.read()
    except OSError:
        return False


def wait_until(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


def domain_event_ids():
    """Every domain event ID this python-libvirt knows, by name."""
    ids = {}
    for a in dir(libvirt):
        if a.startswith("VIR_DOMAIN_EVENT_ID_") and a != "VIR_DOMAIN_EVENT_ID_LAST":
            ids[getattr(libvirt, a)] = a[len("VIR_DOMAIN_EVENT_ID_"):]
    return dict(sorted(ids.items()))


EXPECTED = [
    "DEFINED/ADDED",
    "STARTED/BOOTED",
    "SUSPENDED/PAUSED",
    "RESUMED/UNPAUSED",
    "SHUTDOWN/GUEST",
    "STOPPED/SHUTDOWN",
    "STARTED/BOOTED",
    "STOPPED/DESTROYED",
    "UNDEFINED/REMOVED",
]


def main():
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    loop = EventLoop()
    a_rec, b_rec = Recorder(), Recorder()
    conn = libvirt.open(URI)
    other = libvirt.open(URI)

    a_id = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                       a_rec.lifecycle_cb, None)
    ok(a_id >= 0, f"client A: domainEventRegisterAny(LIFECYCLE) = {a_id}")
    # client B: every event ID, as `virsh event --loop --all`
    b_ids, refused = [], []
    for event_id, id_name in domain_event_ids().items():
        cb = b_rec.lifecycle_cb if id_name == "LIFECYCLE" else b_rec.other_cb(id_name)
        try:
            b_ids.append(other.domainEventRegisterAny(None, event_id, cb, None))
        except libvirt.libvirtError as e:
            refused.append(f"{id_name} ({event_id}): {e.get_error_message()}")
    ok(not refused and b_ids,
       f"client B: registered for all {len(b_ids) + len(refused)} domain event IDs",
       "refused:\n" + "\n".join(refused))

    # each step: the call, then what must have come by the time it is done
    steps = []

    def step(desc, call, wanted, timeout=EVENT_WAIT_S):
        start = len(a_rec.snapshot())
        t0 = time.monotonic()
        try:
            call()
        except libvirt.libvirtError as e:
            ok(False, f"{desc}", e.get_error_message())
            return
        got = a_rec.wait_for(wanted, start, timeout)
        took = time.monotonic() - t0
        ok(got, f"{desc}: {wanted} within {took:.1f} s",
           f"received since the call: {a_rec.snapshot()[start:]}")
        steps.append((desc, a_rec.snapshot()[start:]))

    dom = None

    def define():
        nonlocal dom
        dom = conn.defineXML(guest_xml())

    step("define", define, "DEFINED/ADDED")
    if dom is None:
        return
    step("start", dom.create, "STARTED/BOOTED")
    ok(wait_until(lambda: console_has("VNGUEST-READY"), BOOT_WAIT_S),
       "the guest is up (VNGUEST-READY on its console)")
    step("suspend", dom.suspend, "SUSPENDED/PAUSED")
    step("resume", dom.resume, "RESUMED/UNPAUSED")
    step("shutdown (ACPI, the guest powers off)", dom.shutdown, "STOPPED/SHUTDOWN",
         SHUTDOWN_WAIT_S)
    ok(console_has("VNGUEST-POWEROFF") and dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF,
       "the guest powered off: shut off", f"state {dom.state()}")
    step("start again", dom.create, "STARTED/BOOTED")
    step("destroy", dom.destroy, "STOPPED/DESTROYED")
    step("undefine (on the other connection)",
         lambda: other.lookupByName(NAME).undefine(), "UNDEFINED/REMOVED")

    # late or duplicate events would come now
    time.sleep(1.0)
    a_all, b_all = a_rec.snapshot(), b_rec.snapshot()
    ok(a_all == EXPECTED, "client A received exactly libvirt's lifecycle sequence",
       f"expected: {EXPECTED}\nreceived: {a_all}\nby step:\n" +
       "\n".join(f"  {d}: {e}" for d, e in steps))
    ok(b_all == a_all, "client B (all event IDs) received the same lifecycle events",
       f"A: {a_all}\nB: {b_all}")
    comment(f"client B, other event IDs: {b_rec.others if b_rec.others else 'none'}")

    for cb_id in b_ids:
        other.domainEventDeregisterAny(cb_id)
    conn.domainEventDeregisterAny(a_id)
    # nothing more after deregistration
    n_a, n_b = len(a_rec.snapshot()), len(b_rec.snapshot())
    conn.defineXML(guest_xml()).undefine()
    time.sleep(0.5)
    ok(len(a_rec.snapshot()) == n_a and len(b_rec.snapshot()) == n_b,
       "no events after deregistration", f"A: {a_rec.snapshot()[n_a:]}\nB: {b_rec.snapshot()[n_b:]}")
    other.close()
    conn.close()
    loop.stop()


try:
    main()
except libvirt.libvirtError as e:
    ok(False, "libvirt call", e.get_error_message())
finally:
    # whatever a failure left behind
    try:
        c = libvirt.open(URI)
        try:
            d = c.lookupByName(NAME)
            if d.isActive():
                d.destroy()
            d.undefine()
        except libvirt.libvirtError:
            pass
        c.close()
    except libvirt.libvirtError:
        pass
finish()
