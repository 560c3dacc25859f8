/*
 * dnsmasq-conf.c: network definition -> dnsmasq configuration (pure)
 *
 * The option order follows what libvirt 9.0 writes for the same network,
 * so a config diff between libvirtd and virtnoded shows only the options
 * virtnode adds on purpose (no-hosts, the explicit router, the lease
 * database and script, <dnsmasq:options>).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "conf/xmlutil.h"
#include "net/dnsmasq-conf.h"
#include "util/error.h"

void
dnsmasq_conf_free(DnsmasqConf *conf)
{
    if (!conf)
        return;
    g_free(conf->conf);
    g_free(conf->hostsfile);
    g_free(conf->addnhosts);
    g_free(conf);
}

/* Forward modes whose network has a bridge of ours with addresses on it. */
static bool
conf_mode_runs_dnsmasq(NetForwardMode mode)
{
    switch (mode) {
    case NET_FORWARD_NONE:
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
    case NET_FORWARD_OPEN:
        return true;
    case NET_FORWARD_BRIDGE:
    case NET_FORWARD_PRIVATE:
    case NET_FORWARD_VEPA:
    case NET_FORWARD_PASSTHROUGH:
    case NET_FORWARD_HOSTDEV:
    case NET_FORWARD_LAST:
        break;
    }
    return false;
}

bool
dnsmasq_conf_needed(const NetDef *def)
{
    bool serve = def->dns.enable != XML_TRISTATE_NO;

    if (!conf_mode_runs_dnsmasq(def->forward_mode) || !def->ips || def->ips->len == 0)
        return false;
    for (guint i = 0; i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        /* IPv6 addresses are announced (RA) even without DHCP */
        if (netdef_ip_has_dhcp(ip) || ip->family == AF_INET6)
            serve = true;
    }
    return serve;
}

long long
dnsmasq_range_size(const char *start, const char *end)
{
    unsigned char a[16], b[16];
    int family = strchr(start, ':') ? AF_INET6 : AF_INET;
    size_t len = family == AF_INET6 ? 16 : 4;
    long long size = 0;
    int cmp;

    if (inet_pton(family, start, a) != 1 || inet_pton(family, end, b) != 1)
        return -1;
    if ((cmp = memcmp(a, b, len)) > 0)
        return -1;
    /* big-endian subtraction, saturating */
    for (size_t i = 0; i < len; i++) {
        size = size * 256 + ((int)b[i] - (int)a[i]);
        if (size > G_MAXINT)
            return G_MAXINT;
        if (size < -(long long)G_MAXINT)
            return -1;
    }
    return size + 1 > G_MAXINT ? G_MAXINT : size + 1;
}

/* dnsmasq reads one option per line and splits host lines at commas: a
 * value from the definition must not smuggle in another option. */
static bool
conf_check_value(const NetDef *def, const char *what, const char *value, const char *forbidden,
                 GError **error)
{
    if (strpbrk(value, "\r\n") || (forbidden && strpbrk(value, forbidden))) {
        g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "network '%s': %s '%s' cannot be written to dnsmasq's configuration", def->name,
                    what, value);
        return false;
    }
    return true;
}

static char *
conf_netmask(unsigned int prefix)
{
    struct in_addr mask;
    char text[INET_ADDRSTRLEN];

    mask.s_addr = htonl(prefix == 0 ? 0 : 0xffffffffu << (32 - MIN(prefix, 32u)));
    inet_ntop(AF_INET, &mask, text, sizeof(text));
    return g_strdup(text);
}

/* "local=/DOMAIN/" for reverse lookups of @ip's subnet: only whole octets
 * (IPv4) or nibbles (IPv6) make a reverse zone. */
