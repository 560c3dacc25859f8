/*
 * port.h: guest ports on running virtual networks
 *
 * What the QEMU driver uses to give a guest's NIC its host side: a tap on
 * the network's bridge (the modes with a bridge the agent made, and forward
 * mode 'bridge' with a host bridge) or a macvtap on a device of the
 * network's interface pool (the direct modes: 'bridge' without a bridge
 * name, 'private', 'vepa', 'passthrough'). Ports are created in the
 * network namespace current at the call, which must be the networks'.
 *
 * Unplugging a port also releases the guest's DHCP leases on its behalf,
 * so they leave net-dhcp-leases at once instead of at expiry.
 *
 * Guest NICs of type 'direct' get a macvtap of their own on a named host
 * device, outside any network (netport_plug_direct()): the same NetPort,
 * with no network.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "net/netrun.h"
#include "net/tap.h"
#include "util/mac.h"

typedef enum {
    NET_PORT_TAP,
    NET_PORT_MACVTAP,
    NET_PORT_LAST,
} NetPortKind;

typedef struct NetPort {
    NetPortKind kind;
    char *ifname;  /* the host-side link */
    int fd;        /* tap: /dev/net/tun, macvtap: its character device; O_CLOEXEC; -1: none */
    MacAddr mac;   /* the guest's */
    char *network; /* the network's name; NULL for a direct port (no network) */
    char *lower;   /* macvtap: the device it sits on (NULL for a tap, or when
                    * rebuilt from a record that did not say) */
} NetPort;

/* "tap", "macvtap"; NULL out of range. */
const char *netport_kind_to_string(NetPortKind kind);

/* Plugs a port for a guest NIC with MAC @mac into running network @run.
 * @ifname: an explicit name, a template with "%d", or NULL ("vnet%d" for
 * a tap, "macvtap%d" for a macvtap). @mtu 0: the kernel's default (taps
 * only; a macvtap follows its lower device).
 *
 * Bridge-backed networks get a tap (MAC fe: + the guest's last five
 * bytes) that is a port of run->bridge. Direct modes get a macvtap with
 * the guest's MAC in the matching mode: passthrough on a pool device no
 * macvtap uses yet (the kernel restores the device's own MAC when the port
 * goes), the other modes on the pool device with the fewest macvtaps (ties:
 * pool order), never on one a passthrough port holds.
 *
 * Errors (NET_ERROR): @run NULL (the network is not active) ->
 * VIR_ERR_OPERATION_INVALID; the others name the network: its bridge
 * missing or replaced, or no usable device left in the pool ->
 * VIR_ERR_OPERATION_FAILED; a mode
 * without such ports (hostdev) -> VIR_ERR_CONFIG_UNSUPPORTED; a network
 * without a bridge where it needs one -> VIR_ERR_OPERATION_INVALID; the
 * kernel's errors keep errno's text. On failure nothing is left. */
NetPort *netport_plug(const NetRun *run, const MacAddr *mac, const char *ifname, unsigned mtu,
                      GError **error);

/* Unplugs @port: closes its descriptor, deletes its link (one already gone,
 * as a tap does when its last descriptor closes, is fine; a link of that
 * name that is not this port's is left alone), then releases the guest's
 * DHCP leases (netport_release_leases()). @run may be NULL when the
 * network is no longer running: the leases then only leave our store.
 * Goes on past errors; *error holds the first. @port stays allocated
 * (netport_free()). */
bool netport_unplug(const NetRunConfig *cfg, const NetRun *run, NetPort *port, GError **error);

/* Releases every lease of @mac on network @name: for each IPv4 lease in
 * the network's lease store a DHCPRELEASE goes to the network's dnsmasq
 * (when @run has one), so dnsmasq forgets it too, and the leases are
 * removed from the store directly, so they are gone even when dnsmasq is
 * not running. @run may be NULL. *ret_removed (may be NULL) counts the
 * leases removed from the store. */
bool netport_release_leases(const NetRunConfig *cfg, const char *name, const NetRun *run,
                            const MacAddr *mac, unsigned *ret_removed, GError **error);

/* Plugs the host side of a guest NIC of type 'direct': a macvtap in @mode
 * on host device @dev with the guest's MAC @mac, brought up, its character
 * device open (O_CLOEXEC). Passthrough as for networks: the device must
 * have no other macvtap or macvlan port, it takes the guest's MAC and the
 * kernel restores its own when the port goes; no mode gets a device a
 * passthrough port holds.
 *
 * @ifname (<target dev=>): NULL for a free "macvtap%d"; an explicit name
 * that is taken is VIR_ERR_OPERATION_FAILED, except one of the generated
 * kind ("macvtap..." or "macvlan...", as libvirt names them), which gives
 * way to a free "macvtap%d".
 *
 * Errors (NET_ERROR), all naming @dev: no such device, or a device held
 * as above -> VIR_ERR_OPERATION_FAILED; the kernel's errors keep errno's
 * text. On failure nothing is left. The port's network is NULL, its lower
 * device @dev. */
NetPort *netport_plug_direct(const char *dev, MacvtapMode mode, const MacAddr *mac,
                             const char *ifname, GError **error);

/* Unplugs a port without a network (netport_plug_direct(), or rebuilt from
 * a status record: kind, ifname, mac and, when known, lower): closes its
 * descriptor and deletes its macvtap if that link is still the port's (a
 * macvtap with the guest's MAC, on @port->lower when known); a link
 * already gone is fine. @port stays allocated (netport_free()). */
bool netport_unplug_direct(NetPort *port, GError **error);

/* Frees @port and closes its descriptor; the link stays (it is the
 * caller's to unplug). Accepts NULL. */
void netport_free(NetPort *port);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetPort, netport_free)
