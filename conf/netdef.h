/*
 * netdef.h: libvirt network XML: parse -> NetDef -> format (pure: no
 * kernel, files or globals)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/uuid.h"

typedef enum {
    NET_FORWARD_NONE, /* isolated: no <forward> */
    NET_FORWARD_NAT,
    NET_FORWARD_ROUTE,
    NET_FORWARD_OPEN,
    NET_FORWARD_BRIDGE,
    NET_FORWARD_PRIVATE,
    NET_FORWARD_VEPA,
    NET_FORWARD_PASSTHROUGH,
    NET_FORWARD_HOSTDEV,
    NET_FORWARD_LAST,
} NetForwardMode;

typedef struct NetDef NetDef; /* defined below by the network model */

/* Flags of netdef_parse_string() */
typedef enum {
    NETDEF_PARSE_VALIDATE = 1 << 0, /* also validate against libvirt's RNG schema */
} NetDefParseFlags;

/* Flags of netdef_format() */
typedef enum {
    NETDEF_FORMAT_INACTIVE = 1 << 0, /* persistent config only */
} NetDefFormatFlags;

/* Parses and validates (netdef_validate()) one <network>. Errors:
 * VIR_ERR_XML_ERROR (malformed, unknown values; message names the line,
 * element and attribute), VIR_ERR_CONFIG_UNSUPPORTED, VIR_ERR_INVALID_ARG,
 * in the CONF_NETWORK_ERROR domain. A missing UUID is generated. */
NetDef *netdef_parse_string(const char *xml, unsigned int flags, GError **error);
/* libvirt's network XML for @def (2-space indent, libvirt's element order
 * and defaults); caller frees. Fails (VIR_ERR_INTERNAL_ERROR) only on a
 * def without a name or with an out-of-range forward mode. */
char *netdef_format(const NetDef *def, unsigned int flags, GError **error);
/* Semantic checks (names, addresses inside their subnets, duplicates,
 * forward mode constraints); errors carry libvirt's codes and name the
 * network. */
bool netdef_validate(const NetDef *def, GError **error);
/* Deep copy (caller frees); NULL only if @def cannot be formatted. */
NetDef *netdef_copy(const NetDef *def);
/* Frees @def and everything it owns; accepts NULL. */
void netdef_free(NetDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetDef, netdef_free)

const char *net_forward_mode_to_string(NetForwardMode mode);
int net_forward_mode_from_string(const char *text); /* -1 if unknown */

#include "conf/netdef-types.h"

/* XML namespace of <dnsmasq:options> (libvirt's). */
#define NETDEF_DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

/* Parses without the semantic checks of netdef_validate() (for reading
 * back what we stored ourselves, and for tests). Same errors otherwise. */
NetDef *netdef_parse_string_novalidate(const char *xml, unsigned int flags, GError **error);

/* The forward device: <forward dev=> or the first <interface dev=>; NULL
 * when there is none (or the pool holds PCI addresses). Owned by @def. */
const char *netdef_forward_dev(const NetDef *def);

/* The n-th <ip> of @family (AF_UNSPEC: any), NULL if there are fewer. */
const NetIpDef *netdef_get_ip(const NetDef *def, int family, unsigned int n);

/* True if @ip serves DHCP (has ranges or static hosts). */
bool netdef_ip_has_dhcp(const NetIpDef *ip);

const char *net_lease_unit_to_string(NetLeaseUnit unit);
