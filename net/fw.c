/*
 * fw.c: the firewall rule model, the pure rule builder and the driver of
 * backends (apply with undo, remove)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/xmlutil.h"
#include "net/fw.h"
#include "util/error.h"

static const char *const fw_table_names[] = {
    [FW_TABLE_FILTER] = "filter",
    [FW_TABLE_NAT] = "nat",
};
G_STATIC_ASSERT(G_N_ELEMENTS(fw_table_names) == FW_TABLE_LAST);

static const char *const fw_target_names[] = {
    [FW_TARGET_ACCEPT] = "ACCEPT", [FW_TARGET_REJECT] = "REJECT",
    [FW_TARGET_RETURN] = "RETURN", [FW_TARGET_MASQUERADE] = "MASQUERADE",
    [FW_TARGET_SNAT] = "SNAT",     [FW_TARGET_JUMP] = "jump",
};
G_STATIC_ASSERT(G_N_ELEMENTS(fw_target_names) == FW_TARGET_LAST);

const char *
fw_table_to_string(FwTable table)
{
    return (unsigned)table < FW_TABLE_LAST ? fw_table_names[table] : NULL;
}

int
fw_table_from_string(const char *text)
{
    for (int i = 0; i < FW_TABLE_LAST; i++)
        if (g_strcmp0(text, fw_table_names[i]) == 0)
            return i;
    return -1;
}

const char *
fw_target_to_string(FwTarget target)
{
    return (unsigned)target < FW_TARGET_LAST ? fw_target_names[target] : NULL;
}

int
fw_target_from_string(const char *text)
{
    for (int i = 0; i < FW_TARGET_LAST; i++)
        if (g_strcmp0(text, fw_target_names[i]) == 0)
            return i;
    return -1;
}

/* ---- the ruleset ---------------------------------------------------- */

FwRuleset *
fw_ruleset_new(void)
{
    FwRuleset *rs = g_new0(FwRuleset, 1);

    rs->rules = g_array_new(FALSE, TRUE, sizeof(FwRule));
    rs->chains = g_array_new(FALSE, TRUE, sizeof(FwChain));
    rs->strings = g_string_chunk_new(256);
    return rs;
}

void
fw_ruleset_free(FwRuleset *rs)
{
    if (!rs)
        return;
    if (rs->rules)
        g_array_free(rs->rules, TRUE);
    if (rs->chains)
        g_array_free(rs->chains, TRUE);
    if (rs->strings)
        g_string_chunk_free(rs->strings);
    g_free(rs);
}

static const char *
intern(FwRuleset *rs, const char *s)
{
    return s ? g_string_chunk_insert_const(rs->strings, s) : NULL;
}

void
fw_ruleset_add_rule(FwRuleset *rs, const FwRule *rule)
{
    FwRule copy = *rule;

    copy.chain = intern(rs, rule->chain);
    copy.in_if = intern(rs, rule->in_if);
    copy.out_if = intern(rs, rule->out_if);
    copy.jump = intern(rs, rule->jump);
    g_array_append_val(rs->rules, copy);
}

void
fw_ruleset_add_chain(FwRuleset *rs, int family, FwTable table, const char *name, const char *parent)
{
    FwChain chain = { family, table, NULL, NULL };

    for (guint i = 0; i < rs->chains->len; i++) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);

        if (c->family == family && c->table == table && strcmp(c->name, name) == 0)
            return;
    }
    chain.name = intern(rs, name);
    chain.parent = intern(rs, parent);
    g_array_append_val(rs->chains, chain);
}

/* ---- formatting ------------------------------------------------------- */

static void
format_prefix(GString *s, int family, const FwPrefix *p)
{
    char text[INET6_ADDRSTRLEN];

    inet_ntop(family, p->addr, text, sizeof(text));
    g_string_append_printf(s, "%s/%u", text, p->len);
}

static const char *
family_marker(int family)
{
    return family == AF_INET6 ? "-6 " : "";
}

