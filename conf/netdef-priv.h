/*
 * netdef-priv.h: pieces of the network XML parser shared inside conf/
 * (netdef-update.c parses single <host>, <range>, <txt>, ... elements the
 * same way a whole <network> is parsed). Not for use outside conf/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libxml/tree.h>

#include "conf/netdef.h"

/* Element destructors (accept NULL); also the GPtrArray free functions of
 * the NetDef arrays. */
void netdef_dhcp_range_free(gpointer p);
void netdef_dhcp_host_free(gpointer p);
void netdef_forward_if_free(gpointer p);
void netdef_dns_txt_free(gpointer p);
void netdef_dns_srv_free(gpointer p);
void netdef_dns_host_free(gpointer p);
void netdef_portgroup_free(gpointer p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDhcpRange, netdef_dhcp_range_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDhcpHost, netdef_dhcp_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetForwardIf, netdef_forward_if_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDnsTxt, netdef_dns_txt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDnsSrv, netdef_dns_srv_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDnsHost, netdef_dns_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetPortGroup, netdef_portgroup_free)

/* The single-element parsers. @net names the network in messages. With
 * @partial, the element only has to identify an existing one (libvirt's
 * "partialOkay", used to delete): required attributes may be left out as
 * long as one identifying attribute remains. Errors as netdef_parse_string(). */

/* <range start= end=> (addresses normalised; no subnet checks: those are
 * netdef_validate()'s). */
NetDhcpRange *netdef_parse_dhcp_range(const char *net, const xmlNode *node, GError **error);
/* <host mac= id= name= ip=> of the DHCP section of an <ip> of @family
 * (AF_INET or AF_INET6). */
NetDhcpHost *netdef_parse_dhcp_host(const char *net, const xmlNode *node, int family, bool partial,
                                    GError **error);
/* <dns><host ip=><hostname>...</hostname></host> */
NetDnsHost *netdef_parse_dns_host(const char *net, const xmlNode *node, bool partial,
                                  GError **error);
/* <dns><txt name= value=> */
NetDnsTxt *netdef_parse_dns_txt(const char *net, const xmlNode *node, bool partial, GError **error);
/* <dns><srv service= protocol= .../> */
NetDnsSrv *netdef_parse_dns_srv(const char *net, const xmlNode *node, bool partial, GError **error);
/* <portgroup name= default=> and its vlan, virtualport and bandwidth */
NetPortGroup *netdef_parse_portgroup(const xmlNode *node, GError **error);
