#!/bin/sh
# net-e2e.sh: virtual networks end to end, through Debian's virsh against
# virtnoded (privileged; in namespaces of its own, see interop-lib.sh)
#
# The agent's namespace plays the host: an "upstream" namespace sits behind
# a veth (the host's default route), and "guests" are namespaces on veths
# attached to a network's bridge, getting addresses with busybox udhcpc.
# Per forward mode: start, the bridge and its addresses, DHCP leases
# (dynamic and static), DNS through the network's dnsmasq, what reaches
# upstream (a tcpdump capture shows the masqueraded or routed source, or
# nothing for an isolated network), net-dhcp-leases, and destroy leaving
# links, addresses, routes and the firewall exactly as before. Then failed
# starts (each leaves the host as it was), and agent restarts: SIGTERM and
# kill -9 keep bridges, rules and dnsmasq processes untouched, and a
# cleared RUN (a reboot) starts the autostart networks afresh.
#
# FW_BACKEND=nftables runs it all with the nftables firewall backend
# (tests/net-e2e-nft.sh); the default is iptables (libiptc).
#
# Not root: skipped (a failure when CI=true).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

if [ "$(id -u)" != 0 ]; then
    if [ "${CI:-}" = true ]; then
        not_ok "network end-to-end tests" "CI=true but not root: bridges need root"
    else
        skip "network end-to-end tests" "needs root (bridges, firewall, dnsmasq)"
    fi
    finish
fi
FW_BACKEND=${FW_BACKEND:-iptables}
for prog in busybox tcpdump iptables-legacy-save nft; do
    if ! command -v "$prog" >/dev/null 2>&1; then
        not_ok "network end-to-end tests" "$prog is missing (./check installs it)"
        finish
    fi
done
if ! have_virsh; then
    if [ "${CI:-}" = true ]; then
        not_ok "network end-to-end tests" "Debian's virsh is missing"
    else
        skip "network end-to-end tests" "Debian's virsh is not installed"
    fi
    finish
fi

# dnsmasq drops to "nobody" and re-reads its hosts files on SIGHUP
chmod 0755 "$TMP"
NETDATA=$srcdir/tests/data/net-e2e
UP_IP=172.31.99.2
HOST_UP_IP=172.31.99.1
GUESTS=

V() {
    debian_client "$VIRSH" -q -c "$URI" "$@"
}

# links, addresses, routes and both legacy firewalls (counters left out:
# traffic moves them)
host_state() {
    ip -d link show | sed 's/ link-netns [^ ]*//; s/ link-netnsid [0-9]*//; s/ [a-z_]*_timer *[0-9.]*//g'
    ip addr show
    ip route show
    ip -6 route show
    fw_state
}

# both legacy tables and nf_tables, counters left out
fw_state() {
    { iptables-legacy-save; ip6tables-legacy-save; } | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]$//'
    nft list ruleset | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
}

# agent.conf for this run (and extra lines)
agent_conf() {
    mkdir -p "$ETC"
    {
        echo "firewall_backend = \"$FW_BACKEND\""
        for line in "$@"; do echo "$line"; done
    } >"$ETC/agent.conf"
}

# same_as_before FILE DESCRIPTION (a destroyed network's bridge, down,
# without addresses and renamed vnrmN, is unregistered by the kernel
# within ~50 ms after the destroy returned: wait for that first)
same_as_before() {
    i=0
    while [ "$i" -lt 40 ] && ip -o link show | grep -q '^[0-9]*: vnrm[0-9]*:'; do
        sleep 0.05
        i=$((i + 1))
    done
    host_state >"$TMP/state.now" 2>&1
    if diff -u "$1" "$TMP/state.now" >"$TMP/state.diff"; then
        ok "$2"
    else
        not_ok "$2" "$(cat "$TMP/state.diff")"
    fi
}

# guest_add NAME BRIDGE [MAC]: a namespace on a veth whose host end is a
# port of BRIDGE, as a guest's tap would be
guest_add() {
    ip netns add "$1"
    ip link add "vg-$1" type veth peer name eth0 netns "$1"
    [ -n "${3:-}" ] && ip -n "$1" link set eth0 address "$3"
    ip link set "vg-$1" master "$2" up
    ip -n "$1" link set lo up
    ip -n "$1" link set eth0 up
    GUESTS="$GUESTS $1"
}