/* The port range as iptables prints it: "A" or "A-B". */
static void
format_ports(GString *s, unsigned int start, unsigned int end)
{
    g_string_append_printf(s, "%u", start);
    if (end && end != start)
        g_string_append_printf(s, "-%u", end);
}

char *
fw_ruleset_format_line(const FwRule *r)
{
    GString *s = g_string_new(NULL);
    static const char *const protos[] = { [FW_PROTO_TCP] = "tcp", [FW_PROTO_UDP] = "udp" };

    /* iptables-save's order: addresses, interfaces, protocol, matches, target */
    g_string_append_printf(s, "%s%s %s", family_marker(r->family), fw_table_to_string(r->table),
                           r->chain);
    if (r->src.len) {
        g_string_append(s, " -s ");
        format_prefix(s, r->family, &r->src);
    }
    if (r->dst.len) {
        g_string_append(s, r->dst_negated ? " ! -d " : " -d ");
        format_prefix(s, r->family, &r->dst);
    }
    if (r->in_if)
        g_string_append_printf(s, " -i %s", r->in_if);
    if (r->out_if)
        g_string_append_printf(s, " -o %s", r->out_if);
    if (r->proto == FW_PROTO_TCP || r->proto == FW_PROTO_UDP) {
        g_string_append_printf(s, " -p %s", protos[r->proto]);
        if (r->dport)
            g_string_append_printf(s, " -m %s --dport %u", protos[r->proto], r->dport);
    }
    if (r->ctstate) {
        /* iptables lists states in this order */
        g_string_append(s, " -m conntrack --ctstate ");
        if (r->ctstate & FW_CTSTATE_RELATED)
            g_string_append(s, (r->ctstate & FW_CTSTATE_ESTABLISHED) ? "RELATED," : "RELATED");
        if (r->ctstate & FW_CTSTATE_ESTABLISHED)
            g_string_append(s, "ESTABLISHED");
    }
    switch (r->target) {
    case FW_TARGET_ACCEPT:
    case FW_TARGET_RETURN:
        g_string_append_printf(s, " -j %s", fw_target_to_string(r->target));
        break;
    case FW_TARGET_REJECT:
        g_string_append_printf(s, " -j REJECT --reject-with %s",
                               r->family == AF_INET6 ? "icmp6-port-unreachable"
                                                     : "icmp-port-unreachable");
        break;
    case FW_TARGET_MASQUERADE:
        g_string_append(s, " -j MASQUERADE");
        if (r->nat_port_start) {
            g_string_append(s, " --to-ports ");
            format_ports(s, r->nat_port_start, r->nat_port_end);
        }
        break;
    case FW_TARGET_SNAT: {
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, r->nat_addr_start, a, sizeof(a));
        inet_ntop(AF_INET, r->nat_addr_end, b, sizeof(b));
        g_string_append_printf(s, " -j SNAT --to-source %s", a);
        if (strcmp(a, b) != 0)
            g_string_append_printf(s, "-%s", b);
        if (r->nat_port_start) {
            g_string_append_c(s, ':');
            format_ports(s, r->nat_port_start, r->nat_port_end);
        }
        break;
    }
    case FW_TARGET_JUMP:
        g_string_append_printf(s, " -j %s", r->jump);
        break;
    case FW_TARGET_LAST:
        g_string_append(s, " -j ?");
        break;
    }
    return g_string_free(s, FALSE);
}

char *
fw_chain_format_line(const FwChain *c)
{
    return g_strdup_printf("%s%s :%s %s", family_marker(c->family), fw_table_to_string(c->table),
                           c->name, c->parent);
}

char *
fw_ruleset_format(const FwRuleset *rs)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < rs->chains->len; i++) {
        g_autofree char *line = fw_chain_format_line(&g_array_index(rs->chains, FwChain, i));

        g_string_append_printf(s, "%s\n", line);
    }
    for (guint i = 0; i < rs->rules->len; i++) {
        g_autofree char *line = fw_ruleset_format_line(&g_array_index(rs->rules, FwRule, i));

        g_string_append_printf(s, "%s\n", line);
    }
    return g_string_free(s, FALSE);
}

/* ---- the builder -------------------------------------------------------- */

