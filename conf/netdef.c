/*
 * netdef.c: libvirt network XML: parse -> NetDef -> format
 *
 * Element order, defaults and error codes follow libvirt 9.0 (what its
 * clients and the conformance cases expect); messages name the network.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <libxml/xmlsave.h>
#include <stdarg.h>
#include <string.h>

#include "conf/netdef.h"
#include "conf/netdef-priv.h"
#include "conf/xmlutil.h"
#include "util/buf.h"
#include "util/error.h"

#define Q CONF_NETWORK_ERROR

/* Linux IFNAMSIZ minus the NUL */
#define NET_IFNAME_MAX 15
/* DNS SRV service names: the 512-byte message limit minus overhead (RFC 2782) */
#define NET_DNS_SRV_SERVICE_MAX (512 - 30)
#define NET_VPORT_PROFILE_ID_MAX 39

static const char *const forward_mode_names[] = {
    "none", "nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev", NULL,
};
G_STATIC_ASSERT(G_N_ELEMENTS(forward_mode_names) == NET_FORWARD_LAST + 1);

static const char *const lease_unit_names[] = { "seconds", "minutes", "hours", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(lease_unit_names) == NET_LEASE_UNIT_LAST + 1);

static const char *const forward_driver_names[] = { "default", "kvm", "vfio", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(forward_driver_names) == NET_FORWARD_DRIVER_LAST + 1);

static const char *const mac_table_names[] = { "default", "kernel", "libvirt", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(mac_table_names) == NET_MAC_TABLE_LAST + 1);

static const char *const vlan_native_names[] = { "default", "tagged", "untagged", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(vlan_native_names) == NET_VLAN_NATIVE_LAST + 1);

static const char *const vport_names[] = {
    "none", "802.1Qbg", "802.1Qbh", "openvswitch", "midonet", NULL,
};
G_STATIC_ASSERT(G_N_ELEMENTS(vport_names) == NET_VPORT_LAST + 1);

static int
table_lookup(const char *const *table, const char *text)
{
    if (!text)
        return -1;
    for (int i = 0; table[i]; i++) {
        if (strcmp(table[i], text) == 0)
            return i;
    }
    return -1;
}

const char *
net_forward_mode_to_string(NetForwardMode mode)
{
    if ((int)mode < 0 || mode >= NET_FORWARD_LAST)
        return NULL;
    return forward_mode_names[mode];
}

int
net_forward_mode_from_string(const char *text)
{
    return table_lookup(forward_mode_names, text);
}

const char *
net_lease_unit_to_string(NetLeaseUnit unit)
{
    if ((int)unit < 0 || unit >= NET_LEASE_UNIT_LAST)
        return NULL;
    return lease_unit_names[unit];
}

static bool G_GNUC_PRINTF(3, 4) fail(GError **error, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(Q, code, fmt, ap));
    va_end(ap);
    return false;
}

/* ---- freeing ------------------------------------------------------------ */

void
netdef_dhcp_range_free(gpointer p)
{
    NetDhcpRange *r = p;

    if (!r)
        return;
    g_free(r->start);
    g_free(r->end);
    g_free(r);
}

void
netdef_dhcp_host_free(gpointer p)
{
    NetDhcpHost *h = p;

    if (!h)
        return;
    g_free(h->mac);
    g_free(h->name);
    g_free(h->ip);
    g_free(h->id);
    g_free(h);
}

static void
ip_def_free(gpointer p)
{
    NetIpDef *ip = p;

    if (!ip)
        return;
    g_free(ip->address);
    g_free(ip->netmask);
    if (ip->ranges)
        g_ptr_array_unref(ip->ranges);
    if (ip->hosts)
        g_ptr_array_unref(ip->hosts);
    g_free(ip->tftp_root);
    g_free(ip->bootp_file);
    g_free(ip->bootp_server);
    g_free(ip);
}

static NetIpDef *
ip_def_new(void)
{
    NetIpDef *ip = g_new0(NetIpDef, 1);

    ip->ranges = g_ptr_array_new_with_free_func(netdef_dhcp_range_free);
    ip->hosts = g_ptr_array_new_with_free_func(netdef_dhcp_host_free);
    return ip;
}

void
netdef_forward_if_free(gpointer p)
{
    NetForwardIf *f = p;

    if (!f)
        return;
    g_free(f->dev);
    g_free(f);
}

static void
dns_forwarder_free(gpointer p)
{
    NetDnsForwarder *f = p;

    if (!f)
        return;
    g_free(f->addr);
    g_free(f->domain);
    g_free(f);
}

void
netdef_dns_txt_free(gpointer p)
{
    NetDnsTxt *t = p;

    if (!t)
        return;
    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

void
netdef_dns_srv_free(gpointer p)
{
    NetDnsSrv *s = p;

    if (!s)
        return;
    g_free(s->service);
    g_free(s->protocol);
    g_free(s->domain);
    g_free(s->target);
    g_free(s);
}

void
netdef_dns_host_free(gpointer p)
{
    NetDnsHost *h = p;

    if (!h)
        return;
    g_free(h->ip);
    if (h->names)
        g_ptr_array_unref(h->names);
    g_free(h);
}

static void
vlan_clear(NetVlan *vlan)
{
    if (vlan->tags)
        g_array_unref(vlan->tags);
    memset(vlan, 0, sizeof(*vlan));
}

static void
bandwidth_free(NetBandwidth *bw)
{
    if (!bw)
        return;
    g_free(bw->in);
    g_free(bw->out);
    g_free(bw);
}

static void
virtport_free(NetVirtPort *vp)
{
    if (!vp)
        return;
    g_free(vp->profile_id);
    g_free(vp);
}

void
netdef_portgroup_free(gpointer p)
{
    NetPortGroup *pg = p;

    if (!pg)
        return;
    g_free(pg->name);
    vlan_clear(&pg->vlan);
    virtport_free(pg->virtualport);
    bandwidth_free(pg->bandwidth);
    g_free(pg);
}

static void
route_free(gpointer p)
{
    NetRoute *r = p;

    if (!r)
        return;
    g_free(r->family);
    g_free(r->address);
    g_free(r->netmask);
    g_free(r->gateway);
    g_free(r);
}

static NetDef *
netdef_new(void)
{
    NetDef *def = g_new0(NetDef, 1);

    def->ips = g_ptr_array_new_with_free_func(ip_def_free);
    def->forward.ifs = g_ptr_array_new_with_free_func(netdef_forward_if_free);
    def->dns.forwarders = g_ptr_array_new_with_free_func(dns_forwarder_free);
    def->dns.txts = g_ptr_array_new_with_free_func(netdef_dns_txt_free);
    def->dns.srvs = g_ptr_array_new_with_free_func(netdef_dns_srv_free);
    def->dns.hosts = g_ptr_array_new_with_free_func(netdef_dns_host_free);
    def->routes = g_ptr_array_new_with_free_func(route_free);
    def->portgroups = g_ptr_array_new_with_free_func(netdef_portgroup_free);
    def->dnsmasq_options = g_ptr_array_new_with_free_func(g_free);
    def->stp = true;
    return def;
}

void
netdef_free(NetDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->bridge);
    if (def->ips)
        g_ptr_array_unref(def->ips);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->forward.nat_start);
    g_free(def->forward.nat_end);
    if (def->forward.ifs)
        g_ptr_array_unref(def->forward.ifs);
    g_free(def->forward.pf_dev);
    g_free(def->bridge_zone);
    g_free(def->domain);
    if (def->dns.forwarders)
        g_ptr_array_unref(def->dns.forwarders);
    if (def->dns.txts)
        g_ptr_array_unref(def->dns.txts);
    if (def->dns.srvs)
        g_ptr_array_unref(def->dns.srvs);
    if (def->dns.hosts)
        g_ptr_array_unref(def->dns.hosts);
    vlan_clear(&def->vlan);
    bandwidth_free(def->bandwidth);
    if (def->routes)
        g_ptr_array_unref(def->routes);
    virtport_free(def->virtualport);
    if (def->portgroups)
        g_ptr_array_unref(def->portgroups);
    if (def->dnsmasq_options)
        g_ptr_array_unref(def->dnsmasq_options);
    g_free(def);
}

/* ---- IP addresses --------------------------------------------------------- */

typedef struct {
    int family; /* AF_INET or AF_INET6 */
    unsigned char b[16];
} IpAddr;

static bool
ip_parse(const char *text, IpAddr *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (!text)
        return false;
    if (inet_pton(AF_INET, text, ret->b) == 1) {
        ret->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, ret->b) == 1) {
        ret->family = AF_INET6;
        return true;
    }
    return false;
}

static size_t
ip_len(const IpAddr *a)
{
    return a->family == AF_INET ? 4 : 16;
}

static unsigned int
ip_bits(const IpAddr *a)
{
    return a->family == AF_INET ? 32 : 128;
}

static char *
ip_to_string(const IpAddr *a)
{
    char text[INET6_ADDRSTRLEN];

    if (!inet_ntop(a->family, a->b, text, sizeof(text)))
        return NULL;
    return g_strdup(text);
}

/* Canonical text of @text, NULL if it is not an address (of @family
 * unless AF_UNSPEC). */
static char *
ip_normalize(const char *text, int family)
{
    IpAddr a;

    if (!ip_parse(text, &a) || (family != AF_UNSPEC && a.family != family))
        return NULL;
    return ip_to_string(&a);
}

static void
ip_mask(const IpAddr *a, unsigned int prefix, IpAddr *ret)
{
    *ret = *a;
    for (unsigned int i = 0; i < ip_len(a); i++) {
        unsigned int lo = i * 8;

        if (prefix <= lo)
            ret->b[i] = 0;
        else if (prefix < lo + 8)
            ret->b[i] &= (unsigned char)(0xff << (8 - (prefix - lo)));
    }
}

static bool
ip_equal(const IpAddr *a, const IpAddr *b)
{
    return a->family == b->family && memcmp(a->b, b->b, ip_len(a)) == 0;
}

static bool
ip_same_subnet(const IpAddr *a, const IpAddr *b, unsigned int prefix)
{
    IpAddr ma, mb;

    if (a->family != b->family)
        return false;
    ip_mask(a, prefix, &ma);
    ip_mask(b, prefix, &mb);
    return ip_equal(&ma, &mb);
}

/* Prefix length of a contiguous netmask, -1 otherwise. */
static int
ip_netmask_prefix(const IpAddr *m)
{
    unsigned int n = 0;
    bool zero_seen = false;

    for (unsigned int i = 0; i < ip_bits(m); i++) {
        bool bit = m->b[i / 8] & (0x80 >> (i % 8));

        if (bit && zero_seen)
            return -1;
        if (bit)
            n++;
        else
            zero_seen = true;
    }
    return (int)n;
}

/* libvirt's implied prefix when neither netmask nor prefix is given:
 * classful for IPv4, 64 for IPv6; -1 for class D/E. */
static int
ip_natural_prefix(const IpAddr *a)
{
    if (a->family == AF_INET6)
        return 64;
    if (!a->b[0] && !a->b[1] && !a->b[2] && !a->b[3])
        return 0;
    if ((a->b[0] & 0x80) == 0)
        return 8;
    if ((a->b[0] & 0xc0) == 0x80)
        return 16;
    if ((a->b[0] & 0xe0) == 0xc0)
        return 24;
    return -1;
}

/* ---- attribute helpers ---------------------------------------------------- */

static bool
prop_yesno(const xmlNode *node, const char *name, int *ret, GError **error)
{
    XmlTristate t = XML_TRISTATE_ABSENT;

    if (node && !xml_prop_yesno(node, name, &t, Q, error))
        return false;
    *ret = (int)t;
    return true;
}

/* Number with C base prefixes (PCI addresses are written 0x..). */
static bool
parse_uint_any_base(const char *text, unsigned int max, unsigned int *ret)
{
    char *end = NULL;
    guint64 n;

    if (!text || !*text || !g_ascii_isdigit(*text))
        return false;
    n = g_ascii_strtoull(text, &end, 0);
    if (*end || n > max)
        return false;
    *ret = (unsigned int)n;
    return true;
}

