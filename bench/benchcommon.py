"""Shared pieces of bench/compare and bench/net-compare: running Debian's
python3-libvirt clients and the shared harness, and finding a build."""
import datetime
import json
import os
import shutil
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
PY = "/usr/bin/python3"


def log(msg):
    print(f"=== {datetime.datetime.utcnow():%H:%M:%S} {msg}", flush=True)


def client_env():
    """Debian's python3-libvirt on Debian's libvirt.so.0: nothing of a build tree."""
    env = dict(os.environ)
    for k in ("LD_LIBRARY_PATH", "LD_PRELOAD", "LIBVIRT_DEFAULT_URI"):
        env.pop(k, None)
    return env


def run(cmd, check=True, **kw):
    print("$ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, env=client_env(), **kw)
    if check and r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}")
    return r


def harness(a, script, *args, check=True):
    return run([PY, os.path.join(a.harness, script)] + [str(x) for x in args], check=check)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def find_build(a):
    if a.build:
        return os.path.abspath(a.build)
    for cand in (os.path.join(os.path.dirname(SRC), "build-bench"),
                 os.path.join(SRC, "build-check", "build"), os.path.join(SRC, "build-quickstart"), SRC):
        if os.access(os.path.join(cand, "agent", "virtnoded"), os.X_OK):
            return cand
    raise SystemExit("no built agent/virtnoded found: give --build DIR (a configured and built tree)")


def have_python_libvirt():
    return subprocess.run([PY, "-c", "import libvirt"], env=client_env()).returncode == 0


NETNS = "vnbench"


def virtnoded_setup(a, out, agent_conf=""):
    """A fresh root under OUT for virtnoded from a.build (find_build), not a first run (no
    default network), with AGENT_CONF as its agent.conf, and namespace vnbench. Returns the
    command that runs it there, its socket and its URI."""
    virtnoded = os.path.join(find_build(a), "agent", "virtnoded")
    root = os.path.join(out, "virtnoded-root")
    shutil.rmtree(root, ignore_errors=True)
    etc = os.path.join(root, "etc", "virtnode")
    os.makedirs(os.path.join(etc, "qemu", "networks"))
    with open(os.path.join(etc, "agent.conf"), "w") as f:
        f.write(agent_conf)
    os.chmod(out, 0o755)  # dnsmasq drops to "nobody"
    os.chmod(root, 0o755)
    sock = os.path.join(root, "run", "virtnode", "virtnode-sock")
    if not os.path.exists(f"/run/netns/{NETNS}"):
        run(["ip", "netns", "add", NETNS])
        run(["ip", "-n", NETNS, "link", "set", "lo", "up"])
    return ["ip", "netns", "exec", NETNS, virtnoded, "--root", root], sock, f"qemu+unix:///system?socket={sock}"


def with_virtnoded(a, out, agent_conf, measure):
    """Runs virtnoded from a.build (find_build) in network namespace vnbench
    on a fresh root under OUT (not a first run: no default network), with
    AGENT_CONF as its agent.conf, calls MEASURE(uri, pid, ns_cmd, outdir),
    then stops it. Returns what was run."""
    cmd, sock, uri = virtnoded_setup(a, out, agent_conf)
    logf = open(os.path.join(out, "virtnoded.log"), "w")
    log("virtnoded: " + " ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            if proc.poll() is not None:
                raise SystemExit(f"virtnoded exited ({proc.returncode}); see {logf.name}")
            time.sleep(0.05)
        measure(uri, proc.pid, f"ip netns exec {NETNS}", os.path.join(out, "virtnoded"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        logf.close()
        virtnoded_teardown(a)
    return {"start_cmd": " ".join(cmd)}


def virtnoded_teardown(a):
    """Deletes namespace vnbench (unless a.keep), if nothing runs there any more."""
    left = subprocess.run(["ip", "netns", "pids", NETNS], capture_output=True, text=True).stdout.split()
    if left:
        log(f"processes left in {NETNS}: {left} (namespace kept)")
    elif not a.keep:
        run(["ip", "netns", "del", NETNS], check=False)


def with_libvirtd(a, out, measure):
    """Starts Debian's libvirtd through the harness's anchor (its own
    namespace), calls MEASURE(uri, pid, ns_cmd, outdir), tears it down."""
    ctl = os.path.join(a.harness, "anchor", "libvirtd-ctl")
    state = os.environ.get("LVB_STATE", "/tmp/bench-anchor-state")
    ns = os.environ.get("LVB_NETNS", "lvbench")
    log("libvirtd (anchor): fresh start")
    run([ctl, "teardown"], check=False)
    run([ctl, "start"])
    try:
        with open(os.path.join(state, "libvirtd.pid")) as f:
            pid = int(f.read().split()[0])
        measure("qemu:///system", pid, f"ip netns exec {ns}", os.path.join(out, "libvirtd"))
        version = subprocess.run(["/usr/sbin/libvirtd", "--version"], capture_output=True, text=True).stdout.strip()
    finally:
        if not a.keep:
            run([ctl, "teardown"], check=False)
            run([ctl, "purge-sysdirs"], check=False)
    return {"version": version}