/* What one family of one network needs, shared by the helpers below. */
typedef struct FwBuild {
    FwRuleset *rs;
    const NetDef *def;
    int family;
    const char *bridge;
    const char *dev; /* forward dev (nat, route), NULL: any */
} FwBuild;

static bool
parse_prefix(int family, const char *address, unsigned int len, FwPrefix *ret, GError **error)
{
    unsigned int bits = family == AF_INET ? 32 : 128;

    memset(ret, 0, sizeof(*ret));
    if (!address || inet_pton(family, address, ret->addr) != 1 || len > bits) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "invalid address '%s/%u'",
                    address ? address : "", len);
        return false;
    }
    /* the network, not the host's address: iptables stores it masked */
    for (unsigned int i = 0; i < bits / 8; i++) {
        unsigned int keep = len > i * 8 ? MIN(len - i * 8, 8) : 0;

        ret->addr[i] &= (uint8_t)(0xff00 >> keep);
    }
    ret->len = len;
    return true;
}

static void
add(FwBuild *b, FwTable table, const char *chain, const FwRule *tmpl)
{
    FwRule r = *tmpl;

    r.family = b->family;
    r.table = table;
    r.chain = chain;
    fw_ruleset_add_rule(b->rs, &r);
}

static void
add_input(FwBuild *b, FwProto proto, unsigned int port)
{
    add(b, FW_TABLE_FILTER, FW_CHAIN_INPUT,
        &(FwRule){ .in_if = b->bridge, .proto = proto, .dport = port, .target = FW_TARGET_ACCEPT });
}

static bool
has_tftp(const NetDef *def)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];

        if (ip->family == AF_INET && ip->tftp_root)
            return true;
    }
    return false;
}

static bool
masquerades(const NetDef *def, int family)
{
    if (def->forward_mode != NET_FORWARD_NAT)
        return false;
    /* IPv6 is routed unless <nat ipv6='yes'> asks for masquerading */
    return family == AF_INET || def->forward.nat_ipv6 == XML_TRISTATE_YES;
}

/* The masquerading rules of one subnet, in libvirt's order: multicast and
 * broadcast are never translated (RETURN), then tcp and udp with a port
 * range (so source ports stay unprivileged), then everything else. */
static bool
build_masquerade(FwBuild *b, const FwPrefix *net, GError **error)
{
    const NetForward *fwd = &b->def->forward;
    FwRule masq = { .src = *net, .dst = *net, .dst_negated = true, .out_if = b->dev };
    FwRule ret = { .src = *net, .out_if = b->dev, .target = FW_TARGET_RETURN };
    unsigned int pstart = fwd->nat_port_start ? fwd->nat_port_start : 1024;
    unsigned int pend = fwd->nat_port_start ? fwd->nat_port_end : 65535;

    if (b->family == AF_INET) {
        if (!parse_prefix(AF_INET, "224.0.0.0", 24, &ret.dst, error))
            return false;
        add(b, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, &ret);
        if (!parse_prefix(AF_INET, "255.255.255.255", 32, &ret.dst, error))
            return false;
        add(b, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, &ret);
    } else {
        if (!parse_prefix(AF_INET6, "ff02::", 16, &ret.dst, error))
            return false;
        add(b, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, &ret);
    }

    masq.target = FW_TARGET_MASQUERADE;
    /* <nat><address> is an IPv4 range: SNAT to it (MASQUERADE would use the
     * outgoing interface's address whatever range it is given) */
    if (b->family == AF_INET && fwd->nat_start) {
        masq.target = FW_TARGET_SNAT;
        if (inet_pton(AF_INET, fwd->nat_start, masq.nat_addr_start) != 1 ||
            inet_pton(AF_INET, fwd->nat_end ? fwd->nat_end : fwd->nat_start, masq.nat_addr_end) !=
                1) {
            g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "invalid <nat> address range '%s' - '%s'", fwd->nat_start,
                        fwd->nat_end ? fwd->nat_end : "");
            return false;
        }
    }
    for (FwProto p = FW_PROTO_TCP; p <= FW_PROTO_UDP; p++) {
        FwRule r = masq;

        r.proto = p;
        r.nat_port_start = pstart;
        r.nat_port_end = pend;
        add(b, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, &r);
    }
    add(b, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, &masq);
    return true;
}

