/*
 * fw-iptc.c: the libiptc firewall backend (legacy ip_tables / ip6_tables)
 *
 * The only file that includes libiptc. Without libxtables there are no
 * extension parsers, so the kernel structs of each match and target are
 * filled here, exactly as iptables would (iptables-legacy-save must print
 * our rules as it prints its own). One transaction = one libiptc handle on
 * one table, taken under the xtables lock and committed once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libiptc/libip6tc.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

#include "net/fw.h"
#include "util/error.h"

/* How long begin() waits for another xtables user, and how often a commit
 * that raced with a lock-ignoring writer is redone. */
#define FW_IPTC_LOCK_WAIT_MS 10000
#define FW_IPTC_RETRIES 5

/* ---- the two families behind one set of calls ----------------------- */

typedef struct FwIptcFamily {
    const struct xtc_ops *xtc; /* init, free, commit, is_chain, create_chain, strerror */
    size_t entry_size;
    int (*append)(const xt_chainlabel, const void *, struct xtc_handle *);
    int (*insert)(const xt_chainlabel, const void *, unsigned int, struct xtc_handle *);
    int (*check)(const xt_chainlabel, const void *, unsigned char *, struct xtc_handle *);
    int (*delete)(const xt_chainlabel, const void *, unsigned char *, struct xtc_handle *);
    int (*delete_num)(const xt_chainlabel, unsigned int, struct xtc_handle *);
    int (*delete_chain)(const xt_chainlabel, struct xtc_handle *);
    int (*references)(unsigned int *, const xt_chainlabel, struct xtc_handle *);
    const void *(*first_rule)(const char *, struct xtc_handle *);
    const void *(*next_rule)(const void *, struct xtc_handle *);
    const char *(*target)(const void *, struct xtc_handle *);
} FwIptcFamily;

static int
v4_append(const xt_chainlabel c, const void *e, struct xtc_handle *h)
{
    return iptc_append_entry(c, e, h);
}
static int
v4_insert(const xt_chainlabel c, const void *e, unsigned int n, struct xtc_handle *h)
{
    return iptc_insert_entry(c, e, n, h);
}
static int
v4_check(const xt_chainlabel c, const void *e, unsigned char *m, struct xtc_handle *h)
{
    return iptc_check_entry(c, e, m, h);
}
static int
v4_delete(const xt_chainlabel c, const void *e, unsigned char *m, struct xtc_handle *h)
{
    return iptc_delete_entry(c, e, m, h);
}
static const void *
v4_first_rule(const char *c, struct xtc_handle *h)
{
    return iptc_first_rule(c, h);
}
static const void *
v4_next_rule(const void *e, struct xtc_handle *h)
{
    return iptc_next_rule(e, h);
}
static const char *
v4_target(const void *e, struct xtc_handle *h)
{
    return iptc_get_target(e, h);
}

static int
v6_append(const xt_chainlabel c, const void *e, struct xtc_handle *h)
{
    return ip6tc_append_entry(c, e, h);
}
static int
v6_insert(const xt_chainlabel c, const void *e, unsigned int n, struct xtc_handle *h)
{
    return ip6tc_insert_entry(c, e, n, h);
}
static int
v6_check(const xt_chainlabel c, const void *e, unsigned char *m, struct xtc_handle *h)
{
    return ip6tc_check_entry(c, e, m, h);
}
static int
v6_delete(const xt_chainlabel c, const void *e, unsigned char *m, struct xtc_handle *h)
{
    return ip6tc_delete_entry(c, e, m, h);
}
static const void *
v6_first_rule(const char *c, struct xtc_handle *h)
{
    return ip6tc_first_rule(c, h);
}
static const void *
v6_next_rule(const void *e, struct xtc_handle *h)
{
    return ip6tc_next_rule(e, h);
}
static const char *
v6_target(const void *e, struct xtc_handle *h)
{
    return ip6tc_get_target(e, h);
}

static const FwIptcFamily fw_iptc_v4 = {
    &iptc_ops,
    sizeof(struct ipt_entry),
    v4_append,
    v4_insert,
    v4_check,
    v4_delete,
    iptc_delete_num_entry,
    iptc_delete_chain,
    iptc_get_references,
    v4_first_rule,
    v4_next_rule,
    v4_target,
};
static const FwIptcFamily fw_iptc_v6 = {
    &ip6tc_ops,
    sizeof(struct ip6t_entry),
    v6_append,
    v6_insert,
    v6_check,
    v6_delete,
    ip6tc_delete_num_entry,
    ip6tc_delete_chain,
    ip6tc_get_references,
    v6_first_rule,
    v6_next_rule,
    v6_target,
};

