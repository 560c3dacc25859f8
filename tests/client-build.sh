#!/bin/sh
# A program written for libvirt compiles against this tree with
# `pkg-config --cflags --libs libvirt` (libvirt-uninstalled.pc), links and
# loads this tree's libvirt.so.0 (not a system libvirt), and works.
set -u
top_src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_build=${abs_top_builddir:-$top_src}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

echo "1..5"
export PKG_CONFIG_PATH=$top_build
flags=$(pkg-config --cflags --libs libvirt 2>"$tmp/pc.err")
if [ -n "$flags" ] && pkg-config --variable=libdir libvirt | grep -q "^$top_build/lib/.libs\$"; then
    ok "pkg-config libvirt resolves to this build tree ($flags)"
else
    fail "pkg-config libvirt resolves to this build tree" "$(cat "$tmp/pc.err")"
fi
libdir=$(pkg-config --variable=libdir libvirt)
# shellcheck disable=SC2086
# (SANITIZER_CFLAGS: a sanitizer build's library needs its runtime linked first)
if ${CC:-cc} ${SANITIZER_CFLAGS:-} -Wall -Werror -o "$tmp/netdemo" "$top_src/tests/data/client/netdemo.c" $flags \
    -Wl,-rpath,"$libdir" 2>"$tmp/cc.err"; then
    ok "client compiles and links with the pkg-config flags"
else
    fail "client compiles and links with the pkg-config flags" "$(cat "$tmp/cc.err")"
fi
loaded=$(ldd "$tmp/netdemo" 2>/dev/null | awk '/libvirt\.so\.0/ {print $3}')
case $loaded in
"$libdir"/*) ok "client loads this tree's libvirt.so.0 ($loaded)" ;;
*) fail "client loads this tree's libvirt.so.0" "loaded: ${loaded:-none}" ;;
esac
"$tmp/netdemo" test:///default >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -q "<name>demo-net</name>" "$tmp/out" &&
    grep -q "<bridge name='vnbr-demo'" "$tmp/out" && grep -q "^undefined$" "$tmp/out"; then
    ok "client defines, dumps and undefines a network"
else
    fail "client defines, dumps and undefines a network" "rc=$rc" "$(cat "$tmp/out" "$tmp/err")"
fi
if grep -q "^domain test id 1$" "$tmp/out"; then
    ok "client lists the running 'test' domain"
else
    fail "client lists the running 'test' domain" "$(cat "$tmp/out")"
fi