/* ---- parsing: <ip> ------------------------------------------------------- */

static bool
parse_lease(const xmlNode *node, NetDhcpLease *lease, GError **error)
{
    g_autofree char *unit = NULL;
    unsigned long long expiry = 0;
    bool present = false;
    int u = NET_LEASE_UNIT_MINUTES;

    if (!xml_prop_ullong(node, "expiry", &expiry, &present, CONF_NETWORK_ERROR, error))
        return false;
    if (!present)
        return true; /* libvirt ignores a <lease> without expiry */
    unit = xml_prop(node, "unit");
    if (unit && (u = table_lookup(lease_unit_names, unit)) < 0)
        return fail(error, VIR_ERR_XML_ERROR,
                    "Invalid value for attribute 'unit' in element 'lease': '%s'", unit);
    /* dnsmasq's minimum lease is two minutes */
    if (expiry > 0 && ((u == NET_LEASE_UNIT_SECONDS && expiry < 120) ||
                       (u == NET_LEASE_UNIT_MINUTES && expiry < 2)))
        return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                    "The minimum lease time should be greater than 2 minutes");
    lease->present = true;
    lease->expiry = expiry;
    lease->unit = (NetLeaseUnit)u;
    return true;
}

NetDhcpRange *
netdef_parse_dhcp_range(const char *net, const xmlNode *node, GError **error)
{
    g_autofree char *start = xml_prop(node, "start");
    g_autofree char *end = xml_prop(node, "end");
    g_autoptr(NetDhcpRange) r = NULL;
    xmlNode *lease = xml_child(node, "lease");

    if (!start) {
        fail(error, VIR_ERR_XML_ERROR, "Missing 'start' attribute in dhcp range for network '%s'",
             net);
        return NULL;
    }
    if (!end) {
        fail(error, VIR_ERR_XML_ERROR, "Missing 'end' attribute in dhcp range for network '%s'",
             net);
        return NULL;
    }
    r = g_new0(NetDhcpRange, 1);
    if (!(r->start = ip_normalize(start, AF_UNSPEC))) {
        fail(error, VIR_ERR_XML_ERROR, "Invalid dhcp range start address '%s' in network '%s'",
             start, net);
        return NULL;
    }
    if (!(r->end = ip_normalize(end, AF_UNSPEC))) {
        fail(error, VIR_ERR_XML_ERROR, "Invalid dhcp range end address '%s' in network '%s'", end,
             net);
        return NULL;
    }
    if (lease && !parse_lease(lease, &r->lease, error))
        return NULL;
    return g_steal_pointer(&r);
}

NetDhcpHost *
netdef_parse_dhcp_host(const char *net, const xmlNode *node, int family, bool partial,
                       GError **error)
{
    g_autofree char *mac = xml_prop(node, "mac");
    g_autofree char *id = xml_prop(node, "id");
    g_autofree char *name = xml_prop(node, "name");
    g_autofree char *addr = xml_prop(node, "ip");
    xmlNode *lease = xml_child(node, "lease");
    g_autoptr(NetDhcpHost) h = NULL;
    size_t bad;

    if (mac && family == AF_INET6) {
        fail(error, VIR_ERR_XML_ERROR,
             "Invalid to specify MAC address '%s' in network '%s' IPv6 static host definition", mac,
             net);
        return NULL;
    }
    if (id && id[bad = strspn(id, "0123456789abcdefABCDEF:")]) {
        fail(error, VIR_ERR_XML_ERROR, "Invalid character '%c' in id '%s' of network '%s'", id[bad],
             id, net);
        return NULL;
    }
    if (name && !g_ascii_isalnum(name[0])) {
        fail(error, VIR_ERR_XML_ERROR, "Cannot use host name '%s' in network '%s'", name, net);
        return NULL;
    }
    if (partial) {
        /* enough to find an existing entry */
        if (!mac && !name && !addr) {
            fail(error, VIR_ERR_XML_ERROR,
                 "At least one of name, mac, or ip attribute must be specified for static host "
                 "definition in network '%s'",
                 net);
            return NULL;
        }
    } else if (family == AF_INET6 && !id && !name) {
        fail(error, VIR_ERR_XML_ERROR,
             "Static host definition in IPv6 network '%s' must have id or name attribute", net);
        return NULL;
    } else if (family == AF_INET && !mac && !name) {
        fail(error, VIR_ERR_XML_ERROR,
             "Static host definition in IPv4 network '%s' must have mac or name attribute", net);
        return NULL;
    } else if (!addr) {
        fail(error, VIR_ERR_XML_ERROR,
             "Missing IP address in static host definition for network '%s'", net);
        return NULL;
    }
    h = g_new0(NetDhcpHost, 1);
    if (addr && !(h->ip = ip_normalize(addr, AF_UNSPEC))) {
        fail(error, VIR_ERR_XML_ERROR,
             "Invalid IP address in static host definition for network '%s'", net);
        return NULL;
    }
    h->mac = g_steal_pointer(&mac);
    h->id = g_steal_pointer(&id);
    h->name = g_steal_pointer(&name);
    if (lease && !parse_lease(lease, &h->lease, error))
        return NULL;
    return g_steal_pointer(&h);
}

static bool
parse_dhcp(const char *net, const xmlNode *node, NetIpDef *ip, GError **error)
{
    g_autoptr(GPtrArray) ranges = xml_children(node, "range");
    g_autoptr(GPtrArray) hosts = xml_children(node, "host");
    xmlNode *bootp = xml_child(node, "bootp");

    for (guint i = 0; i < ranges->len; i++) {
        NetDhcpRange *r = netdef_parse_dhcp_range(net, ranges->pdata[i], error);

        if (!r)
            return false;
        g_ptr_array_add(ip->ranges, r);
    }
    for (guint i = 0; i < hosts->len; i++) {
        NetDhcpHost *h = netdef_parse_dhcp_host(net, hosts->pdata[i], ip->family,
                                                /* partial = */ false, error);

        if (!h)
            return false;
        g_ptr_array_add(ip->hosts, h);
    }
    /* libvirt ignores <bootp> in an IPv6 <ip> (dnsmasq has no DHCPv6 boot file) */
    if (bootp && ip->family == AF_INET) {
        g_autofree char *server = xml_prop(bootp, "server");

        if (!(ip->bootp_file = xml_prop(bootp, "file")))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Missing required attribute 'file' in element 'bootp'");
        if (server && !(ip->bootp_server = ip_normalize(server, AF_UNSPEC)))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid bootp server address '%s' in network '%s'", server, net);
    }
    return true;
}

static bool
parse_ip(const char *net, const xmlNode *node, NetDef *def, GError **error)
{
    g_autofree char *family = xml_prop(node, "family");
    g_autofree char *address = xml_prop(node, "address");
    g_autofree char *netmask = xml_prop(node, "netmask");
    NetIpDef *ip = ip_def_new();
    unsigned int prefix = 0;
    xmlNode *dhcp, *tftp;
    IpAddr a;

    g_ptr_array_add(def->ips, ip);
    if (!address)
        return fail(error, VIR_ERR_XML_ERROR, "Missing required address attribute in network '%s'",
                    net);
    if (!ip_parse(address, &a))
        return fail(error, VIR_ERR_XML_ERROR, "Invalid address '%s' in network '%s'", address, net);
    if (!xml_prop_uint(node, "prefix", &prefix, NULL, CONF_NETWORK_ERROR, error))
        return false;
    if (!prop_yesno(node, "localPtr", &ip->local_ptr, error))
        return false;

    if (!family || strcmp(family, "ipv4") == 0) {
        if (a.family != AF_INET)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "%s family specified for non-IPv4 address '%s' in network '%s'",
                        family ? "ipv4" : "no", address, net);
        if (netmask) {
            IpAddr m;
            int bits;

            if (!ip_parse(netmask, &m))
                return fail(error, VIR_ERR_XML_ERROR, "Invalid netmask '%s' in network '%s'",
                            netmask, net);
            if (m.family != AF_INET)
                return fail(
                    error, VIR_ERR_CONFIG_UNSUPPORTED,
                    "Invalid netmask '%s' for address '%s' in network '%s' (both must be IPv4)",
                    netmask, address, net);
            if (prefix > 0)
                return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                            "Network '%s' IP address cannot have both a prefix and a netmask", net);
            if ((bits = ip_netmask_prefix(&m)) < 0)
                return fail(error, VIR_ERR_XML_ERROR,
                            "Invalid netmask '%s' in network '%s' (not contiguous)", netmask, net);
            ip->netmask = ip_to_string(&m);
            ip->prefix = (unsigned int)bits;
        } else if (prefix > 32) {
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Invalid IPv4 prefix '%u' in network '%s'", prefix, net);
        }
    } else if (strcmp(family, "ipv6") == 0) {
        if (a.family != AF_INET6)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Family 'ipv6' specified for non-IPv6 address '%s' in network '%s'",
                        address, net);
        if (netmask)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "netmask not allowed for IPv6 address '%s' in network '%s'", address, net);
        if (prefix > 128)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Invalid IPv6 prefix '%u' in network '%s'", prefix, net);
    } else {
        return fail(error, VIR_ERR_XML_ERROR, "Unrecognized family '%s' in network '%s'", family,
                    net);
    }
    ip->family = a.family;
    ip->family_explicit = family != NULL;
    ip->address = ip_to_string(&a);
    if (prefix > 0) {
        ip->prefix = prefix;
        ip->prefix_explicit = true;
    } else if (!ip->netmask) {
        int natural = ip_natural_prefix(&a);

        if (natural < 0)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "No netmask or prefix given for address '%s' in network '%s', and it has "
                        "no natural prefix",
                        address, net);
        ip->prefix = (unsigned int)natural;
    }

    if ((dhcp = xml_child(node, "dhcp")) && !parse_dhcp(net, dhcp, ip, error))
        return false;
    if ((tftp = xml_child(node, "tftp"))) {
        if (ip->family != AF_INET)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Unsupported <tftp> element in an IPv6 element in network '%s'", net);
        ip->tftp_root = xml_prop(tftp, "root");
    }
    return true;
}

/* ---- parsing: <dns> ------------------------------------------------------ */

#define DNS_PROTOCOL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/"
#define DNS_SERVICE_CHARS DNS_PROTOCOL_CHARS "_*"

static bool
parse_dns_srv_num(const char *net, const xmlNode *node, const NetDnsSrv *srv, const char *attr,
                  unsigned int min, unsigned int *ret, GError **error)
{
    g_autofree char *v = xml_prop(node, attr);
    const char *service = srv->service ? srv->service : ""; /* absent in a partial srv */
    guint64 n;

    if (!v)
        return true;
    if (!srv->target)
        return fail(
            error, VIR_ERR_XML_DETAIL,
            "DNS SRV %s attribute not permitted without target for service '%s' in network '%s'",
            attr, service, net);
    if (!g_ascii_string_to_unsigned(v, 10, min, 65535, &n, NULL))
        return fail(error, VIR_ERR_XML_DETAIL,
                    "invalid DNS SRV %s attribute for service '%s' in network '%s'", attr, service,
                    net);
    *ret = (unsigned int)n;
    return true;
}