/* ---- the backend ------------------------------------------------------- */

typedef enum {
    FW_IPTC_OP_ADD_CHAIN,
    FW_IPTC_OP_REMOVE_CHAIN,
    FW_IPTC_OP_ADD,
    FW_IPTC_OP_REMOVE,
} FwIptcOpKind;

/* What a transaction did, replayed on a fresh handle when the commit
 * loses a race (EAGAIN). The items are the caller's and outlive it. */
typedef struct FwIptcOp {
    FwIptcOpKind kind;
    const void *item;
} FwIptcOp;

typedef struct FwIptc {
    FwBackend base;
    const FwIptcFamily *fam;
    int family;
    FwTable table;
    struct xtc_handle *h;
    int lock_fd;
    GArray *ops; /* FwIptcOp */
} FwIptc;

static const char *
iptc_err(FwIptc *ipt, int err)
{
    return ipt->fam->xtc->strerror(err);
}

static const char *
family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

static bool
set_label(xt_chainlabel label, const char *name, GError **error)
{
    if (g_strlcpy(label, name, sizeof(xt_chainlabel)) >= sizeof(xt_chainlabel)) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "chain name '%s' is too long", name);
        return false;
    }
    return true;
}

/* iptables' lock: every xtables user takes it around read-modify-replace,
 * because a commit replaces the whole table. */
static int
lock_xtables(GError **error)
{
    const char *path = g_getenv("XTABLES_LOCKFILE");
    gint64 deadline = g_get_monotonic_time() + FW_IPTC_LOCK_WAIT_MS * 1000;
    int fd;

    if (!path || !*path)
        path = "/run/xtables.lock";
    fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot open the xtables lock '%s'", path);
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;

        if ((err != EWOULDBLOCK && err != EINTR) || g_get_monotonic_time() > deadline) {
            error_set_errno(error, NET_ERROR, err, "cannot take the xtables lock '%s'", path);
            close(fd);
            return -1;
        }
        g_usleep(20 * 1000);
    }
    return fd;
}

static void
end_transaction(FwIptc *ipt)
{
    if (ipt->h)
        ipt->fam->xtc->free(ipt->h);
    ipt->h = NULL;
    if (ipt->lock_fd >= 0)
        close(ipt->lock_fd); /* releases the lock */
    ipt->lock_fd = -1;
    g_array_set_size(ipt->ops, 0);
}

static bool
open_handle(FwIptc *ipt, GError **error)
{
    const char *table = fw_table_to_string(ipt->table);

    for (int i = 0; i < FW_IPTC_RETRIES; i++) {
        if ((ipt->h = ipt->fam->xtc->init(table)))
            return true;
        if (errno != EAGAIN)
            break;
    }
    g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot read the %s table '%s': %s",
                family_name(ipt->family), table, iptc_err(ipt, errno));
    return false;
}

static bool
iptc_begin(FwBackend *be, int family, FwTable table, GError **error)
{
    FwIptc *ipt = (FwIptc *)be;

    if (ipt->h) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: a transaction is already open");
        return false;
    }
    ipt->family = family;
    ipt->table = table;
    ipt->fam = family == AF_INET6 ? &fw_iptc_v6 : &fw_iptc_v4;
    if ((ipt->lock_fd = lock_xtables(error)) < 0)
        return false;
    if (!open_handle(ipt, error)) {
        end_transaction(ipt);
        return false;
    }
    return true;
}

static bool
check_transaction(FwIptc *ipt, int family, FwTable table, GError **error)
{
    if (!ipt->h || ipt->family != family || ipt->table != table) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: operation outside its table's transaction");
        return false;
    }
    return true;
}

/* ---- building kernel entries ------------------------------------------ */

static void
prefix_mask(unsigned int len, uint8_t *mask, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) {
        unsigned int keep = len > i * 8 ? MIN(len - i * 8, 8) : 0;

        mask[i] = (uint8_t)(0xff00 >> keep);
    }
}

static void
set_iface(char *name, unsigned char *mask, const char *iface)
{
    /* an exact name: the mask covers the name and its NUL (iptables' "+"
     * wildcard would leave the NUL out) */
    strncpy(name, iface, IFNAMSIZ - 1);
    memset(mask, 0xff, strlen(name) + 1);
}

