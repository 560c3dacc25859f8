/*
 * netdef-update.c: one virNetworkUpdate() change applied to a NetDef
 *
 * Which sections can change, how an entry is matched, and the error codes
 * and texts follow libvirt's network_conf.c (what virsh net-update users
 * see). Each section handler only works out one change to one array of
 * the definition; the change is then applied, the result checked as a
 * whole, and undone if it is refused, so a failed update leaves the
 * definition as it was.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "conf/netdef-priv.h"
#include "conf/netdef-update.h"
#include "conf/xmlutil.h"
#include "util/error.h"
#include "util/mac.h"

#define Q CONF_NETWORK_ERROR

/* libvirt's name for the update document in parser messages */
#define UPDATE_XML_WHAT "network_update_xml"

static bool G_GNUC_PRINTF(3, 4) fail(GError **error, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(Q, code, fmt, ap));
    va_end(ap);
    return false;
}

/* ---- one change to one array ---------------------------------------------- */

/* Removes the element at @index (if @removed is wanted) and/or inserts
 * @added there: ADD inserts, DELETE removes, MODIFY does both. */
typedef struct {
    GPtrArray *array;
    guint index;
    bool remove;
    gpointer added;         /* owned until applied */
    gpointer removed;       /* set by change_apply() */
    GDestroyNotify free_fn; /* of the elements */
} Change;

static void
change_apply(Change *c)
{
    if (c->remove)
        c->removed = g_ptr_array_steal_index(c->array, c->index);
    if (c->added)
        g_ptr_array_insert(c->array, (gint)c->index, c->added);
}

static void
change_undo(Change *c)
{
    if (c->added)
        c->added = g_ptr_array_steal_index(c->array, c->index);
    if (c->remove)
        g_ptr_array_insert(c->array, (gint)c->index, g_steal_pointer(&c->removed));
}

/* Frees what the change no longer needs: the old element once applied, the
 * new one if never applied (or undone). */
static void
change_clear(Change *c, bool applied)
{
    if (c->free_fn && applied)
        c->free_fn(g_steal_pointer(&c->removed));
    else if (c->free_fn)
        c->free_fn(g_steal_pointer(&c->added));
}

static void
change_add(Change *c, GPtrArray *array, unsigned int command, gpointer added, GDestroyNotify fn)
{
    c->array = array;
    c->index = command == VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST ? 0 : array->len;
    c->added = added;
    c->free_fn = fn;
}

static void
change_modify(Change *c, GPtrArray *array, guint index, gpointer added, GDestroyNotify fn)
{
    c->array = array;
    c->index = index;
    c->remove = true;
    c->added = added;
    c->free_fn = fn;
}

static void
change_delete(Change *c, GPtrArray *array, guint index, GDestroyNotify fn)
{
    c->array = array;
    c->index = index;
    c->remove = true;
    c->free_fn = fn;
}

/* ---- shared checks ------------------------------------------------------------ */

static bool
is_add(unsigned int command)
{
    return command == VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST ||
           command == VIR_NETWORK_UPDATE_COMMAND_ADD_LAST;
}

static bool
unknown_command(unsigned int command, GError **error)
{
    return fail(error, VIR_ERR_OPERATION_UNSUPPORTED, "unrecognized network update command code %u",
                command);
}

static bool
check_element(const NetDef *def, const xmlNode *node, const char *expected, GError **error)
{
    if (strcmp((const char *)node->name, expected) == 0)
        return true;
    return fail(error, VIR_ERR_XML_ERROR,
                "unexpected element <%s>, expecting <%s>, while updating network '%s'",
                (const char *)node->name, expected, def->name);
}

static int
addr_family(const char *normalized)
{
    return strchr(normalized, ':') ? AF_INET6 : AF_INET;
}

static const char *
family_name(int family)
{
    return family == AF_INET ? "IPv4" : "IPv6";
}

/* Both MACs given and the same address (they are stored as written). */
static bool
mac_same(const char *a, const char *b)
{
    MacAddr ma, mb;

    return a && b && mac_parse(a, &ma) && mac_parse(b, &mb) && mac_equal(&ma, &mb);
}

