#!/bin/sh
# dom-e2e.sh: guests on real qemu (TCG) through Debian's virsh against
# virtnoded (privileged; in namespaces of its own, see interop-lib.sh)
#
# The tiny test guest (tests/guest/) runs on libvirt's default NAT network:
# it gets a DHCP lease from the network's dnsmasq (seen on its serial
# console and in net-dhcp-leases), reaches an "upstream host" namespace
# through NAT (tcpdump there sees the masqueraded source), its VNC server
# listens on the network's address (<listen type='network'>), and the live
# XML says so while the inactive one keeps the network's name. suspend/resume, shutdown through
# the ACPI button, destroy; invalid transitions; agent restarts (SIGTERM,
# kill -9) with the guest running, a qemu killed while the agent is down,
# autostart once per boot; on_crash coredump-destroy/-restart (a kernel
# panic through pvpanic); SPICE on the network's address; failed starts
# (network not active, missing emulator, bad kernel path, display port
# range exhausted) leave no qemu, no tap, no files. Last, two
# agents in two namespaces, each with its own "example-net": the same
# guest XML listens on each host's own address of it.
#
# Not root: skipped (a failure when CI=true); so is a machine where the
# guest cannot be built (no Debian mirror and nothing cached).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

E2E_LABEL="domain end-to-end tests"
# shellcheck source=tests/guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

[ "$(id -u)" = 0 ] || cannot_run "needs root (bridges, taps, qemu in a namespace)"
have_virsh || cannot_run "Debian's virsh is not installed"
command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot_run "qemu-system-x86_64 is missing"
guest_ready

chmod 0755 "$TMP"