NetDnsSrv *
netdef_parse_dns_srv(const char *net, const xmlNode *node, bool partial, GError **error)
{
    g_autoptr(NetDnsSrv) srv = g_new0(NetDnsSrv, 1);

    srv->service = xml_prop(node, "service");
    if (!srv->service && !partial) {
        fail(error, VIR_ERR_XML_DETAIL,
             "missing required service attribute in DNS SRV record of network '%s'", net);
        return NULL;
    }
    if (srv->service && strlen(srv->service) > NET_DNS_SRV_SERVICE_MAX) {
        fail(error, VIR_ERR_XML_DETAIL,
             "service attribute '%s' in network '%s' is too long, limit is %d bytes", srv->service,
             net, NET_DNS_SRV_SERVICE_MAX);
        return NULL;
    }
    if (srv->service && strspn(srv->service, DNS_SERVICE_CHARS) < strlen(srv->service)) {
        fail(error, VIR_ERR_XML_DETAIL,
             "invalid character in service attribute '%s' in DNS SRV record of network '%s'",
             srv->service, net);
        return NULL;
    }
    srv->protocol = xml_prop(node, "protocol");
    if (!srv->protocol && !partial) {
        fail(error, VIR_ERR_XML_DETAIL,
             "missing required protocol attribute in DNS SRV record '%s' of network '%s'",
             srv->service, net);
        return NULL;
    }
    if (srv->protocol && strspn(srv->protocol, DNS_PROTOCOL_CHARS) < strlen(srv->protocol)) {
        fail(error, VIR_ERR_XML_DETAIL,
             "invalid character in protocol attribute '%s' in DNS SRV record of network '%s'",
             srv->protocol, net);
        return NULL;
    }
    srv->domain = xml_prop(node, "domain");
    srv->target = xml_prop(node, "target");
    if (!parse_dns_srv_num(net, node, srv, "port", 1, &srv->port, error) ||
        !parse_dns_srv_num(net, node, srv, "priority", 0, &srv->priority, error) ||
        !parse_dns_srv_num(net, node, srv, "weight", 0, &srv->weight, error))
        return NULL;
    return g_steal_pointer(&srv);
}

NetDnsHost *
netdef_parse_dns_host(const char *net, const xmlNode *node, bool partial, GError **error)
{
    g_autoptr(GPtrArray) names = xml_children(node, "hostname");
    g_autofree char *addr = xml_prop(node, "ip");
    g_autoptr(NetDnsHost) h = g_new0(NetDnsHost, 1);

    h->names = g_ptr_array_new_with_free_func(g_free);
    if (names->len == 0 && !partial) {
        fail(error, VIR_ERR_XML_DETAIL, "Missing hostname in network '%s' DNS HOST record", net);
        return NULL;
    }
    for (guint j = 0; j < names->len; j++) {
        char *n = xml_text(names->pdata[j]);

        g_ptr_array_add(h->names, n);
        if (!*n) {
            fail(error, VIR_ERR_XML_DETAIL, "Missing hostname in network '%s' DNS HOST record",
                 net);
            return NULL;
        }
    }
    if (!addr && !partial) {
        fail(error, VIR_ERR_XML_DETAIL, "Missing IP address in network '%s' DNS HOST record", net);
        return NULL;
    }
    if (!addr && names->len == 0) {
        fail(error, VIR_ERR_XML_DETAIL, "Missing ip and hostname in network '%s' DNS HOST record",
             net);
        return NULL;
    }
    if (addr && !(h->ip = ip_normalize(addr, AF_UNSPEC))) {
        fail(error, VIR_ERR_XML_DETAIL, "Invalid IP address in network '%s' DNS HOST record", net);
        return NULL;
    }
    return g_steal_pointer(&h);
}

NetDnsTxt *
netdef_parse_dns_txt(const char *net, const xmlNode *node, bool partial, GError **error)
{
    g_autoptr(NetDnsTxt) t = g_new0(NetDnsTxt, 1);

    if (!(t->name = xml_prop(node, "name"))) {
        fail(error, VIR_ERR_XML_DETAIL,
             "missing required name attribute in DNS TXT record of network %s", net);
        return NULL;
    }
    if (strcspn(t->name, " ,") != strlen(t->name)) {
        fail(error, VIR_ERR_XML_DETAIL,
             "prohibited character in DNS TXT record name '%s' of network %s", t->name, net);
        return NULL;
    }
    if (!(t->value = xml_prop(node, "value")) && !partial) {
        fail(error, VIR_ERR_XML_DETAIL,
             "missing required value attribute in DNS TXT record named '%s' of network %s", t->name,
             net);
        return NULL;
    }
    return g_steal_pointer(&t);
}

static bool
parse_dns(const char *net, const xmlNode *node, NetDns *dns, GError **error)
{
    g_autoptr(GPtrArray) fwds = xml_children(node, "forwarder");
    g_autoptr(GPtrArray) hosts = xml_children(node, "host");
    g_autoptr(GPtrArray) srvs = xml_children(node, "srv");
    g_autoptr(GPtrArray) txts = xml_children(node, "txt");

    if (!prop_yesno(node, "enable", &dns->enable, error) ||
        !prop_yesno(node, "forwardPlainNames", &dns->forward_plain_names, error))
        return false;

    for (guint i = 0; i < fwds->len; i++) {
        NetDnsForwarder *f = g_new0(NetDnsForwarder, 1);
        g_autofree char *addr = xml_prop(fwds->pdata[i], "addr");

        g_ptr_array_add(dns->forwarders, f);
        if (addr && !(f->addr = ip_normalize(addr, AF_UNSPEC)))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid forwarder IP address '%s' in network '%s'", addr, net);
        f->domain = xml_prop(fwds->pdata[i], "domain");
        if (!f->addr && !f->domain)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid forwarder element, must contain at least one of addr or domain");
    }

    for (guint i = 0; i < hosts->len; i++) {
        NetDnsHost *h = netdef_parse_dns_host(net, hosts->pdata[i], /* partial = */ false, error);

        if (!h)
            return false;
        g_ptr_array_add(dns->hosts, h);
    }

    for (guint i = 0; i < srvs->len; i++) {
        NetDnsSrv *srv = netdef_parse_dns_srv(net, srvs->pdata[i], /* partial = */ false, error);

        if (!srv)
            return false;
        g_ptr_array_add(dns->srvs, srv);
    }

    for (guint i = 0; i < txts->len; i++) {
        NetDnsTxt *t = netdef_parse_dns_txt(net, txts->pdata[i], /* partial = */ false, error);

        if (!t)
            return false;
        g_ptr_array_add(dns->txts, t);
    }

    if (dns->enable == XML_TRISTATE_NO && (fwds->len || hosts->len || srvs->len || txts->len))
        return fail(error, VIR_ERR_XML_ERROR, "Extra data in disabled network '%s'", net);
    return true;
}

/* ---- parsing: <forward> -------------------------------------------------- */

static bool
parse_nat(const char *net, const xmlNode *node, NetDef *def, GError **error)
{
    g_autoptr(GPtrArray) addrs = xml_children(node, "address");
    g_autoptr(GPtrArray) ports = xml_children(node, "port");
    NetForward *fwd = &def->forward;

    if (def->forward_mode != NET_FORWARD_NAT)
        return fail(
            error, VIR_ERR_XML_ERROR,
            "The <nat> element can only be used when <forward> 'mode' is 'nat' in network %s", net);
    if (!prop_yesno(node, "ipv6", &fwd->nat_ipv6, error))
        return false;
    if (addrs->len > 1)
        return fail(error, VIR_ERR_XML_ERROR,
                    "Only one <address> element is allowed in <nat> in <forward> in network %s",
                    net);
    if (addrs->len == 1) {
        g_autofree char *start = xml_prop(addrs->pdata[0], "start");
        g_autofree char *end = xml_prop(addrs->pdata[0], "end");
        IpAddr s, e;

        if (!start)
            return fail(error, VIR_ERR_XML_ERROR,
                        "missing 'start' attribute in <address> element in <nat> in <forward> in "
                        "network %s",
                        net);
        if (!end)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "missing 'end' attribute in <address> element in <nat> in <forward> in network %s",
                net);
        if (!ip_parse(start, &s) || s.family != AF_INET)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Bad ipv4 start address '%s' in <nat> in <forward> in network '%s'", start,
                        net);
        if (!ip_parse(end, &e) || e.family != AF_INET)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Bad ipv4 end address '%s' in <nat> in <forward> in network '%s'", end,
                        net);
        if (memcmp(s.b, e.b, 4) > 0)
            return fail(error, VIR_ERR_INTERNAL_ERROR, "range %s - %s is reversed", start, end);
        fwd->nat_start = ip_to_string(&s);
        fwd->nat_end = ip_to_string(&e);
    }
    if (ports->len > 1)
        return fail(error, VIR_ERR_XML_ERROR,
                    "Only one <port> element is allowed in <nat> in <forward> in network %s", net);
    if (ports->len == 1) {
        bool has_start = false, has_end = false;
        GError *ignored = NULL;

        if (!xml_prop_uint(ports->pdata[0], "start", &fwd->nat_port_start, &has_start,
                           CONF_NETWORK_ERROR, &ignored) ||
            !has_start || fwd->nat_port_start > 65535) {
            g_clear_error(&ignored);
            return fail(error, VIR_ERR_XML_DETAIL,
                        "Missing or invalid 'start' attribute in <port> in <nat> in <forward> in "
                        "network %s",
                        net);
        }
        if (!xml_prop_uint(ports->pdata[0], "end", &fwd->nat_port_end, &has_end, CONF_NETWORK_ERROR,
                           &ignored) ||
            !has_end || fwd->nat_port_end > 65535 || fwd->nat_port_end < fwd->nat_port_start) {
            g_clear_error(&ignored);
            return fail(
                error, VIR_ERR_XML_DETAIL,
                "Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network %s",
                net);
        }
    }
    return true;
}

static bool
parse_pci_address(const char *net, const xmlNode *node, NetPciAddr *pci, GError **error)
{
    static const struct {
        const char *name;
        unsigned int max;
    } fields[] = {
        { "domain", 0xffff },
        { "bus", 0xff },
        { "slot", 0x1f },
        { "function", 7 },
    };
    unsigned int *out[] = { &pci->domain, &pci->bus, &pci->slot, &pci->function };

    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_autofree char *v = xml_prop(node, fields[i].name);

        *out[i] = 0;
        if (v && !parse_uint_any_base(v, fields[i].max, out[i]))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid PCI address %s='%s' in network %s, must be <= 0x%x",
                        fields[i].name, v, net, fields[i].max);
    }
    return true;
}