/* The <ip> whose DHCP section an update changes (see netdef_update()).
 * @what names the entry in messages. */
static NetIpDef *
dhcp_parent(const NetDef *def, int parent_index, const char *what, GError **error)
{
    static const int families[] = { AF_INET, AF_INET6 };

    if (parent_index >= 0) {
        if ((guint)parent_index < def->ips->len)
            return def->ips->pdata[parent_index];
        fail(error, VIR_ERR_OPERATION_INVALID,
             "couldn't update %s - no <ip> element found at index %d in network '%s'", what,
             parent_index, def->name);
        return NULL;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        if (netdef_ip_has_dhcp(def->ips->pdata[i]))
            return def->ips->pdata[i];
    }
    for (size_t f = 0; f < G_N_ELEMENTS(families); f++) {
        for (guint i = 0; i < def->ips->len; i++) {
            NetIpDef *ip = def->ips->pdata[i];

            if (ip->family == families[f])
                return ip;
        }
    }
    fail(error, VIR_ERR_OPERATION_INVALID,
         "couldn't update %s - no <ip> element found in network '%s'", what, def->name);
    return NULL;
}

/* Adding to @ip's DHCP must not make a second <ip> of its family serve
 * DHCP (dnsmasq serves one subnet per family). */
static bool
check_single_dhcp(const NetDef *def, const NetIpDef *ip, GError **error)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *o = def->ips->pdata[i];

        if (o != ip && o->family == ip->family && netdef_ip_has_dhcp(o))
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "dhcp is supported only for a single %s address on each network, and "
                        "network '%s' already has one",
                        family_name(ip->family), def->name);
    }
    return true;
}

/* ---- sections --------------------------------------------------------------- */

typedef struct {
    NetDef *def;
    const xmlNode *node;
    unsigned int command;
    int parent_index;
} Update;

