/*
 * tap.h: guest ports: tap, macvtap and veth devices
 *
 * Devices land in the network namespace current at creation, which must be
 * the namespace of @nl (a tap is created by opening /dev/net/tun, and the
 * opener's namespace wins over the Netlink socket's).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "net/netlink.h"
#include "util/mac.h"

typedef enum {
    MACVTAP_MODE_BRIDGE,
    MACVTAP_MODE_PRIVATE,
    MACVTAP_MODE_VEPA,
    MACVTAP_MODE_PASSTHROUGH,
    MACVTAP_MODE_LAST
} MacvtapMode;

/* "bridge", "private", "vepa", "passthrough" (libvirt's <forward mode>
 * names); NULL out of range. */
const char *macvtap_mode_to_string(MacvtapMode mode);
/* -1 for an unknown name. */
int macvtap_mode_from_string(const char *name);

/* Creates a tap (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR, not persistent: it goes
 * away when the last descriptor is closed) named @name, either explicit
 * ("vnet-web1": an existing link is VIR_ERR_OPERATION_FAILED "tap 'x'
 * already exists") or a template with "%d" (NULL: "vnet%d"). Its MAC is the
 * guest's @mac with the first byte replaced by 0xfe, so the bridge's own
 * address (the lowest of its ports when not set) is never a guest's. @mtu 0
 * keeps the kernel's default. When @bridge is not NULL the tap becomes its
 * port. The tap is brought up. *ret_name (may be NULL) gets the name,
 * *ret_fd the descriptor (O_CLOEXEC; clear it to pass the fd to qemu). On
 * failure nothing is left. */
bool tap_create(Netlink *nl, const char *name, const MacAddr *mac, unsigned mtu, const char *bridge,
                char **ret_name, int *ret_fd, GError **error);

/* Deletes tap @name (a link of another kind is VIR_ERR_OPERATION_FAILED and
 * left alone). A tap still open elsewhere disappears too. */
bool tap_delete(Netlink *nl, const char *name, GError **error);

/* Creates a macvtap named @name (explicit, or a template with "%d"; NULL:
 * "macvtap%d") on the lower device @lower, in @mode, with the guest's @mac
 * (passthrough: @mac may be NULL to keep the lower device's), and brings it
 * up. *ret_name (may be NULL) gets the name. When @ret_fd is not NULL the
 * character device is opened (O_RDWR|O_CLOEXEC): /dev/tap<ifindex> when it
 * is this device's node, else a private node made from the major:minor in
 * /sys/class/net/<name>/macvtap/ (ifindexes are per namespace, the devtmpfs
 * is shared; /sys must be this namespace's). On failure nothing is left. */
bool macvtap_create(Netlink *nl, const char *name, const char *lower, MacvtapMode mode,
                    const MacAddr *mac, char **ret_name, int *ret_fd, GError **error);

/* Deletes macvtap @name (a link of another kind is left alone, with an error). */
bool macvtap_delete(Netlink *nl, const char *name, GError **error);

/* Creates the veth pair @name <-> @peer, both down. @peer_netns_fd >= 0
 * (an open /proc/PID/ns/net or /run/netns/NAME) puts the peer straight into
 * that namespace; -1 keeps it here. Either name taken is
 * VIR_ERR_OPERATION_FAILED "interface 'x' already exists" (checked here; a
 * name taken in the peer's namespace is the kernel's EEXIST). */
bool veth_create(Netlink *nl, const char *name, const char *peer, int peer_netns_fd,
                 GError **error);