static bool
parse_forward(const char *net, const xmlNode *node, NetDef *def, GError **error)
{
    g_autoptr(GPtrArray) ifs = xml_children(node, "interface");
    g_autoptr(GPtrArray) addrs = xml_children(node, "address");
    g_autoptr(GPtrArray) pfs = xml_children(node, "pf");
    g_autoptr(GPtrArray) nats = xml_children(node, "nat");
    g_autofree char *mode = xml_prop(node, "mode");
    g_autofree char *managed = xml_prop(node, "managed");
    g_autofree char *dev = xml_prop(node, "dev");
    xmlNode *driver = xml_child(node, "driver");
    NetForward *fwd = &def->forward;

    if (!mode) {
        def->forward_mode = NET_FORWARD_NAT;
    } else {
        int m = net_forward_mode_from_string(mode);

        /* "none" is how isolated is spelled internally, not in XML */
        if (m <= NET_FORWARD_NONE)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED, "unknown forwarding type '%s'", mode);
        def->forward_mode = (NetForwardMode)m;
    }
    fwd->managed = managed && g_ascii_strcasecmp(managed, "yes") == 0;

    if (driver) {
        g_autofree char *name = xml_prop(driver, "name");
        int d = table_lookup(forward_driver_names, name);

        if (name && d <= 0)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Unknown forward <driver name='%s'/> in network %s", name, net);
        if (d > 0)
            fwd->driver = (NetForwardDriver)d;
    }

    if (nats->len > 1)
        return fail(error, VIR_ERR_XML_ERROR,
                    "Only one <nat> element is allowed in <forward> of network %s", net);
    if (nats->len == 1 && !parse_nat(net, nats->pdata[0], def, error))
        return false;

    if (dev && (addrs->len > 0 || pfs->len > 0))
        return fail(error, VIR_ERR_XML_ERROR,
                    "the <forward> 'dev' attribute cannot be used when <address> or <pf> "
                    "sub-elements are present in network %s",
                    net);

    if (ifs->len > 0 || dev) {
        if (dev) {
            NetForwardIf *f = g_new0(NetForwardIf, 1);

            f->type = NET_FORWARD_IF_NETDEV;
            f->dev = g_steal_pointer(&dev);
            g_ptr_array_add(fwd->ifs, f);
        }
        for (guint i = 0; i < ifs->len; i++) {
            g_autofree char *d = xml_prop(ifs->pdata[i], "dev");
            NetForwardIf *f;

            if (!d)
                return fail(
                    error, VIR_ERR_XML_ERROR,
                    "Missing required dev attribute in <forward> <interface> element of network %s",
                    net);
            if (i == 0 && fwd->ifs->len == 1) {
                /* <forward dev='x'> names the first pool member */
                const NetForwardIf *first = fwd->ifs->pdata[0];

                if (strcmp(d, first->dev) != 0)
                    return fail(
                        error, VIR_ERR_XML_ERROR,
                        "<forward dev='%s'> must match first <interface dev='%s'/> in network %s",
                        first->dev, d, net);
                continue;
            }
            for (guint j = 0; j < fwd->ifs->len; j++) {
                const NetForwardIf *o = fwd->ifs->pdata[j];

                if (strcmp(o->dev, d) == 0)
                    return fail(error, VIR_ERR_XML_ERROR,
                                "interface '%s' can only be listed once in network %s", d, net);
            }
            f = g_new0(NetForwardIf, 1);
            f->type = NET_FORWARD_IF_NETDEV;
            f->dev = g_steal_pointer(&d);
            g_ptr_array_add(fwd->ifs, f);
        }
    } else if (addrs->len > 0) {
        for (guint i = 0; i < addrs->len; i++) {
            g_autofree char *type = xml_prop(addrs->pdata[i], "type");
            NetForwardIf *f;

            if (!type)
                return fail(error, VIR_ERR_XML_ERROR, "missing address type in network %s", net);
            if (strcmp(type, "pci") != 0)
                return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                            "unsupported address type '%s' in network %s", type, net);
            f = g_new0(NetForwardIf, 1);
            f->type = NET_FORWARD_IF_PCI;
            g_ptr_array_add(fwd->ifs, f);
            if (!parse_pci_address(net, addrs->pdata[i], &f->pci, error))
                return false;
            for (guint j = 0; j + 1 < fwd->ifs->len; j++) {
                const NetForwardIf *o = fwd->ifs->pdata[j];

                if (memcmp(&o->pci, &f->pci, sizeof(f->pci)) == 0)
                    return fail(
                        error, VIR_ERR_XML_ERROR,
                        "PCI device '%04x:%02x:%02x.%x' can only be listed once in network %s",
                        f->pci.domain, f->pci.bus, f->pci.slot, f->pci.function, net);
            }
        }
    } else if (pfs->len > 1) {
        return fail(error, VIR_ERR_XML_ERROR,
                    "Only one <pf> element is allowed in <forward> of network %s", net);
    } else if (pfs->len == 1) {
        if (!(fwd->pf_dev = xml_prop(pfs->pdata[0], "dev")))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Missing required dev attribute in <pf> element of network '%s'", net);
    }
    return true;
}

/* ---- parsing: vlan, bandwidth, virtualport, portgroup, route -------------- */

static bool
parse_vlan(const xmlNode *node, NetVlan *vlan, GError **error)
{
    g_autoptr(GPtrArray) tags = xml_children(node, "tag");
    g_autofree char *trunk = xml_prop(node, "trunk");

    if (tags->len == 0)
        return fail(error, VIR_ERR_XML_ERROR,
                    "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement");
    vlan->tags = g_array_new(FALSE, TRUE, sizeof(unsigned int));
    for (guint i = 0; i < tags->len; i++) {
        g_autofree char *mode = xml_prop(tags->pdata[i], "nativeMode");
        unsigned int id = 0;
        bool present = false;

        if (!xml_prop_uint(tags->pdata[i], "id", &id, &present, CONF_NETWORK_ERROR, error))
            return false;
        if (!present)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Missing required attribute 'id' in element 'tag'");
        if (id > 4095)
            return fail(error, VIR_ERR_XML_ERROR, "vlan tag id %u too large (maximum 4095)", id);
        /* a repeated id would also repeat its nativeMode when written back */
        for (guint j = 0; j < vlan->tags->len; j++) {
            if (g_array_index(vlan->tags, unsigned int, j) == id)
                return fail(error, VIR_ERR_XML_ERROR, "duplicate vlan tag id %u", id);
        }
        g_array_append_val(vlan->tags, id);
        if (mode) {
            int m = table_lookup(vlan_native_names, mode);

            if (m <= 0)
                return fail(error, VIR_ERR_XML_ERROR,
                            "Invalid value for attribute 'nativeMode' in element 'tag': '%s'",
                            mode);
            if (vlan->native_mode != NET_VLAN_NATIVE_DEFAULT)
                return fail(error, VIR_ERR_XML_ERROR, "duplicate native vlan setting");
            vlan->native_mode = (NetVlanNativeMode)m;
            vlan->native_tag = id;
        }
    }
    vlan->trunk = tags->len > 1;
    if (trunk) {
        vlan->trunk = g_ascii_strcasecmp(trunk, "yes") == 0;
        if (!vlan->trunk) {
            if (tags->len > 1)
                return fail(error, VIR_ERR_XML_ERROR,
                            "invalid \"trunk='%s'\" in <vlan> - trunk='yes' is required for more "
                            "than one vlan tag",
                            trunk);
            if (vlan->native_mode != NET_VLAN_NATIVE_DEFAULT)
                return fail(error, VIR_ERR_XML_ERROR,
                            "invalid configuration in <vlan> - \"trunk='no'\" is not allowed with "
                            "a native vlan id");
            if (g_ascii_strcasecmp(trunk, "no") != 0)
                return fail(error, VIR_ERR_XML_ERROR,
                            "invalid \"trunk='%s'\" in <vlan> - must be yes or no", trunk);
        }
    }
    return true;
}

static bool
parse_rate(const xmlNode *node, NetBandwidthRate **ret, GError **error)
{
    g_autofree NetBandwidthRate *rate = g_new0(NetBandwidthRate, 1);
    bool has_avg = false, has_peak = false, has_burst = false, has_floor = false;

    if (!xml_prop_ullong(node, "average", &rate->average, &has_avg, CONF_NETWORK_ERROR, error) ||
        !xml_prop_ullong(node, "peak", &rate->peak, &has_peak, CONF_NETWORK_ERROR, error) ||
        !xml_prop_ullong(node, "burst", &rate->burst, &has_burst, CONF_NETWORK_ERROR, error) ||
        !xml_prop_ullong(node, "floor", &rate->floor, &has_floor, CONF_NETWORK_ERROR, error))
        return false;
    /* zero means "no limit": the same as leaving the attribute out */
    has_avg = has_avg && rate->average;
    has_floor = has_floor && rate->floor;
    has_peak = has_peak && rate->peak;
    has_burst = has_burst && rate->burst;
    if (!has_avg && !has_floor)
        return fail(error, VIR_ERR_XML_DETAIL, "Missing mandatory average or floor attributes");
    if ((has_peak || has_burst) && !has_avg)
        return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                    "'peak' and 'burst' require 'average' attribute");
    /* a network's own bandwidth has no guaranteed floor (libvirt) */
    if (rate->floor)
        return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                    "floor attribute is not supported for this config");
    *ret = g_steal_pointer(&rate);
    return true;
}

static bool
parse_bandwidth(const xmlNode *node, NetBandwidth **ret, GError **error)
{
    g_autofree char *class_id = xml_prop(node, "classID");
    NetBandwidth *bw;
    xmlNode *in = NULL, *out = NULL;

    if (class_id)
        return fail(error, VIR_ERR_XML_DETAIL,
                    "classID attribute not supported on <bandwidth> in this usage context");
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "inbound") == 0) {
            if (in)
                return fail(error, VIR_ERR_XML_DETAIL, "Only one child <inbound> element allowed");
            in = c;
        } else if (strcmp((const char *)c->name, "outbound") == 0) {
            if (out)
                return fail(error, VIR_ERR_XML_DETAIL, "Only one child <outbound> element allowed");
            out = c;
        }
    }
    if (!in && !out)
        return true;
    bw = g_new0(NetBandwidth, 1);
    *ret = bw;
    return (!in || parse_rate(in, &bw->in, error)) && (!out || parse_rate(out, &bw->out, error));
}

static bool
vport_attr_allowed(NetVirtPortType type, const char *attr)
{
    if (type == NET_VPORT_NONE)
        return true;
    if (!strcmp(attr, "managerid") || !strcmp(attr, "typeid") || !strcmp(attr, "typeidversion") ||
        !strcmp(attr, "instanceid"))
        return type == NET_VPORT_8021QBG;
    if (!strcmp(attr, "interfaceid"))
        return type == NET_VPORT_OPENVSWITCH || type == NET_VPORT_MIDONET;
    if (!strcmp(attr, "profileid"))
        return type == NET_VPORT_OPENVSWITCH || type == NET_VPORT_8021QBH;
    return false;
}

static bool
parse_virtualport(const xmlNode *node, bool require_type, NetVirtPort **ret, GError **error)
{
    static const struct {
        const char *name;
        unsigned int max;
    } nums[] = { { "managerid", 0xff }, { "typeid", 0xffffff }, { "typeidversion", 0xff } };
    g_autofree char *type = xml_prop(node, "type");
    xmlNode *params = xml_child(node, "parameters");
    NetVirtPort *vp = g_new0(NetVirtPort, 1);
    unsigned int *num_out[] = { &vp->manager_id, &vp->type_id, &vp->type_id_version };
    bool *num_set[] = { &vp->manager_id_set, &vp->type_id_set, &vp->type_id_version_set };

    *ret = vp;
    if (type) {
        int t = table_lookup(vport_names, type);

        if (t <= 0)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED, "unknown virtualport type %s", type);
        vp->type = (NetVirtPortType)t;
    } else if (require_type) {
        return fail(error, VIR_ERR_XML_ERROR, "missing required virtualport type");
    }
    if (!params)
        return true;

    for (size_t i = 0; i < G_N_ELEMENTS(nums); i++) {
        g_autofree char *v = xml_prop(params, nums[i].name);

        if (!v)
            continue;
        if (!parse_uint_any_base(v, G_MAXUINT, num_out[i]))
            return fail(error, VIR_ERR_XML_ERROR, "cannot parse value of %s parameter",
                        nums[i].name);
        if (*num_out[i] > nums[i].max)
            return fail(error, VIR_ERR_XML_ERROR, "value of %s out of range", nums[i].name);
        *num_set[i] = true;
    }
    {
        g_autofree char *instance = xml_prop(params, "instanceid");
        g_autofree char *iface = xml_prop(params, "interfaceid");

        if (instance) {
            if (!uuid_parse(instance, vp->instance_id))
                return fail(error, VIR_ERR_XML_ERROR,
                            "cannot parse instanceid parameter as a uuid");
            vp->instance_id_set = true;
        }
        if (iface) {
            if (!uuid_parse(iface, vp->interface_id))
                return fail(error, VIR_ERR_XML_ERROR,
                            "cannot parse interfaceid parameter as a uuid");
            vp->interface_id_set = true;
        }
    }
    if ((vp->profile_id = xml_prop(params, "profileid")) &&
        strlen(vp->profile_id) > NET_VPORT_PROFILE_ID_MAX)
        return fail(error, VIR_ERR_XML_ERROR, "profileid parameter too long");

    {
        static const char *const attrs[] = { "managerid",  "typeid",      "typeidversion",
                                             "instanceid", "interfaceid", "profileid" };
        const bool set[] = { vp->manager_id_set,  vp->type_id_set,      vp->type_id_version_set,
                             vp->instance_id_set, vp->interface_id_set, vp->profile_id != NULL };

        for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
            if (set[i] && !vport_attr_allowed(vp->type, attrs[i]))
                return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                            "attribute %s not supported for virtualport type %s", attrs[i],
                            vport_names[vp->type]);
        }
    }
    if (vp->type == NET_VPORT_MIDONET && !vp->interface_id_set)
        return fail(error, VIR_ERR_XML_ERROR,
                    "missing interfaceid, required for virtualport type midonet");
    return true;
}

