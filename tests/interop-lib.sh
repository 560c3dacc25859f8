# interop-lib.sh: shared helpers of the interop and agent end-to-end shell
# tests (sourced, not run). Each test starts its own virtnoded with --root
# on a temporary directory, so no privileges are needed and the host's
# /etc, /run and /var are never touched.
#
# Provides: TAP helpers (plan, ok, not_ok, skip, check, finish), agent_start
# / agent_stop / agent_kill, debian_client_env (runs Debian's clients on
# Debian's libvirt.so.0), and the paths ROOT, ETC, RUN, SOCK, SOCK_RO, URI,
# URI_RO, AGENT_LOG.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

here=$(cd "$(dirname "$0")" && pwd)

# As root, whatever networks the agent starts (the default one on a first
# run, those a test starts) must stay off the host: the whole test runs in
# a network namespace of its own, with lo up.
# A private mount namespace too: this namespace's /sys, and a private
# /run/netns for the namespaces a test adds with `ip netns add`.
if [ "$(id -u)" = 0 ] && [ -z "${VIRTNODE_TEST_NETNS:-}" ]; then
    VIRTNODE_TEST_NETNS=1
    export VIRTNODE_TEST_NETNS
    exec unshare --net --mount --propagation private -- /bin/sh "$0" "$@"
fi
if [ "$(id -u)" = 0 ]; then
    ip link set lo up
    mount -t sysfs sysfs /sys
    mkdir -p /run/netns && mount -t tmpfs -o mode=0755 tmpfs /run/netns
fi
srcdir=${abs_top_srcdir:-$here/..}
builddir=${abs_top_builddir:-$here/..}
data=$srcdir/tests/data/interop
VIRTNODED=${VIRTNODED:-$builddir/agent/virtnoded}
VIRTNODE=${VIRTNODE:-$builddir/tools/virtnode}
VIRSH=${VIRSH:-/usr/bin/virsh}
DEBIAN_PYTHON=${DEBIAN_PYTHON:-/usr/bin/python3}

LC_ALL=C
export LC_ALL
# The clients get their URI from -c only.
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX") || exit 99
ROOT=$TMP/root
ETC=$ROOT/etc/virtnode
RUN=$ROOT/run/virtnode
SOCK=$RUN/virtnode-sock
SOCK_RO=$RUN/virtnode-sock-ro
URI="qemu+unix:///system?socket=$SOCK"
URI_RO="qemu+unix:///system?socket=$SOCK_RO"
AGENT_LOG=$TMP/virtnoded.log
AGENT_PID=

n=0
failed=0

