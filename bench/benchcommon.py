"""Shared pieces of bench/compare and bench/net-compare: running Debian's
python3-libvirt clients and the shared harness, and finding a build."""
import datetime
import json
import os
import subprocess

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