NetPortGroup *
netdef_parse_portgroup(const xmlNode *node, GError **error)
{
    g_autofree char *is_default = xml_prop(node, "default");
    g_autoptr(NetPortGroup) pg = g_new0(NetPortGroup, 1);
    xmlNode *c;

    if (!(pg->name = xml_prop(node, "name"))) {
        fail(error, VIR_ERR_XML_ERROR, "Missing required name attribute in portgroup");
        return NULL;
    }
    pg->is_default = is_default && g_ascii_strcasecmp(is_default, "yes") == 0;
    if (!prop_yesno(node, "trustGuestRxFilters", &pg->trust_guest_rx_filters, error))
        return NULL;
    if ((c = xml_child(node, "virtualport")) &&
        !parse_virtualport(c, /* require_type = */ false, &pg->virtualport, error))
        return NULL;
    if ((c = xml_child(node, "bandwidth")) && !parse_bandwidth(c, &pg->bandwidth, error))
        return NULL;
    if ((c = xml_child(node, "vlan")) && !parse_vlan(c, &pg->vlan, error))
        return NULL;
    return g_steal_pointer(&pg);
}

static bool
parse_route(const char *net, const xmlNode *node, NetDef *def, GError **error)
{
    g_autofree char *address = xml_prop(node, "address");
    g_autofree char *netmask = xml_prop(node, "netmask");
    g_autofree char *gateway = xml_prop(node, "gateway");
    NetRoute *r = g_new0(NetRoute, 1);
    IpAddr a, g, m, masked;
    unsigned int prefix;

    g_ptr_array_add(def->routes, r);
    r->family = xml_prop(node, "family");
    if (!xml_prop_uint(node, "prefix", &r->prefix, &r->has_prefix, CONF_NETWORK_ERROR, error) ||
        !xml_prop_uint(node, "metric", &r->metric, &r->has_metric, CONF_NETWORK_ERROR, error))
        return false;
    if (r->has_metric && r->metric == 0)
        return fail(error, VIR_ERR_XML_ERROR,
                    "Invalid value for attribute 'metric' in element 'route': '0'. Expected "
                    "non-zero value");
    if (!address)
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Missing required address attribute in route definition", net);
    if (!gateway)
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Missing required gateway attribute in route definition", net);
    if (!ip_parse(address, &a))
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Bad network address '%s' in route definition", net, address);
    if (!ip_parse(gateway, &g))
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Bad gateway address '%s' in route definition", net, gateway);

    if (!r->family || strcmp(r->family, "ipv4") == 0) {
        if (a.family != AF_INET)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s': %s family specified for non-IPv4 address '%s' in route definition",
                net, r->family ? "IPv4" : "No", address);
        if (g.family != AF_INET)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s': %s family specified for non-IPv4 gateway '%s' in route definition",
                net, r->family ? "IPv4" : "No", gateway);
        if (netmask) {
            int bits;

            if (!ip_parse(netmask, &m))
                return fail(error, VIR_ERR_XML_ERROR,
                            "network '%s': Bad netmask address '%s' in route definition", net,
                            netmask);
            if (m.family != AF_INET)
                return fail(
                    error, VIR_ERR_XML_ERROR,
                    "network '%s': Invalid netmask '%s' for address '%s' (both must be IPv4)", net,
                    netmask, address);
            if (r->has_prefix)
                return fail(
                    error, VIR_ERR_XML_ERROR,
                    "network '%s': Route definition cannot have both a prefix and a netmask", net);
            if ((bits = ip_netmask_prefix(&m)) < 0)
                return fail(error, VIR_ERR_XML_ERROR,
                            "network '%s': Bad netmask address '%s' in route definition", net,
                            netmask);
            r->netmask = ip_to_string(&m);
        }
        if (r->prefix > 32)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s': Invalid prefix %u specified in route definition, must be 0 - 32",
                net, r->prefix);
    } else if (strcmp(r->family, "ipv6") == 0) {
        if (a.family != AF_INET6)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s': ipv6 family specified for non-IPv6 address '%s' in route definition",
                net, address);
        if (netmask)
            return fail(error, VIR_ERR_XML_ERROR,
                        "network '%s': Specifying netmask invalid for IPv6 address '%s' in route "
                        "definition",
                        net, address);
        if (g.family != AF_INET6)
            return fail(error, VIR_ERR_XML_ERROR,
                        "network '%s': ipv6 specified for non-IPv6 gateway address '%s' in route "
                        "definition",
                        net, gateway);
        if (r->prefix > 128)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s': Invalid prefix %u specified in route definition, must be 0 - 128",
                net, r->prefix);
    } else {
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Unrecognized family '%s' in route definition", net, r->family);
    }
    prefix = r->netmask ? (unsigned int)ip_netmask_prefix(&m) : r->prefix;
    ip_mask(&a, prefix, &masked);
    if (!ip_equal(&a, &masked))
        return fail(error, VIR_ERR_XML_ERROR,
                    "network '%s': Address '%s' in route definition is not a network address", net,
                    address);
    r->address = ip_to_string(&a);
    r->gateway = ip_to_string(&g);
    return true;
}

/* ---- parsing: metadata and dnsmasq options -------------------------------- */

/* Drops whitespace-only text (as libvirt's non-blank parsing does), so the
 * pass-through XML is re-indented the same way every time it is written. */
static void
strip_blank_text(xmlNode *node)
{
    xmlNode *c = node->children;

    while (c) {
        xmlNode *next = c->next;

        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blank_text(c);
        }
        c = next;
    }
}

/* <metadata> keeps only elements in a namespace, the first per namespace
 * (libvirt's rule: each application owns one namespace). */
static char *
parse_metadata(xmlNode *node)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *)"1.0");
    g_autoptr(GPtrArray) seen = g_ptr_array_new();
    xmlNode *copy = xmlDocCopyNode(node, doc, 1);
    xmlNode *c;

    xmlDocSetRootElement(doc, copy);
    c = copy->children;
    while (c) {
        xmlNode *next = c->next;
        bool drop = c->type != XML_ELEMENT_NODE || !c->ns || !c->ns->href;

        for (guint i = 0; !drop && i < seen->len; i++) {
            if (xmlStrEqual(seen->pdata[i], c->ns->href))
                drop = true;
        }
        if (drop) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else {
            g_ptr_array_add(seen, (gpointer)c->ns->href);
            strip_blank_text(c);
        }
        c = next;
    }
    return xml_node_to_string(copy);
}

static bool
parse_dnsmasq_options(xmlNode *root, NetDef *def, GError **error)
{
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "options") != 0 ||
            !c->ns || !xmlStrEqual(c->ns->href, (const xmlChar *)NETDEF_DNSMASQ_NS))
            continue;
        for (xmlNode *o = c->children; o; o = o->next) {
            char *value;

            if (o->type != XML_ELEMENT_NODE || strcmp((const char *)o->name, "option") != 0 ||
                !o->ns || !xmlStrEqual(o->ns->href, (const xmlChar *)NETDEF_DNSMASQ_NS))
                continue;
            if (!(value = xml_prop(o, "value")))
                return fail(error, VIR_ERR_XML_ERROR, "No dnsmasq options value specified");
            g_ptr_array_add(def->dnsmasq_options, value);
        }
    }
    return true;
}

/* ---- parsing: <network> -------------------------------------------------- */

/* Text of the first child @name; NULL when absent or empty (as libvirt's
 * string() XPath: an empty element counts as missing). */
static char *
child_text_nonempty(const xmlNode *node, const char *name)
{
    char *t = xml_child_text(node, name);

    if (t && !*t)
        g_clear_pointer(&t, g_free);
    return t;
}

static bool
parse_bridge(const char *net, const xmlNode *node, NetDef *def, GError **error)
{
    g_autofree char *delay = xml_prop(node, "delay");
    g_autofree char *mtm = xml_prop(node, "macTableManager");
    XmlTristate stp = XML_TRISTATE_ABSENT;

    def->bridge = xml_prop(node, "name");
    def->bridge_zone = xml_prop(node, "zone");
    if (!xml_prop_onoff(node, "stp", &stp, Q, error))
        return false;
    def->stp_explicit = stp != XML_TRISTATE_ABSENT;
    def->stp = stp != XML_TRISTATE_NO;
    if (delay) {
        guint64 n;

        if (!g_ascii_string_to_unsigned(delay, 10, 0, G_MAXULONG, &n, NULL))
            return fail(error, VIR_ERR_XML_ERROR, "Invalid delay value in network '%s'", net);
        def->delay = (unsigned long)n;
    }
    if (mtm) {
        int m = table_lookup(mac_table_names, mtm);

        if (m <= 0)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid macTableManager setting '%s' in network '%s'", mtm, net);
        def->mac_table_manager = (NetMacTableManager)m;
    }
    return true;
}

static bool
parse_children(xmlNode *root, NetDef *def, GError **error)
{
    g_autoptr(GPtrArray) ips = xml_children(root, "ip");
    g_autoptr(GPtrArray) routes = xml_children(root, "route");
    g_autoptr(GPtrArray) pgs = xml_children(root, "portgroup");
    const char *net = def->name;
    xmlNode *c;

    if ((c = xml_child(root, "domain"))) {
        def->domain = xml_prop(c, "name");
        if (!prop_yesno(c, "localOnly", &def->domain_local_only, error) ||
            !prop_yesno(c, "register", &def->domain_register, error))
            return false;
    }
    if ((c = xml_child(root, "bandwidth")) && !parse_bandwidth(c, &def->bandwidth, error))
        return false;
    if ((c = xml_child(root, "vlan")) && !parse_vlan(c, &def->vlan, error))
        return false;
    if ((c = xml_child(root, "port")) && !prop_yesno(c, "isolated", &def->port_isolated, error))
        return false;
    if ((c = xml_child(root, "bridge")) && !parse_bridge(net, c, def, error))
        return false;
    if ((c = xml_child(root, "mac"))) {
        g_autofree char *mac = xml_prop(c, "address");

        if (mac) {
            if (!mac_parse(mac, &def->mac))
                return fail(error, VIR_ERR_XML_ERROR,
                            "Invalid bridge mac address '%s' in network '%s'", mac, net);
            def->mac_specified = true;
        }
    }
    if ((c = xml_child(root, "mtu"))) {
        g_autofree char *size = xml_prop(c, "size");
        guint64 n;

        if (size && !g_ascii_string_to_unsigned(size, 10, 0, G_MAXUINT, &n, NULL))
            return fail(error, VIR_ERR_XML_ERROR, "Invalid mtu size '%s' in network '%s'", size,
                        net);
        if (size)
            def->mtu = (unsigned int)n;
    }
    if ((c = xml_child(root, "dns")) && !parse_dns(net, c, &def->dns, error))
        return false;
    if ((c = xml_child(root, "virtualport")) &&
        !parse_virtualport(c, /* require_type = */ true, &def->virtualport, error))
        return false;
    for (guint i = 0; i < pgs->len; i++) {
        NetPortGroup *pg = netdef_parse_portgroup(pgs->pdata[i], error);

        if (!pg)
            return false;
        g_ptr_array_add(def->portgroups, pg);
    }
    for (guint i = 0; i < ips->len; i++) {
        if (!parse_ip(net, ips->pdata[i], def, error))
            return false;
    }
    for (guint i = 0; i < routes->len; i++) {
        if (!parse_route(net, routes->pdata[i], def, error))
            return false;
    }
    if ((c = xml_child(root, "forward")) && !parse_forward(net, c, def, error))
        return false;
    if ((c = xml_child(root, "metadata")))
        def->metadata = parse_metadata(c);
    return parse_dnsmasq_options(root, def, error);
}