/* Appends a match or target header plus @len bytes of @data, both
 * rounded up as the kernel expects. */
static void
append_ext(GByteArray *ba, bool target, const char *name, uint8_t revision, const void *data,
           size_t len)
{
    size_t hdr = target ? sizeof(struct xt_entry_target) : sizeof(struct xt_entry_match);
    size_t total = XT_ALIGN(hdr) + XT_ALIGN(len);
    guint off = ba->len;

    g_byte_array_set_size(ba, off + total);
    memset(ba->data + off, 0, total);
    if (target) {
        struct xt_entry_target *t = (struct xt_entry_target *)(ba->data + off);

        t->u.user.target_size = (uint16_t)total;
        g_strlcpy(t->u.user.name, name, sizeof(t->u.user.name));
        t->u.user.revision = revision;
        if (len)
            memcpy(t->data, data, len);
    } else {
        struct xt_entry_match *m = (struct xt_entry_match *)(ba->data + off);

        m->u.user.match_size = (uint16_t)total;
        g_strlcpy(m->u.user.name, name, sizeof(m->u.user.name));
        m->u.user.revision = revision;
        memcpy(m->data, data, len);
    }
}

static void
append_matches(GByteArray *ba, const FwRule *r)
{
    if (r->dport && r->proto == FW_PROTO_TCP) {
        struct xt_tcp tcp = { .spts = { 0, 0xffff } };

        tcp.dpts[0] = tcp.dpts[1] = (uint16_t)r->dport;
        append_ext(ba, false, "tcp", 0, &tcp, sizeof(tcp));
    } else if (r->dport && r->proto == FW_PROTO_UDP) {
        struct xt_udp udp = { .spts = { 0, 0xffff } };

        udp.dpts[0] = udp.dpts[1] = (uint16_t)r->dport;
        append_ext(ba, false, "udp", 0, &udp, sizeof(udp));
    }
    if (r->ctstate) {
        struct xt_conntrack_mtinfo3 ct = { .match_flags = XT_CONNTRACK_STATE };

        if (r->ctstate & FW_CTSTATE_ESTABLISHED)
            ct.state_mask |= XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED);
        if (r->ctstate & FW_CTSTATE_RELATED)
            ct.state_mask |= XT_CONNTRACK_STATE_BIT(IP_CT_RELATED);
        append_ext(ba, false, "conntrack", 3, &ct, sizeof(ct));
    }
}

static void
append_target(GByteArray *ba, const FwRule *r)
{
    bool v6 = r->family == AF_INET6;
    int verdict = 0; /* filled in by libiptc from the name */

    switch (r->target) {
    case FW_TARGET_ACCEPT:
    case FW_TARGET_RETURN:
        append_ext(ba, true, r->target == FW_TARGET_ACCEPT ? "ACCEPT" : "RETURN", 0, &verdict,
                   sizeof(verdict));
        return;
    case FW_TARGET_JUMP:
        append_ext(ba, true, r->jump, 0, &verdict, sizeof(verdict));
        return;
    case FW_TARGET_REJECT:
        if (v6) {
            struct ip6t_reject_info info = { .with = IP6T_ICMP6_PORT_UNREACH };

            append_ext(ba, true, "REJECT", 0, &info, sizeof(info));
        } else {
            struct ipt_reject_info info = { .with = IPT_ICMP_PORT_UNREACHABLE };

            append_ext(ba, true, "REJECT", 0, &info, sizeof(info));
        }
        return;
    case FW_TARGET_MASQUERADE:
    case FW_TARGET_SNAT:
        break;
    case FW_TARGET_LAST:
    default:
        g_assert_not_reached();
    }

    /* revision 0 of MASQUERADE and SNAT: the IPv4 "multi range" with one
     * range; IPv6 MASQUERADE takes an nf_nat_range */
    if (v6) {
        struct nf_nat_range range = { 0 };

        if (r->nat_port_start) {
            range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
            range.min_proto.all = htons((uint16_t)r->nat_port_start);
            range.max_proto.all =
                htons((uint16_t)(r->nat_port_end ? r->nat_port_end : r->nat_port_start));
        }
        append_ext(ba, true, "MASQUERADE", 0, &range, sizeof(range));
    } else {
        struct nf_nat_ipv4_multi_range_compat mr = { .rangesize = 1 };

        if (r->target == FW_TARGET_SNAT) {
            mr.range[0].flags |= NF_NAT_RANGE_MAP_IPS;
            memcpy(&mr.range[0].min_ip, r->nat_addr_start, 4);
            memcpy(&mr.range[0].max_ip, r->nat_addr_end, 4);
        }
        if (r->nat_port_start) {
            mr.range[0].flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
            mr.range[0].min.all = htons((uint16_t)r->nat_port_start);
            mr.range[0].max.all =
                htons((uint16_t)(r->nat_port_end ? r->nat_port_end : r->nat_port_start));
        }
        append_ext(ba, true, r->target == FW_TARGET_SNAT ? "SNAT" : "MASQUERADE", 0, &mr,
                   sizeof(mr));
    }
}