# whatever a failed test leaves: the second-host agents and any guest
HOST_PID_a=
HOST_PID_b=
dom_cleanup() {
    for pid in $HOST_PID_a $HOST_PID_b; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $(pgrep -f 'guest=(vg[0-9]|xhost),' 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null
    done
}
trap 'dom_cleanup; ip netns del up 2>/dev/null; cleanup' EXIT

# domain_xml NAME MAC [NETWORK] [KERNEL]: the test guest on NETWORK, its
# VNC server listening on NETWORK's address
domain_xml() {
    guest_xml "$1" "    <interface type='network'>
      <mac address='$2'/>
      <source network='${3:-default}'/>
      <model type='virtio'/>
    </interface>
    <graphics type='vnc' autoport='yes'>
      <listen type='network' network='${3:-default}'/>
    </graphics>" "${4:-}"
}

# links (name, kind, MAC) and addresses; the bridge's STP and offload
# state follow its ports coming and going, which net-e2e covers
host_state() {
    ip -o -d link show | awk '{print $2, $(NF)}' | sed 's/@[^:]*//'
    ip -o link show | grep -o 'link/ether [0-9a-f:]*'
    ip addr show
}

# an upstream host behind the agent's default route, as in net-e2e
UP_IP=172.31.99.2
ip netns add up
ip link add vup type veth peer name eth0 netns up
ip addr add 172.31.99.1/24 dev vup
ip link set vup up
ip -n up addr add "$UP_IP/24" dev eth0
ip -n up link set lo up
ip -n up link set eth0 up
ip route add default via "$UP_IP"

if agent_start; then
    ok "virtnoded started"
else
    not_ok "virtnoded started" "$(cat "$AGENT_LOG")"
    finish
fi
V net-define "$srcdir/init/networks/default.xml" >/dev/null 2>&1
V net-start default >/dev/null 2>&1 || not_ok "default network started" "$(tail -n 5 "$AGENT_LOG")"
# link-local addresses settle (DAD) before the baseline is taken
i=0
while [ "$i" -lt 50 ] && [ -n "$(ip -6 addr show tentative)" ]; do
    sleep 0.1
    i=$((i + 1))
done
host_state >"$TMP/state.before"

# ---- start, lease, VNC on the network's address --------------------------------------
GUEST_EXTRA="vnguest.ping=$UP_IP" domain_xml vg1 52:54:00:7e:00:01 >"$TMP/vg1.xml"
V define "$TMP/vg1.xml" >/dev/null 2>&1
# listening upstream before the guest boots (it pings right after its lease)
ip netns exec up timeout 90 tcpdump -n -l -i eth0 -c 1 icmp >"$TMP/capture" 2>"$TMP/capture.err" &
CAPTURE_PID=$!
i=0
while [ "$i" -lt 100 ] && ! grep -q 'listening on' "$TMP/capture.err" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
out=$(V start vg1 2>&1)
if [ $? -eq 0 ] && V list --name | grep -qx vg1 && V domstate vg1 | grep -qx running; then
    ok "virsh start: vg1 running (qemu pid $(qemu_of vg1))"
else
    not_ok "virsh start: vg1 running" "$out" "$(tail -n 10 "$AGENT_LOG")"
fi
# STP on the default network: the port forwards after 4 s
if wait_console vg1 VNGUEST-READY 60 && grep -q 'VNGUEST-LEASE ip=192.168.122' "$TMP/vg1.console"; then
    ok "the guest got a lease from the network's dnsmasq: $(grep VNGUEST-LEASE "$TMP/vg1.console")"
else
    not_ok "the guest got a lease from the network's dnsmasq" "$(tail -n 20 "$TMP/vg1.console" 2>&1)"
fi
# the guest pings the upstream host; tcpdump there sees the masqueraded source
if wait_console vg1 VNGUEST-PING 60 && grep -q "VNGUEST-PING ok $UP_IP" "$TMP/vg1.console"; then
    wait "$CAPTURE_PID" 2>/dev/null
    if grep -q "IP 172.31.99.1 > $UP_IP: ICMP echo request" "$TMP/capture"; then
        ok "the guest reaches the upstream host through NAT (seen there from 172.31.99.1)"
    else
        not_ok "the upstream host sees the guest masqueraded" "$(cat "$TMP/capture" "$TMP/capture.err")"
    fi
else
    kill "$CAPTURE_PID" 2>/dev/null
    not_ok "the guest reaches the upstream host through NAT" "$(grep VNGUEST "$TMP/vg1.console")"
fi
got=$(V net-dhcp-leases default 2>&1)
if printf '%s\n' "$got" | grep -q '52:54:00:7e:00:01 .*ipv4 .*192.168.122.*vg1'; then
    ok "net-dhcp-leases shows the guest's lease with its hostname"
else
    not_ok "net-dhcp-leases shows the guest's lease with its hostname" "$got"
fi
live=$(V dumpxml vg1 2>&1)
inactive=$(V dumpxml --inactive vg1 2>&1)
if printf '%s\n' "$live" | grep -q "<graphics type='vnc' port='5900' autoport='yes' listen='192.168.122.1'>" &&
    printf '%s\n' "$live" | grep -q "<listen type='network' address='192.168.122.1' network='default'/>" &&
    printf '%s\n' "$inactive" | grep -q "<listen type='network' network='default'/>" &&
    ! printf '%s\n' "$inactive" | grep -q "address='192.168.122.1'"; then
    ok "live XML: VNC on port 5900 at the network's address; inactive XML: the network only"
else
    not_ok "live XML shows the resolved address, inactive XML the network" "$live"
fi
banner=$(python3 -c "import socket; s=socket.create_connection(('192.168.122.1', 5900), 5); print(s.recv(12).decode().strip())" 2>&1)
if ss -ltn | grep -q '192.168.122.1:5900 ' && [ "$banner" = "RFB 003.008" ]; then
    ok "qemu listens on 192.168.122.1:5900 and answers with the RFB banner"
else
    not_ok "qemu listens on 192.168.122.1:5900 and answers with the RFB banner" "$banner" "$(ss -ltn)"
fi
tap=$(ip -o link show master virbr0 2>/dev/null | awk -F': ' '/vnet/ {print $2}')
if [ -n "$tap" ] && ip link show "$tap" | grep -q 'fe:54:00:7e:00:01'; then
    ok "the guest's tap $tap is a port of virbr0 with the fe: MAC"
else
    not_ok "the guest's tap is a port of virbr0 with the fe: MAC" "$(ip -d link 2>&1 | tail -n 20)"
fi

# ---- transitions ------------------------------------------------------------------------
out=$(V start vg1 2>&1)
# (virsh itself knows: "Domain is already active"; the agent says so too)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -qi 'already active\|already running'; then
    ok "start of a running domain is refused"
else
    not_ok "start of a running domain is refused" "$out"
fi
out=$( (V suspend vg1 && V domstate vg1 && V resume vg1 && V domstate vg1) 2>&1)
if printf '%s\n' "$out" | tr '\n' ' ' | grep -q 'paused .*running'; then
    ok "suspend -> paused, resume -> running"
else
    not_ok "suspend -> paused, resume -> running" "$out"
fi
out=$(V resume vg1 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "domain 'vg1' is not paused"; then
    ok "resume of a running domain is refused"
else
    not_ok "resume of a running domain is refused" "$out"
fi
pid=$(qemu_of vg1)
out=$(V shutdown vg1 2>&1)
i=0
while [ "$i" -lt 200 ] && ! V domstate vg1 2>/dev/null | grep -qx 'shut off'; do
    sleep 0.1
    i=$((i + 1))
done
if grep -q VNGUEST-POWEROFF "$TMP/vg1.console" && V domstate --reason vg1 | grep -q 'shut off (shutdown)' &&
    ! kill -0 "$pid" 2>/dev/null; then
    ok "shutdown: the guest powers off on the ACPI button; shut off (shutdown), qemu gone"
else
    not_ok "shutdown: the guest powers off; shut off (shutdown)" "$out" "$(V domstate --reason vg1 2>&1)"
fi
out=$(V destroy vg1 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "domain 'vg1' is not running"; then
    ok "destroy of a shut off domain is refused"
else
    not_ok "destroy of a shut off domain is refused" "$out"
fi

# ---- destroy ------------------------------------------------------------------------------
V start vg1 >/dev/null 2>&1
pid=$(qemu_of vg1)
out=$(V destroy vg1 2>&1)
sleep 0.2
if [ $? -eq 0 ] && V domstate --reason vg1 | grep -q 'shut off (destroyed)' && [ -n "$pid" ] &&
    ! kill -0 "$pid" 2>/dev/null && ! ip -o link show | grep -q vnet &&
    [ -z "$(ls "$RUN/qemu" 2>/dev/null | grep -v '\.log$')" ]; then
    ok "destroy: shut off (destroyed); no qemu, no tap, no monitor or status file"
else
    not_ok "destroy: nothing left" "$out" "$(ls "$RUN/qemu" 2>&1)" "$(ip -o link show)"
fi
host_state >"$TMP/state.after"
if diff -u "$TMP/state.before" "$TMP/state.after" >"$TMP/state.diff"; then
    ok "links and addresses are as before the first start"
else
    not_ok "links and addresses are as before the first start" "$(cat "$TMP/state.diff")"
fi

# ---- agent restarts: guests keep running, the new agent re-attaches ----------------------
V start vg1 >/dev/null 2>&1
wait_console vg1 VNGUEST-READY 60 >/dev/null
pid=$(qemu_of vg1)
for how in TERM KILL; do
    if [ "$how" = TERM ]; then agent_stop; else agent_kill; fi
    sleep 0.5
    alive=no
    kill -0 "$pid" 2>/dev/null && alive=yes
    agent_start || not_ok "agent restarted after SIG$how" "$(tail -n 5 "$AGENT_LOG")"
    if [ "$alive" = yes ] && [ "$(qemu_of vg1)" = "$pid" ] && V domstate vg1 | grep -qx running &&
        V list --name | grep -qx vg1 && grep -q "domain 'vg1' is running: re-attached to qemu pid $pid" "$AGENT_LOG"; then
        ok "SIG$how to the agent: the guest kept running (pid $pid), the new agent re-attached"
    else
        not_ok "SIG$how to the agent: the guest kept running, the new agent re-attached" "alive $alive" "$(V domstate vg1 2>&1)" "$(tail -n 5 "$AGENT_LOG")"
    fi
done
out=$( (V suspend vg1 && V resume vg1 && V destroy vg1) 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && gone "$pid" && ! ip -o link show | grep -q vnet &&
    V domstate --reason vg1 | grep -q 'shut off (destroyed)'; then
    ok "after the restarts: suspend, resume and destroy work; no qemu, no tap left"
else
    not_ok "after the restarts: suspend, resume and destroy work" "$out"
fi
# qemu killed while the agent is down: cleaned up at the next start
V start vg1 >/dev/null 2>&1
pid=$(qemu_of vg1)
agent_stop
kill -KILL "$pid"
sleep 0.3
agent_start || not_ok "agent restarted" "$(tail -n 5 "$AGENT_LOG")"
if V domstate --reason vg1 | grep -q 'shut off (crashed)' && ! ip -o link show | grep -q vnet &&
    [ -z "$(ls "$RUN/qemu" 2>/dev/null | grep -v '\.log$')" ] &&
    ! V net-dhcp-leases default | grep -q '52:54:00:7e:00:01'; then
    ok "a qemu killed while the agent was down: shut off (crashed), tap, files and lease gone"
else
    not_ok "a qemu killed while the agent was down is cleaned up" "$(V domstate --reason vg1 2>&1)" "$(ls "$RUN/qemu" 2>&1)" "$(V net-dhcp-leases default 2>&1)"
fi
# autostart: once per host boot (RUN/autostarted), networks first
V autostart vg1 >/dev/null 2>&1
agent_stop
agent_start || not_ok "agent restarted" "$(tail -n 5 "$AGENT_LOG")"
if V domstate vg1 | grep -qx 'shut off' && grep -q 'autostart: done already since the host booted' "$AGENT_LOG"; then
    ok "autostart: a later agent start (no reboot) leaves the stopped guest alone"
else
    not_ok "autostart: a later agent start leaves the stopped guest alone" "$(V domstate vg1 2>&1)"
fi
agent_stop
rm -f "$RUN/autostarted" # what a reboot does to RUN
agent_start || not_ok "agent restarted" "$(tail -n 5 "$AGENT_LOG")"
if V domstate vg1 | grep -qx running && grep -q "domain 'vg1' autostarted" "$AGENT_LOG" &&
    wait_console vg1 VNGUEST-READY 60; then
    ok "autostart: after a reboot the guest starts with the agent and gets its lease"
else
    not_ok "autostart: after a reboot the guest starts with the agent" "$(V domstate vg1 2>&1)" "$(tail -n 5 "$AGENT_LOG")"
fi
V destroy vg1 >/dev/null 2>&1
V autostart --disable vg1 >/dev/null 2>&1

# ---- transient: create from XML, gone when destroyed --------------------------------------
domain_xml vg6 52:54:00:7e:00:06 >"$TMP/vg6.xml"
out=$(V create "$TMP/vg6.xml" 2>&1)
if [ $? -eq 0 ] && V domstate vg6 | grep -qx running && V list --transient --name | grep -qx vg6 &&
    ! V list --persistent --all --name | grep -qx vg6 && [ ! -e "$ETC/qemu/vg6.xml" ]; then
    ok "create from XML: a running transient domain, no file under ETC"
else
    not_ok "create from XML: a running transient domain" "$out" "$(V list --all 2>&1)"
fi
pid=$(qemu_of vg6)
out=$(V create "$TMP/vg6.xml" 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "already"; then
    ok "create of a name that runs is refused"
else
    not_ok "create of a name that runs is refused" "$out"
fi
V destroy vg6 >/dev/null 2>&1
if ! V list --all --name | grep -qx vg6 && gone "$pid" && ! ip -o link show | grep -q vnet; then
    ok "destroy of the transient domain: gone from the list, no qemu, no tap"
else
    not_ok "destroy of the transient domain: gone" "$(V list --all 2>&1)"
fi

# ---- on_poweroff: restart and preserve ---------------------------------------------------
# restart: the guest's poweroff brings it up again in a new qemu
domain_xml vg5 52:54:00:7e:00:05 >"$TMP/vg5.xml"
sed -i 's|</features>|</features>\n  <on_poweroff>restart</on_poweroff>|' "$TMP/vg5.xml"
V define "$TMP/vg5.xml" >/dev/null 2>&1
V start vg5 >/dev/null 2>&1
wait_console vg5 VNGUEST-READY 60 >/dev/null
pid=$(qemu_of vg5)
V shutdown vg5 >/dev/null 2>&1
i=0
while [ "$i" -lt 300 ] && { [ -z "$(qemu_of vg5)" ] || [ "$(qemu_of vg5)" = "$pid" ]; }; do
    sleep 0.1
    i=$((i + 1))
done
new=$(qemu_of vg5)
if [ -n "$new" ] && [ "$new" != "$pid" ] && V domstate vg5 | grep -qx running &&
    grep -q "domain .vg5. started" "$AGENT_LOG"; then
    ok "on_poweroff restart: the guest powered off and runs again (qemu $pid -> $new)"
else
    not_ok "on_poweroff restart: the guest runs again in a new qemu" "old $pid new $new" "$(V domstate --reason vg5 2>&1)"
fi
V destroy vg5 >/dev/null 2>&1
# preserve: qemu stays, the guest is paused for inspection
sed -i 's|<on_poweroff>restart</on_poweroff>|<on_poweroff>preserve</on_poweroff>|' "$TMP/vg5.xml"
V undefine vg5 >/dev/null 2>&1 # (the XML has no UUID: a new definition)
V define "$TMP/vg5.xml" >/dev/null 2>&1
: >"$TMP/vg5.console"
V start vg5 >/dev/null 2>&1
wait_console vg5 VNGUEST-READY 60 >/dev/null
pid=$(qemu_of vg5)
V shutdown vg5 >/dev/null 2>&1
i=0
while [ "$i" -lt 300 ] && ! V domstate vg5 | grep -qx paused; do
    sleep 0.1
    i=$((i + 1))
done
if V domstate --reason vg5 | grep -q 'paused (shutting down)' && [ "$(qemu_of vg5)" = "$pid" ]; then
    ok "on_poweroff preserve: qemu $pid stays, the domain is paused (shutting down)"
else
    not_ok "on_poweroff preserve: qemu stays, the domain is paused" "$(V domstate --reason vg5 2>&1)" \
        "$(tail -n 5 "$TMP/vg5.console" 2>&1)" "$(grep vg5 "$AGENT_LOG" | tail -n 5)"
fi
V destroy vg5 >/dev/null 2>&1
V undefine vg5 >/dev/null 2>&1

# ---- on_crash: coredump-destroy, coredump-restart ----------------------------------------
# The guest's kernel panics (vnguest.panic=1); its pvpanic device makes
# qemu report GUEST_PANICKED; the agent dumps the guest's memory under
# STATE/qemu/dump, then destroys it, or starts it again.
DUMPS=$ROOT/var/lib/virtnode/qemu/dump
GUEST_EXTRA=vnguest.panic=1 domain_xml vg8 52:54:00:7e:00:08 >"$TMP/vg8.xml"
sed -i -e 's|</features>|</features>\n  <on_crash>coredump-destroy</on_crash>|' \
    -e "s|<devices>|<devices>\n    <panic model='isa'/>|" "$TMP/vg8.xml"
V define "$TMP/vg8.xml" >/dev/null 2>&1
out=$(V start vg8 2>&1)
i=0
while [ "$i" -lt 600 ] && ! V domstate vg8 2>/dev/null | grep -qx 'shut off'; do
    sleep 0.1
    i=$((i + 1))
done
dump=$(ls "$DUMPS"/vg8-*.core 2>/dev/null | head -n 1)
size=$(stat -c %s "$dump" 2>/dev/null || echo 0)
if V domstate --reason vg8 | grep -qx 'shut off (crashed)' && [ "$size" -gt 200000000 ] &&
    [ "$(stat -c %a "$dump")" = 600 ] && head -c 4 "$dump" | grep -q ELF && [ -z "$(qemu_of vg8)" ]; then
    ok "on_crash coredump-destroy: the panicked guest's memory dumped ($size bytes, ELF, 0600), shut off (crashed)"
else
    not_ok "on_crash coredump-destroy: dump, then shut off (crashed)" "$out" "$(V domstate --reason vg8 2>&1)" \
        "$(ls -l "$DUMPS" 2>&1)" "$(tail -n 5 "$TMP/vg8.console" 2>&1)" "$(grep vg8 "$AGENT_LOG" | tail -n 5)"
fi
rm -f "$DUMPS"/vg8-*.core
V undefine vg8 >/dev/null 2>&1
sed -i 's|<on_crash>coredump-destroy</on_crash>|<on_crash>coredump-restart</on_crash>|' "$TMP/vg8.xml"
: >"$TMP/vg8.console"
V define "$TMP/vg8.xml" >/dev/null 2>&1
V start vg8 >/dev/null 2>&1
pid=$(qemu_of vg8)
i=0
while [ "$i" -lt 600 ] && { [ -z "$(qemu_of vg8)" ] || [ "$(qemu_of vg8)" = "$pid" ]; }; do
    sleep 0.1
    i=$((i + 1))
done
new=$(qemu_of vg8)
if [ -n "$new" ] && [ "$new" != "$pid" ] && ls "$DUMPS"/vg8-*.core >/dev/null 2>&1 &&
    V domstate vg8 | grep -qx running; then
    ok "on_crash coredump-restart: memory dumped, the guest runs again (qemu $pid -> $new)"
else
    not_ok "on_crash coredump-restart: dump, then a new qemu" "old $pid new $new" "$(ls -l "$DUMPS" 2>&1)" \
        "$(V domstate --reason vg8 2>&1)" "$(grep vg8 "$AGENT_LOG" | tail -n 5)"
fi
V destroy vg8 >/dev/null 2>&1
V undefine vg8 >/dev/null 2>&1
rm -f "$DUMPS"/vg8-*.core

# ---- SPICE on the network's address ---------------------------------------------------
# The SPICE server answers a link message with a reply that starts with
# the same "REDQ" magic (protocol 2.2).
domain_xml vg7 52:54:00:7e:00:07 >"$TMP/vg7.xml"
sed -i "s|<graphics type='vnc' autoport='yes'>|<graphics type='spice' autoport='yes'>|" "$TMP/vg7.xml"
V define "$TMP/vg7.xml" >/dev/null 2>&1
out=$(V start vg7 2>&1)
live=$(V dumpxml vg7 2>&1)
reply=$(python3 -c "
import socket, struct
s = socket.create_connection(('192.168.122.1', 5900), 5)
body = struct.pack('<IBBIII', 0, 1, 0, 0, 0, 18)
s.sendall(b'REDQ' + struct.pack('<III', 2, 2, len(body)) + body)
print(s.recv(4).decode())" 2>&1)
if printf '%s\n' "$live" | grep -q "<graphics type='spice' port='5900' autoport='yes' listen='192.168.122.1'>" &&
    printf '%s\n' "$live" | grep -q "<listen type='network' address='192.168.122.1' network='default'/>" &&
    ss -ltn | grep -q '192.168.122.1:5900 ' && [ "$reply" = REDQ ]; then
    ok "SPICE: qemu listens on 192.168.122.1:5900 (the network's address) and answers a link message"
else
    not_ok "SPICE listens on the network's address" "$out" "$live" "$reply" "$(ss -ltn)"
fi
V destroy vg7 >/dev/null 2>&1
V undefine vg7 >/dev/null 2>&1

# ---- failed starts leave nothing ------------------------------------------------------
# fail_start NAME XMLFILE EXPECTED
fail_start() {
    V define "$2" >/dev/null 2>&1
    out=$(V start "$1" 2>&1)
    if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q -- "$3" && [ -z "$(qemu_of "$1")" ] &&
        ! ip -o link show | grep -q vnet && [ -z "$(ls "$RUN/qemu" 2>/dev/null | grep -v '\.log$')" ] &&
        V domstate "$1" | grep -qx 'shut off'; then
        ok "failed start ($4): $(printf '%s' "$out" | tail -n 1)"
    else
        not_ok "failed start ($4): refused, nothing left" "$out" "$(ls "$RUN/qemu" 2>&1)"
    fi
    V undefine "$1" >/dev/null 2>&1
}
V net-define "$srcdir/tests/data/net-e2e/isolated.xml" >/dev/null 2>&1
domain_xml vg2 52:54:00:7e:00:02 vniso >"$TMP/vg2.xml"
fail_start vg2 "$TMP/vg2.xml" "network 'vniso' is not active" "network not active"
domain_xml vg3 52:54:00:7e:00:03 default /nonexistent/vmlinuz >"$TMP/vg3.xml"
fail_start vg3 "$TMP/vg3.xml" "qemu exited with status 1" "bad kernel path"
domain_xml vg4 52:54:00:7e:00:04 >"$TMP/vg4.xml"
sed -i "s|<devices>|<devices>\n    <emulator>/nonexistent/qemu-system-x86_64</emulator>|" "$TMP/vg4.xml"
fail_start vg4 "$TMP/vg4.xml" "/nonexistent/qemu-system-x86_64" "missing emulator"

# ---- display port range exhausted -------------------------------------------------------
# agent.conf narrows the range to 5900, which another program holds: the
# start fails with libvirt's message and leaves nothing; after the range
# is widened again (SIGHUP both times) the same guest starts on 5901.
printf 'remote_display_port_min = 5900\nremote_display_port_max = 5900\n' >"$ETC/agent.conf"
reloads=$(grep -c 'configuration reloaded' "$AGENT_LOG")
kill -HUP "$AGENT_PID"
wait_log() {
    i=0
    while [ "$i" -lt 50 ] && [ "$(grep -c 'configuration reloaded' "$AGENT_LOG")" -le "$1" ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
wait_log "$reloads"
python3 -c "
import socket, time
s = socket.socket()
s.bind(('0.0.0.0', 5900))
s.listen(1)
time.sleep(120)" &
HOLDER=$!
i=0
while [ "$i" -lt 50 ] && ! ss -ltn | grep -q '0.0.0.0:5900 '; do
    sleep 0.1
    i=$((i + 1))
done
domain_xml vg6 52:54:00:7e:00:06 >"$TMP/vg6.xml"
fail_start vg6 "$TMP/vg6.xml" "Unable to find an unused port in range 'display' (5900-5900)" \
    "VNC port range exhausted"
printf 'remote_display_port_min = 5900\nremote_display_port_max = 5901\n' >"$ETC/agent.conf"
reloads=$(grep -c 'configuration reloaded' "$AGENT_LOG")
kill -HUP "$AGENT_PID"
wait_log "$reloads"
V define "$TMP/vg6.xml" >/dev/null 2>&1
out=$(V start vg6 2>&1)
if V dumpxml vg6 2>&1 | grep -q "<graphics type='vnc' port='5901'"; then
    ok "the range widened (SIGHUP): the guest starts on 5901"
else
    not_ok "the range widened (SIGHUP): the guest starts on 5901" "$out" "$(V dumpxml vg6 2>&1)"
fi
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
V destroy vg6 >/dev/null 2>&1
V undefine vg6 >/dev/null 2>&1
rm -f "$ETC/agent.conf"
V undefine vg1 >/dev/null 2>&1
V net-undefine vniso >/dev/null 2>&1
V net-destroy default >/dev/null 2>&1
if agent_stop; then ok "virtnoded stopped"; else not_ok "virtnoded stopped"; fi

# ---- one guest XML, two hosts ---------------------------------------------------------
# Two agents in two namespaces ("host A", "host B"), each with a network
# named example-net on a subnet of its own; the same guest XML, whose VNC
# listens on the network named example-net, listens on each host's own
# address of that network.
HOSTS="a:10.213.101 b:10.213.102"
for h in $HOSTS; do
    name=${h%%:*}
    ip netns add "host$name"
    ip -n "host$name" link set lo up
    mkdir -p "$TMP/host$name/etc/virtnode/qemu/networks"
    ip netns exec "host$name" "$VIRTNODED" --root "$TMP/host$name" >"$TMP/host$name.log" 2>&1 &
    eval "HOST_PID_$name=\$!"
done
host_uri() {
    echo "qemu+unix:///system?socket=$TMP/host$1/run/virtnode/virtnode-sock"
}
for h in $HOSTS; do
    name=${h%%:*}
    i=0
    while [ "$i" -lt 100 ] && [ ! -S "$TMP/host$name/run/virtnode/virtnode-sock" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    cat >"$TMP/example-$name.xml" <<XML
<network>
  <name>example-net</name>
  <forward mode='nat'/>
  <bridge name='vnex0' stp='off' delay='0'/>
  <ip address='${h#*:}.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='${h#*:}.10' end='${h#*:}.20'/>
    </dhcp>
  </ip>
</network>
XML
    debian_client "$VIRSH" -q -c "$(host_uri "$name")" net-create "$TMP/example-$name.xml" >/dev/null 2>&1
done
domain_xml xhost 52:54:00:7e:00:0a example-net >"$TMP/xhost.xml"
for h in $HOSTS; do
    name=${h%%:*}
    addr=${h#*:}.1
    uri=$(host_uri "$name")
    out=$( (debian_client "$VIRSH" -q -c "$uri" define "$TMP/xhost.xml" &&
        debian_client "$VIRSH" -q -c "$uri" start xhost) 2>&1)
    live=$(debian_client "$VIRSH" -q -c "$uri" dumpxml xhost 2>&1)
    listening=$(ip netns exec "host$name" ss -ltn 2>&1)
    banner=$(ip netns exec "host$name" python3 -c "import socket; s=socket.create_connection(('$addr', 5900), 5); print(s.recv(12).decode().strip())" 2>&1)
    if printf '%s\n' "$live" | grep -q "<listen type='network' address='$addr' network='example-net'/>" &&
        printf '%s\n' "$listening" | grep -q "$addr:5900 " && [ "$banner" = "RFB 003.008" ]; then
        ok "host $name: the same XML's VNC listens on $addr:5900, example-net's address there"
    else
        not_ok "host $name: the same XML's VNC listens on example-net's address" "$out" "$live" "$listening" "$banner"
    fi
    debian_client "$VIRSH" -q -c "$uri" destroy xhost >/dev/null 2>&1
    debian_client "$VIRSH" -q -c "$uri" net-destroy example-net >/dev/null 2>&1
done
for h in $HOSTS; do
    name=${h%%:*}
    eval "pid=\$HOST_PID_$name"
    kill -TERM "$pid" 2>/dev/null
    wait_gone "$pid" 100
    ip netns del "host$name"
done
finish
