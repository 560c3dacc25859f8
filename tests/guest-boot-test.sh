#!/bin/sh
# guest-boot-test.sh: builds (or reuses) the test guest of tests/guest/ and
# boots it under qemu (TCG) with a virtio-net NIC on qemu's user-mode
# network, restricted (restrict=on: no traffic leaves qemu), whose built-in
# DHCP server hands out 10.0.2.15 (and, restricted, no router). Checks
# the guest's console reports its lease and READY, then presses the ACPI
# power button over QMP and checks the guest says so and qemu exits by
# itself.
#
# Without the packages (no network access to the Debian mirror and nothing
# cached) or without qemu the test skips, and fails instead under CI=true.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${abs_top_srcdir:-$here/..}
builddir=${abs_top_builddir:-$here/..}
GUEST=${VNGUEST_DIR:-$builddir/tests/guest}
QEMU=${QEMU:-qemu-system-x86_64}
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
# Limits in seconds: TCG on a busy 2-CPU machine is slow, the guest not.
READY_LIMIT=${VNGUEST_READY_LIMIT:-90}
POWEROFF_LIMIT=20
EXIT_LIMIT=20
MAC=52:54:00:56:4e:01

n=0
failed=0
QEMU_PID=
TMP=$(mktemp -d "${TMPDIR:-/tmp}/guest-boot-test.XXXXXX") || exit 99
LOG=$TMP/console.log
QMP=$TMP/qmp.sock

cleanup() {
    if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill -KILL "$QEMU_PID" 2>/dev/null
        wait "$QEMU_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for d in "$@"; do
        printf '%s\n' "$d" | sed 's/^/#   /'
    done
}
finish() {
    echo "1..$n"
    [ "$failed" -eq 0 ]
    exit $?
}
# cannot_run REASON: the whole test skips, or fails under CI=true.
cannot_run() {
    if [ "${CI:-}" = true ]; then
        not_ok "test guest can run here" "$1 (CI=true: not skipped)"
        finish
    fi
    echo "1..0 # SKIP $1"
    exit 0
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
console() { sed 's/^/console: /' "$LOG" 2>/dev/null; }

# qmp CMD...: one QMP session running each command; prints the replies.
qmp() {
    "$PYTHON" - "$QMP" "$@" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
if "QMP" not in json.loads(f.readline()):
    sys.exit("no QMP greeting")
for cmd in ["qmp_capabilities"] + sys.argv[2:]:
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    while True:  # events may come before the reply
        msg = json.loads(f.readline())
        if "return" in msg or "error" in msg:
            break
    print(json.dumps(msg))
    if "error" in msg:
        sys.exit(1)
EOF
}

# qemu_gone: true once qemu has exited (a zombie counts: we reap it later).
qemu_gone() {
    ! kill -0 "$QEMU_PID" 2>/dev/null ||
        [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$QEMU_PID/status" 2>/dev/null)" = Z ]
}

# wait_for PATTERN SECONDS: true once the console has a line matching PATTERN.
wait_for() {
    wf_end=$(($(now_ms) + $2 * 1000))
    while [ "$(now_ms)" -lt "$wf_end" ]; do
        grep -q "$1" "$LOG" 2>/dev/null && return 0
        qemu_gone && break
        sleep 0.1
    done
    grep -q "$1" "$LOG" 2>/dev/null
}

command -v "$QEMU" >/dev/null || cannot_run "$QEMU is not installed"
"$QEMU" -netdev help 2>/dev/null | grep -qx user ||
    cannot_run "$QEMU has no user-mode networking (slirp)"

# ---- the guest ---------------------------------------------------------------
t0=$(now_ms)
"$srcdir/tests/guest/build-guest.sh" "$GUEST" >"$TMP/build.log" 2>&1
rc=$?
build_ms=$(($(now_ms) - t0))
case $rc in
0) ok "test guest built in $GUEST ($(secs $build_ms) s)" ;;
77) cannot_run "$(sed -n 's/^build-guest: cannot build the test guest: //p' "$TMP/build.log" | tail -n 1)" ;;
*)
    not_ok "test guest built" "$(cat "$TMP/build.log")"
    finish
    ;;