guest_del() {
    ip netns del "$1" 2>/dev/null
    # its veth goes with it, a moment later (the namespace is torn down
    # asynchronously)
    i=0
    while [ "$i" -lt 50 ] && ip link show "vg-$1" >/dev/null 2>&1; do
        sleep 0.1
        i=$((i + 1))
    done
}

# dhcp NAME: udhcpc in guest NAME; its lease lands in $TMP/lease.NAME
cat >"$TMP/udhcpc.sh" <<'EOF'
#!/bin/sh
case "$1" in
bound | renew)
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route add default via "$router"
    echo "ip=$ip router=${router:-} dns=${dns:-} domain=${domain:-}" >"$LEASE_OUT"
    ;;
esac
exit 0
EOF
chmod 0755 "$TMP/udhcpc.sh"
dhcp() {
    rm -f "$TMP/lease.$1"
    LEASE_OUT=$TMP/lease.$1 ip netns exec "$1" busybox udhcpc -i eth0 -f -q -n -t 15 -T 1 \
        -s "$TMP/udhcpc.sh" >"$TMP/udhcpc.$1.log" 2>&1
    [ -s "$TMP/lease.$1" ]
}

lease_ip() {
    sed -n 's/^ip=\([^ ]*\).*/\1/p' "$TMP/lease.$1" 2>/dev/null
}

# capture_start FILTER: tcpdump upstream, one packet; capture_wait: its line
capture_start() {
    rm -f "$TMP/capture"
    ip netns exec up timeout 12 tcpdump -n -l -i eth0 -c 1 "$@" >"$TMP/capture" 2>"$TMP/capture.err" &
    CAPTURE_PID=$!
    # tcpdump says "listening on" once it captures
    i=0
    while [ "$i" -lt 100 ] && ! grep -q 'listening on' "$TMP/capture.err" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
}

# until_captured CMD...: CMD, again (three times at most) while the
# capture saw nothing: a packet lost on a loaded machine is no failure
until_captured() {
    for attempt in 1 2 3; do
        "$@"
        [ -s "$TMP/capture" ] && return 0
        sleep 0.3
    done
    return 1
}

# (not in a command substitution: a subshell cannot wait for our child)
capture_wait() {
    wait "$CAPTURE_PID" 2>/dev/null
}

dnsmasq_pid() {
    cat "$RUN/network/$1.pid" 2>/dev/null
}

teardown() {
    for g in $GUESTS up; do
        guest_del "$g"
    done
}
trap 'teardown; cleanup' EXIT

# ---- the host: an upstream namespace behind the default route ------------------
ip netns add up
ip link add vup type veth peer name eth0 netns up
ip addr add "$HOST_UP_IP/24" dev vup
ip link set vup up
ip -n up addr add "$UP_IP/24" dev eth0
ip -n up link set lo up
ip -n up link set eth0 up
ip route add default via "$UP_IP"
# The kernel instantiates a legacy table on its first use and never removes
# it: use them once, so the baseline is a host's, not a pristine namespace's.
for t in filter nat; do
    iptables-legacy -t "$t" -n -L >/dev/null
    ip6tables-legacy -t "$t" -n -L >/dev/null
done
# link-local addresses settle (DAD) before the baseline is taken
i=0
while [ "$i" -lt 50 ] && [ -n "$(ip -6 addr show tentative)" ]; do
    sleep 0.1
    i=$((i + 1))
done
host_state >"$TMP/state.base" 2>&1

agent_conf
if agent_start; then
    ok "virtnoded started (firewall_backend $FW_BACKEND)"
else
    not_ok "virtnoded started" "$(cat "$AGENT_LOG")"
    finish
fi

# ---- nat: libvirt's default network, unchanged --------------------------------------
out=$(V net-define "$srcdir/init/networks/default.xml" 2>&1 && V net-start default 2>&1)
if [ $? -eq 0 ] && V net-list --name | grep -qx default; then
    ok "nat: virsh net-define + net-start default"
else
    not_ok "nat: virsh net-define + net-start default" "$out" "$(tail -n 5 "$AGENT_LOG")"
fi
if ip -br addr show virbr0 | grep -q '192.168.122.1/24' &&
    ip -d link show virbr0 | grep -q 'stp_state 1' &&
    ip link show virbr0 | grep -q 'state UP\|NO-CARRIER'; then
    ok "nat: bridge virbr0 up with 192.168.122.1/24 and STP on"