static bool
build_family(FwBuild *b, GError **error)
{
    const NetDef *def = b->def;
    bool v4 = b->family == AF_INET;
    bool forwards = def->forward_mode == NET_FORWARD_NAT || def->forward_mode == NET_FORWARD_ROUTE;
    bool nat = masquerades(def, b->family);
    g_autoptr(GArray) nets = g_array_new(FALSE, TRUE, sizeof(FwPrefix));

    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];
        FwPrefix p;

        if (ip->family != b->family)
            continue;
        if (!parse_prefix(b->family, ip->address, ip->prefix, &p, error)) {
            g_prefix_error(error, "network '%s': ", def->name);
            return false;
        }
        g_array_append_val(nets, p);
    }

    fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_FILTER, FW_CHAIN_INPUT, "INPUT");
    fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_FILTER, FW_CHAIN_OUTPUT, "OUTPUT");
    fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_FILTER, FW_CHAIN_FWD_X, "FORWARD");
    fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_FILTER, FW_CHAIN_FWD_IN, "FORWARD");
    fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_FILTER, FW_CHAIN_FWD_OUT, "FORWARD");
    if (nat && nets->len)
        fw_ruleset_add_chain(b->rs, b->family, FW_TABLE_NAT, FW_CHAIN_POSTROUTING, "POSTROUTING");

    /* the host serves the network: DHCP, DNS (unless disabled), TFTP */
    add_input(b, FW_PROTO_UDP, v4 ? 67 : 547);
    if (def->dns.enable != XML_TRISTATE_NO) {
        add_input(b, FW_PROTO_UDP, 53);
        add_input(b, FW_PROTO_TCP, 53);
    }
    if (v4 && has_tftp(def))
        add_input(b, FW_PROTO_UDP, 69);
    /* DHCP replies, for hosts whose OUTPUT policy is not ACCEPT */
    add(b, FW_TABLE_FILTER, FW_CHAIN_OUTPUT,
        &(FwRule){ .out_if = b->bridge,
                   .proto = FW_PROTO_UDP,
                   .dport = v4 ? 68 : 546,
                   .target = FW_TARGET_ACCEPT });

    /* br_netfilter sends bridged guest <-> guest traffic through FORWARD:
     * it must be accepted before the REJECTs below */
    add(b, FW_TABLE_FILTER, FW_CHAIN_FWD_X,
        &(FwRule){ .in_if = b->bridge, .out_if = b->bridge, .target = FW_TARGET_ACCEPT });

    for (guint i = 0; forwards && i < nets->len; i++) {
        const FwPrefix *net = &g_array_index(nets, FwPrefix, i);

        /* into the subnet: only replies when masquerading (nothing outside
         * can address the guests), anything when routed */
        add(b, FW_TABLE_FILTER, FW_CHAIN_FWD_IN,
            &(FwRule){ .dst = *net,
                       .in_if = b->dev,
                       .out_if = b->bridge,
                       .ctstate = nat ? FW_CTSTATE_RELATED | FW_CTSTATE_ESTABLISHED : 0,
                       .target = FW_TARGET_ACCEPT });
        add(b, FW_TABLE_FILTER, FW_CHAIN_FWD_OUT,
            &(FwRule){
                .src = *net, .in_if = b->bridge, .out_if = b->dev, .target = FW_TARGET_ACCEPT });
    }
    /* everything else to or from the bridge (spoofed sources, isolated
     * networks) is refused */
    add(b, FW_TABLE_FILTER, FW_CHAIN_FWD_IN,
        &(FwRule){ .out_if = b->bridge, .target = FW_TARGET_REJECT });
    add(b, FW_TABLE_FILTER, FW_CHAIN_FWD_OUT,
        &(FwRule){ .in_if = b->bridge, .target = FW_TARGET_REJECT });

    for (guint i = 0; nat && i < nets->len; i++)
        if (!build_masquerade(b, &g_array_index(nets, FwPrefix, i), error))
            return false;
    return true;
}

