#!/bin/sh
# lib-exports.sh: libvirt.so.0 exports the public API and nothing else --
# every function and variable the public headers declare, no internal
# symbol of the convenience libraries linked into it. TAP output.
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${abs_top_builddir:-.}
lib=$builddir/lib/.libs/libvirt.so.0

echo "1..3"
if [ ! -e "$lib" ]; then
    for i in 1 2 3; do echo "not ok $i - $lib not built"; done
    exit 0
fi

exported=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sort -u)

# 1: nothing outside the vir* namespace
extra=$(printf '%s\n' "$exported" | grep -v '^vir' || true)
if [ -z "$extra" ]; then
    echo "ok 1 - only vir* symbols exported"
else
    echo "not ok 1 - internal symbols exported:"
    printf '%s\n' "$extra" | sed 's/^/#   /'
fi

# 2: every function of the public headers ("virName(" at a declaration)
declared=$(cat "$srcdir"/include/libvirt/libvirt.h "$srcdir"/include/libvirt/virterror.h |
    grep -oE '(^|[ *])vir[A-Za-z0-9]+\(' | sed -E 's/^[ *]//; s/\($//' | sort -u)
missing=$(printf '%s\n' "$declared" | while read -r name; do
    printf '%s\n' "$exported" | grep -qx "$name" || echo "$name"
done)
if [ -n "$declared" ] && [ -z "$missing" ]; then
    echo "ok 2 - all $(printf '%s\n' "$declared" | wc -l) declared functions exported"
else
    echo "not ok 2 - declared but not exported:"
    printf '%s\n' "$missing" | sed 's/^/#   /'
fi

# 3: the one public variable
if printf '%s\n' "$exported" | grep -qx virConnectAuthPtrDefault; then
    echo "ok 3 - virConnectAuthPtrDefault exported"
else
    echo "not ok 3 - virConnectAuthPtrDefault not exported"
fi