static bool
update_dhcp_host(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    bool partial = u->command == VIR_NETWORK_UPDATE_COMMAND_DELETE;
    g_autoptr(NetDhcpHost) host = NULL;
    MacAddr mac;
    NetIpDef *ip;
    guint i;

    if (!check_element(u->def, u->node, "host", error))
        return false;
    if (!(ip = dhcp_parent(u->def, u->parent_index, "dhcp host entry", error)))
        return false;
    if (!(host = netdef_parse_dhcp_host(net, u->node, ip->family, partial, error)))
        return false;
    if (host->mac && !mac_parse(host->mac, &mac))
        return fail(error, VIR_ERR_XML_ERROR, "Cannot parse MAC address '%s' in network '%s'",
                    host->mac, net);
    if (!partial && addr_family(host->ip) != ip->family)
        return fail(error, VIR_ERR_OPERATION_INVALID,
                    "the address family of a host entry IP must match the address family of the "
                    "dhcp element's parent (%s address '%s' in network '%s')",
                    family_name(ip->family), ip->address, net);

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY:
        /* the entry with this mac, ip or name gets the new values */
        for (i = 0; i < ip->hosts->len; i++) {
            const NetDhcpHost *o = ip->hosts->pdata[i];

            if (mac_same(host->mac, o->mac) || (host->ip && g_strcmp0(host->ip, o->ip) == 0) ||
                (host->name && g_strcmp0(host->name, o->name) == 0))
                break;
        }
        if (i == ip->hosts->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate an existing dhcp host entry with \"mac='%s'\" "
                        "\"name='%s'\" \"ip='%s'\" in network '%s'",
                        host->mac ? host->mac : "unknown", host->name ? host->name : "unknown",
                        host->ip, net);
        change_modify(c, ip->hosts, i, g_steal_pointer(&host), netdef_dhcp_host_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (!check_single_dhcp(u->def, ip, error))
            return false;
        for (i = 0; i < ip->hosts->len; i++) {
            const NetDhcpHost *o = ip->hosts->pdata[i];

            if (mac_same(host->mac, o->mac) ||
                (host->name && g_strcmp0(host->name, o->name) == 0) ||
                g_strcmp0(host->ip, o->ip) == 0)
                return fail(error, VIR_ERR_OPERATION_INVALID,
                            "there is an existing dhcp host entry in network '%s' that matches "
                            "\"<host mac='%s' name='%s' ip='%s'/>\"",
                            net, host->mac ? host->mac : "unknown",
                            host->name ? host->name : "unknown", host->ip);
        }
        change_add(c, ip->hosts, u->command, g_steal_pointer(&host), netdef_dhcp_host_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        /* every attribute given must match (a MAC only if the entry has one) */
        for (i = 0; i < ip->hosts->len; i++) {
            const NetDhcpHost *o = ip->hosts->pdata[i];

            if ((!host->mac || !o->mac || mac_same(host->mac, o->mac)) &&
                (!host->name || g_strcmp0(host->name, o->name) == 0) &&
                (!host->ip || g_strcmp0(host->ip, o->ip) == 0))
                break;
        }
        if (i == ip->hosts->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate a matching dhcp host entry in network '%s'", net);
        change_delete(c, ip->hosts, i, netdef_dhcp_host_free);
        return true;

    default:
        return unknown_command(u->command, error);
    }
}

static bool
update_dhcp_range(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    g_autoptr(NetDhcpRange) range = NULL;
    NetIpDef *ip;
    guint i;

    if (!check_element(u->def, u->node, "range", error))
        return false;
    if (!(ip = dhcp_parent(u->def, u->parent_index, "dhcp range entry", error)))
        return false;
    if (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY)
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "dhcp ranges cannot be modified, only added or deleted");
    if (!(range = netdef_parse_dhcp_range(net, u->node, error)))
        return false;
    if (addr_family(range->start) != ip->family || addr_family(range->end) != ip->family)
        return fail(error, VIR_ERR_OPERATION_INVALID,
                    "the address family of a dhcp range must match the address family of the "
                    "dhcp element's parent (%s address '%s' in network '%s')",
                    family_name(ip->family), ip->address, net);
    for (i = 0; i < ip->ranges->len; i++) {
        const NetDhcpRange *o = ip->ranges->pdata[i];

        if (strcmp(o->start, range->start) == 0 && strcmp(o->end, range->end) == 0)
            break;
    }

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (!check_single_dhcp(u->def, ip, error))
            return false;
        if (i < ip->ranges->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "there is an existing dhcp range entry in network '%s' that matches "
                        "\"<range start='%s' end='%s'/>\"",
                        net, range->start, range->end);
        change_add(c, ip->ranges, u->command, g_steal_pointer(&range), netdef_dhcp_range_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if (i == ip->ranges->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate a matching dhcp range entry in network '%s'", net);
        change_delete(c, ip->ranges, i, netdef_dhcp_range_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_MODIFY: /* refused above */
    default:
        return unknown_command(u->command, error);
    }
}

static bool
update_forward_interface(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    GPtrArray *ifs = u->def->forward.ifs;
    g_autoptr(NetForwardIf) iface = NULL;
    g_autofree char *dev = NULL;
    guint i;

    if (!check_element(u->def, u->node, "interface", error))
        return false;
    if (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY)
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "forward interface entries cannot be modified, only added or deleted");
    if (!(dev = xml_prop(u->node, "dev")))
        return fail(error, VIR_ERR_XML_ERROR,
                    "missing dev attribute in <interface> element of network '%s'", net);
    for (i = 0; i < ifs->len; i++) {
        const NetForwardIf *o = ifs->pdata[i];

        if (o->type == NET_FORWARD_IF_NETDEV && strcmp(o->dev, dev) == 0)
            break;
    }

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (i < ifs->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "there is an existing interface entry in network '%s' that matches "
                        "\"<interface dev='%s'>\"",
                        net, dev);
        /* the XML holds either a pool of netdevs or one of PCI addresses */
        if (ifs->len && ((const NetForwardIf *)ifs->pdata[0])->type != NET_FORWARD_IF_NETDEV)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "network '%s' has a pool of PCI <address> elements, an <interface "
                        "dev='%s'> cannot be added to it",
                        net, dev);
        iface = g_new0(NetForwardIf, 1);
        iface->type = NET_FORWARD_IF_NETDEV;
        iface->dev = g_steal_pointer(&dev);
        change_add(c, ifs, u->command, g_steal_pointer(&iface), netdef_forward_if_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if (i == ifs->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't find an interface entry in network '%s' matching <interface "
                        "dev='%s'>",
                        net, dev);
        change_delete(c, ifs, i, netdef_forward_if_free);
        return true;

    case VIR_NETWORK_UPDATE_COMMAND_MODIFY: /* refused above */
    default:
        return unknown_command(u->command, error);
    }
}

static bool
update_portgroup(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    GPtrArray *pgs = u->def->portgroups;
    g_autoptr(NetPortGroup) pg = NULL;
    int found = -1, found_default = -1;

    if (!check_element(u->def, u->node, "portgroup", error))
        return false;
    if (!(pg = netdef_parse_portgroup(u->node, error)))
        return false;
    for (guint i = 0; i < pgs->len; i++) {
        const NetPortGroup *o = pgs->pdata[i];

        if (strcmp(o->name, pg->name) == 0)
            found = (int)i;
        if (o->is_default)
            found_default = (int)i;
    }
    if (found < 0 && (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY ||
                      u->command == VIR_NETWORK_UPDATE_COMMAND_DELETE))
        return fail(error, VIR_ERR_OPERATION_INVALID,
                    "couldn't find a portgroup entry in network '%s' matching <portgroup "
                    "name='%s'>",
                    net, pg->name);
    if (found >= 0 && is_add(u->command))
        return fail(error, VIR_ERR_OPERATION_INVALID,
                    "there is an existing portgroup entry in network '%s' that matches "
                    "\"<portgroup name='%s'>\"",
                    net, pg->name);
    /* the entry being replaced may keep its default flag; no other may take it */
    if (u->command != VIR_NETWORK_UPDATE_COMMAND_DELETE && pg->is_default && found_default >= 0 &&
        found_default != found)
        return fail(error, VIR_ERR_OPERATION_INVALID,
                    "a different portgroup entry in network '%s' is already set as the default. "
                    "Only one default is allowed.",
                    net);

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY:
        change_modify(c, pgs, (guint)found, g_steal_pointer(&pg), netdef_portgroup_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        change_add(c, pgs, u->command, g_steal_pointer(&pg), netdef_portgroup_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        change_delete(c, pgs, (guint)found, netdef_portgroup_free);
        return true;
    default:
        return unknown_command(u->command, error);
    }
}

static bool
dns_host_names_overlap(const NetDnsHost *a, const NetDnsHost *b)
{
    for (guint i = 0; i < a->names->len; i++) {
        for (guint j = 0; j < b->names->len; j++) {
            if (strcmp(a->names->pdata[i], b->names->pdata[j]) == 0)
                return true;
        }
    }
    return false;
}

static bool
update_dns_host(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    GPtrArray *hosts = u->def->dns.hosts;
    bool add = is_add(u->command);
    g_autoptr(NetDnsHost) host = NULL;
    guint found = 0, found_at = 0;

    if (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY)
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "DNS HOST records cannot be modified, only added or deleted");
    if (!check_element(u->def, u->node, "host", error))
        return false;
    if (!(host = netdef_parse_dns_host(net, u->node, /* partial = */ !add, error)))
        return false;
    for (guint i = 0; i < hosts->len; i++) {
        const NetDnsHost *o = hosts->pdata[i];

        /* an add only conflicts on the address: one name may have several */
        if ((host->ip && strcmp(host->ip, o->ip) == 0) ||
            (!add && dns_host_names_overlap(host, o))) {
            found++;
            found_at = i;
        }
    }

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (found)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "there is already at least one DNS HOST record with a matching field in "
                        "network %s",
                        net);
        change_add(c, hosts, u->command, g_steal_pointer(&host), netdef_dns_host_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if (!found)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate a matching DNS HOST record in network %s", net);
        if (found > 1)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "multiple matching DNS HOST records were found in network %s", net);
        change_delete(c, hosts, found_at, netdef_dns_host_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY: /* refused above */
    default:
        return unknown_command(u->command, error);
    }
}

