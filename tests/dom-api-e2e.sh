#!/bin/sh
# dom-api-e2e.sh: every domain operation through the C API, and lifecycle
# events through Debian's python3-libvirt, on real qemu guests (TCG)
# driven by virtnoded (privileged; in namespaces of its own, see
# interop-lib.sh)
#
# Two programs, each against this script's agent with the `default`
# network started, their TAP relayed here as checks:
# - tests/dom-api-client (C, this tree's libvirt.so.0): define, start,
#   info, state and reasons, suspend/resume, reboot/reset, shutdown by the
#   ACPI button, destroy, transient domains, live vs inactive XML, invalid
#   transitions (VIR_ERR_OPERATION_INVALID naming the domain, nothing
#   changed), libvirt's qemu driver's behaviour where it is particular.
# - tests/dom-events.py (Debian's python3 and python3-libvirt): the exact
#   lifecycle event sequence of define, start, suspend, resume, shutdown,
#   start, destroy, undefine, on the driving connection and on another one
#   registered for every event ID.
#
# Not root: skipped (a failure when CI=true); so is a machine where the
# guest cannot be built (no Debian mirror and nothing cached).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

E2E_LABEL="domain API and event tests"
# shellcheck source=tests/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

API_CLIENT=${DOM_API_CLIENT:-$builddir/tests/dom-api-client}
EVENTS_PY=$srcdir/tests/dom-events.py

[ "$(id -u)" = 0 ] || cannot_run "needs root (bridges, taps, qemu in a namespace)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot_run "qemu-system-x86_64 is missing"
[ -x "$API_CLIENT" ] || cannot_run "$API_CLIENT is not built"
debian_client "$DEBIAN_PYTHON" -c 'import libvirt' 2>/dev/null ||
    cannot_run "Debian's python3-libvirt is not installed"
guest_ready

chmod 0755 "$TMP"
mkdir -p "$TMP/work"

# whatever a failed run leaves: its guests (the agent goes in cleanup)
dom_api_cleanup() {
    for pid in $(pgrep -f 'guest=vg(api|ev)[0-9],' 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null
    done
}
trap 'dom_api_cleanup; cleanup' EXIT

# relay PREFIX FILE: the TAP of a program as this script's checks (its
# own numbering and plan dropped, comments and TODO/SKIP directives kept)
relay() {
    details=
    pending=
    flush_pending() {
        if [ -n "$pending" ]; then
            not_ok "$pending" "$details"
            pending=
        fi
        details=
    }
    while IFS= read -r line; do
        case $line in
        "not ok "*"# TODO"*)
            flush_pending
            n=$((n + 1))
            echo "not ok $n - $1: $(printf '%s' "$line" | sed 's/^not ok [0-9]* *-* *//')"
            ;;
        "not ok "*)
            flush_pending
            pending="$1: $(printf '%s' "$line" | sed 's/^not ok [0-9]* *-* *//')"
            ;;
        "ok "*)
            flush_pending
            n=$((n + 1))
            echo "ok $n - $1: $(printf '%s' "$line" | sed 's/^ok [0-9]* *-* *//')"
            ;;
        "#"*)
            if [ -n "$pending" ]; then
                details="$details${details:+
}${line#\#}"
            else
                echo "$line"
            fi
            ;;
        [0-9]*..[0-9]*)
            plan=${line#*..}
            ;;
        esac
    done <"$2"
    flush_pending
}

# run_relayed PREFIX COMMAND...: runs COMMAND, relays its TAP, and fails
# when it exited badly or its plan was not met (a crash halfway)
run_relayed() {
    prefix=$1
    shift
    start=$(date +%s)
    "$@" >"$TMP/$prefix.tap" 2>"$TMP/$prefix.err"
    rc=$?
    before=$n
    plan=
    relay "$prefix" "$TMP/$prefix.tap"
    if [ -z "$plan" ] || [ $((n - before)) -ne "$plan" ]; then
        not_ok "$prefix: ran to its end (exit status $rc, plan ${plan:-none}, $((n - before)) results)" \
            "$(tail -n 20 "$TMP/$prefix.err")"
    fi
    if [ -s "$TMP/$prefix.err" ]; then
        echo "# $prefix stderr:"
        sed 's/^/#   /' "$TMP/$prefix.err" | tail -n 20
    fi
    echo "# $prefix took $(($(date +%s) - start)) s"
}

T0=$(date +%s)
if agent_start; then
    ok "virtnoded started"
else
    not_ok "virtnoded started" "$(cat "$AGENT_LOG")"
    finish
fi
out=$( ("$VIRTNODE" -q -c "$URI" net-define "$srcdir/init/networks/default.xml" &&
    "$VIRTNODE" -q -c "$URI" net-start default) 2>&1)
if [ $? -eq 0 ]; then
    ok "the default network is defined and active"
else
    not_ok "the default network is defined and active" "$out" "$(tail -n 5 "$AGENT_LOG")"
    finish
fi

run_relayed dom-api-client "$API_CLIENT" --tap "$URI" "$GUEST" "$TMP/work"
run_relayed dom-events debian_client "$DEBIAN_PYTHON" "$EVENTS_PY" "$URI" "$GUEST" "$TMP/work"

if [ -z "$(pgrep -f 'guest=vg(api|ev)[0-9],' 2>/dev/null)" ] && ! ip -o link show | grep -q vnet &&
    [ -z "$(ls "$RUN/qemu" 2>/dev/null | grep -v '\.log$')" ]; then
    ok "no qemu, tap, monitor or status file left"
else
    not_ok "no qemu, tap, monitor or status file left" "$(pgrep -af qemu-system)" "$(ls "$RUN/qemu" 2>&1)"
fi
"$VIRTNODE" -q -c "$URI" net-destroy default >/dev/null 2>&1
if agent_stop; then ok "virtnoded stopped"; else not_ok "virtnoded stopped"; fi
echo "# dom-api-e2e took $(($(date +%s) - T0)) s"
finish
