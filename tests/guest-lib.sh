# guest-lib.sh: shared pieces of the guest end-to-end shell tests
# (dom-e2e*.sh, dom-api-e2e.sh; sourced, not run). Source it BEFORE
# interop-lib.sh, with E2E_LABEL set (the name a skip or a failure to run
# gets) and E2E_GUEST=no in a test that needs no test guest.
#
# As root, outside the test's network namespace, the test guest is built
# (or found up to date) first: interop-lib.sh then re-runs the script in
# namespaces of its own, where there is no network to download Debian's
# packages. The result goes along in the environment (VNGUEST_*).
#
# Provides (once interop-lib.sh is sourced too): cannot_run REASON (a skip,
# or a failure when CI=true), guest_ready (sets GUEST, the guest's
# directory, or ends the test), guest_xml NAME DEVICES [KERNEL] (its
# domain XML), V (Debian's virsh on the test's URI),
# qemu_of NAME (the pid of guest NAME's qemu), gone PID, wait_console NAME
# TEXT SECONDS (the guest's serial console is $TMP/NAME.console).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

if [ -z "${VIRTNODE_TEST_NETNS:-}" ] && [ "$(id -u)" = 0 ] && [ "${E2E_GUEST:-yes}" != no ]; then
    guest_here=$(cd "$(dirname "$0")" && pwd)
    VNGUEST_DIR=${abs_top_builddir:-$guest_here/..}/tests/guest
    VNGUEST_LOG=$(mktemp "${TMPDIR:-/tmp}/$(basename "$0" .sh)-guest.XXXXXX")
    "${abs_top_srcdir:-$guest_here/..}/tests/guest/build-guest.sh" "$VNGUEST_DIR" >"$VNGUEST_LOG" 2>&1
    VNGUEST_RC=$?
    export VNGUEST_DIR VNGUEST_LOG VNGUEST_RC
fi

cannot_run() {
    if [ "${CI:-}" = true ]; then
        not_ok "$E2E_LABEL" "$1"
    else
        skip "$E2E_LABEL" "$1"
    fi
    finish
}

# guest_ready: the built guest's directory in GUEST; a machine that cannot
# build it (no Debian mirror, nothing cached) cannot run the test, a
# failed build fails it.
guest_ready() {
    guest_log=$(cat "$VNGUEST_LOG" 2>/dev/null)
    rm -f "$VNGUEST_LOG"
    case ${VNGUEST_RC:-} in
    0) ;;
    77) cannot_run "the test guest cannot be built here: $(printf '%s\n' "$guest_log" | tail -n 1)" ;;
    *)
        not_ok "the test guest builds" "$(printf '%s\n' "$guest_log" | tail -n 20)"
        finish
        ;;
    esac
    GUEST=$VNGUEST_DIR
}

# guest_xml NAME DEVICES [KERNEL]: the test guest (256 MiB, ACPI, its
# serial console in $TMP/NAME.console) with DEVICES (XML lines); a
# KERNEL replaces its own, GUEST_EXTRA goes on its kernel command line.
guest_xml() {
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>${3:-$GUEST/vmlinuz}</kernel>
    <initrd>$GUEST/initramfs.cpio.gz</initrd>
    <cmdline>$(cat "$GUEST/cmdline") vnguest.hostname=$1${GUEST_EXTRA:+ $GUEST_EXTRA}</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
$2
    <serial type='file'>
      <source path='$TMP/$1.console'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
XML
}

V() {
    debian_client "$VIRSH" -q -c "$URI" "$@"
}

qemu_of() {
    for p in $(pgrep -f "guest=$1," 2>/dev/null); do
        echo "$p"
    done
}

# gone PID: no such process, or a zombie (an orphan waits for PID 1,
# which reaps only every few seconds here)
gone() {
    ! kill -0 "$1" 2>/dev/null ||
        [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = Z ]
}

wait_console() {
    i=0
    while [ "$i" -lt $(($3 * 10)) ]; do
        grep -q "$2" "$TMP/$1.console" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
