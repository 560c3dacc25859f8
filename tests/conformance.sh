#!/bin/sh
# libvirt XML round-trip conformance (../shared/conformance next to the
# source tree) against test:///default, as TAP: one test per case.
#
# PASS and REJECTED-OK are ok; FAIL and REJECTED-WRONG are not ok, with the
# runner's reason. The client is built against this tree's library through
# libvirt-uninstalled.pc (copied as libvirt.pc, the name pkg-config looks for).
set -u

srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${abs_top_builddir:-$(pwd)}
casedir=$srcdir/../shared/conformance

if [ ! -x "$casedir/run.sh" ] && [ ! -r "$casedir/run.sh" ]; then
    echo "1..0 # SKIP ../shared not found: conformance cases skipped"
    exit 0
fi
# With the cases present, anything that stops them from running is a failure.
broken() {
    echo "1..1"
    echo "not ok 1 - conformance cases could not run: $1"
    exit 0
}
[ -r "$builddir/libvirt-uninstalled.pc" ] || broken "$builddir/libvirt-uninstalled.pc not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cp "$builddir/libvirt-uninstalled.pc" "$tmp/libvirt.pc"

# In a sanitizer build the client must link the sanitizer runtime first, so
# it is built here with the same flags and handed to run.sh.
if [ -n "${SANITIZER_CFLAGS:-}" ]; then
    libdir=$(PKG_CONFIG_PATH=$tmp pkg-config --variable=libdir libvirt)
    # shellcheck disable=SC2046,SC2086
    ${CC:-cc} $SANITIZER_CFLAGS -o "$tmp/xmlrt" "$casedir/xmlrt.c" \
        $(PKG_CONFIG_PATH=$tmp pkg-config --cflags --libs libvirt) -Wl,-rpath,"$libdir" \
        2>"$tmp/cc.err" || broken "cannot build xmlrt: $(head -n 3 "$tmp/cc.err")"
    XMLRT=$tmp/xmlrt
    export XMLRT
fi

PKG_CONFIG_PATH=$tmp bash "$casedir/run.sh" test:///default "$casedir/net" "$casedir/dom" \
    > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" = 0 ] || broken "run.sh exited $rc: $(grep -m1 'run.sh:' "$tmp/err")"

# One TAP line per case line; the summary line is kept as a comment.
awk '
    /^(PASS|REJECTED-OK|FAIL|REJECTED-WRONG) / {
        n++
        verdict = $1
        rest = substr($0, length(verdict) + 2)
        if (verdict == "PASS" || verdict == "REJECTED-OK")
            lines[n] = "ok " n " - " rest
        else
            lines[n] = "not ok " n " - " verdict " " rest
        next
    }
    / passed, .* failed$/ { summary = $0 }
    END {
        print "1.." n
        for (i = 1; i <= n; i++)
            print lines[i]
        if (summary != "")
            print "# " summary
    }
' "$tmp/out"