else
    not_ok "nat: bridge virbr0 up with 192.168.122.1/24 and STP on" "$(ip -d addr show virbr0 2>&1)"
fi
guest_add g1 virbr0
# STP on: the port forwards after listening + learning (2 x 2 s)
if dhcp g1; then
    ip=$(lease_ip g1)
    case $ip in
    192.168.122.*) ok "nat: the guest got $ip from dnsmasq ($(cat "$TMP/lease.g1"))" ;;
    *) not_ok "nat: the guest got a lease in 192.168.122.0/24" "$(cat "$TMP/lease.g1")" ;;
    esac
else
    not_ok "nat: the guest got a DHCP lease" "$(cat "$TMP/udhcpc.g1.log")"
fi
capture_start icmp
until_captured ip netns exec g1 busybox ping -c 1 -W 3 "$UP_IP" >"$TMP/ping" 2>&1
capture_wait
got=$(cat "$TMP/capture")
if printf '%s\n' "$got" | grep -q "IP $HOST_UP_IP > $UP_IP: ICMP echo request" &&
    grep -q '1 packets received' "$TMP/ping"; then
    ok "nat: the guest reaches upstream, masqueraded as $HOST_UP_IP"
else
    not_ok "nat: the guest reaches upstream, masqueraded" "capture: $got" "$(cat "$TMP/ping")"
fi
mac=$(ip netns exec g1 cat /sys/class/net/eth0/address 2>/dev/null || ip -n g1 link show eth0 | awk '/ether/ {print $2}')
got=$(V net-dhcp-leases default 2>&1)
if printf '%s\n' "$got" | grep -q "$mac .*ipv4 .*$ip/24"; then
    ok "nat: net-dhcp-leases shows the guest's lease"
else
    not_ok "nat: net-dhcp-leases shows the guest's lease ($mac $ip)" "$got"
fi
pid=$(dnsmasq_pid default)
guest_del g1
out=$(V net-destroy default 2>&1)
if [ $? -eq 0 ] && ! kill -0 "$pid" 2>/dev/null; then
    ok "nat: net-destroy; dnsmasq (pid $pid) is gone"
else
    not_ok "nat: net-destroy; dnsmasq is gone" "$out"
fi
same_as_before "$TMP/state.base" "nat: after destroy, links, addresses, routes and firewall are as before"
# back to back, inside the bridge's unregistration time: the name and the
# subnet are free the moment destroy returns
out=$(printf 'net-start default\nnet-destroy default\nnet-start default\nnet-destroy default\nnet-start default\nnet-destroy default\n' |
    V 2>&1)
if [ $? -eq 0 ] && ! V net-list --name | grep -qx default; then
    ok "nat: start/destroy three times back to back in one virsh session"
else
    not_ok "nat: start/destroy three times back to back in one virsh session" "$out"
fi
same_as_before "$TMP/state.base" "nat: after those, the host is as before"
# (the status file goes last, once the bridge is unregistered)
i=0
while [ "$i" -lt 20 ] && [ -n "$(ls "$RUN/network")" ]; do
    sleep 0.05
    i=$((i + 1))
done
ls "$RUN/network" >"$TMP/runfiles" 2>&1
if [ ! -s "$TMP/runfiles" ]; then
    ok "nat: no status, pid or log file left under RUN/network"
else
    not_ok "nat: no status, pid or log file left under RUN/network" "$(cat "$TMP/runfiles")"
fi

# ---- route, IPv4 + IPv6: static host, DNS, RA ---------------------------------------
ip -n up route add 10.213.60.0/24 via "$HOST_UP_IP"
host_state >"$TMP/state.route" 2>&1
out=$(V net-create "$NETDATA/route.xml" 2>&1)
if [ $? -eq 0 ] && ip -br addr show vnroute0 | grep -q '10.213.60.1/24 fd00:213:60::1/64'; then
    ok "route: net-create, bridge with its IPv4 and IPv6 addresses"
else
    not_ok "route: net-create, bridge with its IPv4 and IPv6 addresses" "$out" "$(ip -br addr 2>&1)"
