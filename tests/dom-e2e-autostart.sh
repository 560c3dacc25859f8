#!/bin/sh
# dom-e2e-autostart.sh: a host boots with ten autostart guests on two
# autostart networks (privileged; in namespaces of its own, see
# interop-lib.sh).
#
# The agent's first start after a reboot (RUN cleared) starts both NAT
# networks, then the ten guests, each with its tap on its network's bridge;
# an eleventh autostart guest whose network is not active is logged and
# stays shut off, with nothing left of it. Then the agent is killed (-9),
# one guest's qemu is killed while no agent runs, and a new agent starts:
# the nine others run on with the same qemu pids, the dead one is cleaned
# up (tap and status record gone) and shut off; autostart does not run
# again (no reboot). A destroy waiting out a frozen qemu's grace period
# holds up no other domain's changes. Last, destroy leaves no qemu and no
# tap.
#
# The guests need no kernel: SeaBIOS finding nothing to boot keeps the
# vCPU halted, so ten of them cost little under TCG.
#
# Not root: skipped (a failure when CI=true).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

E2E_LABEL="autostart end-to-end tests"
E2E_GUEST=no
# shellcheck source=tests/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

[ "$(id -u)" = 0 ] || cannot_run "needs root (bridges, taps, qemu in a namespace)"
have_virsh || cannot_run "Debian's virsh is not installed"
command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot_run "qemu-system-x86_64 is missing"

GUESTS="as1 as2 as3 as4 as5 as6 as7 as8 as9 as10"

# whatever a failed test leaves
as_cleanup() {
    for g in $GUESTS as11; do
        for pid in $(qemu_of "$g"); do
            kill -KILL "$pid" 2>/dev/null
        done
    done
}
trap 'as_cleanup; cleanup' EXIT

net_xml() { # NAME BRIDGE THIRD-OCTET
    cat <<XML
<network>
  <name>$1</name>
  <forward mode='nat'/>
  <bridge name='$2' stp='off'/>
  <ip address='10.213.$3.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.213.$3.10' end='10.213.$3.99'/>
    </dhcp>
  </ip>
</network>
XML
}

dom_xml() { # NAME NETWORK MAC-LAST-BYTE
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:a5:00:$3'/>
      <source network='$2'/>
      <model type='virtio'/>
    </interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>
XML
}

if agent_start; then
    ok "virtnoded started"
else
    not_ok "virtnoded started" "$(cat "$AGENT_LOG")"
    finish
fi
# the default network of a first run is not part of this host
V net-destroy default >/dev/null 2>&1
V net-autostart --disable default >/dev/null 2>&1

out=""
net_xml an1 vnas1 1 >"$TMP/an1.xml"
net_xml an2 vnas2 2 >"$TMP/an2.xml"
net_xml an3 vnas3 3 >"$TMP/an3.xml"
for net in an1 an2 an3; do
    out="$out$(V net-define "$TMP/$net.xml" 2>&1)"
done
out="$out$(V net-autostart an1 2>&1)$(V net-autostart an2 2>&1)"
i=1
for g in $GUESTS; do
    net=an$((i % 2 + 1))
    dom_xml "$g" "$net" "$(printf %02x "$i")" >"$TMP/$g.xml"
    out="$out$(V define "$TMP/$g.xml" 2>&1)$(V autostart "$g" 2>&1)"
    i=$((i + 1))
done
# on an3, defined but never started
dom_xml as11 an3 0b >"$TMP/as11.xml"
out="$out$(V define "$TMP/as11.xml" 2>&1)$(V autostart as11 2>&1)"
if printf '%s\n' "$out" | grep -q error; then
    not_ok "two networks and eleven domains defined, autostart set" "$out"
else
    ok "two autostart networks, eleven autostart domains defined (none started)"
fi
agent_stop

# ---- the boot ------------------------------------------------------------------------------
rm -f "$RUN/autostarted" # what a reboot does to RUN
t0=$(date +%s%N)
agent_start || not_ok "agent started after the reboot" "$(tail -n 20 "$AGENT_LOG")"
t1=$(date +%s%N)
echo "# agent start to autostart done (10 guests, 2 networks): $(((t1 - t0) / 1000000)) ms"
grep 'autostart: done in' "$AGENT_LOG" | tail -n 1 | sed 's/^.*autostart/# agent log: autostart/'

running=$(V list --name | sort | tr '\n' ' ')
want=$(printf '%s\n' $GUESTS | sort | tr '\n' ' ')
nets=$(V net-list --name | sort | tr '\n' ' ')
if [ "$running" = "$want" ] && [ "$nets" = "an1 an2 " ]; then
    ok "the reboot: an1 and an2 active, the ten guests running"
else
    not_ok "the reboot: networks and guests up" "running: $running" "networks: $nets" \
        "$(grep -E 'autostart|error' "$AGENT_LOG" | tail -n 20)"
fi

bad=""
i=1
for g in $GUESTS; do
    br=vnas$((i % 2 + 1))
    mac=fe:54:00:a5:00:$(printf %02x "$i")
    pid=$(qemu_of "$g")
    if [ -z "$pid" ] || ! ip -o link show master "$br" | grep -q "$mac"; then
        bad="$bad $g"
    fi
    echo "$pid" >"$TMP/$g.pid"
    i=$((i + 1))
done
if [ -z "$bad" ] && [ "$(ip -o link show master vnas1 | grep -c vnet)" = 5 ] &&
    [ "$(ip -o link show master vnas2 | grep -c vnet)" = 5 ]; then
    ok "each guest has its own qemu and a tap on its network's bridge (five per bridge)"
else
    not_ok "each guest has a qemu and a tap on its network's bridge" "wrong:$bad" "$(ip -o link show)"
