# interop-cli.sh: the command-line interop flow, sourced by interop-virsh.sh
# (Debian's virsh on Debian's libvirt.so.0) and interop-virtnode.sh
# (tools/virtnode on this tree's library), after they set CLIENT_NAME and
# defined client() (runs the client with its arguments).
#
# Against a virtnoded on a temporary root: the host commands, a domain
# defined before the network its interface names, the network, autostart
# on both, then the same reads over the read-only socket (opened read-only
# and read-write: the agent makes both read-only) where every mutating
# command must fail with "operation forbidden", then undefine of both.
#
# Every command's stdout, stderr and exit status are compared with
# tests/data/interop/cli/NAME.out after masking what is host specific; the
# same expected files serve both clients, so tools/virtnode is held to
# virsh's output. REGENERATE=1 rewrites them.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/interop-lib.sh
. "$(dirname "$0")/interop-lib.sh"

expected=$data/cli
hosts_name=$(uname -n)
hosts_fqdn=$(hostname -f 2>/dev/null || uname -n)

# run URI ARGS...: the client on URI, in a directory holding the XML files
# (so "defined from FILE" names are stable); leaves out/err/rc in $TMP.
run() {
    u=$1
    shift
    (cd "$TMP/work" && client -c "$u" "$@") >"$TMP/out" 2>"$TMP/err"
    echo $? >"$TMP/rc"
}

render() {
    mask_host <"$TMP/out" |
        sed -e "s|^$hosts_fqdn\$|<hostname>|" -e "s|^$hosts_name\$|<hostname>|" |
        # The security driver lines depend on the agent's choice of model
        # "none" (as libvirtd without AppArmor/SELinux) or no model at all;
        # both are what libvirtd prints in some set-up.
        grep -v -e '^Security model: none$' -e '^Security DOI:   0$'
    echo "--- stderr"
    mask_host <"$TMP/err"
    echo "--- exit $(cat "$TMP/rc")"
}

# expect NAME URI ARGS...: runs, compares with cli/NAME.out.
expect() {
    name=$1
    shift
    run "$@"
    render >"$TMP/got"
    if [ -n "${REGENERATE:-}" ]; then
        cp "$TMP/got" "$expected/$name.out"
    fi
    shift
    if [ ! -f "$expected/$name.out" ]; then
        not_ok "$CLIENT_NAME $* ($name): no expected file $expected/$name.out" "$(cat "$TMP/got")"
    elif diff -u "$expected/$name.out" "$TMP/got" >"$TMP/diff"; then
        ok "$CLIENT_NAME $* ($name)"
    else
        not_ok "$CLIENT_NAME $* ($name)" "$(cat "$TMP/diff")"
    fi
}

# denied LABEL URI ARGS...: a mutating command on a read-only connection.
denied() {
    label=$1
    shift
    run "$@"
    shift
    if [ "$(cat "$TMP/rc")" = 1 ] && grep -q '^error: operation forbidden: read only access prevents vir' "$TMP/err" &&
        [ -z "$(tr -d '\n' <"$TMP/out")" ]; then
        ok "$CLIENT_NAME $label: $* is denied ($(grep 'operation forbidden' "$TMP/err"))"
    else
        not_ok "$CLIENT_NAME $label: $* is denied with 'operation forbidden'" \
            "exit $(cat "$TMP/rc")" "$(cat "$TMP/out" "$TMP/err")"
    fi
}

client_check_library

mkdir -p "$TMP/work"
cp "$data/domain.xml" "$data/network.xml" "$TMP/work/"

if agent_start; then
    ok "virtnoded started on $ROOT (pid $AGENT_PID)"
else
    not_ok "virtnoded started on $ROOT" "$(cat "$AGENT_LOG" 2>/dev/null)"
    finish
fi

# ---- host ---------------------------------------------------------------
expect version "$URI" version
expect hostname "$URI" hostname
expect uri "$URI" uri

run "$URI" capabilities
arch=$(uname -m)
if [ "$(cat "$TMP/rc")" = 0 ] && [ ! -s "$TMP/err" ] && grep -q '^<capabilities>' "$TMP/out" &&
    grep -q "<arch>$arch</arch>" "$TMP/out"; then
    ok "$CLIENT_NAME capabilities: exit 0, <capabilities> with host arch $arch"
else
    not_ok "$CLIENT_NAME capabilities" "exit $(cat "$TMP/rc")" "$(head -n 20 "$TMP/out" "$TMP/err")"