fi
guest_add g1 vnroute0
guest_add g2 vnroute0 52:54:00:e2:60:32
dhcp g1 && dhcp g2
if [ "$(lease_ip g2)" = 10.213.60.50 ] && [ -n "$(lease_ip g1)" ]; then
    ok "route: a dynamic lease ($(lease_ip g1)) and the static host's fixed 10.213.60.50"
else
    not_ok "route: dynamic and static leases" "$(cat "$TMP/lease.g1" "$TMP/lease.g2" 2>&1)"
fi
got=$(ip netns exec g1 busybox nslookup static-guest.vnet.test 10.213.60.1 2>&1)
if printf '%s\n' "$got" | grep -q '10.213.60.50'; then
    ok "route: the static host's name resolves through the network's dnsmasq"
else
    not_ok "route: the static host's name resolves through the network's dnsmasq" "$got"
fi
got=$(ip netns exec g1 busybox nslookup printer.vnet.test 10.213.60.1 2>&1)
if printf '%s\n' "$got" | grep -q '10.213.60.9'; then
    ok "route: a <dns><host> entry resolves"
else
    not_ok "route: a <dns><host> entry resolves" "$got"
fi
capture_start icmp
until_captured ip netns exec g1 busybox ping -c 1 -W 3 "$UP_IP" >"$TMP/ping" 2>&1
capture_wait
got=$(cat "$TMP/capture")
if printf '%s\n' "$got" | grep -q "IP $(lease_ip g1) > $UP_IP: ICMP echo request" &&
    grep -q '1 packets received' "$TMP/ping"; then
    ok "route: the guest reaches upstream with its own address"
else
    not_ok "route: the guest reaches upstream with its own address" "capture: $got" "$(cat "$TMP/ping")"
fi
# dnsmasq's router advertisements give the guest an IPv6 default route
i=0
while [ "$i" -lt 60 ] && ! ip -n g1 -6 route show default | grep -q 'proto ra'; do
    sleep 0.1
    i=$((i + 1))
done
if ip -n g1 -6 route show default | grep -q 'proto ra'; then
    ok "route: IPv6 router advertisements reach the guest"
else
    not_ok "route: IPv6 router advertisements reach the guest" "$(ip -n g1 -6 route 2>&1)"
fi
# net-update on the running network (Debian's virsh, then tools/virtnode):
# a static host and a DNS name appear at once (dnsmasq re-reads its hosts
# files), without a restart of dnsmasq
pid=$(dnsmasq_pid vnroute)
# (virsh without -q, to see what it says it changed)
out=$( (debian_client "$VIRSH" -c "$URI" net-update vnroute add ip-dhcp-host "<host mac='52:54:00:e2:60:33' name='late-guest' ip='10.213.60.51'/>" --live &&
    "$VIRTNODE" -q -c "$URI" net-update vnroute add-last dns-host "<host ip='10.213.60.10'><hostname>scanner</hostname></host>") 2>&1)
rc=$?
guest_add g6 vnroute0 52:54:00:e2:60:33
dhcp g6
if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q 'Updated network vnroute live state' &&
    [ "$(lease_ip g6)" = 10.213.60.51 ] && [ "$(dnsmasq_pid vnroute)" = "$pid" ]; then
    ok "update: a static host added to the running network gets its address (same dnsmasq)"
else
    not_ok "update: a static host added to the running network gets its address" "$out" "$(cat "$TMP/lease.g6" "$TMP/udhcpc.g6.log" 2>&1)"
fi
got=$(ip netns exec g1 busybox nslookup scanner.vnet.test 10.213.60.1 2>&1)
if printf '%s\n' "$got" | grep -q '10.213.60.10' && V net-dumpxml vnroute | grep -q "<host mac='52:54:00:e2:60:33' name='late-guest' ip='10.213.60.51'/>"; then
    ok "update: the new DNS name resolves; the live XML shows both"
else
    not_ok "update: the new DNS name resolves; the live XML shows both" "$got"
fi
out=$(V net-update vnroute add ip-dhcp-host "<host mac='52:54:00:e2:60:34' ip='10.99.0.5'/>" 2>&1)
if [ $? -ne 0 ] && ! V net-dumpxml vnroute | grep -q "52:54:00:e2:60:34"; then
    ok "update: a host outside the subnet is refused, nothing changes ($(printf '%s' "$out" | tail -n 1))"
else
    not_ok "update: a host outside the subnet is refused" "$out"
