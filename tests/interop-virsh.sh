#!/bin/sh
# interop-virsh.sh: Debian's unmodified virsh (on Debian's libvirt.so.0)
# manages definitions on a virtnoded started on a temporary root through
# qemu+unix:///system?socket=..., and is refused every mutation on the
# read-only socket. The flow and its checks: tests/interop-cli.sh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

CLIENT_NAME=virsh

client() {
    debian_client "$VIRSH" "$@"
}

# Skips the whole test without Debian's virsh; says which libvirt.so.0 it
# loads otherwise (it must not be this tree's).
client_check_library() {
    if ! have_virsh; then
        echo "1..0 # SKIP Debian's virsh ($VIRSH, package libvirt-clients) is not installed"
        trap - EXIT
        rm -rf "$TMP"
        exit 0
    fi
    lib=$(debian_client env LD_DEBUG=files "$VIRSH" -c test:///default hostname 2>&1 >/dev/null |
        sed -n 's/.*calling init: \(.*libvirt\.so\.0\)$/\1/p' | head -n 1)
    case $lib in
    "" | "$builddir"/*)
        not_ok "virsh loads Debian's libvirt.so.0" "loaded: ${lib:-nothing}; ldd: $(loaded_libvirt "$VIRSH")"
        ;;
    *) ok "virsh loads Debian's libvirt.so.0: $lib (this tree's is under $builddir)" ;;
    esac
}

. "$(dirname "$0")/interop-cli.sh"