/* A field left out of @want matches anything. */
static bool
field_matches(const char *want, const char *have)
{
    return !want || g_strcmp0(want, have) == 0;
}

static bool
update_dns_srv(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    GPtrArray *srvs = u->def->dns.srvs;
    bool add = is_add(u->command);
    g_autoptr(NetDnsSrv) srv = NULL;
    guint found = 0, found_at = 0;

    if (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY)
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "DNS SRV records cannot be modified, only added or deleted");
    if (!check_element(u->def, u->node, "srv", error))
        return false;
    if (!(srv = netdef_parse_dns_srv(net, u->node, /* partial = */ !add, error)))
        return false;
    for (guint i = 0; i < srvs->len; i++) {
        const NetDnsSrv *o = srvs->pdata[i];

        if (field_matches(srv->domain, o->domain) && field_matches(srv->service, o->service) &&
            field_matches(srv->protocol, o->protocol) && field_matches(srv->target, o->target)) {
            found++;
            found_at = i;
        }
    }

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (found)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "there is already at least one DNS SRV record matching all specified "
                        "fields in network %s",
                        net);
        change_add(c, srvs, u->command, g_steal_pointer(&srv), netdef_dns_srv_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if (!found)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate a matching DNS SRV record in network %s", net);
        if (found > 1)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "multiple DNS SRV records matching all specified fields were found in "
                        "network %s",
                        net);
        change_delete(c, srvs, found_at, netdef_dns_srv_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY: /* refused above */
    default:
        return unknown_command(u->command, error);
    }
}