fi
guest_del g6
got=$(V net-dhcp-leases vnroute 2>&1)
if printf '%s\n' "$got" | grep -q '52:54:00:e2:60:32 .*10.213.60.50/24 .*static-guest'; then
    ok "route: net-dhcp-leases shows the static host with its name"
else
    not_ok "route: net-dhcp-leases shows the static host with its name" "$got"
fi
if sysctl -n net.ipv4.ip_forward | grep -qx 1 && sysctl -n net.ipv6.conf.all.forwarding | grep -qx 1; then
    ok "route: IPv4 and IPv6 forwarding on while it runs"
else
    not_ok "route: IPv4 and IPv6 forwarding on while it runs"
fi
guest_del g1
guest_del g2
V net-destroy vnroute >/dev/null 2>&1
same_as_before "$TMP/state.route" "route: after destroy of the transient network, the host is as before"
if sysctl -n net.ipv4.ip_forward | grep -qx 0 && sysctl -n net.ipv6.conf.all.forwarding | grep -qx 0 &&
    ! V net-list --all --name | grep -qx vnroute; then
    ok "route: forwarding back off, the transient network gone"
else
    not_ok "route: forwarding back off, the transient network gone" "$(V net-list --all 2>&1)"
fi
ip -n up route del 10.213.60.0/24 via "$HOST_UP_IP"

# ---- nat with an address and port range, on a forward device ------------------------
V net-define "$NETDATA/natrange.xml" >/dev/null 2>&1
out=$(V net-start vnnat 2>&1)
[ $? -eq 0 ] && ok "natrange: started" || not_ok "natrange: started" "$out"
guest_add g3 vnnat0
dhcp g3 || not_ok "natrange: the guest got a lease" "$(cat "$TMP/udhcpc.g3.log")"
ip netns exec up busybox nc -l -p 8080 >/dev/null 2>&1 &
NC_PID=$!
sleep 0.2
capture_start 'tcp[tcpflags] & tcp-syn != 0'
nc_hello() {
    echo hello | ip netns exec g3 busybox nc -w 2 "$UP_IP" 8080 >/dev/null 2>&1
}
until_captured nc_hello
capture_wait
got=$(cat "$TMP/capture")
kill "$NC_PID" 2>/dev/null
wait "$NC_PID" 2>/dev/null
port=$(printf '%s\n' "$got" | sed -n "s/.* IP $HOST_UP_IP\.\([0-9]*\) > $UP_IP\.8080:.*/\1/p")
if [ -n "$port" ] && [ "$port" -ge 20000 ] && [ "$port" -le 20099 ]; then
    ok "natrange: SNAT to $HOST_UP_IP, source port $port within 20000-20099"
else
    not_ok "natrange: SNAT to $HOST_UP_IP with a source port within 20000-20099" "capture: $got"
fi
guest_del g3
V net-destroy vnnat >/dev/null 2>&1
V net-undefine vnnat >/dev/null 2>&1
same_as_before "$TMP/state.base" "natrange: after destroy, the host is as before"

# ---- isolated: DHCP yes, upstream no --------------------------------------------------
V net-define "$NETDATA/isolated.xml" >/dev/null 2>&1
out=$(V net-start vniso 2>&1)
[ $? -eq 0 ] && ok "isolated: started" || not_ok "isolated: started" "$out"
guest_add g4 vniso0
if dhcp g4 && grep -q 'router= ' "$TMP/lease.g4"; then
    ok "isolated: the guest got $(lease_ip g4), and no router"
else
    not_ok "isolated: the guest got a lease without a router" "$(cat "$TMP/lease.g4" "$TMP/udhcpc.g4.log" 2>&1)"
fi
ip -n g4 route add default via 10.213.70.1
capture_start icmp
ip netns exec g4 busybox ping -c 1 -W 2 "$UP_IP" >"$TMP/ping" 2>&1
capture_wait
got=$(cat "$TMP/capture")
if [ -z "$got" ] && ! grep -q '1 packets received' "$TMP/ping"; then
    ok "isolated: nothing reaches upstream, even with a route"
else
    not_ok "isolated: nothing reaches upstream, even with a route" "capture: $got"
fi
guest_del g4
V net-destroy vniso >/dev/null 2>&1
V net-undefine vniso >/dev/null 2>&1
same_as_before "$TMP/state.base" "isolated: after destroy, the host is as before"