static uint16_t
proto_number(FwProto proto)
{
    switch (proto) {
    case FW_PROTO_TCP:
        return IPPROTO_TCP;
    case FW_PROTO_UDP:
        return IPPROTO_UDP;
    case FW_PROTO_ANY:
    case FW_PROTO_LAST:
    default:
        return 0;
    }
}

static void
fill_ipv4(struct ipt_entry *e, const FwRule *r)
{
    struct ipt_ip *ip = &e->ip;

    memcpy(&ip->src, r->src.addr, 4);
    prefix_mask(r->src.len, (uint8_t *)&ip->smsk, 4);
    memcpy(&ip->dst, r->dst.addr, 4);
    prefix_mask(r->dst.len, (uint8_t *)&ip->dmsk, 4);
    if (r->dst_negated)
        ip->invflags |= IPT_INV_DSTIP;
    if (r->in_if)
        set_iface(ip->iniface, ip->iniface_mask, r->in_if);
    if (r->out_if)
        set_iface(ip->outiface, ip->outiface_mask, r->out_if);
    ip->proto = proto_number(r->proto);
}

static void
fill_ipv6(struct ip6t_entry *e, const FwRule *r)
{
    struct ip6t_ip6 *ip = &e->ipv6;

    memcpy(&ip->src, r->src.addr, 16);
    prefix_mask(r->src.len, (uint8_t *)&ip->smsk, 16);
    memcpy(&ip->dst, r->dst.addr, 16);
    prefix_mask(r->dst.len, (uint8_t *)&ip->dmsk, 16);
    if (r->dst_negated)
        ip->invflags |= IP6T_INV_DSTIP;
    if (r->in_if)
        set_iface(ip->iniface, ip->iniface_mask, r->in_if);
    if (r->out_if)
        set_iface(ip->outiface, ip->outiface_mask, r->out_if);
    ip->proto = proto_number(r->proto);
    if (ip->proto)
        ip->flags |= IP6T_F_PROTO; /* ip6_tables ignores proto without it */
}

/* The kernel entry of @r (ipt_entry or ip6t_entry with its matches and
 * target) and its size. */
static GByteArray *
build_entry(const FwRule *r, GError **error)
{
    size_t esz = r->family == AF_INET6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
    g_autoptr(GByteArray) ba = g_byte_array_sized_new(256);
    size_t target_offset;

    if ((r->in_if && strlen(r->in_if) >= IFNAMSIZ) ||
        (r->out_if && strlen(r->out_if) >= IFNAMSIZ) ||
        (r->target == FW_TARGET_JUMP && (!r->jump || strlen(r->jump) >= XT_EXTENSION_MAXNAMELEN))) {
        g_autofree char *line = fw_ruleset_format_line(r);

        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "invalid firewall rule '%s'", line);
        return NULL;
    }
    g_byte_array_set_size(ba, esz);
    memset(ba->data, 0, esz);
    append_matches(ba, r);
    target_offset = ba->len;
    append_target(ba, r);

    if (r->family == AF_INET6) {
        struct ip6t_entry *e = (struct ip6t_entry *)ba->data;

        fill_ipv6(e, r);
        e->target_offset = (uint16_t)target_offset;
        e->next_offset = (uint16_t)ba->len;
    } else {
        struct ipt_entry *e = (struct ipt_entry *)ba->data;

        fill_ipv4(e, r);
        e->target_offset = (uint16_t)target_offset;
        e->next_offset = (uint16_t)ba->len;
    }
    return g_steal_pointer(&ba);
}

/* ---- operations on the open handle ------------------------------------- */

static bool
rule_present(FwIptc *ipt, const char *chain, GByteArray *entry)
{
    g_autofree unsigned char *mask = g_malloc(entry->len);

    /* every byte counts: we compare our own entries with what we built */
    memset(mask, 0xff, entry->len);
    return ipt->fam->check(chain, entry->data, mask, ipt->h) != 0;
}