static bool
has_family(const NetDef *def, int family)
{
    if (family == AF_INET)
        return true; /* DHCP/DNS and the REJECTs apply without an address too */
    if (def->ipv6)
        return true; /* guest <-> guest IPv6 allowed */
    for (guint i = 0; def->ips && i < def->ips->len; i++)
        if (((const NetIpDef *)def->ips->pdata[i])->family == AF_INET6)
            return true;
    return false;
}

FwRuleset *
fw_build(const NetDef *def, const char *bridge, GError **error)
{
    g_autoptr(FwRuleset) rs = fw_ruleset_new();
    static const int families[] = { AF_INET, AF_INET6 };

    switch (def->forward_mode) {
    case NET_FORWARD_NONE:
    case NET_FORWARD_NAT:
    case NET_FORWARD_ROUTE:
        break;
    case NET_FORWARD_OPEN:    /* the admin's own firewall decides */
    case NET_FORWARD_BRIDGE:  /* a host bridge we do not own */
    case NET_FORWARD_PRIVATE: /* macvtap: traffic bypasses the host's IP stack */
    case NET_FORWARD_VEPA:
    case NET_FORWARD_PASSTHROUGH:
    case NET_FORWARD_HOSTDEV:
        return g_steal_pointer(&rs);
    case NET_FORWARD_LAST:
    default:
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "network '%s': unknown forward mode %d", def->name, (int)def->forward_mode);
        return NULL;
    }
    if (!bridge || !*bridge) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "network '%s' has no bridge name",
                    def->name);
        return NULL;
    }
    if (strlen(bridge) >= IFNAMSIZ) {
        g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "network '%s': bridge name '%s' is longer than %d characters", def->name,
                    bridge, IFNAMSIZ - 1);
        return NULL;
    }

    for (guint i = 0; i < G_N_ELEMENTS(families); i++) {
        FwBuild b = { rs, def, families[i], bridge, NULL };

        if (!has_family(def, b.family))
            continue;
        if (def->forward_mode != NET_FORWARD_NONE)
            b.dev = netdef_forward_dev(def);
        if (b.dev && strlen(b.dev) >= IFNAMSIZ) {
            g_set_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "network '%s': forward device name '%s' is too long", def->name, b.dev);
            return NULL;
        }
        if (!build_family(&b, error))
            return NULL;
    }
    return g_steal_pointer(&rs);
}

/* ---- driving a backend ------------------------------------------------ */

void
fw_backend_free(FwBackend *be)
{
    if (be)
        be->free(be);
}

/* The transactions, in the order they are applied. */
static const struct {
    int family;
    FwTable table;
} fw_groups[] = {
    { AF_INET, FW_TABLE_FILTER },
    { AF_INET, FW_TABLE_NAT },
    { AF_INET6, FW_TABLE_FILTER },
    { AF_INET6, FW_TABLE_NAT },
};

static bool
in_group(int family, FwTable table, guint g)
{
    return family == fw_groups[g].family && table == fw_groups[g].table;
}

static bool
group_used(const FwRuleset *rs, guint g)
{
    for (guint i = 0; i < rs->chains->len; i++) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);

        if (in_group(c->family, c->table, g))
            return true;
    }
    for (guint i = 0; i < rs->rules->len; i++) {
        const FwRule *r = &g_array_index(rs->rules, FwRule, i);

        if (in_group(r->family, r->table, g))
            return true;
    }
    return false;
}

/* What fw_apply() changed, to be undone in reverse. */
typedef struct FwDone {
    guint group;
    bool chain; /* index into chains, else rules */
    guint index;
} FwDone;