static bool
conf_add_ptr(GString *out, const NetDef *def, const NetIpDef *ip, GError **error)
{
    unsigned char addr[16];
    g_autoptr(GString) ptr = g_string_new(NULL);

    if (inet_pton(ip->family, ip->address, addr) != 1) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s': invalid address '%s'",
                    def->name, ip->address);
        return false;
    }
    if (ip->family == AF_INET) {
        if (ip->prefix == 0 || ip->prefix % 8 != 0 || ip->prefix > 24)
            goto unsupported;
        for (int i = (int)ip->prefix / 8 - 1; i >= 0; i--)
            g_string_append_printf(ptr, "%u.", addr[i]);
        g_string_append(ptr, "in-addr.arpa");
    } else {
        if (ip->prefix == 0 || ip->prefix % 4 != 0 || ip->prefix > 124)
            goto unsupported;
        for (int n = (int)ip->prefix / 4 - 1; n >= 0; n--) {
            unsigned nibble = n % 2 ? addr[n / 2] & 0xf : addr[n / 2] >> 4;

            g_string_append_printf(ptr, "%x.", nibble);
        }
        g_string_append(ptr, "ip6.arpa");
    }
    g_string_append_printf(out, "local=/%s/\n", ptr->str);
    return true;

unsupported:
    g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                "PTR domain for %s network with prefix %u cannot be automatically created",
                ip->family == AF_INET ? "IPv4" : "IPv6", ip->prefix);
    return false;
}

/* ",LEASE" in dnsmasq's units (libvirt's minutes are the default unit);
 * empty when the definition gives no lease time. */
static void
conf_add_lease(GString *out, const NetDhcpLease *lease)
{
    static const char unit_suffix[NET_LEASE_UNIT_LAST] = {
        [NET_LEASE_UNIT_SECONDS] = 's',
        [NET_LEASE_UNIT_MINUTES] = 'm',
        [NET_LEASE_UNIT_HOURS] = 'h',
    };

    if (!lease->present)
        return;
    if (lease->expiry == 0)
        g_string_append(out, ",infinite");
    else
        g_string_append_printf(out, ",%llu%c", lease->expiry,
                               lease->unit < NET_LEASE_UNIT_LAST ? unit_suffix[lease->unit] : 'm');
}

static bool
conf_dhcp_hosts(GString *hosts, GString *addn, const NetDef *def, const NetIpDef *ip,
                GError **error)
{
    bool v6 = ip->family == AF_INET6;

    for (guint i = 0; i < ip->hosts->len; i++) {
        const NetDhcpHost *h = ip->hosts->pdata[i];
        const char *fields[3] = { NULL, NULL, NULL };
        g_autofree char *id = NULL, *addr = NULL;
        size_t n = 0;

        if (!h->ip)
            continue;
        if (h->name && !conf_check_value(def, "DHCP host name", h->name, ", \t#", error))
            return false;
        if (h->id && !conf_check_value(def, "DHCP host id", h->id, ", \t", error))
            return false;
        if (v6) {
            /* dnsmasq matches DHCPv6 clients by DUID ("id:") or name */
            if (h->id)
                fields[n++] = id = g_strdup_printf("id:%s", h->id);
            else if (h->mac)
                fields[n++] = h->mac;
            if (h->name)
                fields[n++] = h->name;
            fields[n++] = addr = g_strdup_printf("[%s]", h->ip);
            /* named DHCPv6 hosts get their name in DNS from the start */
            if (h->name)
                g_string_append_printf(addn, "%s\t%s\n", h->ip, h->name);
        } else {
            if (h->mac)
                fields[n++] = h->mac;
            else if (h->name)
                fields[n++] = h->name;
            fields[n++] = h->ip;
            if (h->mac && h->name)
                fields[n++] = h->name;
        }
        for (size_t k = 0; k < n; k++)
            g_string_append_printf(hosts, "%s%s", k ? "," : "", fields[k]);
        conf_add_lease(hosts, &h->lease);
        g_string_append_c(hosts, '\n');
    }
    return true;
}