cleanup() {
    if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
        kill -TERM "$AGENT_PID" 2>/dev/null
        wait_gone "$AGENT_PID" 100 || kill -KILL "$AGENT_PID" 2>/dev/null
    fi
    # networks outlive their agent: end the dnsmasq of any still running
    for pidfile in "$TMP"/*/run/virtnode/network/*.pid; do
        [ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null
    done
    if [ "$failed" -gt 0 ] && [ -f "$AGENT_LOG" ]; then
        echo "# agent log (last 40 lines):"
        tail -n 40 "$AGENT_LOG" | sed 's/^/#   /'
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

# not_ok DESCRIPTION [DETAIL...]: a failure; details go out as TAP comments.
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for d in "$@"; do
        printf '%s\n' "$d" | sed 's/^/#   /'
    done
}

skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() {
    d=$1
    shift
    if "$@" >"$TMP/check.out" 2>&1; then
        ok "$d"
    else
        not_ok "$d" "$(cat "$TMP/check.out")"
    fi
}

# The plan comes last (TAP allows it), so the count is never out of date.
finish() {
    echo "1..$n"
    [ "$failed" -eq 0 ]
    exit $?
}

# wait_gone PID TENTHS: true once PID has exited (within TENTHS/10 s).
wait_gone() {
    i=0
    while kill -0 "$1" 2>/dev/null; do
        # a zombie child still answers kill -0: reap it
        if [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z ]; then
            wait "$1" 2>/dev/null
            return 0
        fi
        i=$((i + 1))
        [ "$i" -gt "$2" ] && return 1
        sleep 0.1
    done
    wait "$1" 2>/dev/null
    return 0
}

# Not root: mutating calls on the rw socket need the configured group
# (root passes anyway), so the agent gets our own group as its socket group.
write_agent_conf() {
    mkdir -p "$ETC"
    # An existing network directory means "not the first run": the agent then
    # leaves the default network out, so tests start from nothing defined.
    # FIRST_RUN=1 keeps a fresh root fresh (the first-run tests).
    [ "${FIRST_RUN:-0}" = 1 ] || mkdir -p "$ETC/qemu/networks"
    if [ "$(id -u)" != 0 ] && [ ! -f "$ETC/agent.conf" ]; then
        echo "unix_sock_group = \"$(id -g)\"" >"$ETC/agent.conf"
    fi
}

# agent_start [ARGS...]: starts virtnoded --root ROOT in the background
# (log appended to AGENT_LOG) and waits (at most 30 s) until both sockets
# accept connections and autostart is over (RUN/autostarted: it runs in
# the background while the agent answers). Sets AGENT_PID. False when it
# did not come up.
agent_start() {
    write_agent_conf
    "$VIRTNODED" --root "$ROOT" "$@" >>"$AGENT_LOG" 2>&1 &
    AGENT_PID=$!
    i=0
    while [ "$i" -lt 300 ]; do
        if ! kill -0 "$AGENT_PID" 2>/dev/null; then
            wait "$AGENT_PID" 2>/dev/null
            AGENT_PID=
            return 1
        fi
        if [ -S "$SOCK" ] && [ -S "$SOCK_RO" ] && [ -e "$RUN/autostarted" ] &&
            grep -q "ready (pid $AGENT_PID)" "$AGENT_LOG" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# agent_stop: SIGTERM and wait (at most 20 s); true if it exited with 0.
# A hang is declared only after 20 s of a live process: a status read can
# race with the shell reaping the agent (dash's wait for a command
# substitution reaps any child), and then the next kill -0 simply fails.
agent_stop() {
    [ -n "$AGENT_PID" ] || return 1
    kill -TERM "$AGENT_PID" 2>/dev/null
    i=0
    while [ "$i" -lt 200 ]; do
        kill -0 "$AGENT_PID" 2>/dev/null || break # exited, reaped by the shell
        [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$AGENT_PID/status" 2>/dev/null)" = Z ] &&
            break # exited, not reaped yet
        sleep 0.1
        i=$((i + 1))
    done
    if [ "$i" -ge 200 ]; then
        # Say where it is stuck: the failure must explain itself in CI logs.
        echo "# virtnoded (pid $AGENT_PID) still running 20 s after SIGTERM:"
        if command -v gdb >/dev/null 2>&1; then
            gdb -p "$AGENT_PID" -batch -ex 'thread apply all bt' 2>/dev/null |
                grep -E '^(Thread|#)' | sed 's/^/#   /'
        fi
        return 1
    fi
    wait "$AGENT_PID"
    rc=$?
    AGENT_PID=
    [ "$rc" -eq 0 ] || echo "# virtnoded exit status $rc"
    [ "$rc" -eq 0 ]
}

# agent_kill: SIGKILL, then reap.
agent_kill() {
    [ -n "$AGENT_PID" ] || return 1
    kill -KILL "$AGENT_PID" 2>/dev/null
    wait_gone "$AGENT_PID" 100
    AGENT_PID=
}

# debian_client CMD...: runs one of Debian's clients with nothing of this
# build tree in its environment, so it loads Debian's libvirt.so.0.
debian_client() {
    env -u LD_LIBRARY_PATH -u LD_PRELOAD -u LIBVIRT_DRIVER_DIR "$@"
}

# The libvirt.so.0 a dynamically linked program resolves (ldd).
loaded_libvirt() {
    env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$1" 2>/dev/null | awk '/libvirt\.so\.0/ {print $3}'
}

# have_virsh: Debian's virsh installed and linked to a libvirt.so.0 outside
# this build tree.
have_virsh() {
    [ -x "$VIRSH" ] || return 1
    lib=$(loaded_libvirt "$VIRSH")
    case $lib in
    "" | "$builddir"/*) return 1 ;;
    esac
    return 0
}

# Masks what differs from host to host or run to run.
mask_host() {
    sed -e "s|$TMP|<tmp>|g" \
        -e "s|^\(Running hypervisor: QEMU \)[0-9][0-9.]*\$|\1<version>|" \
        -e "s|^\(CPU time: *\)[0-9][0-9.]*s\$|\1<masked>s|"
}