static NetDef *
parse_doc(xmlDoc *doc, GError **error)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    g_autoptr(NetDef) def = netdef_new();
    g_autofree char *uuid = NULL;
    g_autofree char *ipv6 = NULL;

    if (!(def->name = child_text_nonempty(root, "name"))) {
        g_set_error_literal(error, Q, VIR_ERR_NO_NAME, "");
        return NULL;
    }
    if (strchr(def->name, '/')) {
        fail(error, VIR_ERR_XML_ERROR, "name '%s' cannot contain '/'", def->name);
        return NULL;
    }
    if (!(uuid = child_text_nonempty(root, "uuid"))) {
        uuid_generate(def->uuid);
    } else if (!uuid_parse(uuid, def->uuid)) {
        fail(error, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
        return NULL;
    }
    def->title = child_text_nonempty(root, "title");
    if (def->title && strchr(def->title, '\n')) {
        fail(error, VIR_ERR_XML_ERROR, "Network title can't contain newlines");
        return NULL;
    }
    def->description = child_text_nonempty(root, "description");
    if ((ipv6 = xml_prop(root, "ipv6"))) {
        if (strcmp(ipv6, "yes") != 0 && strcmp(ipv6, "no") != 0) {
            fail(error, VIR_ERR_XML_ERROR, "Invalid ipv6 setting '%s' in network '%s'", ipv6,
                 def->name);
            return NULL;
        }
        def->ipv6 = strcmp(ipv6, "yes") == 0;
    }
    if (!prop_yesno(root, "trustGuestRxFilters", &def->trust_guest_rx_filters, error))
        return NULL;
    if (!parse_children(root, def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static NetDef *
parse_string(const char *xml, unsigned int flags, bool validate, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(NetDef) def = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    if (!(doc = xml_parse_string(xml, "network_definition", "network", Q, error)))
        return NULL;
    if ((flags & NETDEF_PARSE_VALIDATE) && !xml_validate_schema(doc, "network.rng", Q, error))
        return NULL;
    if (!(def = parse_doc(doc, error)))
        return NULL;
    if (validate && !netdef_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

NetDef *
netdef_parse_string(const char *xml, unsigned int flags, GError **error)
{
    return parse_string(xml, flags, /* validate = */ true, error);
}

NetDef *
netdef_parse_string_novalidate(const char *xml, unsigned int flags, GError **error)
{
    return parse_string(xml, flags, /* validate = */ false, error);
}

/* ---- validation ------------------------------------------------------------ */

/* The kernel's dev_valid_name(), plus the length limit. '%' is allowed:
 * libvirt fills in templates such as "virbr%d". */
static bool
validate_bridge_name(const NetDef *def, GError **error)
{
    const char *b = def->bridge;

    if (!b)
        return true;
    if (strlen(b) > NET_IFNAME_MAX)
        return fail(error, VIR_ERR_XML_ERROR,
                    "bridge name '%s' in network '%s' is too long (maximum %d characters)", b,
                    def->name, NET_IFNAME_MAX);
    if (!*b || !strcmp(b, ".") || !strcmp(b, ".."))
        return fail(error, VIR_ERR_XML_ERROR, "invalid bridge name '%s' in network '%s'", b,
                    def->name);
    for (const char *p = b; *p; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || !g_ascii_isprint(*p))
            return fail(error, VIR_ERR_XML_ERROR,
                        "invalid bridge name '%s' in network '%s': it cannot contain '%c'", b,
                        def->name, *p);
    }
    return true;
}

static bool
validate_range(const NetDef *def, const NetIpDef *ip, const NetDhcpRange *r, GError **error)
{
    IpAddr net, s, e, netaddr, bcast;
    int c;

    if (!ip_parse(ip->address, &net) || !ip_parse(r->start, &s) || !ip_parse(r->end, &e))
        return fail(error, VIR_ERR_XML_ERROR, "invalid dhcp range '%s' - '%s' in network '%s'",
                    r->start, r->end, def->name);
    if (s.family != e.family)
        return fail(error, VIR_ERR_INTERNAL_ERROR, "mismatch of address family in range %s - %s",
                    r->start, r->end);
    if (s.family != net.family)
        return fail(error, VIR_ERR_INTERNAL_ERROR,
                    "mismatch of address family in range %s - %s for network %s", r->start, r->end,
                    ip->address);
    if (!ip_same_subnet(&s, &net, ip->prefix) || !ip_same_subnet(&e, &net, ip->prefix))
        return fail(error, VIR_ERR_INTERNAL_ERROR,
                    "range %s - %s is not entirely within network %s/%u", r->start, r->end,
                    ip->address, ip->prefix);
    if (s.family == AF_INET) {
        ip_mask(&net, ip->prefix, &netaddr);
        bcast = netaddr;
        for (unsigned int i = ip->prefix; i < 32; i++)
            bcast.b[i / 8] |= (unsigned char)(0x80 >> (i % 8));
        if (ip_equal(&s, &netaddr))
            return fail(error, VIR_ERR_INTERNAL_ERROR,
                        "start of range %s - %s in network %s/%u is the network address", r->start,
                        r->end, ip->address, ip->prefix);
        if (ip_equal(&e, &bcast))
            return fail(error, VIR_ERR_INTERNAL_ERROR,
                        "end of range %s - %s in network %s/%u is the broadcast address", r->start,
                        r->end, ip->address, ip->prefix);
    }
    /* ranges are limited to 65536 addresses: all but the last 16 bits agree */
    if (memcmp(s.b, e.b, ip_len(&s) - 2) != 0)
        return fail(error, VIR_ERR_INTERNAL_ERROR, "range %s - %s is too large (> 65535)", r->start,
                    r->end);
    c = memcmp(s.b, e.b, ip_len(&s));
    if (c > 0)
        return fail(error, VIR_ERR_INTERNAL_ERROR, "range %s - %s is reversed (start > end)",
                    r->start, r->end);
    return true;
}

static bool
validate_hosts(const NetDef *def, const NetIpDef *ip, GError **error)
{
    IpAddr net;

    if (!ip_parse(ip->address, &net))
        return fail(error, VIR_ERR_XML_ERROR, "Invalid address '%s' in network '%s'", ip->address,
                    def->name);
    for (guint i = 0; i < ip->hosts->len; i++) {
        const NetDhcpHost *h = ip->hosts->pdata[i];
        MacAddr mac;
        IpAddr a;

        if (h->mac) {
            if (!mac_parse(h->mac, &mac))
                return fail(error, VIR_ERR_XML_ERROR,
                            "Cannot parse MAC address '%s' in network '%s'", h->mac, def->name);
            if (mac_is_multicast(&mac))
                return fail(error, VIR_ERR_XML_ERROR,
                            "expected unicast mac address, found multicast '%s' in network '%s'",
                            h->mac, def->name);
        }
        if (!ip_parse(h->ip, &a))
            return fail(error, VIR_ERR_XML_ERROR,
                        "Invalid IP address in static host definition for network '%s'", def->name);
        if (!ip_same_subnet(&a, &net, ip->prefix))
            return fail(error, VIR_ERR_XML_ERROR,
                        "static host IP address '%s' is not within network %s/%u of network '%s'",
                        h->ip, ip->address, ip->prefix, def->name);
        for (guint j = 0; j < i; j++) {
            const NetDhcpHost *o = ip->hosts->pdata[j];
            MacAddr omac;
            IpAddr oa;

            if (h->mac && o->mac && mac_parse(o->mac, &omac) && mac_equal(&mac, &omac))
                return fail(error, VIR_ERR_XML_ERROR,
                            "duplicate static host MAC address '%s' in network '%s'", h->mac,
                            def->name);
            if (ip_parse(o->ip, &oa) && ip_equal(&a, &oa))
                return fail(error, VIR_ERR_XML_ERROR,
                            "duplicate static host IP address '%s' in network '%s'", h->ip,
                            def->name);
        }
    }
    return true;
}

static bool
validate_ips(const NetDef *def, GError **error)
{
    const NetIpDef *dhcp4 = NULL, *dhcp6 = NULL;

    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        if (!ip->address)
            return fail(error, VIR_ERR_XML_ERROR,
                        "Missing required address attribute in network '%s'", def->name);
        if (ip->prefix > (ip->family == AF_INET ? 32u : 128u))
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED, "Invalid %s prefix '%u' in network '%s'",
                        ip->family == AF_INET ? "IPv4" : "IPv6", ip->prefix, def->name);
        for (guint j = 0; j < ip->ranges->len; j++) {
            if (!validate_range(def, ip, ip->ranges->pdata[j], error))
                return false;
        }
        if (!validate_hosts(def, ip, error))
            return false;
        if (!netdef_ip_has_dhcp(ip))
            continue;
        if (ip->family == AF_INET) {
            if (dhcp4)
                return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                            "Multiple IPv4 dhcp sections found -- dhcp is supported only for a "
                            "single IPv4 address on each network");
            dhcp4 = ip;
        } else {
            if (dhcp6)
                return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                            "Multiple IPv6 dhcp sections found -- dhcp is supported only for a "
                            "single IPv6 address on each network");
            dhcp6 = ip;
        }
    }
    return true;
}

static bool
validate_routes(const NetDef *def, GError **error)
{
    for (guint i = 0; i < def->routes->len; i++) {
        const NetRoute *r = def->routes->pdata[i];
        bool reachable = false;
        IpAddr gw;

        if (!ip_parse(r->gateway, &gw))
            return fail(error, VIR_ERR_XML_ERROR,
                        "network '%s': Bad gateway address '%s' in route definition", def->name,
                        r->gateway);
        for (guint j = 0; j < def->ips->len && !reachable; j++) {
            const NetIpDef *ip = def->ips->pdata[j];
            IpAddr a;

            reachable = ip_parse(ip->address, &a) && ip_same_subnet(&a, &gw, ip->prefix);
        }
        if (!reachable)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "unreachable static route gateway '%s' specified for network '%s'",
                        r->gateway, def->name);
    }
    return true;
}

/* What libvirt checks between the forward mode and the rest. */
static bool
validate_forward(const NetDef *def, GError **error)
{
    const char *mode = net_forward_mode_to_string(def->forward_mode);
    const NetForward *fwd = &def->forward;
    bool has_pool = fwd->ifs->len > 0 || fwd->pf_dev;

    if (!mode)
        return fail(error, VIR_ERR_CONFIG_UNSUPPORTED, "unknown forwarding type %d",
                    (int)def->forward_mode);

    switch (def->forward_mode) {
    case NET_FORWARD_NONE:
        break;
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
    case NET_FORWARD_OPEN:
        if (def->ips->len == 0)
            return fail(error, VIR_ERR_XML_ERROR,
                        "%s forwarding requested, but no IP address provided for network '%s'",
                        mode, def->name);
        if (fwd->ifs->len > 1)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "multiple forwarding interfaces specified for network '%s', only one is supported",
                def->name);
        if (def->forward_mode == NET_FORWARD_OPEN && fwd->ifs->len)
            return fail(error, VIR_ERR_XML_ERROR,
                        "forward dev not allowed for network '%s' with forward mode='%s'",
                        def->name, mode);
        break;
    case NET_FORWARD_PRIVATE:
    case NET_FORWARD_VEPA:
    case NET_FORWARD_PASSTHROUGH:
    case NET_FORWARD_HOSTDEV:
        if (def->bridge)
            return fail(error, VIR_ERR_XML_ERROR,
                        "bridge name not allowed in %s mode (network '%s')", mode, def->name);
        if (def->bridge_zone)
            return fail(error, VIR_ERR_XML_ERROR,
                        "bridge zone not allowed in %s mode (network '%s')", mode, def->name);
        if (def->mac_table_manager != NET_MAC_TABLE_DEFAULT)
            return fail(error, VIR_ERR_XML_ERROR,
                        "bridge macTableManager setting not allowed in %s mode (network '%s')",
                        mode, def->name);
        if (!has_pool)
            return fail(error, VIR_ERR_XML_ERROR,
                        "network '%s' with forward mode='%s' needs a forward dev, a pool of <%s> "
                        "elements or a <pf>",
                        def->name, mode,
                        def->forward_mode == NET_FORWARD_HOSTDEV ? "address" : "interface");
        if (def->forward_mode != NET_FORWARD_HOSTDEV &&
            def->forward_mode != NET_FORWARD_PASSTHROUGH) {
            for (guint i = 0; i < fwd->ifs->len; i++) {
                const NetForwardIf *f = fwd->ifs->pdata[i];

                if (f->type != NET_FORWARD_IF_NETDEV)
                    return fail(error, VIR_ERR_XML_ERROR,
                                "PCI <address> pool not allowed in %s mode (network '%s')", mode,
                                def->name);
            }
        }
        G_GNUC_FALLTHROUGH;
    case NET_FORWARD_BRIDGE:
        if (def->delay || def->stp_explicit || def->bridge_zone)
            return fail(error, VIR_ERR_XML_ERROR,
                        "bridge delay/stp/zone options only allowed in route, nat, and isolated "
                        "mode, not in %s (network '%s')",
                        mode, def->name);
        if (def->bridge && has_pool)
            return fail(error, VIR_ERR_XML_ERROR,
                        "A network with forward mode='%s' can specify a bridge name or a forward "
                        "dev, but not both (network '%s')",
                        mode, def->name);
        if (def->forward_mode == NET_FORWARD_BRIDGE && !def->bridge && !has_pool)
            return fail(
                error, VIR_ERR_XML_ERROR,
                "network '%s' with forward mode='bridge' needs a bridge name or a forward dev",
                def->name);
        if (def->mtu)
            return fail(error, VIR_ERR_XML_ERROR,
                        "mtu size only allowed in open, route, nat, and isolated mode, not in %s "
                        "(network '%s')",
                        mode, def->name);
        /* the host bridge or device is someone else's: no addresses or DNS of ours */
        if (def->ips->len)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Unsupported <ip> element in network %s with forward mode='%s'", def->name,
                        mode);
        if (def->domain)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Unsupported <domain> element in network %s with forward mode='%s'",
                        def->name, mode);
        if (def->dns.forwarders->len || def->dns.txts->len || def->dns.srvs->len ||
            def->dns.hosts->len)
            return fail(error, VIR_ERR_CONFIG_UNSUPPORTED,
                        "Unsupported <dns> element in network %s with forward mode='%s'", def->name,
                        mode);
        break;
    case NET_FORWARD_LAST:
    default:
        return fail(error, VIR_ERR_CONFIG_UNSUPPORTED, "unknown forwarding type %d",
                    (int)def->forward_mode);
    }
    return true;
}