esac
sed 's/^/# /' "$GUEST/versions"

# A second run reuses it: nothing rebuilt.
before=$(stat -c %Y.%i "$GUEST/vmlinuz" "$GUEST/initramfs.cpio.gz")
if "$srcdir/tests/guest/build-guest.sh" "$GUEST" >"$TMP/build2.log" 2>&1 &&
    grep -q 'up to date' "$TMP/build2.log" &&
    [ "$(stat -c %Y.%i "$GUEST/vmlinuz" "$GUEST/initramfs.cpio.gz")" = "$before" ]; then
    ok "an unchanged guest is reused"
else
    not_ok "an unchanged guest is reused" "$(cat "$TMP/build2.log")"
fi

# ---- boot ----------------------------------------------------------------------
t0=$(now_ms)
"$QEMU" -accel tcg -m 256 -nodefaults -display none -no-reboot \
    -kernel "$GUEST/vmlinuz" -initrd "$GUEST/initramfs.cpio.gz" \
    -append "$(cat "$GUEST/cmdline")" \
    -serial "file:$LOG" \
    -qmp "unix:$QMP,server=on,wait=off" \
    -netdev user,id=n0,restrict=on -device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=" \
    </dev/null >"$TMP/qemu.err" 2>&1 &
QEMU_PID=$!

if wait_for '^VNGUEST-READY' "$READY_LIMIT"; then
    boot_ms=$(($(now_ms) - t0))
    ok "guest ready in $(secs $boot_ms) s"
else
    not_ok "guest ready within $READY_LIMIT s" "$(console)" "$(cat "$TMP/qemu.err")"
    finish
fi

lease=$(grep '^VNGUEST-LEASE ' "$LOG" | head -n 1 | tr -d '\r')
if [ "$lease" = "VNGUEST-LEASE ip=10.0.2.15 mac=$MAC router=" ]; then
    ok "guest reports its DHCP lease: $lease"
else
    not_ok "guest reports its DHCP lease" "got: '$lease'" "$(console)"
fi

if grep -q '^VNGUEST-ERROR' "$LOG"; then
    not_ok "guest init reports no errors" "$(console)"
else
    ok "guest init reports no errors"
fi

# ---- power button ------------------------------------------------------------
# system_powerdown only presses the button: press again while nothing happens.
t0=$(now_ms)
end=$((t0 + POWEROFF_LIMIT * 1000))
pressed=0
while [ "$(now_ms)" -lt "$end" ] && ! grep -q '^VNGUEST-POWEROFF' "$LOG"; do
    qemu_gone && break
    if qmp system_powerdown >"$TMP/qmp.out" 2>&1; then
        pressed=$((pressed + 1))
    fi
    wait_for '^VNGUEST-POWEROFF' 2
done
if grep -q '^VNGUEST-POWEROFF' "$LOG"; then
    off_ms=$(($(now_ms) - t0))
    ok "guest powers off on the ACPI button ($(secs $off_ms) s, $pressed press(es))"
else
    not_ok "guest powers off on the ACPI button within $POWEROFF_LIMIT s" \
        "$(cat "$TMP/qmp.out")" "$(console)"
fi

end=$(($(now_ms) + EXIT_LIMIT * 1000))
while [ "$(now_ms)" -lt "$end" ] && ! qemu_gone; do
    sleep 0.1
done
if qemu_gone; then
    wait "$QEMU_PID"
    rc=$?
    QEMU_PID=
    if [ "$rc" -eq 0 ]; then
        ok "qemu exits by itself after the guest's poweroff (status 0)"
    else
        not_ok "qemu exits by itself after the guest's poweroff" \
            "exit status $rc" "$(cat "$TMP/qemu.err")"
    fi
else
    not_ok "qemu exits by itself within $EXIT_LIMIT s of the poweroff" "$(console)"
fi
echo "# timings: build $(secs "$build_ms") s, boot to READY $(secs "${boot_ms:-0}") s, poweroff $(secs "${off_ms:-0}") s"
finish