# ---- open: no firewall rules at all ---------------------------------------------------
V net-define "$NETDATA/open.xml" >/dev/null 2>&1
fw_state >"$TMP/fw.before"
out=$(V net-start vnopen 2>&1)
fw_state >"$TMP/fw.during"
if [ $? -eq 0 ] && ip -br addr show vnopen0 | grep -q 10.213.80.1/24 && cmp -s "$TMP/fw.before" "$TMP/fw.during"; then
    ok "open: started, bridge up, not one firewall rule added"
else
    not_ok "open: started, bridge up, not one firewall rule added" "$out" "$(diff "$TMP/fw.before" "$TMP/fw.during")"
fi
V net-destroy vnopen >/dev/null 2>&1
V net-undefine vnopen >/dev/null 2>&1
same_as_before "$TMP/state.base" "open: after destroy, the host is as before"

# ---- bridge: an existing host bridge; direct: macvtap modes on a device -------------
ip link add hostbr0 type bridge
ip link add vdir0 type veth peer name vdir1
host_state >"$TMP/state.hostdev" 2>&1
for net in hostbridge direct; do
    V net-define "$NETDATA/$net.xml" >/dev/null 2>&1
done
out=$( (V net-start vnhostbr && V net-start vndirect) 2>&1)
host_state >"$TMP/state.now" 2>&1
if [ $? -eq 0 ] && [ "$(V net-list --name | grep -c '^vn')" = 2 ] && cmp -s "$TMP/state.hostdev" "$TMP/state.now"; then
    ok "bridge and direct modes: started, nothing created on the host"
else
    not_ok "bridge and direct modes: started, nothing created on the host" "$out" "$(diff "$TMP/state.hostdev" "$TMP/state.now")"