fi

state=$(V domstate as11 2>&1)
if [ "$state" = "shut off" ] && [ -z "$(qemu_of as11)" ] && [ ! -e "$RUN/qemu/as11.xml" ] &&
    grep -q "autostart of domain 'as11' failed: .*network 'an3' is not active" "$AGENT_LOG" &&
    ! ip -o link show | grep -q 'fe:54:00:a5:00:0b'; then
    ok "as11, on an inactive network: logged with its name and reason, shut off, nothing left"
else
    not_ok "as11 on an inactive network stays shut off" "$state" "$(grep as11 "$AGENT_LOG")"
fi

# ---- kill -9 with the guests running; one qemu dies meanwhile ------------------------------
agent_kill
dead=$(cat "$TMP/as3.pid")
kill -KILL "$dead"
i=0
while [ "$i" -lt 50 ] && kill -0 "$dead" 2>/dev/null &&
    [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$dead/status" 2>/dev/null)" != Z ]; do
    sleep 0.1
    i=$((i + 1))
done
agent_start || not_ok "agent restarted after kill -9" "$(tail -n 20 "$AGENT_LOG")"
same=""
changed=""
for g in $GUESTS; do
    [ "$g" = as3 ] && continue
    if [ "$(qemu_of "$g")" = "$(cat "$TMP/$g.pid")" ] && [ "$(V domstate "$g")" = running ]; then
        same="$same $g"
    else
        changed="$changed $g"
    fi
done
if [ -z "$changed" ]; then
    ok "after kill -9 and a restart: nine guests running with unchanged qemu pids"
else
    not_ok "after kill -9: guests kept running with unchanged pids" "changed:$changed" \
        "$(V list --all 2>&1)"
fi
reason=$(V domstate --reason as3 2>&1)
if [ "$reason" = "shut off (crashed)" ] && [ ! -e "$RUN/qemu/as3.xml" ] &&
    ! ip -o link show | grep -q 'fe:54:00:a5:00:03'; then
    ok "the qemu killed while no agent ran: as3 shut off (crashed), its tap and status gone"
else
    not_ok "as3 cleaned up after its qemu died" "$reason" "$(ls "$RUN/qemu")" "$(ip -o link show)"
fi
if grep -q "autostart: done already since the host booted" "$AGENT_LOG" &&
    [ "$(V domstate as3)" = "shut off" ]; then
    ok "no reboot: autostart does not run again"
else
    not_ok "no reboot: autostart does not run again" "$(tail -n 10 "$AGENT_LOG")"
fi

# ---- a slow stop holds up no other domain -------------------------------------------------
# as1's qemu is frozen (SIGSTOP): its destroy waits out the grace period
# before SIGKILL. Meanwhile as2 is destroyed and as4 suspended and resumed:
# all done while as1's destroy still runs.
slow=$(qemu_of as1)
kill -STOP "$slow"
V destroy as1 >"$TMP/slow.out" 2>&1 &
bg=$!
sleep 0.3
out=$(V destroy as2 2>&1; V suspend as4 2>&1; V domstate as4 2>&1; V resume as4 2>&1; V domstate as4 2>&1)
if kill -0 "$bg" 2>/dev/null && [ -z "$(qemu_of as2)" ] &&
    [ "$(printf '%s\n' "$out" | grep -cx 'paused\|running')" = 2 ] &&
    ! printf '%s\n' "$out" | grep -q error; then
    ok "while as1's frozen qemu is being destroyed: as2 destroyed, as4 suspended and resumed"
else
    not_ok "a slow destroy holds up other domains" "$out" "destroy of as1 running: $(kill -0 "$bg" 2>&1 && echo yes)"
fi
wait "$bg"
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$(qemu_of as1)" ] && [ "$(V domstate --reason as1)" = "shut off (destroyed)" ]; then
    ok "the frozen qemu is killed after the grace period: as1 shut off (destroyed)"
else
    not_ok "the frozen qemu is killed after the grace period" "$(cat "$TMP/slow.out")" "$(V domstate --reason as1 2>&1)"
fi

# ---- undefine of a running guest: transient until it stops (as libvirt) ----------------------
out=$(V undefine as4 2>&1)
t=$(V list --transient --name 2>&1)
if [ -n "$(qemu_of as4)" ] && [ "$t" = as4 ] && [ ! -e "$ETC/qemu/as4.xml" ] &&
    [ ! -e "$ETC/qemu/autostart/as4.xml" ] && ! printf '%s\n' "$out" | grep -q error; then
    ok "undefine of running as4: file and autostart link gone, it runs on as a transient domain"
else
    not_ok "undefine of a running domain makes it transient" "$out" "$t" "$(ls -R "$ETC/qemu")"
fi

# ---- destroy ----------------------------------------------------------------------------------
out=""
for g in $GUESTS; do
    case $g in as1 | as2 | as3) continue ;; esac
    out="$out$(V destroy "$g" 2>&1 | grep error)"
done
left=""
for g in $GUESTS; do
    [ -n "$(qemu_of "$g")" ] && left="$left $g"
done
if [ -z "$out" ] && [ -z "$left" ] && ! ip -o link show | grep -q vnet &&
    [ -z "$(ls "$RUN/qemu" | grep -v '\.log$')" ] && ! V list --all --name | grep -qx as4; then
    ok "destroy of the others: no qemu, no tap, no status record left; transient as4 gone"
else
    not_ok "destroy of the others leaves nothing" "$out" "left:$left" "$(ls "$RUN/qemu")"
fi
V net-destroy an1 >/dev/null 2>&1
V net-destroy an2 >/dev/null 2>&1
if agent_stop; then ok "virtnoded stopped"; else not_ok "virtnoded stopped"; fi
finish
