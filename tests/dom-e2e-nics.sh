#!/bin/sh
# dom-e2e-nics.sh: guest NICs of type 'direct' (macvtap) and on a
# direct-mode network, on real qemu (TCG) through Debian's virsh against
# virtnoded (privileged; in namespaces of its own, see interop-lib.sh)
#
# The "LAN" is a namespace of this test's own ("lan") holding the far ends
# of two veth pairs, with a dnsmasq started here serving DHCP on both
# (10.77.0.0/24 on lan0's peer, 10.77.1.0/24 on lan1's). A guest with
# <interface type='direct'><source dev='lan0' mode='bridge'/> runs with a
# macvtap on lan0 carrying its MAC, gets a lease from that dnsmasq (its
# serial console says VNGUEST-LEASE), survives an agent kill -9 (the new
# agent re-attaches to the same qemu, destroy still removes the macvtap);
# a qemu killed while the agent is down has its macvtap removed at the
# next agent start. Passthrough takes the device's MAC over and gives it
# back; it is refused on a device that has a macvtap already. Failed
# starts (no such source device, a second NIC failing after a first one
# was plugged, a bad kernel) leave no macvtap, no qemu, no files. Last, a
# guest on a direct-mode network (<forward mode='bridge'><interface
# dev='lan1'/></forward>) gets its macvtap on the pool device and a lease,
# and loses the macvtap on destroy, also after an agent restart.
#
# Not root: skipped (a failure when CI=true); so is a machine where the
# guest cannot be built (no Debian mirror and nothing cached).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

E2E_LABEL="direct NIC end-to-end tests"
# shellcheck source=tests/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

[ "$(id -u)" = 0 ] || cannot_run "needs root (veths, macvtaps, qemu in a namespace)"
have_virsh || cannot_run "Debian's virsh is not installed"
command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot_run "qemu-system-x86_64 is missing"
command -v dnsmasq >/dev/null 2>&1 || cannot_run "dnsmasq is missing"
guest_ready

chmod 0755 "$TMP"
T0=$(date +%s)