static bool
do_add(FwIptc *ipt, const FwRule *r, bool *ret_added, GError **error)
{
    g_autoptr(GByteArray) entry = build_entry(r, error);
    xt_chainlabel chain;

    *ret_added = false;
    if (!entry || !set_label(chain, r->chain, error))
        return false;
    if (rule_present(ipt, chain, entry))
        return true;
    if (!ipt->fam->append(chain, entry->data, ipt->h)) {
        g_autofree char *line = fw_ruleset_format_line(r);

        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot add firewall rule '%s': %s",
                    line, iptc_err(ipt, errno));
        return false;
    }
    *ret_added = true;
    return true;
}

static bool
do_remove(FwIptc *ipt, const FwRule *r, GError **error)
{
    g_autoptr(GByteArray) entry = build_entry(r, error);
    g_autofree unsigned char *mask = NULL;
    xt_chainlabel chain;

    if (!entry || !set_label(chain, r->chain, error))
        return false;
    if (!ipt->fam->xtc->is_chain(chain, ipt->h) || !rule_present(ipt, chain, entry))
        return true;
    mask = g_malloc(entry->len);
    memset(mask, 0xff, entry->len);
    if (!ipt->fam->delete (chain, entry->data, mask, ipt->h)) {
        g_autofree char *line = fw_ruleset_format_line(r);

        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot remove firewall rule '%s': %s",
                    line, iptc_err(ipt, errno));
        return false;
    }
    return true;
}

/* The 1-based position of the first jump from @parent to @chain, 0 if none. */
static unsigned int
find_jump(FwIptc *ipt, const char *parent, const char *chain)
{
    unsigned int n = 1;

    for (const void *e = ipt->fam->first_rule(parent, ipt->h); e;
         e = ipt->fam->next_rule(e, ipt->h), n++) {
        const char *t = ipt->fam->target(e, ipt->h);

        if (t && strcmp(t, chain) == 0)
            return n;
    }
    return 0;
}

static bool
do_add_chain(FwIptc *ipt, const FwChain *c, bool *ret_created, GError **error)
{
    xt_chainlabel name, parent;

    *ret_created = false;
    if (!set_label(name, c->name, error) || !set_label(parent, c->parent, error))
        return false;
    if (!ipt->fam->xtc->is_chain(name, ipt->h)) {
        if (!ipt->fam->xtc->create_chain(name, ipt->h)) {
            g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                        "cannot create %s chain '%s' in table '%s': %s", family_name(c->family),
                        c->name, fw_table_to_string(c->table), iptc_err(ipt, errno));
            return false;
        }
        *ret_created = true;
    }
    if (!find_jump(ipt, parent, name)) {
        FwRule jump = { .family = c->family,
                        .table = c->table,
                        .chain = c->parent,
                        .target = FW_TARGET_JUMP,
                        .jump = c->name };
        g_autoptr(GByteArray) entry = build_entry(&jump, error);

        if (!entry)
            return false;
        if (!ipt->fam->insert(parent, entry->data, 0, ipt->h)) {
            g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                        "cannot insert the jump from '%s' to '%s' (%s, table '%s'): %s", c->parent,
                        c->name, family_name(c->family), fw_table_to_string(c->table),
                        iptc_err(ipt, errno));
            return false;
        }
        *ret_created = true;
    }
    return true;
}

static bool
do_remove_chain(FwIptc *ipt, const FwChain *c, GError **error)
{
    xt_chainlabel name, parent;
    unsigned int n, refs = 0;

    if (!set_label(name, c->name, error) || !set_label(parent, c->parent, error))
        return false;
    if (!ipt->fam->xtc->is_chain(name, ipt->h) || ipt->fam->first_rule(name, ipt->h))
        return true; /* gone, or still used by another network */
    while ((n = find_jump(ipt, parent, name))) {
        if (!ipt->fam->delete_num(parent, n - 1, ipt->h)) {
            g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                        "cannot delete the jump from '%s' to '%s': %s", c->parent, c->name,
                        iptc_err(ipt, errno));
            return false;
        }
    }
    /* a foreign rule jumping here keeps the chain alive */
    if (ipt->fam->references(&refs, name, ipt->h) && refs > 0)
        return true;
    if (!ipt->fam->delete_chain(name, ipt->h)) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot delete chain '%s': %s", c->name,
                    iptc_err(ipt, errno));
        return false;
    }
    return true;
}