bool
netdef_validate(const NetDef *def, GError **error)
{
    const NetPortGroup *default_pg = NULL;

    if (!def->name || !*def->name) {
        g_set_error_literal(error, Q, VIR_ERR_NO_NAME, "");
        return false;
    }
    if (strchr(def->name, '/'))
        return fail(error, VIR_ERR_XML_ERROR, "name '%s' cannot contain '/'", def->name);
    if (!validate_bridge_name(def, error))
        return false;
    if (def->mac_specified && mac_is_multicast(&def->mac)) {
        char mac[MAC_STRING_LEN];

        mac_format(&def->mac, mac);
        return fail(error, VIR_ERR_XML_ERROR,
                    "Invalid multicast bridge mac address '%s' in network '%s'", mac, def->name);
    }
    if (!validate_forward(def, error) || !validate_ips(def, error) || !validate_routes(def, error))
        return false;
    for (guint i = 0; i < def->portgroups->len; i++) {
        const NetPortGroup *pg = def->portgroups->pdata[i];

        if (!pg->is_default)
            continue;
        if (default_pg)
            return fail(error, VIR_ERR_XML_ERROR,
                        "network '%s' has multiple default <portgroup> elements (%s and %s), but "
                        "only one default is allowed",
                        def->name, default_pg->name, pg->name);
        default_pg = pg;
    }
    return true;
}

/* ---- formatting ------------------------------------------------------------ */

static void
esc(GString *s, const char *v)
{
    for (; *v; v++) {
        switch (*v) {
        case '<':
            g_string_append(s, "&lt;");
            break;
        case '>':
            g_string_append(s, "&gt;");
            break;
        case '&':
            g_string_append(s, "&amp;");
            break;
        case '\'':
            g_string_append(s, "&apos;");
            break;
        case '"':
            g_string_append(s, "&quot;");
            break;
        default:
            g_string_append_c(s, *v);
        }
    }
}

/* <name>text</name> on its own line; the text is written untouched (no
 * indentation inside it, so multi-line descriptions survive round trips). */
static void
fmt_text_element(Buf *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf->str, "%*s<%s>", buf->indent, "", name);
    esc(buf->str, value);
    g_string_append_printf(buf->str, "</%s>\n", name);
}

static void
fmt_metadata(Buf *buf, const char *metadata)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlBuffer *xbuf;
    int saved_indent = xmlIndentTreeOutput;

    if (!metadata)
        return;
    doc = xmlReadMemory(metadata, (int)strlen(metadata), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (!doc)
        return; /* we serialised it ourselves: cannot happen */
    xbuf = xmlBufferCreate();
    xmlIndentTreeOutput = 1;
    xmlNodeDump(xbuf, doc, xmlDocGetRootElement(doc), buf->indent / 2, 1);
    xmlIndentTreeOutput = saved_indent;
    g_string_append_printf(buf->str, "%*s%s\n", buf->indent, "",
                           (const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
}

static void
fmt_forward(Buf *buf, const NetDef *def, unsigned int flags)
{
    const NetForward *fwd = &def->forward;
    const char *dev = fwd->pf_dev ? NULL : netdef_forward_dev(def);
    bool has_nat = def->forward_mode == NET_FORWARD_NAT &&
                   (fwd->nat_start || fwd->nat_end || fwd->nat_port_start || fwd->nat_port_end ||
                    fwd->nat_ipv6);
    bool show_ifs = fwd->ifs->len && (!fwd->pf_dev || !(flags & NETDEF_FORMAT_INACTIVE));
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) kids = buf_new_child(buf);

    if (def->forward_mode == NET_FORWARD_NONE)
        return;
    if (dev)
        buf_add_attr(attrs, "dev", "%s", dev);
    buf_add_attr(attrs, "mode", "%s", net_forward_mode_to_string(def->forward_mode));
    if (def->forward_mode == NET_FORWARD_HOSTDEV)
        buf_add_attr(attrs, "managed", "%s", fwd->managed ? "yes" : "no");

    if (fwd->driver != NET_FORWARD_DRIVER_DEFAULT)
        buf_addf(kids, "<driver name='%s'/>\n", forward_driver_names[fwd->driver]);
    if (has_nat) {
        g_autoptr(Buf) nattrs = buf_new();
        g_autoptr(Buf) nkids = buf_new_child(kids);

        if (fwd->nat_ipv6)
            buf_add_attr(nattrs, "ipv6", "%s", xml_tristate_yesno(fwd->nat_ipv6));
        if (fwd->nat_start) {
            buf_addf(nkids, "<address start='%s'", fwd->nat_start);
            if (fwd->nat_end)
                buf_add_attr(nkids, "end", "%s", fwd->nat_end);
            buf_add(nkids, "/>\n");
        }
        if (fwd->nat_port_start || fwd->nat_port_end) {
            buf_addf(nkids, "<port start='%u'", fwd->nat_port_start);
            if (fwd->nat_port_end)
                buf_add_attr(nkids, "end", "%u", fwd->nat_port_end);
            buf_add(nkids, "/>\n");
        }
        buf_add_element(kids, "nat", nattrs, nkids);
    }
    if (fwd->pf_dev) {
        buf_addf(kids, "<pf");
        buf_add_attr(kids, "dev", "%s", fwd->pf_dev);
        buf_add(kids, "/>\n");
    }
    for (guint i = 0; show_ifs && i < fwd->ifs->len; i++) {
        const NetForwardIf *f = fwd->ifs->pdata[i];

        if (f->type == NET_FORWARD_IF_NETDEV) {
            buf_addf(kids, "<interface");
            buf_add_attr(kids, "dev", "%s", f->dev);
            buf_add(kids, "/>\n");
        } else {
            buf_addf(kids,
                     "<address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                     "function='0x%x'/>\n",
                     f->pci.domain, f->pci.bus, f->pci.slot, f->pci.function);
        }
    }
    buf_add_element(buf, "forward", attrs, kids);
}

static void
fmt_bridge(Buf *buf, const NetDef *def)
{
    bool ours = def->forward_mode == NET_FORWARD_NONE || def->forward_mode == NET_FORWARD_NAT ||
                def->forward_mode == NET_FORWARD_ROUTE || def->forward_mode == NET_FORWARD_OPEN;

    if (!ours && !def->bridge && def->mac_table_manager == NET_MAC_TABLE_DEFAULT)
        return;
    buf_addf(buf, "<bridge");
    if (def->bridge)
        buf_add_attr(buf, "name", "%s", def->bridge);
    if (def->bridge_zone)
        buf_add_attr(buf, "zone", "%s", def->bridge_zone);
    /* stp and delay are ours to set only on a bridge we create */
    if (ours)
        buf_add(buf, def->stp ? " stp='on'" : " stp='off'");
    if (ours)
        buf_add_attr(buf, "delay", "%lu", def->delay);
    if (def->mac_table_manager != NET_MAC_TABLE_DEFAULT)
        buf_add_attr(buf, "macTableManager", "%s", mac_table_names[def->mac_table_manager]);
    buf_add(buf, "/>\n");
}

static void
fmt_dns(Buf *buf, const NetDns *dns)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) kids = buf_new_child(buf);

    if (dns->enable)
        buf_add_attr(attrs, "enable", "%s", xml_tristate_yesno(dns->enable));
    if (dns->forward_plain_names)
        buf_add_attr(attrs, "forwardPlainNames", "%s",
                     xml_tristate_yesno(dns->forward_plain_names));
    for (guint i = 0; i < dns->forwarders->len; i++) {
        const NetDnsForwarder *f = dns->forwarders->pdata[i];

        buf_addf(kids, "<forwarder");
        if (f->domain)
            buf_add_attr(kids, "domain", "%s", f->domain);
        if (f->addr)
            buf_add_attr(kids, "addr", "%s", f->addr);
        buf_add(kids, "/>\n");
    }
    for (guint i = 0; i < dns->txts->len; i++) {
        const NetDnsTxt *t = dns->txts->pdata[i];

        buf_addf(kids, "<txt");
        buf_add_attr(kids, "name", "%s", t->name);
        buf_add_attr(kids, "value", "%s", t->value);
        buf_add(kids, "/>\n");
    }
    for (guint i = 0; i < dns->srvs->len; i++) {
        const NetDnsSrv *s = dns->srvs->pdata[i];

        buf_addf(kids, "<srv");
        buf_add_attr(kids, "service", "%s", s->service);
        buf_add_attr(kids, "protocol", "%s", s->protocol);
        if (s->domain)
            buf_add_attr(kids, "domain", "%s", s->domain);
        if (s->target)
            buf_add_attr(kids, "target", "%s", s->target);
        if (s->port)
            buf_add_attr(kids, "port", "%u", s->port);
        if (s->priority)
            buf_add_attr(kids, "priority", "%u", s->priority);
        if (s->weight)
            buf_add_attr(kids, "weight", "%u", s->weight);
        buf_add(kids, "/>\n");
    }
    for (guint i = 0; i < dns->hosts->len; i++) {
        const NetDnsHost *h = dns->hosts->pdata[i];

        buf_addf(kids, "<host");
        buf_add_attr(kids, "ip", "%s", h->ip);
        buf_add(kids, ">\n");
        buf_adjust_indent(kids, 2);
        for (guint j = 0; j < h->names->len; j++)
            fmt_text_element(kids, "hostname", h->names->pdata[j]);
        buf_adjust_indent(kids, -2);
        buf_addf(kids, "</host>\n");
    }
    if (buf_is_empty(attrs) && buf_is_empty(kids))
        return;
    buf_add_element(buf, "dns", attrs, kids);
}

