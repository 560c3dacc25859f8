#!/bin/sh
# cli-test.sh: tools/virtnode against the in-process test driver
# (test:///default), TAP output.
#
# Cases are listed in tests/data/cli/cases; each one's stdout, stderr and
# exit status are compared with tests/data/cli/NAME.out (REGENERATE=1
# rewrites those files). When Debian's virsh is installed, a set of read-only
# commands on the initial test:///default state is also compared with what
# virsh prints (tests/data/cli/virsh-compare).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${abs_top_srcdir:-$here/..}
builddir=${abs_top_builddir:-$here/..}
data=$srcdir/tests/data/cli
VIRTNODE=${VIRTNODE:-$builddir/tools/virtnode}
VIRSH=${VIRSH:-/usr/bin/virsh}

LC_ALL=C
export LC_ALL
# Our own environment only: the cases set LIBVIRT_DEFAULT_URI themselves.
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
}

skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

# Values that change from run to run are masked: the test driver's CPU time
# and lease expiry times count wall-clock time.
mask() {
    sed -e 's/^\(CPU time: *\)[0-9][0-9.]*s$/\1<masked>s/' \
        -e 's/^ [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]   / <expiry>              /'
}

# run ENV ARGS STDIN: runs virtnode from the data directory; leaves stdout,
# stderr and the exit status in $tmp/out, $tmp/err, $tmp/rc.
run() {
    env_assign=$1
    args=$2
    input=$3
    (
        cd "$data" || exit 99
        if [ -n "$env_assign" ]; then
            export "${env_assign?}"
        fi
        eval "set -- $args"
        "$VIRTNODE" "$@" <"$input"
    ) >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}

# The expected-output file layout: stdout, then stderr, then the status.
render() {
    mask <"$tmp/out"
    echo "--- stderr"
    mask <"$tmp/err"
    echo "--- exit $(cat "$tmp/rc")"
}

if [ ! -x "$VIRTNODE" ]; then
    echo "1..0 # SKIP $VIRTNODE not built"
    exit 0
fi

cases=$(grep -v '^#' "$data/cases" | grep -v '^$')
ncases=$(printf '%s\n' "$cases" | wc -l)
ncompare=$(grep -v '^#' "$data/virsh-compare" | grep -c -v '^$')
echo "1..$((ncases + 2 + ncompare))"

# ---- data-driven cases -----------------------------------------------------
while IFS='|' read -r name env_assign args; do
    input=/dev/null
    [ -f "$data/$name.in" ] && input=$data/$name.in
    run "$env_assign" "$args" "$input"
    render >"$tmp/actual"
    if [ -n "$REGENERATE" ]; then
        cp "$tmp/actual" "$data/$name.out"
    fi
    if [ ! -f "$data/$name.out" ]; then
        not_ok "$name: missing $name.out (run with REGENERATE=1)"
    elif diff -u "$data/$name.out" "$tmp/actual" >"$tmp/diff"; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' "$tmp/diff"
    fi
done <<EOF
$cases
EOF

# ---- values that depend on the machine ---------------------------------------
run "" "-c test:///default hostname" /dev/null
if [ "$(cat "$tmp/rc")" = 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] &&
    [ "$(sed -n 2p "$tmp/out")" = "" ] && [ "$(wc -l <"$tmp/out")" -eq 2 ]; then
    ok "hostname prints one name and a blank line"
else
    not_ok "hostname prints one name and a blank line"
    sed 's/^/# /' "$tmp/out" "$tmp/err"
fi

run "" "-c test:///default capabilities" /dev/null
if [ "$(cat "$tmp/rc")" = 0 ] && grep -q '^<capabilities>' "$tmp/out" &&
    grep -q '^</capabilities>' "$tmp/out" && [ ! -s "$tmp/err" ]; then
    ok "capabilities prints the capabilities XML"
else
    not_ok "capabilities prints the capabilities XML"
    sed 's/^/# /' "$tmp/out" "$tmp/err"
fi

# ---- comparison with Debian's virsh -----------------------------------------
# virsh must load Debian's libvirt.so.0 and virtnode ours: the libtool wrapper
# tools/virtnode points its own loader at the build tree, so virsh runs
# without any LD_LIBRARY_PATH inherited from the build.
while read -r args; do
    case "$args" in '#'* | '') continue ;; esac
    if [ ! -x "$VIRSH" ]; then
        skip "virsh comparison: $args" "$VIRSH not installed"
        continue
    fi
    run "" "-c test:///default $args" /dev/null
    render >"$tmp/ours"
    (
        cd "$data" || exit 99
        eval "set -- -c test:///default $args"
        env -u LD_LIBRARY_PATH -u LD_PRELOAD "$VIRSH" "$@" </dev/null
    ) >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
    # libvirt's test driver invents a host-side <target dev='testnetN'/> for
    # interfaces that have none, which is not part of the XML format
    # (conformance drops it too).
    render | sed -e "/^ *<target dev='testnet[0-9]*'\/>$/d" >"$tmp/theirs"
    if diff -u "$tmp/theirs" "$tmp/ours" >"$tmp/diff"; then
        ok "same as virsh: $args"
    else
        not_ok "same as virsh: $args"
        sed 's/^/# /' "$tmp/diff"
    fi
done <"$data/virsh-compare"

[ "$failed" -eq 0 ]
