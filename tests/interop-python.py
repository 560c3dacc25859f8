#!/usr/bin/python3
# interop-python.py: Debian's python3-libvirt (on Debian's libvirt.so.0)
# against a virtnoded started on a temporary root: listAllDomains,
# lookupByName, info, XMLDesc, networkDefineXML, listAllNetworks, errors,
# the read-only socket, and lifecycle events (virEventRegisterDefaultImpl,
# domainEventRegisterAny and networkEventRegisterAny) for definitions made
# on another connection. TAP output.
#
# Run it with Debian's /usr/bin/python3 and without this tree in
# LD_LIBRARY_PATH (tests/interop.mk does). Environment: abs_top_builddir,
# abs_top_srcdir.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import EventLoop, ok, skip_all  # noqa: E402
import pytap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("abs_top_srcdir", os.path.dirname(HERE))
BUILDDIR = os.environ.get("abs_top_builddir", os.path.dirname(HERE))
DATA = os.path.join(SRCDIR, "tests", "data", "interop")
VIRTNODED = os.environ.get("VIRTNODED", os.path.join(BUILDDIR, "agent", "virtnoded"))
WAIT_S = 10.0

try:
    import libvirt
except ImportError:
    skip_all("Debian's python3-libvirt is not installed (import libvirt failed)")


def loaded_libvirt():
    with open("/proc/self/maps") as f:
        for line in f:
            if "libvirt.so.0" in line:
                return line.split()[-1]
    return None


def expected_xml(name):
    """An expected dumpxml file of the CLI flow, without its footer."""
    with open(os.path.join(DATA, "cli", name)) as f:
        text = f.read()
    return text.split("\n--- stderr\n")[0].rstrip("\n") + "\n"