/* The DHCP part of one <ip>; *nleases accumulates the range sizes. */
static bool
conf_dhcp(GString *out, GString *hosts, GString *addn, const NetDef *def, const NetIpDef *ip,
          long long *nleases, GError **error)
{
    bool v4 = ip->family == AF_INET;
    g_autofree char *mask = v4 ? conf_netmask(ip->prefix) : NULL;

    for (guint i = 0; i < ip->ranges->len; i++) {
        const NetDhcpRange *r = ip->ranges->pdata[i];
        long long size = dnsmasq_range_size(r->start, r->end);

        if (size < 0) {
            g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "network '%s': invalid dhcp range '%s' - '%s'", def->name, r->start,
                        r->end);
            return false;
        }
        if (v4)
            g_string_append_printf(out, "dhcp-range=%s,%s,%s", r->start, r->end, mask);
        else
            g_string_append_printf(out, "dhcp-range=%s,%s,%u", r->start, r->end, ip->prefix);
        conf_add_lease(out, &r->lease);
        g_string_append_c(out, '\n');
        *nleases = MIN(*nleases + size, (long long)G_MAXINT);
    }
    /* static hosts only: a "static" range switches the DHCP service on */
    if (ip->ranges->len == 0 && ip->hosts->len > 0) {
        if (v4)
            g_string_append_printf(out, "dhcp-range=%s,static,%s\n", ip->address, mask);
        else
            g_string_append_printf(out, "dhcp-range=%s,static,%u\n", ip->address, ip->prefix);
    }
    if (!conf_dhcp_hosts(hosts, addn, def, ip, error))
        return false;
    if (!v4)
        return true;

    switch (def->forward_mode) {
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
    case NET_FORWARD_OPEN:
        g_string_append_printf(out, "dhcp-option=option:router,%s\n", ip->address);
        break;
    case NET_FORWARD_NONE: /* isolated: the empty router option was written above */
    case NET_FORWARD_BRIDGE:
    case NET_FORWARD_PRIVATE:
    case NET_FORWARD_VEPA:
    case NET_FORWARD_PASSTHROUGH:
    case NET_FORWARD_HOSTDEV:
    case NET_FORWARD_LAST:
        break;
    }
    g_string_append(out, "dhcp-no-override\n"
                         "dhcp-authoritative\n");
    if (ip->tftp_root) {
        if (!conf_check_value(def, "TFTP root", ip->tftp_root, NULL, error))
            return false;
        g_string_append_printf(out, "enable-tftp\ntftp-root=%s\n", ip->tftp_root);
    }
    if (ip->bootp_file) {
        if (!conf_check_value(def, "bootp file", ip->bootp_file, ",", error))
            return false;
        if (ip->bootp_server)
            g_string_append_printf(out, "dhcp-boot=%s,,%s\n", ip->bootp_file, ip->bootp_server);
        else
            g_string_append_printf(out, "dhcp-boot=%s\n", ip->bootp_file);
    }
    return true;
}

static bool
conf_dns_records(GString *out, const NetDef *def, GError **error)
{
    const NetDns *dns = &def->dns;

    for (guint i = 0; dns->txts && i < dns->txts->len; i++) {
        const NetDnsTxt *t = dns->txts->pdata[i];

        if (!conf_check_value(def, "TXT record", t->name, ",", error) ||
            !conf_check_value(def, "TXT record", t->value, NULL, error))
            return false;
        g_string_append_printf(out, "txt-record=%s,%s\n", t->name, t->value);
    }
    for (guint i = 0; dns->srvs && i < dns->srvs->len; i++) {
        const NetDnsSrv *s = dns->srvs->pdata[i];

        if (!s->service || !s->protocol) {
            g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "network '%s': SRV record without service or protocol", def->name);
            return false;
        }
        if (!conf_check_value(def, "SRV record", s->service, ",", error) ||
            !conf_check_value(def, "SRV record", s->protocol, ",", error) ||
            (s->domain && !conf_check_value(def, "SRV domain", s->domain, ",", error)) ||
            (s->target && !conf_check_value(def, "SRV target", s->target, ",", error)))
            return false;
        g_string_append_printf(out, "srv-host=_%s._%s", s->service, s->protocol);
        if (s->domain)
            g_string_append_printf(out, ".%s", s->domain);
        /* target "." means "no such service" (RFC 2782): nothing follows.
         * The fields are positional, so an absent one before a given one
         * takes dnsmasq's default (port 1, priority/weight 0). */
        if (s->target && strcmp(s->target, ".") != 0) {
            g_string_append_printf(out, ",%s", s->target);
            if (s->port || s->priority || s->weight)
                g_string_append_printf(out, ",%u", s->port ? s->port : 1);
            if (s->priority || s->weight)
                g_string_append_printf(out, ",%u", s->priority);
            if (s->weight)
                g_string_append_printf(out, ",%u", s->weight);
        }
        g_string_append_c(out, '\n');
    }
    return true;
}