# Whatever a failed test leaves: this test's guests, its dnsmasq, the LAN
# namespace and the links (the links of this namespace go with it too, but
# a qemu left running would keep it).
DNSMASQ_PID=
nics_cleanup() {
    for pid in $(pgrep -f 'guest=vd[0-9],' 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null
    done
    [ -n "$DNSMASQ_PID" ] && kill -TERM "$DNSMASQ_PID" 2>/dev/null
    for l in lan0 lan1 pt0; do
        ip link del "$l" 2>/dev/null
    done
    ip netns del lan 2>/dev/null
}
trap 'nics_cleanup; cleanup' EXIT

# direct_nic MAC DEV [MODE] [TARGET]
direct_nic() {
    echo "    <interface type='direct'>"
    echo "      <mac address='$1'/>"
    echo "      <source dev='$2'${3:+ mode='$3'}/>"
    [ -n "${4:-}" ] && echo "      <target dev='$4'/>"
    echo "      <model type='virtio'/>"
    echo "    </interface>"
}

# macvtaps [DEV]: "NAME MAC MODE" of each macvtap (on DEV)
macvtaps() {
    ip -o -d link show type macvtap 2>/dev/null |
        sed -n 's/^[0-9]*: \([^@:]*\)@\([^:]*\):.* link\/ether \([0-9a-f:]*\) .* macvtap  *mode \([a-z]*\).*/\1 \2 \3 \4/p' |
        while read -r name lower mac mode; do
            [ -z "${1:-}" ] || [ "$lower" = "$1" ] && echo "$name $mac $mode"
        done
}

mac_of() {
    cat "/sys/class/net/$1/address"
}

# nothing_left NAME: no qemu of NAME, no macvtap, no status or monitor file
nothing_left() {
    [ -z "$(qemu_of "$1")" ] && [ -z "$(macvtaps)" ] &&
        [ -z "$(ls "$RUN/qemu" 2>/dev/null | grep -v '\.log$')" ]
}

# the links and their MACs (a passthrough port changes its device's)
host_state() {
    ip -o link show | sed 's/^[0-9]*: //; s/ qdisc.* link\// /; s/ brd .*//' | sort
}

# ---- the LAN: a namespace with the veths' far ends and a DHCP server ---------------------
ip netns add lan
ip -n lan link set lo up
ip link add lan0 type veth peer name eth0 netns lan
ip link add lan1 type veth peer name eth1 netns lan
ip link add pt0 type veth peer name pt0p
ip -n lan addr add 10.77.0.1/24 dev eth0
ip -n lan addr add 10.77.1.1/24 dev eth1
for l in lan0 lan1 pt0 pt0p; do ip link set "$l" up; done
ip -n lan link set eth0 up
ip -n lan link set eth1 up
ip netns exec lan dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --group=root \
    --port=0 --bind-interfaces --interface=eth0 --interface=eth1 --except-interface=lo \
    --dhcp-range=10.77.0.50,10.77.0.99,255.255.255.0,1h \
    --dhcp-range=10.77.1.50,10.77.1.99,255.255.255.0,1h \
    --dhcp-leasefile="$TMP/lan.leases" --pid-file="$TMP/lan-dnsmasq.pid" \
    --log-dhcp --log-facility="$TMP/lan-dnsmasq.log" &
DNSMASQ_PID=$!
i=0
while [ "$i" -lt 50 ] && ! grep -q 'DHCP, IP range 10.77.1.50' "$TMP/lan-dnsmasq.log" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$DNSMASQ_PID" 2>/dev/null && grep -q 'DHCP, IP range 10.77.0.50' "$TMP/lan-dnsmasq.log"; then
    ok "the LAN's dnsmasq serves 10.77.0.0/24 and 10.77.1.0/24 (pid $DNSMASQ_PID)"
else
    not_ok "the LAN's dnsmasq runs" "$(cat "$TMP/lan-dnsmasq.log" 2>&1)"
    finish
fi

if agent_start; then
    ok "virtnoded started"
else
    not_ok "virtnoded started" "$(cat "$AGENT_LOG")"
    finish
fi
host_state >"$TMP/state.before"

# ---- a direct NIC in bridge mode: macvtap, lease, live XML --------------------------------
MAC1=52:54:00:7d:00:01
guest_xml vd1 "$(direct_nic $MAC1 lan0 bridge)" >"$TMP/vd1.xml"
V define "$TMP/vd1.xml" >/dev/null 2>&1
t=$(date +%s)
out=$(V start vd1 2>&1)
rc=$?
pid=$(qemu_of vd1)
if [ "$rc" -eq 0 ] && [ -n "$pid" ] && V domstate vd1 | grep -qx running; then
    ok "virsh start: vd1 with a direct NIC on lan0 runs (qemu pid $pid)"
else
    not_ok "virsh start: vd1 with a direct NIC on lan0 runs" "$out" "$(tail -n 10 "$AGENT_LOG")"
fi
tap=$(macvtaps lan0 | awk '{print $1}')
if [ "$(macvtaps lan0 | awk '{print $2, $3}')" = "$MAC1 bridge" ] && [ "$(macvtaps | wc -l)" = 1 ] &&
    ip -o link show "$tap" | grep -q '[<,]UP[,>]'; then
    ok "macvtap $tap on lan0: the guest's MAC $MAC1, mode bridge, up"
else
    not_ok "a macvtap on lan0 with the guest's MAC in bridge mode" "$(ip -d link show type macvtap 2>&1)"
fi
if wait_console vd1 'VNGUEST-LEASE ip=10.77.0.' 90 &&
    grep -q "VNGUEST-LEASE ip=10.77.0.[0-9]* mac=$MAC1" "$TMP/vd1.console" &&
    grep -qi "$MAC1" "$TMP/lan.leases"; then
    ok "the guest got a lease from the LAN's dnsmasq in $(($(date +%s) - t)) s: $(grep -m1 VNGUEST-LEASE "$TMP/vd1.console")"
else
    not_ok "the guest got a lease from the LAN's dnsmasq" "$(tail -n 20 "$TMP/vd1.console" 2>&1)" \
        "$(tail -n 10 "$TMP/lan-dnsmasq.log" 2>&1)"
fi
live=$(V dumpxml vd1 2>&1)
inactive=$(V dumpxml --inactive vd1 2>&1)
iflist=$(V domiflist vd1 2>&1)
if printf '%s\n' "$live" | grep -q "<source dev='lan0' mode='bridge'/>" &&
    printf '%s\n' "$live" | grep -q "<target dev='$tap'/>" &&
    ! printf '%s\n' "$inactive" | grep -q "<target dev=" &&
    printf '%s\n' "$iflist" | grep -q "^ *$tap *direct *lan0 *virtio *$MAC1"; then
    ok "live XML and domiflist name the macvtap $tap; the inactive XML does not"
else
    not_ok "live XML names the macvtap, the inactive XML does not" "$live" "$iflist"
fi
if grep -q "<nic kind='macvtap' ifname='$tap' mac='$MAC1' lower='lan0'/>" "$RUN/qemu/vd1.xml"; then
    ok "the status record lists the macvtap and its lower device"
else
    not_ok "the status record lists the macvtap" "$(cat "$RUN/qemu/vd1.xml" 2>&1)"
fi

# ---- agent kill -9: the new agent re-attaches; destroy removes the macvtap --------------------
agent_kill
sleep 0.3
alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
agent_start || not_ok "agent restarted after SIGKILL" "$(tail -n 5 "$AGENT_LOG")"
if [ "$alive" = yes ] && [ "$(qemu_of vd1)" = "$pid" ] && V domstate vd1 | grep -qx running &&
    grep -q "domain 'vd1' is running: re-attached to qemu pid $pid" "$AGENT_LOG" &&
    [ "$(macvtaps lan0 | awk '{print $1}')" = "$tap" ]; then
    ok "SIGKILL to the agent: vd1 kept running (pid $pid) with $tap, the new agent re-attached"
else
    not_ok "SIGKILL to the agent: the guest kept running, re-attached" "alive $alive" \
        "$(V domstate vd1 2>&1)" "$(tail -n 5 "$AGENT_LOG")"
fi
out=$(V destroy vd1 2>&1)
if [ $? -eq 0 ] && gone "$pid" && nothing_left vd1 &&
    V domstate --reason vd1 | grep -q 'shut off (destroyed)'; then
    ok "destroy after the restart: no qemu, no macvtap, no status file"
else
    not_ok "destroy after the restart: nothing left" "$out" "$(macvtaps)" "$(ls "$RUN/qemu" 2>&1)"
fi

# ---- a qemu killed while the agent is down: its macvtap goes at the next start ---------------
V start vd1 >/dev/null 2>&1
pid=$(qemu_of vd1)
before=$(macvtaps lan0)
agent_stop
kill -KILL "$pid" 2>/dev/null
sleep 0.3
agent_start || not_ok "agent restarted" "$(tail -n 5 "$AGENT_LOG")"
if [ -n "$before" ] && V domstate --reason vd1 | grep -q 'shut off (crashed)' && nothing_left vd1; then
    ok "a qemu killed while the agent was down: shut off (crashed), macvtap and files gone"
else
    not_ok "a qemu killed while the agent was down is cleaned up" "before: $before" \
        "$(V domstate --reason vd1 2>&1)" "$(macvtaps)" "$(ls "$RUN/qemu" 2>&1)"
fi
host_state >"$TMP/state.after"
if diff -u "$TMP/state.before" "$TMP/state.after" >"$TMP/state.diff"; then
    ok "links and MACs are as before the first start"
else
    not_ok "links and MACs are as before the first start" "$(cat "$TMP/state.diff")"
fi

# ---- passthrough: the device's MAC is the guest's while it runs ------------------------------
MAC3=52:54:00:7d:00:03
pt_mac=$(mac_of pt0)
guest_xml vd3 "$(direct_nic $MAC3 pt0 passthrough mvt-vd3)" >"$TMP/vd3.xml"
V define "$TMP/vd3.xml" >/dev/null 2>&1
out=$(V start vd3 2>&1)
if [ $? -eq 0 ] && [ "$(macvtaps pt0)" = "mvt-vd3 $MAC3 passthru" ] && [ "$(mac_of pt0)" = "$MAC3" ]; then
    ok "passthrough: macvtap mvt-vd3 (<target dev>) on pt0, which carries the guest's MAC"
else
    not_ok "passthrough: a macvtap on pt0 with the guest's MAC" "$out" "$(macvtaps)" "$(mac_of pt0)"
fi
# a second guest on pt0, and one asking for the name mvt-vd3
guest_xml vd4 "$(direct_nic 52:54:00:7d:00:04 pt0 vepa)" >"$TMP/vd4.xml"
V define "$TMP/vd4.xml" >/dev/null 2>&1
out=$(V start vd4 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "domain 'vd4': interface 52:54:00:7d:00:04: .*'pt0'.*passthrough macvtap 'mvt-vd3' holds it" &&
    [ -z "$(qemu_of vd4)" ] && [ "$(macvtaps | wc -l)" = 1 ]; then
    ok "a vepa port on a device a passthrough port holds is refused: $(printf '%s' "$out" | tail -n 1)"
else
    not_ok "a port on a device a passthrough port holds is refused" "$out" "$(macvtaps)"
fi
V undefine vd4 >/dev/null 2>&1
guest_xml vd4 "$(direct_nic 52:54:00:7d:00:04 lan0 vepa mvt-vd3)" >"$TMP/vd4.xml"
V define "$TMP/vd4.xml" >/dev/null 2>&1
out=$(V start vd4 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "interface 'mvt-vd3' already exists" &&
    [ -z "$(qemu_of vd4)" ] && [ "$(macvtaps | wc -l)" = 1 ]; then
    ok "a <target dev> name that is taken is refused: $(printf '%s' "$out" | tail -n 1)"
else
    not_ok "a <target dev> name that is taken is refused" "$out" "$(macvtaps)"
fi
V undefine vd4 >/dev/null 2>&1
V destroy vd3 >/dev/null 2>&1
if [ -z "$(macvtaps)" ] && [ "$(mac_of pt0)" = "$pt_mac" ] && [ -z "$(qemu_of vd3)" ]; then
    ok "destroy of the passthrough guest: macvtap gone, pt0 has its own MAC $pt_mac back"
else
    not_ok "destroy of the passthrough guest restores pt0" "$(macvtaps)" "$(mac_of pt0) (was $pt_mac)"
fi
# passthrough on a device that has a macvtap already
V start vd1 >/dev/null 2>&1
guest_xml vd5 "$(direct_nic 52:54:00:7d:00:05 lan0 passthrough)" >"$TMP/vd5.xml"
V define "$TMP/vd5.xml" >/dev/null 2>&1
out=$(V start vd5 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "passthrough macvtap on 'lan0': it has 1 macvtap" &&
    [ -z "$(qemu_of vd5)" ] && [ "$(macvtaps | wc -l)" = 1 ] && [ "$(macvtaps lan0 | awk '{print $2}')" = "$MAC1" ]; then
    ok "passthrough on a device with a macvtap is refused; vd1's stays: $(printf '%s' "$out" | tail -n 1)"
else
    not_ok "passthrough on a device with a macvtap is refused" "$out" "$(macvtaps)"
fi
V undefine vd5 >/dev/null 2>&1
V destroy vd1 >/dev/null 2>&1

# ---- failed starts leave nothing ---------------------------------------------------------------
# fail_start NAME XMLFILE EXPECTED WHAT
fail_start() {
    V define "$2" >/dev/null 2>&1
    out=$(V start "$1" 2>&1)
    if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q -- "$3" && nothing_left "$1" &&
        V domstate "$1" | grep -qx 'shut off'; then
        ok "failed start ($4): $(printf '%s' "$out" | tail -n 1)"
    else
        not_ok "failed start ($4): refused, nothing left" "$out" "$(macvtaps)" "$(ls "$RUN/qemu" 2>&1)"
    fi
    V undefine "$1" >/dev/null 2>&1
}
guest_xml vd2 "$(direct_nic 52:54:00:7d:00:02 nosuch0 bridge)" >"$TMP/vd2.xml"
fail_start vd2 "$TMP/vd2.xml" \
    "domain 'vd2': interface 52:54:00:7d:00:02: cannot plug a macvtap on 'nosuch0': no such host interface" \
    "no such source device"
guest_xml vd2 "$(direct_nic 52:54:00:7d:00:02 lan0 private)
$(direct_nic 52:54:00:7d:00:06 nosuch0)" >"$TMP/vd2.xml"
fail_start vd2 "$TMP/vd2.xml" "interface 52:54:00:7d:00:06: .*'nosuch0'" \
    "the second NIC fails, the first one's macvtap goes"
guest_xml vd2 "$(direct_nic 52:54:00:7d:00:02 lan0 bridge)" /nonexistent/vmlinuz >"$TMP/vd2.xml"
fail_start vd2 "$TMP/vd2.xml" "qemu exited with status 1" "bad kernel: qemu fails after the plug"
# (a missing <source dev> never gets that far: the definition is refused)
guest_xml vd2 "    <interface type='direct'><mac address='52:54:00:7d:00:02'/><source mode='bridge'/></interface>" \
    >"$TMP/vd2.xml"
out=$(V define "$TMP/vd2.xml" 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -qi "dev" && ! V list --all --name | grep -qx vd2; then
    ok "a direct NIC without <source dev> is refused at define: $(printf '%s' "$out" | tail -n 1)"
else
    not_ok "a direct NIC without <source dev> is refused at define" "$out"
fi

# ---- a guest on a direct-mode network ------------------------------------------------------
cat >"$TMP/lan-direct.xml" <<XML
<network>
  <name>lan-direct</name>
  <forward mode='bridge'>
    <interface dev='lan1'/>
  </forward>
</network>
XML
V net-define "$TMP/lan-direct.xml" >/dev/null 2>&1
out=$(V net-start lan-direct 2>&1) || not_ok "net-start lan-direct" "$out"
MAC7=52:54:00:7d:00:07
guest_xml vd7 "    <interface type='network'>
      <mac address='$MAC7'/>
      <source network='lan-direct'/>
      <model type='virtio'/>
    </interface>" >"$TMP/vd7.xml"
V define "$TMP/vd7.xml" >/dev/null 2>&1
t=$(date +%s)
out=$(V start vd7 2>&1)
pid=$(qemu_of vd7)
tap=$(macvtaps lan1 | awk '{print $1}')
if [ -n "$pid" ] && [ "$(macvtaps lan1 | awk '{print $2, $3}')" = "$MAC7 bridge" ] &&
    grep -q "<nic kind='macvtap' ifname='$tap' network='lan-direct' mac='$MAC7' lower='lan1'/>" "$RUN/qemu/vd7.xml"; then
    ok "a guest on network lan-direct: macvtap $tap on the pool device lan1 with its MAC"
else
    not_ok "a guest on network lan-direct: a macvtap on lan1" "$out" "$(macvtaps)" "$(cat "$RUN/qemu/vd7.xml" 2>&1)"
fi
if wait_console vd7 'VNGUEST-LEASE ip=10.77.1.' 90; then
    ok "it got a lease on the LAN's 10.77.1.0/24 in $(($(date +%s) - t)) s"
else
    not_ok "it got a lease on the LAN's 10.77.1.0/24" "$(tail -n 20 "$TMP/vd7.console" 2>&1)"
fi
agent_kill
agent_start || not_ok "agent restarted after SIGKILL" "$(tail -n 5 "$AGENT_LOG")"
out=$(V destroy vd7 2>&1)
if [ $? -eq 0 ] && gone "$pid" && nothing_left vd7; then
    ok "destroy after an agent kill -9: the network's macvtap is gone too"
else
    not_ok "destroy after an agent restart removes the network's macvtap" "$out" "$(macvtaps)" \
        "$(grep vd7 "$AGENT_LOG" | tail -n 5)"
fi
V undefine vd7 >/dev/null 2>&1
V net-destroy lan-direct >/dev/null 2>&1
V net-undefine lan-direct >/dev/null 2>&1
V undefine vd1 >/dev/null 2>&1
V undefine vd3 >/dev/null 2>&1

if agent_stop; then ok "virtnoded stopped"; else not_ok "virtnoded stopped"; fi
kill -TERM "$DNSMASQ_PID" 2>/dev/null
wait_gone "$DNSMASQ_PID" 50
DNSMASQ_PID=
echo "# dom-e2e-nics: $(($(date +%s) - T0)) s"
finish