fi
out=$( (V net-destroy vnhostbr && V net-destroy vndirect && V net-undefine vnhostbr && V net-undefine vndirect) 2>&1)
[ $? -eq 0 ] && ok "bridge and direct modes: destroyed" || not_ok "bridge and direct modes: destroyed" "$out"
ip link del vdir0
out=$(V net-create "$NETDATA/direct.xml" 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "forward device 'vdir0' does not exist"; then
    ok "direct: a missing forward device is refused by name"
else
    not_ok "direct: a missing forward device is refused by name" "$out"
fi
ip link del hostbr0
out=$(V net-create "$NETDATA/hostbridge.xml" 2>&1)
if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q "host bridge 'hostbr0' does not exist"; then
    ok "bridge: a missing host bridge is refused by name"
else
    not_ok "bridge: a missing host bridge is refused by name" "$out"
fi

# ---- failed starts leave nothing behind ----------------------------------------------
# fail DESCRIPTION EXPECTED-TEXT XML [AGENT-NOTE]: net-create must fail
# naming the problem, and the host must be as before
fail_case() {
    host_state >"$TMP/state.fail" 2>&1
    ls "$RUN/network" >"$TMP/run.fail" 2>&1
    out=$(V net-create "$3" 2>&1)
    if [ $? -ne 0 ] && printf '%s\n' "$out" | grep -q -- "$2"; then
        ok "failure: $1: refused ($(printf '%s' "$out" | tr '\n' ' ' | sed 's/  */ /g'))"
    else
        not_ok "failure: $1: refused, naming the problem" "$out"
    fi
    same_as_before "$TMP/state.fail" "failure: $1: the host is as before"
    if ! ls "$RUN/network" 2>&1 | cmp -s "$TMP/run.fail" -; then
        not_ok "failure: $1: no file left under RUN/network" "$(ls "$RUN/network")"
    fi
}
ip link add vnbusy0 type bridge
fail_case "bridge name taken" "bridge name 'vnbusy0' is taken by an existing bridge interface" \
    "$NETDATA/fail-bridge-taken.xml"
ip link del vnbusy0
fail_case "subnet of a host address" "overlaps address 172.31.99.1/24 on interface 'vup'" \
    "$NETDATA/fail-subnet-addr.xml"
ip route add 10.99.0.0/16 via "$UP_IP"
fail_case "subnet under a route" "overlaps route 10.99.0.0/16" "$NETDATA/fail-subnet-route.xml"
ip route del 10.99.0.0/16 via "$UP_IP"
fail_case "dnsmasq failing" "dnsmasq for network 'vnbaddns' exited with status 1" \
    "$NETDATA/fail-dnsmasq.xml"
V net-create "$NETDATA/isolated.xml" >/dev/null 2>&1
fail_case "subnet of an active network" "overlaps 10.213.70.1/24 of active network 'vniso'" \
    "$NETDATA/fail-subnet-active.xml"
V net-destroy vniso >/dev/null 2>&1
same_as_before "$TMP/state.base" "failures: the host is as at the start"

agent_stop
# dnsmasq missing; a foreign firewall that would drop the network's
# traffic (firewall_conflict = "fail"); with iptables, a firewall that
# cannot be changed (the xtables lock held by someone else for longer
# than the agent waits; the nftables backend's refused commits are
# fw-nft-test's)
agent_conf 'firewall_conflict = "fail"'
VIRTNODE_DNSMASQ=/nonexistent/dnsmasq XTABLES_LOCKFILE=$TMP/xtables.lock agent_start ||
    not_ok "agent restarted with dnsmasq missing" "$(tail -n 5 "$AGENT_LOG")"
fail_case "dnsmasq missing" "network 'vniso': cannot run dnsmasq '/nonexistent/dnsmasq'" "$NETDATA/isolated.xml"
nft add table inet foreign
nft add chain inet foreign fwdc '{ type filter hook forward priority 0; policy drop; }'
fail_case "a foreign nftables chain drops forwarded traffic" \
    "IPv4 nftables table 'foreign' (inet) chain 'fwdc' has policy drop" "$NETDATA/natrange.xml"
nft delete table inet foreign
if [ "$FW_BACKEND" = iptables ]; then
    flock "$TMP/xtables.lock" sleep 13 &
    LOCK_PID=$!
    sleep 0.2
    fail_case "firewall cannot be committed" "cannot take the xtables lock" "$NETDATA/natrange.xml"
    kill "$LOCK_PID" 2>/dev/null
    wait "$LOCK_PID" 2>/dev/null
else
    # legacy FORWARD policy DROP: evaluated too, so a conflict for nftables
    iptables-legacy -P FORWARD DROP
    fail_case "a legacy FORWARD policy DROP" \
        "IPv4 iptables (legacy) table 'filter' chain 'FORWARD' has policy DROP" "$NETDATA/natrange.xml"
    iptables-legacy -P FORWARD ACCEPT
fi
agent_stop
agent_conf

# ---- agent restarts: zero churn --------------------------------------------------------
# a conflict is a warning by default: the network starts
nft add table inet foreign
nft add chain inet foreign fwdc '{ type filter hook forward priority 0; policy drop; }'
agent_start || not_ok "agent started" "$(tail -n 5 "$AGENT_LOG")"
out=$(V net-create "$NETDATA/isolated.xml" 2>&1)
if [ $? -eq 0 ] && grep -q "network 'vniso': its traffic may be dropped: IPv4 nftables table 'foreign' (inet) chain 'fwdc' has policy drop" "$AGENT_LOG"; then
    ok "conflict: with firewall_conflict unset the network starts, with a warning naming the chain"
else
    not_ok "conflict: with firewall_conflict unset the network starts, with a warning naming the chain" "$out"
fi
V net-destroy vniso >/dev/null 2>&1
nft delete table inet foreign
V net-autostart default >/dev/null 2>&1
out=$( (V net-start default && V net-create "$NETDATA/route.xml") 2>&1)
[ $? -eq 0 ] || not_ok "restart: two networks started" "$out"
snap() {
    {
        fw_state
        ip -o link show virbr0 | cut -d: -f1
        ip -o link show vnroute0 | cut -d: -f1
        dnsmasq_pid default
        dnsmasq_pid vnroute
        ps -o pid= -p "$(dnsmasq_pid default)" -p "$(dnsmasq_pid vnroute)"
        V net-list --all
    } 2>&1
}
snap >"$TMP/snap.before"
for how in TERM KILL; do
    if [ "$how" = TERM ]; then agent_stop; else agent_kill; fi
    agent_start || not_ok "restart after SIG$how" "$(tail -n 5 "$AGENT_LOG")"
    snap >"$TMP/snap.after"
    if diff -u "$TMP/snap.before" "$TMP/snap.after" >"$TMP/snap.diff" &&
        grep -q "network 'default' is running: adopted" "$AGENT_LOG"; then
        ok "restart after SIG$how: networks adopted; same rules ($(fw_state | sha256sum | cut -c1-12)), bridges, dnsmasq pids"
    else
        not_ok "restart after SIG$how: networks adopted with zero churn" "$(cat "$TMP/snap.diff")"
    fi
done
guest_add g5 vnroute0
dhcp g5 || true
got=$(V net-dhcp-leases vnroute 2>&1)
if [ -n "$(lease_ip g5)" ] && printf '%s\n' "$got" | grep -q "$(lease_ip g5)/24"; then
    ok "restart: leases keep being recorded after the restarts"
else
    not_ok "restart: leases keep being recorded after the restarts" "$got"
fi
guest_del g5

# dnsmasq killed behind the agent's back: reaped and started again at
# once, guests keep getting leases; after three restarts within a minute
# it is left down (it would only fail again)
# new_dnsmasq OLD: waits (3 s) for a live dnsmasq of vnroute other than OLD
new_dnsmasq() {
    i=0
    while [ "$i" -lt 60 ]; do
        p=$(dnsmasq_pid vnroute)
        if [ -n "$p" ] && [ "$p" != "$1" ] && kill -0 "$p" 2>/dev/null; then
            echo "$p"
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
old=$(dnsmasq_pid vnroute)
kill -KILL "$old"
if new=$(new_dnsmasq "$old"); then
    guest_add g7 vnroute0
    if dhcp g7; then
        ok "dnsmasq killed: started again at once (pid $old -> $new), a guest gets $(lease_ip g7)"
    else
        not_ok "dnsmasq killed: a guest gets a lease from the new one" "$(cat "$TMP/udhcpc.g7.log")"
    fi
    guest_del g7
else
    not_ok "dnsmasq killed: started again at once" "$(tail -n 5 "$AGENT_LOG")"
fi
for attempt in 2 3 4; do
    old=$(dnsmasq_pid vnroute)
    kill -KILL "$old" 2>/dev/null
    new=$(new_dnsmasq "$old") || break
done
sleep 0.3
if [ "$attempt" = 4 ] && [ -z "$new" ] &&
    grep -q "network 'vnroute': its dnsmasq (pid $old) exited again, the third time within a minute" "$AGENT_LOG"; then
    ok "dnsmasq killed a fourth time within a minute: left down, logged"
else
    not_ok "dnsmasq killed a fourth time within a minute: left down, logged" "attempt $attempt new '$new'" "$(tail -n 5 "$AGENT_LOG")"
fi
# the killed dnsmasqs' own helpers were orphaned to the agent (a child
# subreaper): its sweep reaps them within two sweeps (2 s apart)
sleep 4.5
zombies=$(ps -o pid=,stat= --ppid "$AGENT_PID" | awk '$2 ~ /^Z/' | wc -l)
if [ "$zombies" -eq 0 ]; then
    ok "no zombie children of the agent after the kills"
else
    not_ok "no zombie children of the agent after the kills" "$(ps -o pid=,stat=,args= --ppid "$AGENT_PID")"
fi

# a reboot: processes, links and rules gone, RUN cleared
agent_stop
for netname in default vnroute; do
    kill "$(dnsmasq_pid "$netname")" 2>/dev/null
done
ip link del virbr0
ip link del vnroute0
for t in filter nat; do
    iptables-legacy -t "$t" -F
    iptables-legacy -t "$t" -X
    ip6tables-legacy -t "$t" -F
    ip6tables-legacy -t "$t" -X
done
nft delete table ip virtnode 2>/dev/null
nft delete table ip6 virtnode 2>/dev/null
sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
rm -rf "$RUN"
agent_start || not_ok "agent started after the reboot" "$(tail -n 5 "$AGENT_LOG")"
got=$(V net-list --all 2>&1)
if printf '%s\n' "$got" | grep -q '^ *default *active *yes *yes' &&
    ! printf '%s\n' "$got" | grep -q vnroute && ip link show virbr0 >/dev/null 2>&1; then
    ok "reboot: the autostart network started again, the transient one is gone"
else
    not_ok "reboot: the autostart network started again, the transient one is gone" "$got"
fi
V net-destroy default >/dev/null 2>&1
V net-undefine default >/dev/null 2>&1
agent_stop
same_as_before "$TMP/state.base" "the end: the host is as at the start"
finish