static bool
undo_group(FwBackend *be, const FwRuleset *rs, const GArray *done, guint *pos, GError **error)
{
    guint g = g_array_index(done, FwDone, *pos - 1).group;

    if (!be->begin(be, fw_groups[g].family, fw_groups[g].table, error))
        return false;
    for (; *pos > 0 && g_array_index(done, FwDone, *pos - 1).group == g; (*pos)--) {
        const FwDone *d = &g_array_index(done, FwDone, *pos - 1);
        bool ok = d->chain
                      ? be->remove_chain(be, &g_array_index(rs->chains, FwChain, d->index), error)
                      : be->remove(be, &g_array_index(rs->rules, FwRule, d->index), error);

        if (!ok) {
            be->abort(be);
            return false;
        }
    }
    return be->commit(be, error);
}

/* Removes what @done records (committed groups only), newest first. */
static void
undo(FwBackend *be, const FwRuleset *rs, const GArray *done)
{
    guint pos = done->len;

    while (pos > 0) {
        g_autoptr(GError) err = NULL;
        guint g = g_array_index(done, FwDone, pos - 1).group;

        if (!undo_group(be, rs, done, &pos, &err)) {
            /* the first error is the caller's; this one is only logged */
            g_warning("cannot undo firewall changes: %s", err->message);
            while (pos > 0 && g_array_index(done, FwDone, pos - 1).group == g)
                pos--;
        }
    }
}

static bool
apply_group(FwBackend *be, const FwRuleset *rs, guint g, GArray *done, GError **error)
{
    guint mark = done->len;

    if (!be->begin(be, fw_groups[g].family, fw_groups[g].table, error))
        return false;
    /* jumps go to the top of their parent: the last one inserted ends up
     * first, so insert in reverse to keep the declared order */
    for (guint i = rs->chains->len; i-- > 0;) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);
        bool created = false;

        if (!in_group(c->family, c->table, g))
            continue;
        if (!be->add_chain(be, c, &created, error))
            goto fail;
        if (created)
            g_array_append_val(done, ((FwDone){ g, true, i }));
    }
    for (guint i = 0; i < rs->rules->len; i++) {
        const FwRule *r = &g_array_index(rs->rules, FwRule, i);
        bool added = false;

        if (!in_group(r->family, r->table, g))
            continue;
        if (!be->add(be, r, &added, error))
            goto fail;
        if (added)
            g_array_append_val(done, ((FwDone){ g, false, i }));
    }
    if (!be->commit(be, error)) {
        g_array_set_size(done, mark); /* the table is as it was */
        return false;
    }
    return true;

fail:
    be->abort(be);
    g_array_set_size(done, mark);
    return false;
}

bool
fw_apply(FwBackend *be, const FwRuleset *rs, GError **error)
{
    g_autoptr(GArray) done = g_array_new(FALSE, FALSE, sizeof(FwDone));

    for (guint g = 0; g < G_N_ELEMENTS(fw_groups); g++) {
        if (!group_used(rs, g))
            continue;
        if (!apply_group(be, rs, g, done, error)) {
            undo(be, rs, done);
            return false;
        }
    }
    return true;
}

static bool
remove_group(FwBackend *be, const FwRuleset *rs, guint g, GError **error)
{
    if (!be->begin(be, fw_groups[g].family, fw_groups[g].table, error))
        return false;
    for (guint i = rs->rules->len; i-- > 0;) {
        const FwRule *r = &g_array_index(rs->rules, FwRule, i);

        if (in_group(r->family, r->table, g) && !be->remove(be, r, error))
            goto fail;
    }
    for (guint i = 0; i < rs->chains->len; i++) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);

        if (in_group(c->family, c->table, g) && !be->remove_chain(be, c, error))
            goto fail;
    }
    return be->commit(be, error);

fail:
    be->abort(be);
    return false;
}

bool
fw_remove(FwBackend *be, const FwRuleset *rs, GError **error)
{
    bool ok = true;

    for (guint g = 0; g < G_N_ELEMENTS(fw_groups); g++) {
        g_autoptr(GError) err = NULL;

        if (!group_used(rs, g) || remove_group(be, rs, g, &err))
            continue;
        if (ok)
            g_propagate_error(error, g_steal_pointer(&err));
        else
            g_warning("cannot remove firewall rules: %s", err->message);
        ok = false;
    }
    return ok;
}
