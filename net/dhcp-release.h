/*
 * dhcp-release.h: releasing a guest's DHCPv4 lease on its behalf
 *
 * When a guest's port goes away its lease would otherwise stay in
 * dnsmasq's database (and in net-dhcp-leases) until it expires. A
 * DHCPRELEASE (RFC 2131 4.4.6) that looks like the guest's own makes
 * dnsmasq drop it at once and run its dhcp-script with "del". The packet
 * is built here; no external program (dnsmasq's dhcp_release) is run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/mac.h"

/* A BOOTP message is at least 300 bytes (RFC 1542); ours always is. */
#define DHCP_RELEASE_PACKET_LEN 300

/* Builds the DHCPRELEASE of lease @client_ip (dotted quad) held by @mac,
 * addressed to server @server_ip (its server identifier), with client
 * identifier @client_id ("01:52:54:..", hex bytes separated by ':', as
 * dnsmasq reports it; NULL or "" for none), into @buf. @xid is the
 * transaction id. VIR_ERR_INVALID_ARG (NET_ERROR) for an address or client
 * id that does not parse. */
bool dhcp_release_build(const MacAddr *mac, const char *client_ip, const char *server_ip,
                        const char *client_id, guint32 xid,
                        unsigned char buf[DHCP_RELEASE_PACKET_LEN], GError **error);

/* Sends that DHCPRELEASE to @server_ip port 67 from a UDP socket bound to
 * device @ifname (SO_BINDTODEVICE: dnsmasq then sees it arrive on the
 * network's bridge, where the lease belongs). A DHCPRELEASE has no answer:
 * success only means the packet was sent. Kernel errors keep errno's text. */
bool dhcp_release_send(const char *ifname, const MacAddr *mac, const char *client_ip,
                       const char *server_ip, const char *client_id, GError **error);