static bool
conf_addn_hosts(GString *addn, const NetDef *def, GError **error)
{
    for (guint i = 0; def->dns.hosts && i < def->dns.hosts->len; i++) {
        const NetDnsHost *h = def->dns.hosts->pdata[i];

        if (!h->ip || !h->names || h->names->len == 0)
            continue;
        g_string_append(addn, h->ip);
        for (guint k = 0; k < h->names->len; k++) {
            if (!conf_check_value(def, "DNS host name", h->names->pdata[k], " \t#", error))
                return false;
            g_string_append_printf(addn, "\t%s", (const char *)h->names->pdata[k]);
        }
        g_string_append_c(addn, '\n');
    }
    return true;
}

DnsmasqConf *
dnsmasq_conf_build(const NetDef *def, const DnsmasqPaths *paths, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) hosts = g_string_new(NULL);
    g_autoptr(GString) addn = g_string_new(NULL);
    const char *bridge = paths->bridge ? paths->bridge : def->bridge;
    bool dns = def->dns.enable != XML_TRISTATE_NO;
    bool no_resolv = false;
    const NetIpDef *dhcp4 = NULL, *dhcp6 = NULL;
    long long nleases = 0;
    DnsmasqConf *conf;

    if (!conf_mode_runs_dnsmasq(def->forward_mode)) {
        g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "network '%s' with forward mode '%s' runs no dnsmasq", def->name,
                    net_forward_mode_to_string(def->forward_mode));
        return NULL;
    }
    if (!bridge) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s' has no bridge name",
                    def->name);
        return NULL;
    }
    if (!conf_check_value(def, "network name", def->name, NULL, error) ||
        !conf_check_value(def, "bridge name", bridge, ",/ \t", error) ||
        (def->domain && !conf_check_value(def, "domain", def->domain, ",/ \t", error)))
        return NULL;

    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];
        const NetIpDef **slot = ip->family == AF_INET ? &dhcp4 : &dhcp6;

        if (!netdef_ip_has_dhcp(ip))
            continue;
        if (*slot) {
            g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "network '%s': for %s, multiple DHCP definitions cannot be specified",
                        def->name, ip->family == AF_INET ? "IPv4" : "IPv6");
            return NULL;
        }
        *slot = ip;
    }

    g_string_append_printf(out,
                           "# dnsmasq configuration of the virtual network '%s', written by\n"
                           "# virtnode each time the network starts: change the network instead.\n",
                           def->name);
    /* query upstream servers in order, as glibc's resolver does */
    g_string_append(out, "strict-order\n");
    if (!dns)
        g_string_append(out, "port=0\n"); /* no DNS listener at all */

    if (dns && def->dns.forwarders) {
        for (guint i = 0; i < def->dns.forwarders->len; i++) {
            const NetDnsForwarder *f = def->dns.forwarders->pdata[i];

            if (f->domain && !conf_check_value(def, "forwarder domain", f->domain, "/", error))
                return NULL;
            g_string_append(out, "server=");
            if (f->domain)
                g_string_append_printf(out, "/%s/", f->domain);
            /* a domain without an address: resolve it locally only */
            g_string_append_printf(out, "%s\n", f->addr ? f->addr : "#");
            /* a catch-all forwarder replaces the host's resolv.conf */
            if (f->addr && !f->domain)
                no_resolv = true;
        }
        if (no_resolv)
            g_string_append(out, "no-resolv\n");
    }

    if (def->domain) {
        if (def->domain_local_only == XML_TRISTATE_YES)
            g_string_append_printf(out, "local=/%s/\n", def->domain);
        g_string_append_printf(out, "domain=%s\nexpand-hosts\n", def->domain);
    }
    for (guint i = 0; dns && def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        if (ip->local_ptr == XML_TRISTATE_YES && !conf_add_ptr(out, def, ip, error))
            return NULL;
    }
    if (dns && def->dns.forward_plain_names == XML_TRISTATE_NO)
        g_string_append(out, "domain-needed\n"
                             "local=//\n");

    if (paths->pid_file)
        g_string_append_printf(out, "pid-file=%s\n", paths->pid_file);
    /* Only the bridge: never the host's loopback, and bind-dynamic copes
     * with a bridge address that appears after dnsmasq started. */
    g_string_append_printf(out,
                           "except-interface=lo\n"
                           "bind-dynamic\n"
                           "interface=%s\n",
                           bridge);
    /* or the host's /etc/hosts is served to guests */
    g_string_append(out, "no-hosts\n");

    if (def->forward_mode == NET_FORWARD_NONE) {
        /* Isolated: an empty router option (no default route that cannot
         * work), no forwarding of queries to the host's resolvers, and a
         * zero router lifetime in IPv6 RAs for the same reason. */
        g_string_append(out, "dhcp-option=3\n");
        if (!no_resolv)
            g_string_append(out, "no-resolv\n");
        g_string_append(out, "ra-param=*,0,0\n");
    }

    if (dns && !conf_dns_records(out, def, error))
        return NULL;

    if (dhcp4 && !conf_dhcp(out, hosts, addn, def, dhcp4, &nleases, error))
        return NULL;
    if (dhcp6 && !conf_dhcp(out, hosts, addn, def, dhcp6, &nleases, error))
        return NULL;
    if (nleases > 0)
        g_string_append_printf(out, "dhcp-lease-max=%lld\n", nleases);
    /* Written even when empty, so hosts added at runtime (hostsfile and
     * SIGHUP) need no restart. */
    if ((dhcp4 || dhcp6) && paths->hosts_file)
        g_string_append_printf(out, "dhcp-hostsfile=%s\n", paths->hosts_file);
    if (dns) {
        if (!conf_addn_hosts(addn, def, error))
            return NULL;
        if (paths->addnhosts_file)
            g_string_append_printf(out, "addn-hosts=%s\n", paths->addnhosts_file);
    }

    /* IPv6: router advertisements from dnsmasq. With DHCPv6 the RA points
     * clients at it; without, addresses are announced for SLAAC only. */
    if (dhcp6) {
        g_string_append(out, "enable-ra\n");
    } else {
        for (guint i = 0; def->ips && i < def->ips->len; i++) {
            const NetIpDef *ip = def->ips->pdata[i];

            if (ip->family == AF_INET6)
                g_string_append_printf(out, "dhcp-range=%s,ra-only,%u\n", ip->address, ip->prefix);
        }
    }

    if (dhcp4 || dhcp6) {
        if (paths->lease_file)
            g_string_append_printf(out, "dhcp-leasefile=%s\n", paths->lease_file);
        if (paths->helper)
            g_string_append_printf(out, "dhcp-script=%s\n", paths->helper);
    }

    /* <dnsmasq:options>: the administrator's own lines, last so they can
     * add to (or, for single-valued options, override) ours */
    for (guint i = 0; def->dnsmasq_options && i < def->dnsmasq_options->len; i++) {
        const char *opt = def->dnsmasq_options->pdata[i];

        if (!conf_check_value(def, "dnsmasq option", opt, NULL, error))
            return NULL;
        g_string_append_printf(out, "%s\n", opt);
    }

    conf = g_new0(DnsmasqConf, 1);
    conf->conf = g_string_free(g_steal_pointer(&out), FALSE);
    conf->hostsfile = g_string_free(g_steal_pointer(&hosts), FALSE);
    conf->addnhosts = g_string_free(g_steal_pointer(&addn), FALSE);
    return conf;
}
