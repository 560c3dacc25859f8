#!/bin/sh
# interop-virtnode.sh: tools/virtnode (on this tree's libvirt.so.0, through
# drivers/remote) runs the same flow as Debian's virsh against a virtnoded
# on a temporary root, with the same expected output
# (tests/interop-cli.sh).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

CLIENT_NAME=virtnode

client() {
    "$VIRTNODE" "$@"
}

client_check_library() {
    lib=$(env LD_DEBUG=files "$VIRTNODE" -c test:///default hostname 2>&1 >/dev/null |
        sed -n 's/.*calling init: \(.*libvirt\.so\.0\)$/\1/p' | head -n 1)
    case $lib in
    "$builddir"/*) ok "virtnode loads this tree's libvirt.so.0: $lib" ;;
    *) not_ok "virtnode loads this tree's libvirt.so.0" "loaded: ${lib:-nothing}" ;;
    esac
}

. "$(dirname "$0")/interop-cli.sh"