static bool
update_dns_txt(const Update *u, Change *c, GError **error)
{
    const char *net = u->def->name;
    GPtrArray *txts = u->def->dns.txts;
    bool add = is_add(u->command);
    g_autoptr(NetDnsTxt) txt = NULL;
    guint i;

    if (u->command == VIR_NETWORK_UPDATE_COMMAND_MODIFY)
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "DNS TXT records cannot be modified, only added or deleted");
    if (!check_element(u->def, u->node, "txt", error))
        return false;
    if (!(txt = netdef_parse_dns_txt(net, u->node, /* partial = */ !add, error)))
        return false;
    for (i = 0; i < txts->len; i++) {
        const NetDnsTxt *o = txts->pdata[i];

        if (strcmp(o->name, txt->name) == 0)
            break;
    }

    switch (u->command) {
    case VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VIR_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (i < txts->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "there is already a DNS TXT record with name '%s' in network %s", txt->name,
                        net);
        change_add(c, txts, u->command, g_steal_pointer(&txt), netdef_dns_txt_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_DELETE:
        if (i == txts->len)
            return fail(error, VIR_ERR_OPERATION_INVALID,
                        "couldn't locate a matching DNS TXT record in network %s", net);
        change_delete(c, txts, i, netdef_dns_txt_free);
        return true;
    case VIR_NETWORK_UPDATE_COMMAND_MODIFY: /* refused above */
    default:
        return unknown_command(u->command, error);
    }
}

/* ---- the operation ---------------------------------------------------------- */

/* Parses @xml whatever its root element (libvirt checks the element per
 * section, with its own message). */
static xmlDoc *
parse_update_xml(const char *xml, GError **error)
{
    if (!xml) {
        g_set_error(error, Q, VIR_ERR_INVALID_ARG, "no XML given for the network update");
        return NULL;
    }
    return xml_parse_string(xml, UPDATE_XML_WHAT, NULL, Q, error);
}

/* libvirt's name of a section it refuses to update; NULL for the ones
 * handled here and for unknown numbers. */
static const char *
unsupported_section_name(unsigned int section)
{
    switch (section) {
    case VIR_NETWORK_SECTION_BRIDGE:
        return "bridge";
    case VIR_NETWORK_SECTION_DOMAIN:
        return "domain";
    case VIR_NETWORK_SECTION_IP:
        return "ip";
    case VIR_NETWORK_SECTION_FORWARD:
        return "forward";
    case VIR_NETWORK_SECTION_FORWARD_PF:
        return "forward pf";
    default:
        return NULL;
    }
}