static bool
run_op(FwIptc *ipt, const FwIptcOp *op, bool *ret_changed, GError **error)
{
    switch (op->kind) {
    case FW_IPTC_OP_ADD_CHAIN:
        return do_add_chain(ipt, op->item, ret_changed, error);
    case FW_IPTC_OP_REMOVE_CHAIN:
        return do_remove_chain(ipt, op->item, error);
    case FW_IPTC_OP_ADD:
        return do_add(ipt, op->item, ret_changed, error);
    case FW_IPTC_OP_REMOVE:
        return do_remove(ipt, op->item, error);
    }
    g_assert_not_reached();
}

static bool
record_op(FwIptc *ipt, FwIptcOpKind kind, const void *item, int family, FwTable table,
          bool *ret_changed, GError **error)
{
    FwIptcOp op = { kind, item };
    bool changed = false;

    if (!check_transaction(ipt, family, table, error))
        return false;
    if (!run_op(ipt, &op, &changed, error))
        return false;
    g_array_append_val(ipt->ops, op);
    if (ret_changed)
        *ret_changed = changed;
    return true;
}

static bool
iptc_add_chain(FwBackend *be, const FwChain *c, bool *ret_created, GError **error)
{
    *ret_created = false;
    return record_op((FwIptc *)be, FW_IPTC_OP_ADD_CHAIN, c, c->family, c->table, ret_created,
                     error);
}

static bool
iptc_remove_chain(FwBackend *be, const FwChain *c, GError **error)
{
    return record_op((FwIptc *)be, FW_IPTC_OP_REMOVE_CHAIN, c, c->family, c->table, NULL, error);
}

static bool
iptc_add(FwBackend *be, const FwRule *r, bool *ret_added, GError **error)
{
    *ret_added = false;
    return record_op((FwIptc *)be, FW_IPTC_OP_ADD, r, r->family, r->table, ret_added, error);
}

static bool
iptc_remove(FwBackend *be, const FwRule *r, GError **error)
{
    return record_op((FwIptc *)be, FW_IPTC_OP_REMOVE, r, r->family, r->table, NULL, error);
}

/* After a lost race: the same operations on a fresh copy of the table. */
static bool
replay(FwIptc *ipt, GError **error)
{
    ipt->fam->xtc->free(ipt->h);
    ipt->h = NULL;
    if (!open_handle(ipt, error))
        return false;
    for (guint i = 0; i < ipt->ops->len; i++) {
        bool changed;

        if (!run_op(ipt, &g_array_index(ipt->ops, FwIptcOp, i), &changed, error))
            return false;
    }
    return true;
}

static bool
iptc_commit_table(FwBackend *be, GError **error)
{
    FwIptc *ipt = (FwIptc *)be;
    bool ok = false;
    int err = 0;

    if (!ipt->h) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: commit without a transaction");
        return false;
    }
    for (int i = 0; i < FW_IPTC_RETRIES; i++) {
        if (ipt->fam->xtc->commit(ipt->h)) {
            ok = true;
            break;
        }
        err = errno;
        /* someone replaced the table between our read and our write */
        if (err != EAGAIN)
            break;
        if (!replay(ipt, error)) {
            end_transaction(ipt);
            return false;
        }
    }
    if (!ok)
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot commit the %s table '%s': %s",
                    family_name(ipt->family), fw_table_to_string(ipt->table), iptc_err(ipt, err));
    end_transaction(ipt);
    return ok;
}

static void
iptc_abort(FwBackend *be)
{
    end_transaction((FwIptc *)be);
}

static void
iptc_free_backend(FwBackend *be)
{
    FwIptc *ipt = (FwIptc *)be;

    end_transaction(ipt);
    g_array_free(ipt->ops, TRUE);
    g_free(ipt);
}

FwBackend *
fw_iptc_new(void)
{
    FwIptc *ipt = g_new0(FwIptc, 1);

    ipt->base = (FwBackend){
        .name = "iptables",
        .begin = iptc_begin,
        .add_chain = iptc_add_chain,
        .remove_chain = iptc_remove_chain,
        .add = iptc_add,
        .remove = iptc_remove,
        .commit = iptc_commit_table,
        .abort = iptc_abort,
        .free = iptc_free_backend,
    };
    ipt->fam = &fw_iptc_v4;
    ipt->lock_fd = -1;
    ipt->ops = g_array_new(FALSE, FALSE, sizeof(FwIptcOp));
    return &ipt->base;
}