static void
fmt_vlan(Buf *buf, const NetVlan *vlan)
{
    if (!vlan->tags || vlan->tags->len == 0)
        return;
    buf_addf(buf, "<vlan%s>\n", vlan->trunk ? " trunk='yes'" : "");
    buf_adjust_indent(buf, 2);
    for (guint i = 0; i < vlan->tags->len; i++) {
        unsigned int id = g_array_index(vlan->tags, unsigned int, i);

        if (vlan->native_mode != NET_VLAN_NATIVE_DEFAULT && vlan->native_tag == id)
            buf_addf(buf, "<tag id='%u' nativeMode='%s'/>\n", id,
                     vlan_native_names[vlan->native_mode]);
        else
            buf_addf(buf, "<tag id='%u'/>\n", id);
    }
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</vlan>\n");
}

static void
fmt_rate(Buf *buf, const char *name, const NetBandwidthRate *r)
{
    if (!r || (!r->average && !r->floor))
        return;
    buf_addf(buf, "<%s", name);
    if (r->average)
        buf_add_attr(buf, "average", "%llu", r->average);
    if (r->peak)
        buf_add_attr(buf, "peak", "%llu", r->peak);
    if (r->floor)
        buf_add_attr(buf, "floor", "%llu", r->floor);
    if (r->burst)
        buf_add_attr(buf, "burst", "%llu", r->burst);
    buf_add(buf, "/>\n");
}

static void
fmt_bandwidth(Buf *buf, const NetBandwidth *bw)
{
    if (!bw)
        return;
    buf_addf(buf, "<bandwidth>\n");
    buf_adjust_indent(buf, 2);
    fmt_rate(buf, "inbound", bw->in);
    fmt_rate(buf, "outbound", bw->out);
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</bandwidth>\n");
}

static void
fmt_virtualport(Buf *buf, const NetVirtPort *vp)
{
    char uuid[UUID_STRING_LEN];
    NetVirtPortType t;
    bool none;

    if (!vp)
        return;
    t = vp->type;
    none = !(vp->manager_id_set || vp->type_id_set || vp->type_id_version_set ||
             vp->instance_id_set || vp->profile_id || vp->interface_id_set);
    if (t == NET_VPORT_NONE) {
        if (none)
            return;
        buf_addf(buf, "<virtualport>\n");
    } else if (none) {
        buf_addf(buf, "<virtualport type='%s'/>\n", vport_names[t]);
        return;
    } else {
        buf_addf(buf, "<virtualport type='%s'>\n", vport_names[t]);
    }
    buf_adjust_indent(buf, 2);
    buf_addf(buf, "<parameters");
    if (vp->manager_id_set && vport_attr_allowed(t, "managerid"))
        buf_add_attr(buf, "managerid", "%u", vp->manager_id);
    if (vp->type_id_set && vport_attr_allowed(t, "typeid"))
        buf_add_attr(buf, "typeid", "%u", vp->type_id);
    if (vp->type_id_version_set && vport_attr_allowed(t, "typeidversion"))
        buf_add_attr(buf, "typeidversion", "%u", vp->type_id_version);
    if (vp->instance_id_set && vport_attr_allowed(t, "instanceid")) {
        uuid_format(vp->instance_id, uuid);
        buf_add_attr(buf, "instanceid", "%s", uuid);
    }
    if (vp->interface_id_set && vport_attr_allowed(t, "interfaceid")) {
        uuid_format(vp->interface_id, uuid);
        buf_add_attr(buf, "interfaceid", "%s", uuid);
    }
    if (vp->profile_id && vport_attr_allowed(t, "profileid"))
        buf_add_attr(buf, "profileid", "%s", vp->profile_id);
    buf_add(buf, "/>\n");
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</virtualport>\n");
}

static void
fmt_lease(Buf *buf, const char *element, const NetDhcpLease *lease)
{
    if (!lease->present) {
        buf_add(buf, "/>\n");
        return;
    }
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    if (!lease->expiry)
        buf_addf(buf, "<lease expiry='0'/>\n");
    else
        buf_addf(buf, "<lease expiry='%llu' unit='%s'/>\n", lease->expiry,
                 lease_unit_names[lease->unit]);
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</%s>\n", element);
}

static void
fmt_ip(Buf *buf, const NetIpDef *ip)
{
    buf_addf(buf, "<ip");
    if (ip->family_explicit)
        buf_add_attr(buf, "family", "%s", ip->family == AF_INET6 ? "ipv6" : "ipv4");
    buf_add_attr(buf, "address", "%s", ip->address);
    if (ip->netmask)
        buf_add_attr(buf, "netmask", "%s", ip->netmask);
    if (ip->prefix_explicit)
        buf_add_attr(buf, "prefix", "%u", ip->prefix);
    if (ip->local_ptr)
        buf_add_attr(buf, "localPtr", "%s", xml_tristate_yesno(ip->local_ptr));
    /* libvirt always writes <ip> open and closed, even when empty */
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    if (ip->tftp_root) {
        buf_addf(buf, "<tftp");
        buf_add_attr(buf, "root", "%s", ip->tftp_root);
        buf_add(buf, "/>\n");
    }
    if (netdef_ip_has_dhcp(ip)) {
        buf_addf(buf, "<dhcp>\n");
        buf_adjust_indent(buf, 2);
        for (guint i = 0; i < ip->ranges->len; i++) {
            const NetDhcpRange *r = ip->ranges->pdata[i];

            buf_addf(buf, "<range start='%s' end='%s'", r->start, r->end);
            fmt_lease(buf, "range", &r->lease);
        }
        for (guint i = 0; i < ip->hosts->len; i++) {
            const NetDhcpHost *h = ip->hosts->pdata[i];

            buf_addf(buf, "<host");
            if (h->mac)
                buf_add_attr(buf, "mac", "%s", h->mac);
            if (h->id)
                buf_add_attr(buf, "id", "%s", h->id);
            if (h->name)
                buf_add_attr(buf, "name", "%s", h->name);
            if (h->ip)
                buf_add_attr(buf, "ip", "%s", h->ip);
            fmt_lease(buf, "host", &h->lease);
        }
        if (ip->bootp_file) {
            buf_addf(buf, "<bootp");
            buf_add_attr(buf, "file", "%s", ip->bootp_file);
            if (ip->bootp_server)
                buf_add_attr(buf, "server", "%s", ip->bootp_server);
            buf_add(buf, "/>\n");
        }
        buf_adjust_indent(buf, -2);
        buf_addf(buf, "</dhcp>\n");
    }
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</ip>\n");
}

static void
fmt_route(Buf *buf, const NetRoute *r)
{
    buf_addf(buf, "<route");
    if (r->family)
        buf_add_attr(buf, "family", "%s", r->family);
    buf_add_attr(buf, "address", "%s", r->address);
    if (r->netmask)
        buf_add_attr(buf, "netmask", "%s", r->netmask);
    if (r->has_prefix)
        buf_add_attr(buf, "prefix", "%u", r->prefix);
    buf_add_attr(buf, "gateway", "%s", r->gateway);
    if (r->has_metric && r->metric > 0)
        buf_add_attr(buf, "metric", "%u", r->metric);
    buf_add(buf, "/>\n");
}

static void
fmt_portgroup(Buf *buf, const NetPortGroup *pg)
{
    buf_addf(buf, "<portgroup");
    buf_add_attr(buf, "name", "%s", pg->name);
    if (pg->is_default)
        buf_add(buf, " default='yes'");
    if (pg->trust_guest_rx_filters)
        buf_add_attr(buf, "trustGuestRxFilters", "%s",
                     xml_tristate_yesno(pg->trust_guest_rx_filters));
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    fmt_vlan(buf, &pg->vlan);
    fmt_virtualport(buf, pg->virtualport);
    fmt_bandwidth(buf, pg->bandwidth);
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</portgroup>\n");
}

char *
netdef_format(const NetDef *def, unsigned int flags, GError **error)
{
    g_autoptr(Buf) buf = buf_new();
    char uuid[UUID_STRING_LEN];

    if (!def->name || !net_forward_mode_to_string(def->forward_mode)) {
        g_set_error(error, Q, VIR_ERR_INTERNAL_ERROR, "cannot format an incomplete network");
        return NULL;
    }
    buf_addf(buf, "<network");
    if (def->dnsmasq_options->len)
        buf_add_attr(buf, "xmlns:dnsmasq", "%s", NETDEF_DNSMASQ_NS);
    if (def->ipv6)
        buf_add(buf, " ipv6='yes'");
    if (def->trust_guest_rx_filters)
        buf_add_attr(buf, "trustGuestRxFilters", "%s",
                     xml_tristate_yesno(def->trust_guest_rx_filters));
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);

    fmt_text_element(buf, "name", def->name);
    uuid_format(def->uuid, uuid);
    buf_addf(buf, "<uuid>%s</uuid>\n", uuid);
    fmt_text_element(buf, "title", def->title);
    fmt_text_element(buf, "description", def->description);
    fmt_metadata(buf, def->metadata);
    fmt_forward(buf, def, flags);
    fmt_bridge(buf, def);
    if (def->mtu)
        buf_addf(buf, "<mtu size='%u'/>\n", def->mtu);
    if (def->mac_specified) {
        char mac[MAC_STRING_LEN];

        mac_format(&def->mac, mac);
        buf_addf(buf, "<mac address='%s'/>\n", mac);
    }
    if (def->domain) {
        buf_addf(buf, "<domain");
        buf_add_attr(buf, "name", "%s", def->domain);
        if (def->domain_local_only)
            buf_add_attr(buf, "localOnly", "%s", xml_tristate_yesno(def->domain_local_only));
        if (def->domain_register)
            buf_add_attr(buf, "register", "%s", xml_tristate_yesno(def->domain_register));
        buf_add(buf, "/>\n");
    }
    fmt_dns(buf, &def->dns);
    fmt_vlan(buf, &def->vlan);
    fmt_bandwidth(buf, def->bandwidth);
    if (def->port_isolated)
        buf_addf(buf, "<port isolated='%s'/>\n", xml_tristate_yesno(def->port_isolated));
    for (guint i = 0; i < def->ips->len; i++)
        fmt_ip(buf, def->ips->pdata[i]);
    for (guint i = 0; i < def->routes->len; i++)
        fmt_route(buf, def->routes->pdata[i]);
    fmt_virtualport(buf, def->virtualport);
    for (guint i = 0; i < def->portgroups->len; i++)
        fmt_portgroup(buf, def->portgroups->pdata[i]);
    if (def->dnsmasq_options->len) {
        buf_addf(buf, "<dnsmasq:options>\n");
        buf_adjust_indent(buf, 2);
        for (guint i = 0; i < def->dnsmasq_options->len; i++) {
            buf_addf(buf, "<dnsmasq:option");
            buf_add_attr(buf, "value", "%s", (const char *)def->dnsmasq_options->pdata[i]);
            buf_add(buf, "/>\n");
        }
        buf_adjust_indent(buf, -2);
        buf_addf(buf, "</dnsmasq:options>\n");
    }
    buf_adjust_indent(buf, -2);
    buf_addf(buf, "</network>\n");
    return buf_steal(buf);
}

/* ---- the rest of the API ------------------------------------------------------ */

NetDef *
netdef_copy(const NetDef *def)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) error = NULL;
    NetDef *copy;

    /* a format/parse cycle copies everything, metadata included */
    if (!(xml = netdef_format(def, 0, &error)))
        return NULL;
    if (!(copy = netdef_parse_string_novalidate(xml, 0, &error)))
        return NULL;
    memcpy(copy->uuid, def->uuid, UUID_LEN);
    return copy;
}

const char *
netdef_forward_dev(const NetDef *def)
{
    const NetForwardIf *f;

    if (!def->forward.ifs || def->forward.ifs->len == 0)
        return NULL;
    f = def->forward.ifs->pdata[0];
    return f->type == NET_FORWARD_IF_NETDEV ? f->dev : NULL;
}

const NetIpDef *
netdef_get_ip(const NetDef *def, int family, unsigned int n)
{
    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        if (family != AF_UNSPEC && ip->family != family)
            continue;
        if (n-- == 0)
            return ip;
    }
    return NULL;
}

bool
netdef_ip_has_dhcp(const NetIpDef *ip)
{
    return (ip->ranges && ip->ranges->len) || (ip->hosts && ip->hosts->len);
}