bool
netdef_update_section_is_supported(unsigned int section)
{
    switch (section) {
    case VIR_NETWORK_SECTION_IP_DHCP_HOST:
    case VIR_NETWORK_SECTION_IP_DHCP_RANGE:
    case VIR_NETWORK_SECTION_FORWARD_INTERFACE:
    case VIR_NETWORK_SECTION_PORTGROUP:
    case VIR_NETWORK_SECTION_DNS_HOST:
    case VIR_NETWORK_SECTION_DNS_TXT:
    case VIR_NETWORK_SECTION_DNS_SRV:
        return true;
    default:
        return false;
    }
}

/* The whole result: valid, and written it reads back to the same text
 * (what is stored must load again, e.g. no DNS records under <dns
 * enable='no'>). */
static bool
check_result(const NetDef *def, GError **error)
{
    g_autofree char *xml = NULL, *again = NULL;
    g_autoptr(NetDef) back = NULL;

    if (!netdef_validate(def, error))
        return false;
    if (!(xml = netdef_format(def, 0, error)))
        return false;
    if (!(back = netdef_parse_string(xml, 0, error)))
        return false;
    if (!(again = netdef_format(back, 0, error)))
        return false;
    if (strcmp(xml, again) != 0)
        return fail(error, VIR_ERR_INTERNAL_ERROR, "network '%s' would not read back as updated",
                    def->name);
    return true;
}

bool
netdef_update(NetDef *def, unsigned int command, unsigned int section, int parent_index,
              const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    const char *refused;
    Change change = { 0 };
    Update u = {
        .def = def,
        .command = command,
        .parent_index = parent_index,
    };
    bool ok;

    g_return_val_if_fail(def != NULL && def->name != NULL, false);
    /* as libvirt: a document that does not parse fails whatever the section */
    if (!(doc = parse_update_xml(xml, error)))
        return false;
    u.node = xmlDocGetRootElement(doc);

    if ((refused = unsupported_section_name(section)))
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "can't update '%s' section of network '%s'", refused, def->name);

    switch (section) {
    case VIR_NETWORK_SECTION_IP_DHCP_HOST:
        ok = update_dhcp_host(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_IP_DHCP_RANGE:
        ok = update_dhcp_range(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_FORWARD_INTERFACE:
        ok = update_forward_interface(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_PORTGROUP:
        ok = update_portgroup(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_DNS_HOST:
        ok = update_dns_host(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_DNS_TXT:
        ok = update_dns_txt(&u, &change, error);
        break;
    case VIR_NETWORK_SECTION_DNS_SRV:
        ok = update_dns_srv(&u, &change, error);
        break;
    default:
        return fail(error, VIR_ERR_OPERATION_UNSUPPORTED,
                    "can't update unrecognized section %u of network '%s'", section, def->name);
    }
    if (!ok)
        return false;

    change_apply(&change);
    if (!check_result(def, error)) {
        change_undo(&change);
        change_clear(&change, /* applied = */ false);
        return false;
    }
    change_clear(&change, /* applied = */ true);
    return true;
}

bool
netdef_update_needs_dnsmasq_restart(unsigned int section)
{
    switch (section) {
    case VIR_NETWORK_SECTION_IP_DHCP_RANGE: /* dhcp-range= lines, lease limit */
    case VIR_NETWORK_SECTION_DNS_TXT:       /* txt-record= */
    case VIR_NETWORK_SECTION_DNS_SRV:       /* srv-host= */
        return true;
    default:
        return false;
    }
}

/* Bit 0: an IPv4 <ip> serves DHCP; bit 1: an IPv6 one does. */
static unsigned int
dhcp_families(const NetDef *def)
{
    unsigned int bits = 0;

    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        if (netdef_ip_has_dhcp(ip))
            bits |= ip->family == AF_INET ? 1u : 2u;
    }
    return bits;
}

bool
netdef_update_dhcp_toggled(const NetDef *before, const NetDef *after)
{
    return dhcp_families(before) != dhcp_families(after);
}