def read(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


class Agent:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="interop-python.")
        self.root = os.path.join(self.tmp, "root")
        run = os.path.join(self.root, "run", "virtnode")
        self.sock = os.path.join(run, "virtnode-sock")
        self.sock_ro = os.path.join(run, "virtnode-sock-ro")
        self.uri = f"qemu+unix:///system?socket={self.sock}"
        self.uri_ro = f"qemu+unix:///system?socket={self.sock_ro}"
        self.log = os.path.join(self.tmp, "virtnoded.log")
        self.proc = None

    def start(self):
        etc = os.path.join(self.root, "etc", "virtnode")
        # An existing network directory: not a first run, so no default
        # network is defined and the checks start from nothing.
        os.makedirs(os.path.join(etc, "qemu", "networks"), exist_ok=True)
        if os.getuid() != 0:
            with open(os.path.join(etc, "agent.conf"), "w") as f:
                f.write(f'unix_sock_group = "{os.getgid()}"\n')
        logf = open(self.log, "ab")
        # the same answers on every host: KVM never counts as usable
        env = dict(os.environ, VIRTNODE_FORCE_TCG="1")
        self.proc = subprocess.Popen([VIRTNODED, "--root", self.root], stdin=subprocess.DEVNULL,
                                     stdout=logf, stderr=logf, env=env)
        logf.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if os.path.exists(self.sock) and os.path.exists(self.sock_ro):
                with open(self.log, errors="replace") as f:
                    if f"ready (pid {self.proc.pid})" in f.read():
                        return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def log_tail(self, n=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Recorder:
    def __init__(self):
        self.cond = threading.Condition()
        self.events = []

    def dom_cb(self, conn, dom, event, detail, opaque):
        with self.cond:
            self.events.append(("domain", dom.name(), event, detail))
            self.cond.notify_all()

    def net_cb(self, conn, net, event, detail, opaque):
        with self.cond:
            self.events.append(("network", net.name(), event, detail))
            self.cond.notify_all()

    def wait_for(self, wanted):
        deadline = time.monotonic() + WAIT_S
        with self.cond:
            while wanted not in self.events:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True


def error_code(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e.get_error_code(), e.get_error_message()
    return None, "no error"


def main():
    # Which libraries: Debian's module and Debian's libvirt.so.0.
    lib = loaded_libvirt()
    ok(libvirt.__file__.startswith("/usr/lib/python3") and lib is not None
       and not lib.startswith(BUILDDIR) and not lib.startswith(os.path.realpath(BUILDDIR)),
       f"python3-libvirt is Debian's ({libvirt.__file__}) on Debian's libvirt.so.0 ({lib})",
       f"module {libvirt.__file__}, library {lib}, LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH')}")

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    agent = Agent()
    try:
        if not ok(agent.start(), f"virtnoded started on {agent.root}", agent.log_tail()):
            return
        run_flow(agent)
        rc = agent.stop()
        ok(rc == 0, "virtnoded stopped with SIGTERM, exit status 0", f"status {rc}\n{agent.log_tail()}")
        if pytap.failures:
            print("# agent log (last 40 lines):")
            for line in agent.log_tail(40).splitlines():
                print(f"#   {line}")
    finally:
        agent.cleanup()


def run_flow(agent):
    loop = EventLoop()
    rec = Recorder()
    dom_xml = read("domain.xml")
    net_xml = read("network.xml")

    try:
        conn = libvirt.open(agent.uri)
    except libvirt.libvirtError as e:
        ok(False, f"libvirt.open('{agent.uri}')", e)
        return
    ok(True, "libvirt.open on the agent's socket, with the default event loop registered")
    ok(conn.getType() == "QEMU", "getType() == 'QEMU'", conn.getType())
    libver = conn.getLibVersion()
    ok(libver >= 9000000, f"getLibVersion() = {libver}")
    host = conn.getHostname()
    node = os.uname().nodename
    ok(host == node or host.startswith(node + "."), f"getHostname() = {host} (uname: {node})")
    ok(conn.listAllDomains() == [], "listAllDomains() is empty on a fresh root")
    ok(conn.listAllNetworks() == [], "listAllNetworks() is empty on a fresh root")

    try:
        dom_cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, rec.dom_cb, None)
        net_cb = conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, rec.net_cb, None)
        ok(dom_cb >= 0 and net_cb >= 0,
           f"domainEventRegisterAny(LIFECYCLE) = {dom_cb}, networkEventRegisterAny(LIFECYCLE) = {net_cb}")
    except libvirt.libvirtError as e:
        dom_cb = net_cb = None
        ok(False, "domainEventRegisterAny / networkEventRegisterAny", e)

    # Definitions from another connection.
    other = libvirt.open(agent.uri)
    try:
        d = other.defineXML(dom_xml)
        ok(d.name() == "interop1" and d.UUIDString() == "4f2b9a61-0c3e-4d7a-9b85-1e6f0a2c7d39",
           f"defineXML on a second connection: {d.name()} {d.UUIDString()}")
    except libvirt.libvirtError as e:
        ok(False, "defineXML on a second connection", e)

    doms = conn.listAllDomains()
    ok([x.name() for x in doms] == ["interop1"], "listAllDomains() lists interop1",
       [x.name() for x in doms])
    try:
        dom = conn.lookupByName("interop1")
        ok(dom.UUIDString() == "4f2b9a61-0c3e-4d7a-9b85-1e6f0a2c7d39" and dom.ID() == -1,
           f"lookupByName('interop1'): uuid {dom.UUIDString()}, id {dom.ID()}")
        info = dom.info()
        ok(info == [libvirt.VIR_DOMAIN_SHUTOFF, 262144, 131072, 2, 0],
           f"info() = {info} (shut off, 262144 KiB max, 131072 KiB, 2 vCPUs, 0 ns)")
        ok(dom.isActive() == 0 and dom.isPersistent() == 1 and dom.autostart() == 0,
           "isActive 0, isPersistent 1, autostart 0")
        ok(dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_UNKNOWN]
           or dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF, f"state() = {dom.state()}")
        xml = dom.XMLDesc(0)
        ok(xml.rstrip("\n") + "\n" == expected_xml("dumpxml.out"), "XMLDesc(0) is the expected XML",
           xml)
        ok(dom.OSType() == "hvm", f"OSType() = {dom.OSType()}")
        ok(dom.maxMemory() == 262144, f"maxMemory() = {dom.maxMemory()}")
        ok(conn.lookupByUUIDString("4f2b9a61-0c3e-4d7a-9b85-1e6f0a2c7d39").name() == "interop1",
           "lookupByUUIDString finds interop1")
        dom.setAutostart(1)
        ok(conn.lookupByName("interop1").autostart() == 1, "setAutostart(1) sticks")
        flt = [x.name() for x in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_AUTOSTART)]
        ok(flt == ["interop1"], f"listAllDomains(AUTOSTART) = {flt}")
        flt = [x.name() for x in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)]
        ok(flt == [], f"listAllDomains(ACTIVE) = {flt}")
    except libvirt.libvirtError as e:
        ok(False, "lookupByName / info / XMLDesc of interop1", e)

    code, msg = error_code(lambda: conn.lookupByName("no-such-domain"))
    ok(code == libvirt.VIR_ERR_NO_DOMAIN and "no-such-domain" in msg,
       f"lookupByName of a missing domain: VIR_ERR_NO_DOMAIN ({msg})", f"{code} {msg}")
    # a type='kvm' domain where KVM is not usable (VIRTNODE_FORCE_TCG=1)
    code, msg = error_code(lambda: conn.lookupByName("interop1").create())
    ok(code == libvirt.VIR_ERR_CONFIG_UNSUPPORTED and "KVM is not available on this host" in msg,
       f"create() of a kvm domain without KVM: VIR_ERR_CONFIG_UNSUPPORTED ({msg})", f"{code} {msg}")

    try:
        net = conn.networkDefineXML(net_xml)
        ok(net.name() == "interopnet" and net.UUIDString() == "9d0e4c27-5b1a-4e83-a6f2-73c8b1d05e4a",
           f"networkDefineXML: {net.name()} {net.UUIDString()}")
        nets = [x.name() for x in conn.listAllNetworks()]
        ok(nets == ["interopnet"], f"listAllNetworks() = {nets}")
        ok(net.isActive() == 0 and net.isPersistent() == 1 and net.autostart() == 0,
           "network: isActive 0, isPersistent 1, autostart 0")
        ok(net.bridgeName() == "vnbr-interop", f"bridgeName() = {net.bridgeName()}")
        xml = net.XMLDesc(0)
        ok(xml.rstrip("\n") + "\n" == expected_xml("net-dumpxml.out"), "network XMLDesc(0) is the expected XML",
           xml)
        net.setAutostart(1)
        ok(conn.networkLookupByName("interopnet").autostart() == 1, "network setAutostart(1) sticks")
        flt = [x.name() for x in conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE)]
        ok(flt == ["interopnet"], f"listAllNetworks(INACTIVE) = {flt}")
    except libvirt.libvirtError as e:
        ok(False, "networkDefineXML / listAllNetworks", e)
    code, msg = error_code(lambda: conn.networkLookupByName("no-such-net"))
    ok(code == libvirt.VIR_ERR_NO_NETWORK, f"networkLookupByName of a missing network: VIR_ERR_NO_NETWORK ({msg})",
       f"{code} {msg}")

    # Read-only socket: opened read-only, and opened read-write (the agent
    # makes it read-only anyway).
    for label, opener in (("openReadOnly", libvirt.openReadOnly), ("open", libvirt.open)):
        try:
            ro = opener(agent.uri_ro)
        except libvirt.libvirtError as e:
            ok(False, f"{label} on the read-only socket", e)
            continue
        names = [x.name() for x in ro.listAllDomains()]
        ok(names == ["interop1"] and ro.lookupByName("interop1").info()[0] == libvirt.VIR_DOMAIN_SHUTOFF
           and [x.name() for x in ro.listAllNetworks()] == ["interopnet"],
           f"{label} on the ro socket: reads work")
        for what, fn in (("defineXML", lambda: ro.defineXML(dom_xml)),
                         ("undefine", lambda: ro.lookupByName("interop1").undefine()),
                         ("setAutostart", lambda: ro.lookupByName("interop1").setAutostart(0)),
                         ("networkDefineXML", lambda: ro.networkDefineXML(net_xml)),
                         ("network undefine", lambda: ro.networkLookupByName("interopnet").undefine())):
            code, msg = error_code(fn)
            ok(code == libvirt.VIR_ERR_OPERATION_DENIED and msg.startswith("operation forbidden"),
               f"{label} on the ro socket: {what} denied ({msg})", f"{code} {msg}")
        ro.close()
    ok(conn.lookupByName("interop1").autostart() == 1, "the denied calls changed nothing")

    # Undefine on the other connection: UNDEFINED events.
    try:
        other.lookupByName("interop1").undefine()
        other.networkLookupByName("interopnet").undefine()
        ok(conn.listAllDomains() == [] and conn.listAllNetworks() == [],
           "undefine on the second connection: nothing listed any more")
    except libvirt.libvirtError as e:
        ok(False, "undefine on the second connection", e)

    if dom_cb is not None:
        ok(rec.wait_for(("domain", "interop1", libvirt.VIR_DOMAIN_EVENT_DEFINED,
                         libvirt.VIR_DOMAIN_EVENT_DEFINED_ADDED)),
           "domain event DEFINED/ADDED for interop1 (defined on another connection)", rec.events)
        ok(rec.wait_for(("domain", "interop1", libvirt.VIR_DOMAIN_EVENT_UNDEFINED,
                         libvirt.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED)),
           "domain event UNDEFINED/REMOVED for interop1", rec.events)
        ok(rec.wait_for(("network", "interopnet", libvirt.VIR_NETWORK_EVENT_DEFINED, 0)),
           "network event DEFINED for interopnet", rec.events)
        ok(rec.wait_for(("network", "interopnet", libvirt.VIR_NETWORK_EVENT_UNDEFINED, 0)),
           "network event UNDEFINED for interopnet", rec.events)
        try:
            conn.domainEventDeregisterAny(dom_cb)
            conn.networkEventDeregisterAny(net_cb)
            ok(True, "event callbacks deregistered")
        except libvirt.libvirtError as e:
            ok(False, "event callbacks deregistered", e)
        # after deregistering: no more events
        n = len(rec.events)
        other.defineXML(dom_xml).undefine()
        time.sleep(0.5)
        ok(len(rec.events) == n, "no events after deregistering", rec.events[n:])

    other.close()
    conn.close()
    loop.stop()


if __name__ == "__main__":
    # A hung call must not hang the test suite: dump the stacks and exit.
    import faulthandler
    faulthandler.dump_traceback_later(180, exit=True)
    try:
        main()
    finally:
        pytap.finish()
