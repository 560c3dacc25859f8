/*
 * netdef-update.h: one virNetworkUpdate() change applied to a NetDef
 * (pure: the driver decides what it means for a running network)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/netdef.h"

/* Applies one update to @def in place, with libvirt's semantics.
 * @command is a virNetworkUpdateCommand, @section a virNetworkUpdateSection,
 * @xml the one element of that section (<host>, <range>, <interface>,
 * <portgroup>, <txt>, <srv>). @parent_index picks the <ip> (counted over
 * all <ip> elements) whose DHCP section changes; -1 picks the first <ip>
 * that has DHCP, else the first IPv4 one, else the first IPv6 one (as
 * libvirt, whatever the family of the entry).
 *
 * The result must pass netdef_validate() and read back unchanged, or the
 * update is refused. On failure @def is left exactly as it was.
 *
 * Errors (CONF_NETWORK_ERROR; messages name the network):
 *   VIR_ERR_XML_DETAIL           @xml is not well-formed
 *   VIR_ERR_XML_ERROR            wrong element for the section, invalid values
 *   VIR_ERR_OPERATION_UNSUPPORTED section that cannot be updated (bridge,
 *                                domain, ip, forward, forward pf, unknown),
 *                                unknown command, modify where only add and
 *                                delete exist
 *   VIR_ERR_OPERATION_INVALID    duplicate on add, no match on modify/delete,
 *                                no such <ip>, family mismatch, second DHCP <ip>
 *   and whatever netdef_validate() reports for the result. */
bool netdef_update(NetDef *def, unsigned int command, unsigned int section, int parent_index,
                   const char *xml, GError **error);

/* True when a live update of @section changes dnsmasq's configuration
 * file (DHCP ranges, DNS TXT and SRV records): dnsmasq must be restarted.
 * False for DHCP hosts and DNS hosts, which live in files dnsmasq re-reads
 * on SIGHUP -- unless the update switched DHCP on or off for an address
 * family (see netdef_update_dhcp_toggled()). */
bool netdef_update_needs_dnsmasq_restart(unsigned int section);

/* True when some address family has DHCP in one of @before and @after but
 * not in the other (e.g. the first static host added to an <ip> without
 * ranges): dnsmasq's "dhcp-range" lines change, so it needs a restart
 * even for a DHCP host update. */
bool netdef_update_dhcp_toggled(const NetDef *before, const NetDef *after);

/* True for the sections netdef_update() can change (all of which a running
 * network can take without being restarted). */
bool netdef_update_section_is_supported(unsigned int section);