fi
rng=/usr/share/libvirt/schemas/capability.rng
if command -v xmllint >/dev/null && [ -f "$rng" ]; then
    if xmllint --noout --relaxng "$rng" "$TMP/out" >"$TMP/xmllint" 2>&1; then
        ok "$CLIENT_NAME capabilities validate against libvirt's capability.rng"
    else
        not_ok "$CLIENT_NAME capabilities validate against libvirt's capability.rng" "$(cat "$TMP/xmllint")"
    fi
else
    skip "$CLIENT_NAME capabilities validate against capability.rng" "xmllint or $rng missing"
fi

# nodeinfo: the layout from the expected file, the host figures checked
# against the kernel's.
run "$URI" nodeinfo
cpus=$(getconf _NPROCESSORS_ONLN)
memkib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
mask_host <"$TMP/out" | sed \
    -e "s|^\(CPU model: *\)$arch\$|\1<arch>|" \
    -e "s|^\(CPU(s): *\)$cpus\$|\1<cpus>|" \
    -e "s|^\(Memory size: *\)$memkib KiB\$|\1<memtotal> KiB|" \
    -e 's|^\(CPU frequency: *\)[0-9][0-9]* MHz$|\1N MHz|' \
    -e 's|^\(CPU socket(s): *\)[1-9][0-9]*$|\1N|' \
    -e 's|^\(Core(s) per socket: *\)[1-9][0-9]*$|\1N|' \
    -e 's|^\(Thread(s) per core: *\)[1-9][0-9]*$|\1N|' \
    -e 's|^\(NUMA cell(s): *\)[1-9][0-9]*$|\1N|' >"$TMP/out.masked"
mv "$TMP/out.masked" "$TMP/out"
render >"$TMP/got"
[ -n "${REGENERATE:-}" ] && cp "$TMP/got" "$expected/nodeinfo.out"
if diff -u "$expected/nodeinfo.out" "$TMP/got" >"$TMP/diff"; then
    ok "$CLIENT_NAME nodeinfo (arch $arch, $cpus CPUs, $memkib KiB as the kernel says)"
else
    not_ok "$CLIENT_NAME nodeinfo" "$(cat "$TMP/diff")"
fi

# ---- definitions -----------------------------------------------------------
expect list-empty "$URI" list --all
expect net-list-empty "$URI" net-list --all
# the interface names interopnet, which is not defined yet
expect define "$URI" define domain.xml
expect list-defined "$URI" list --all
expect dominfo "$URI" dominfo interop1
expect domstate "$URI" domstate interop1
expect dumpxml "$URI" dumpxml interop1
expect autostart "$URI" autostart interop1
expect dominfo-autostart "$URI" dominfo interop1
expect list-autostart "$URI" list --all --autostart
expect net-define "$URI" net-define network.xml
expect net-list-defined "$URI" net-list --all
expect net-info "$URI" net-info interopnet
expect net-dumpxml "$URI" net-dumpxml interopnet
expect net-autostart "$URI" net-autostart interopnet
expect net-info-autostart "$URI" net-info interopnet
expect net-list-autostart "$URI" net-list --all

# ---- read-only socket ----------------------------------------------------------
# A failing mutation must leave the state as it was: the reads after the
# denied commands repeat the read-write expectations.
for mode in "-r" ""; do
    if [ -n "$mode" ]; then
        label="ro socket, $CLIENT_NAME -r"
    else
        label="ro socket, read-write open"
    fi
    expect_ro() {
        name=$1
        shift
        # shellcheck disable=SC2086
        expect "$name" "$URI_RO" $mode "$@"
    }
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode define domain.xml
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode autostart --disable interop1
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode undefine interop1
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode start interop1
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode net-define network.xml
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode net-autostart --disable interopnet
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode net-undefine interopnet
    # shellcheck disable=SC2086
    denied "$label" "$URI_RO" $mode net-start interopnet
    expect_ro list-defined list --all
    expect_ro dominfo-autostart dominfo interop1
    expect_ro dumpxml dumpxml interop1
    expect_ro net-list-autostart net-list --all
    expect_ro net-info-autostart net-info interopnet
done

# ---- undefine -------------------------------------------------------------------
expect autostart-disable "$URI" autostart --disable interop1
expect net-autostart-disable "$URI" net-autostart --disable interopnet
expect net-info "$URI" net-info interopnet
expect undefine "$URI" undefine interop1
expect net-undefine "$URI" net-undefine interopnet
expect list-empty "$URI" list --all
expect net-list-empty "$URI" net-list --all

if agent_stop; then
    ok "virtnoded stopped with SIGTERM, exit status 0"
else
    not_ok "virtnoded stopped with SIGTERM, exit status 0"
fi
finish
