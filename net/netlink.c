/*
 * netlink.c: rtnetlink through libnl's core (socket, messages, attributes)
 *
 * Only the transport and attribute helpers of libnl-3 are used: requests are
 * built here as plain rtnetlink messages and replies are parsed with
 * nla_parse(), so every attribute the kernel knows (IFLA_BR_*, which libnl
 * 3.7 has no API for) is within reach, and libnl never turns the kernel's
 * errno into an NLE_* code we could not map back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "net/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "util/error.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NESTS_MAX 8
#define MSG_SIZE 4096 /* our requests are a few hundred bytes at most */
#define DUMP_RETRIES 5

struct Netlink {
    struct nl_sock *sk;
    int err;      /* errno of the last NLMSG_ERROR, 0 if none */
    char *extack; /* its NLMSGERR_ATTR_MSG, NULL if none */
};

struct NetlinkMsg {
    struct nl_msg *msg;
    struct nlattr *nests[NESTS_MAX];
    int depth;
    bool overflow;
};

/* Keeps the kernel's errno and extack text. libnl's default handling maps
 * the errno to an NLE_* code, which loses it (EEXIST and EBUSY both become
 * generic codes) and drops the extack message. */
static int
netlink_error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *opaque)
{
    Netlink *nl = opaque;
    struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
    size_t off = NLMSG_ALIGN(sizeof(*e));
    size_t datalen = hdr->nlmsg_len - NLMSG_HDRLEN;

    (void)who;
    nl->err = e->error < 0 ? -e->error : e->error;
    g_clear_pointer(&nl->extack, g_free);
    if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
        off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
    if ((hdr->nlmsg_flags & NLM_F_ACK_TLVS) && datalen > off) {
        struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

        if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
                      (int)(datalen - off), NULL) == 0 &&
            tb[NLMSGERR_ATTR_MSG])
            nl->extack =
                g_strndup(nla_data(tb[NLMSGERR_ATTR_MSG]), (gsize)nla_len(tb[NLMSGERR_ATTR_MSG]));
    }
    return NL_STOP;
}

Netlink *
netlink_open(GError **error)
{
    g_autofree Netlink *nl = g_new0(Netlink, 1);
    int one = 1;
    int r;

    if (!(nl->sk = nl_socket_alloc())) {
        error_set_errno(error, NET_ERROR, ENOMEM, "cannot allocate a netlink socket");
        return NULL;
    }
    if ((r = nl_connect(nl->sk, NETLINK_ROUTE)) < 0) {
        int err = errno ? errno : EIO;

        nl_socket_free(nl->sk);
        error_set_errno(error, NET_ERROR, err, "cannot open a netlink socket (%s)", nl_geterror(r));
        return NULL;
    }
    /* We ask for acknowledgements ourselves: a GET without NLM_F_ACK gets just
     * its answer, a change gets just its ACK. */
    nl_socket_disable_auto_ack(nl->sk);
    /* Best effort: both exist since Linux 4.12/4.3. */
    (void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    (void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, netlink_error_cb, nl);
    return g_steal_pointer(&nl);
}

void
netlink_close(Netlink *nl)
{
    if (!nl)
        return;
    nl_socket_free(nl->sk);
    g_free(nl->extack);
    g_free(nl);
}

/* ---- message building ---- */

static NetlinkMsg *
netlink_msg_new(int type, int nlm_flags, const void *header, size_t header_len)
{
    NetlinkMsg *m = g_new0(NetlinkMsg, 1);

    m->msg = nlmsg_alloc_size(MSG_SIZE);
    if (!m->msg)
        g_error("out of memory allocating a netlink message");
    if (!nlmsg_put(m->msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, nlm_flags) ||
        nlmsg_append(m->msg, (void *)header, header_len, NLMSG_ALIGNTO) < 0)
        m->overflow = true;
    return m;
}

NetlinkMsg *
netlink_msg_new_link(int type, int nlm_flags, int ifindex, unsigned ifi_flags, unsigned ifi_change)
{
    struct ifinfomsg ifi = {
        .ifi_family = AF_UNSPEC,
        .ifi_index = ifindex,
        .ifi_flags = ifi_flags,
        .ifi_change = ifi_change,
    };

    return netlink_msg_new(type, nlm_flags, &ifi, sizeof(ifi));
}

NetlinkMsg *
netlink_msg_new_addr(int type, int nlm_flags, int family, unsigned prefixlen, int ifindex,
                     unsigned ifa_flags)
{
    struct ifaddrmsg ifa = {
        .ifa_family = (unsigned char)family,
        .ifa_prefixlen = (unsigned char)prefixlen,
        .ifa_flags = (unsigned char)ifa_flags,
        .ifa_scope = RT_SCOPE_UNIVERSE,
        .ifa_index = (unsigned)ifindex,
    };

    return netlink_msg_new(type, nlm_flags, &ifa, sizeof(ifa));
}

NetlinkMsg *
netlink_msg_new_route(int type, int nlm_flags, int family, unsigned dst_len, unsigned char protocol,
                      unsigned char scope, unsigned char rtm_type)
{
    struct rtmsg rtm = {
        .rtm_family = (unsigned char)family,
        .rtm_dst_len = (unsigned char)dst_len,
        .rtm_table = RT_TABLE_MAIN,
        .rtm_protocol = protocol,
        .rtm_scope = scope,
        .rtm_type = rtm_type,
    };

    return netlink_msg_new(type, nlm_flags, &rtm, sizeof(rtm));
}

void
netlink_msg_put_data(NetlinkMsg *m, int attr, const void *data, size_t len)
{
    if (nla_put(m->msg, attr, (int)len, data) < 0)
        m->overflow = true;
}

void
netlink_msg_put_u8(NetlinkMsg *m, int attr, uint8_t value)
{
    netlink_msg_put_data(m, attr, &value, sizeof(value));
}

void
netlink_msg_put_u16(NetlinkMsg *m, int attr, uint16_t value)
{
    netlink_msg_put_data(m, attr, &value, sizeof(value));
}

void
netlink_msg_put_u32(NetlinkMsg *m, int attr, uint32_t value)
{
    netlink_msg_put_data(m, attr, &value, sizeof(value));
}

void
netlink_msg_put_s32(NetlinkMsg *m, int attr, int32_t value)
{
    netlink_msg_put_data(m, attr, &value, sizeof(value));
}

void
netlink_msg_put_string(NetlinkMsg *m, int attr, const char *value)
{
    netlink_msg_put_data(m, attr, value, strlen(value) + 1);
}

void
netlink_msg_put_raw(NetlinkMsg *m, const void *data, size_t len)
{
    if (nlmsg_append(m->msg, (void *)data, len, NLMSG_ALIGNTO) < 0)
        m->overflow = true;
}

void
netlink_msg_nest_start(NetlinkMsg *m, int attr)
{
    struct nlattr *nest;

    g_assert(m->depth < NESTS_MAX);
    nest = nla_nest_start(m->msg, attr);
    if (!nest)
        m->overflow = true;
    m->nests[m->depth++] = nest;
}

void
netlink_msg_nest_end(NetlinkMsg *m)
{
    struct nlattr *nest;

    g_assert(m->depth > 0);
    nest = m->nests[--m->depth];
    if (nest)
        nla_nest_end(m->msg, nest);
}

const void *
netlink_msg_bytes(const NetlinkMsg *m, size_t *ret_len)
{
    struct nlmsghdr *hdr = nlmsg_hdr(m->msg);

    *ret_len = hdr->nlmsg_len;
    return hdr;
}

void
netlink_msg_free(NetlinkMsg *m)
{
    if (!m)
        return;
    nlmsg_free(m->msg);
    g_free(m);
}

/* ---- sending ---- */

static void
netlink_reset(Netlink *nl)
{
    nl->err = 0;
    g_clear_pointer(&nl->extack, g_free);
}

/* Sets *error from the kernel's answer (or libnl's code @r when the kernel
 * sent none) and returns the errno. */
static int
netlink_set_error(Netlink *nl, int r, GError **error)
{
    int err = nl->err;

    if (!err) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "netlink: %s", nl_geterror(r));
        return EPROTO;
    }
    if (nl->extack)
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "%s (kernel: %s)", g_strerror(err),
                    nl->extack);
    else
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "%s", g_strerror(err));
    return err;
}

static bool
netlink_transmit(Netlink *nl, NetlinkMsg *m, int *ret_errno, GError **error)
{
    int r;

    netlink_reset(nl);
    if (ret_errno)
        *ret_errno = 0;
    if (m->overflow || m->depth != 0) {
        if (ret_errno)
            *ret_errno = EMSGSIZE;
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "netlink request too large or badly nested");
        return false;
    }
    if ((r = nl_send_auto(nl->sk, m->msg)) < 0) {
        int err = errno ? errno : EIO;

        if (ret_errno)
            *ret_errno = err;
        error_set_errno(error, NET_ERROR, err, "cannot send a netlink request (%s)",
                        nl_geterror(r));
        return false;
    }
    return true;
}

bool
netlink_send(Netlink *nl, NetlinkMsg *m, int *ret_errno, GError **error)
{
    int r;

    nlmsg_hdr(m->msg)->nlmsg_flags |= NLM_F_ACK;
    if (!netlink_transmit(nl, m, ret_errno, error))
        return false;
    r = nl_wait_for_ack(nl->sk);
    if (r < 0 || nl->err) {
        int err = netlink_set_error(nl, r, error);

        if (ret_errno)
            *ret_errno = err;
        return false;
    }
    return true;
}

typedef struct Collect {
    GPtrArray *out;
    int ifindex; /* filter, 0: all */
} Collect;

/* Sends a GET (@dump: NLM_F_DUMP) and feeds each answer to @parse. A dump
 * interrupted by a concurrent change (NLM_F_DUMP_INTR) is redone. */
static bool
netlink_query(Netlink *nl, NetlinkMsg *m, bool dump, nl_recvmsg_msg_cb_t parse, Collect *c,
              int *ret_errno, GError **error)
{
    int attempt;

    if (dump)
        nlmsg_hdr(m->msg)->nlmsg_flags |= NLM_F_DUMP;
    for (attempt = 0;; attempt++) {
        struct nl_cb *base, *cb;
        int r;

        g_ptr_array_set_size(c->out, 0);
        if (!netlink_transmit(nl, m, ret_errno, error))
            return false;
        base = nl_socket_get_cb(nl->sk); /* a new reference */
        cb = nl_cb_clone(base);
        nl_cb_put(base);
        if (!cb)
            g_error("out of memory allocating a netlink callback");
        nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, c);
        r = nl_recvmsgs(nl->sk, cb);
        nl_cb_put(cb);
        if (r == -NLE_DUMP_INTR && !nl->err && attempt < DUMP_RETRIES)
            continue;
        if (r < 0 || nl->err) {
            int err = netlink_set_error(nl, r, error);

            if (ret_errno)
                *ret_errno = err;
            return false;
        }
        return true;
    }
}

/* ---- links ---- */

void
link_info_free(LinkInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_free(info->kind);
    g_free(info);
}

static void
link_parse_info(LinkInfo *info, struct nlattr *linkinfo)
{
    struct nlattr *li[IFLA_INFO_MAX + 1];

    if (nla_parse_nested(li, IFLA_INFO_MAX, linkinfo, NULL) < 0)
        return;
    if (li[IFLA_INFO_KIND])
        info->kind = g_strndup(nla_data(li[IFLA_INFO_KIND]), (gsize)nla_len(li[IFLA_INFO_KIND]));
    if (!info->kind || !li[IFLA_INFO_DATA])
        return;
    if (g_str_equal(info->kind, "bridge")) {
        struct nlattr *br[IFLA_BR_MAX + 1];

        if (nla_parse_nested(br, IFLA_BR_MAX, li[IFLA_INFO_DATA], NULL) < 0)
            return;
        if (br[IFLA_BR_STP_STATE])
            info->bridge_stp_state = (int)nla_get_u32(br[IFLA_BR_STP_STATE]);
        if (br[IFLA_BR_FORWARD_DELAY])
            info->bridge_forward_delay_cs = (int)nla_get_u32(br[IFLA_BR_FORWARD_DELAY]);
    } else if (g_str_equal(info->kind, "macvtap") || g_str_equal(info->kind, "macvlan")) {
        struct nlattr *mv[IFLA_MACVLAN_MAX + 1];

        if (nla_parse_nested(mv, IFLA_MACVLAN_MAX, li[IFLA_INFO_DATA], NULL) < 0)
            return;
        if (mv[IFLA_MACVLAN_MODE])
            info->macvlan_mode = (int)nla_get_u32(mv[IFLA_MACVLAN_MODE]);
    }
}

static int
link_parse_cb(struct nl_msg *msg, void *opaque)
{
    Collect *c = opaque;
    struct nlmsghdr *hdr = nlmsg_hdr(msg);
    struct ifinfomsg *ifi = nlmsg_data(hdr);
    struct nlattr *tb[IFLA_MAX + 1];
    LinkInfo *info;

    if (hdr->nlmsg_type != RTM_NEWLINK || nlmsg_parse(hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
        return NL_OK;
    if (c->ifindex && ifi->ifi_index != c->ifindex)
        return NL_OK;
    info = g_new0(LinkInfo, 1);
    info->ifindex = ifi->ifi_index;
    info->flags = ifi->ifi_flags;
    info->bridge_stp_state = -1;
    info->bridge_forward_delay_cs = -1;
    info->macvlan_mode = -1;
    if (tb[IFLA_IFNAME])
        info->name = g_strndup(nla_data(tb[IFLA_IFNAME]), (gsize)nla_len(tb[IFLA_IFNAME]));
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == MAC_LEN) {
        memcpy(info->mac.addr, nla_data(tb[IFLA_ADDRESS]), MAC_LEN);
        info->has_mac = true;
    }
    if (tb[IFLA_MTU])
        info->mtu = nla_get_u32(tb[IFLA_MTU]);
    if (tb[IFLA_MASTER])
        info->master = (int)nla_get_u32(tb[IFLA_MASTER]);
    if (tb[IFLA_LINK])
        info->link = (int)nla_get_u32(tb[IFLA_LINK]);
    if (tb[IFLA_LINKINFO])
        link_parse_info(info, tb[IFLA_LINKINFO]);
    g_ptr_array_add(c->out, info);
    return NL_OK;
}

static LinkInfo *
netlink_link_get(Netlink *nl, const char *name, int ifindex, GError **error)
{
    g_autoptr(NetlinkMsg) m = netlink_msg_new_link(RTM_GETLINK, 0, ifindex, 0, 0);
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)link_info_free);
    Collect c = { .out = out };
    g_autoptr(GError) local = NULL;
    int err = 0;

    if (name)
        netlink_msg_put_string(m, IFLA_IFNAME, name);
    if (!netlink_query(nl, m, false, link_parse_cb, &c, &err, &local)) {
        if (err == ENODEV)
            return NULL;
        if (name)
            g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                       "cannot look up interface '%s': ", name);
        else
            g_propagate_prefixed_error(error, g_steal_pointer(&local),
                                       "cannot look up interface %d: ", ifindex);
        return NULL;
    }
    if (out->len == 0)
        return NULL;
    return g_ptr_array_steal_index(out, 0);
}

LinkInfo *
netlink_link_lookup(Netlink *nl, const char *name, GError **error)
{
    /* The kernel rejects over-long names with EINVAL; such a link cannot
     * exist. */
    if (strlen(name) >= IFNAMSIZ)
        return NULL;
    return netlink_link_get(nl, name, 0, error);
}

LinkInfo *
netlink_link_lookup_index(Netlink *nl, int ifindex, GError **error)
{
    return netlink_link_get(nl, NULL, ifindex, error);
}

bool
netlink_link_exists(Netlink *nl, const char *name, bool *ret_exists, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) info = netlink_link_lookup(nl, name, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return false;
    }
    *ret_exists = info != NULL;
    return true;
}

int
netlink_link_index(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(LinkInfo) info = netlink_link_lookup(nl, name, &local);

    if (local) {
        g_propagate_error(error, g_steal_pointer(&local));
        return 0;
    }
    if (!info) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED, "interface '%s' does not exist",
                    name);
        return 0;
    }
    return info->ifindex;
}

static gint
link_compare(gconstpointer a, gconstpointer b)
{
    const LinkInfo *x = *(LinkInfo *const *)a, *y = *(LinkInfo *const *)b;

    return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

GPtrArray *
netlink_link_list(Netlink *nl, GError **error)
{
    g_autoptr(NetlinkMsg) m = netlink_msg_new_link(RTM_GETLINK, 0, 0, 0, 0);
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)link_info_free);
    Collect c = { .out = out };

    if (!netlink_query(nl, m, true, link_parse_cb, &c, NULL, error)) {
        g_prefix_error(error, "cannot list interfaces: ");
        return NULL;
    }
    g_ptr_array_sort(out, link_compare);
    return g_steal_pointer(&out);
}

/* An RTM_NEWLINK change of the link named @name (the kernel looks it up). */
static NetlinkMsg *
link_change_msg(const char *name, unsigned ifi_flags, unsigned ifi_change)
{
    NetlinkMsg *m = netlink_msg_new_link(RTM_NEWLINK, 0, 0, ifi_flags, ifi_change);

    netlink_msg_put_string(m, IFLA_IFNAME, name);
    return m;
}

/* Sends @m; the error reads "cannot <action> '<name>': ...". */
static bool
link_send(Netlink *nl, NetlinkMsg *m, GError **error, const char *action, const char *name)
{
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot %s '%s': ", action, name);
    return false;
}

bool
netlink_link_set_up(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(NetlinkMsg) m = link_change_msg(name, IFF_UP, IFF_UP);

    return link_send(nl, m, error, "bring up", name);
}

bool
netlink_link_set_down(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(NetlinkMsg) m = link_change_msg(name, 0, IFF_UP);

    return link_send(nl, m, error, "bring down", name);
}

bool
netlink_link_set_mtu(Netlink *nl, const char *name, unsigned mtu, GError **error)
{
    g_autoptr(NetlinkMsg) m = link_change_msg(name, 0, 0);

    netlink_msg_put_u32(m, IFLA_MTU, mtu);
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot set MTU %u on '%s': ", mtu, name);
    return false;
}

bool
netlink_link_set_name(Netlink *nl, const char *name, const char *new_name, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    int ifindex = netlink_link_index(nl, name, error);

    if (ifindex <= 0)
        return false;
    /* with an ifindex, IFLA_IFNAME is the new name */
    m = netlink_msg_new_link(RTM_NEWLINK, 0, ifindex, 0, 0);
    netlink_msg_put_string(m, IFLA_IFNAME, new_name);
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot rename '%s' to '%s': ", name, new_name);
    return false;
}

bool
netlink_link_set_mac(Netlink *nl, const char *name, const MacAddr *mac, GError **error)
{
    g_autoptr(NetlinkMsg) m = link_change_msg(name, 0, 0);
    char text[MAC_STRING_LEN];

    netlink_msg_put_data(m, IFLA_ADDRESS, mac->addr, MAC_LEN);
    if (netlink_send(nl, m, NULL, error))
        return true;
    mac_format(mac, text);
    g_prefix_error(error, "cannot set MAC address %s on '%s': ", text, name);
    return false;
}

bool
netlink_link_delete(Netlink *nl, const char *name, GError **error)
{
    g_autoptr(NetlinkMsg) m = netlink_msg_new_link(RTM_DELLINK, 0, 0, 0, 0);

    netlink_msg_put_string(m, IFLA_IFNAME, name);
    return link_send(nl, m, error, "delete interface", name);
}

bool
netlink_link_enslave(Netlink *nl, const char *port, const char *bridge, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    int master = netlink_link_index(nl, bridge, error);

    if (!master) {
        g_prefix_error(error, "cannot attach '%s' to bridge '%s': ", port, bridge);
        return false;
    }
    m = link_change_msg(port, 0, 0);
    netlink_msg_put_u32(m, IFLA_MASTER, (uint32_t)master);
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot attach '%s' to bridge '%s': ", port, bridge);
    return false;
}

bool
netlink_link_release(Netlink *nl, const char *port, GError **error)
{
    g_autoptr(NetlinkMsg) m = link_change_msg(port, 0, 0);

    netlink_msg_put_u32(m, IFLA_MASTER, 0);
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot detach '%s' from its bridge: ", port);
    return false;
}

/* ---- addresses ---- */

void
addr_info_free(AddrInfo *info)
{
    if (!info)
        return;
    g_free(info->address);
    g_free(info);
}

typedef struct InetAddr {
    int family;
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } u;
    size_t len;
} InetAddr;

static bool
inet_addr_parse(const char *text, unsigned prefix, InetAddr *ret, GError **error)
{
    if (inet_pton(AF_INET, text, &ret->u.v4) == 1) {
        ret->family = AF_INET;
        ret->len = sizeof(ret->u.v4);
    } else if (inet_pton(AF_INET6, text, &ret->u.v6) == 1) {
        ret->family = AF_INET6;
        ret->len = sizeof(ret->u.v6);
    } else {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid IP address '%s'", text);
        return false;
    }
    if (prefix > ret->len * 8) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid prefix %u for '%s'", prefix,
                    text);
        return false;
    }
    return true;
}

static char *
inet_addr_format(int family, const void *data, size_t len)
{
    char text[INET6_ADDRSTRLEN];

    if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16) ||
        !inet_ntop(family, data, text, sizeof(text)))
        return NULL;
    return g_strdup(text);
}

static NetlinkMsg *
addr_msg(int type, int nlm_flags, int ifindex, const InetAddr *a, unsigned prefix, bool nodad)
{
    NetlinkMsg *m = netlink_msg_new_addr(type, nlm_flags, a->family, prefix, ifindex,
                                         nodad && a->family == AF_INET6 ? IFA_F_NODAD : 0);

    netlink_msg_put_data(m, IFA_LOCAL, &a->u, a->len);
    netlink_msg_put_data(m, IFA_ADDRESS, &a->u, a->len);
    if (type == RTM_NEWADDR && a->family == AF_INET && prefix <= 30) {
        struct in_addr brd;
        uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;

        brd.s_addr = a->u.v4.s_addr | ~mask;
        netlink_msg_put_data(m, IFA_BROADCAST, &brd, sizeof(brd));
    }
    return m;
}

bool
netlink_addr_add(Netlink *nl, const char *ifname, const char *address, unsigned prefix, bool nodad,
                 GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    g_autoptr(GError) local = NULL;
    InetAddr a;
    int ifindex;
    int err = 0;

    if (!inet_addr_parse(address, prefix, &a, error) ||
        !(ifindex = netlink_link_index(nl, ifname, error))) {
        g_prefix_error(error, "cannot add address %s/%u to '%s': ", address, prefix, ifname);
        return false;
    }
    m = addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, &a, prefix, nodad);
    if (netlink_send(nl, m, &err, &local))
        return true;
    if (err == EEXIST) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "address %s/%u already exists on '%s'", address, prefix, ifname);
        return false;
    }
    g_propagate_prefixed_error(error, g_steal_pointer(&local),
                               "cannot add address %s/%u to '%s': ", address, prefix, ifname);
    return false;
}

bool
netlink_addr_del(Netlink *nl, const char *ifname, const char *address, unsigned prefix,
                 GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    InetAddr a;
    int ifindex;

    if (!inet_addr_parse(address, prefix, &a, error) ||
        !(ifindex = netlink_link_index(nl, ifname, error))) {
        g_prefix_error(error, "cannot remove address %s/%u from '%s': ", address, prefix, ifname);
        return false;
    }
    m = addr_msg(RTM_DELADDR, 0, ifindex, &a, prefix, false);
    if (netlink_send(nl, m, NULL, error))
        return true;
    g_prefix_error(error, "cannot remove address %s/%u from '%s': ", address, prefix, ifname);
    return false;
}

static int
addr_parse_cb(struct nl_msg *msg, void *opaque)
{
    Collect *c = opaque;
    struct nlmsghdr *hdr = nlmsg_hdr(msg);
    struct ifaddrmsg *ifa = nlmsg_data(hdr);
    struct nlattr *tb[IFA_MAX + 1];
    struct nlattr *addr;
    AddrInfo *info;
    char *text;

    if (hdr->nlmsg_type != RTM_NEWADDR || nlmsg_parse(hdr, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
        return NL_OK;
    if (c->ifindex && (int)ifa->ifa_index != c->ifindex)
        return NL_OK;
    /* IPv4 keeps the interface's own address in IFA_LOCAL (IFA_ADDRESS is
     * the peer on point-to-point links); IPv6 in IFA_ADDRESS. */
    if (ifa->ifa_family == AF_INET)
        addr = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    else
        addr = tb[IFA_ADDRESS] ? tb[IFA_ADDRESS] : tb[IFA_LOCAL];
    if (!addr || !(text = inet_addr_format(ifa->ifa_family, nla_data(addr), (size_t)nla_len(addr))))
        return NL_OK;
    info = g_new0(AddrInfo, 1);
    info->ifindex = (int)ifa->ifa_index;
    info->family = ifa->ifa_family;
    info->address = text;
    info->prefix = ifa->ifa_prefixlen;
    info->flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
    g_ptr_array_add(c->out, info);
    return NL_OK;
}

GPtrArray *
netlink_addr_list(Netlink *nl, const char *ifname, GError **error)
{
    g_autoptr(NetlinkMsg) m = netlink_msg_new_addr(RTM_GETADDR, 0, AF_UNSPEC, 0, 0, 0);
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)addr_info_free);
    Collect c = { .out = out };

    if (ifname && !(c.ifindex = netlink_link_index(nl, ifname, error))) {
        g_prefix_error(error, "cannot list addresses of '%s': ", ifname);
        return NULL;
    }
    if (!netlink_query(nl, m, true, addr_parse_cb, &c, NULL, error)) {
        g_prefix_error(error, "cannot list addresses: ");
        return NULL;
    }
    return g_steal_pointer(&out);
}

/* ---- routes ---- */

void
route_info_free(RouteInfo *info)
{
    if (!info)
        return;
    g_free(info->dest);
    g_free(info->gateway);
    g_free(info);
}

static int
route_parse_cb(struct nl_msg *msg, void *opaque)
{
    Collect *c = opaque;
    struct nlmsghdr *hdr = nlmsg_hdr(msg);
    struct rtmsg *rtm = nlmsg_data(hdr);
    struct nlattr *tb[RTA_MAX + 1];
    unsigned table;
    RouteInfo *info;
    static const unsigned char zero[16];

    if (hdr->nlmsg_type != RTM_NEWROUTE || nlmsg_parse(hdr, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
        return NL_OK;
    table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST ||
        (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
        return NL_OK;
    info = g_new0(RouteInfo, 1);
    info->family = rtm->rtm_family;
    info->prefix = rtm->rtm_dst_len;
    info->is_default = rtm->rtm_dst_len == 0;
    if (tb[RTA_DST])
        info->dest =
            inet_addr_format(rtm->rtm_family, nla_data(tb[RTA_DST]), (size_t)nla_len(tb[RTA_DST]));
    if (!info->dest)
        info->dest = inet_addr_format(rtm->rtm_family, zero, rtm->rtm_family == AF_INET ? 4 : 16);
    if (tb[RTA_GATEWAY])
        info->gateway = inet_addr_format(rtm->rtm_family, nla_data(tb[RTA_GATEWAY]),
                                         (size_t)nla_len(tb[RTA_GATEWAY]));
    if (tb[RTA_OIF])
        info->oif = (int)nla_get_u32(tb[RTA_OIF]);
    if (tb[RTA_PRIORITY])
        info->metric = nla_get_u32(tb[RTA_PRIORITY]);
    g_ptr_array_add(c->out, info);
    return NL_OK;
}

GPtrArray *
netlink_route_list(Netlink *nl, GError **error)
{
    g_autoptr(NetlinkMsg) m =
        netlink_msg_new_route(RTM_GETROUTE, 0, AF_UNSPEC, 0, RTPROT_UNSPEC, 0, RTN_UNSPEC);
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)route_info_free);
    Collect c = { .out = out };

    if (!netlink_query(nl, m, true, route_parse_cb, &c, NULL, error)) {
        g_prefix_error(error, "cannot list routes: ");
        return NULL;
    }
    return g_steal_pointer(&out);
}

static bool
route_change(Netlink *nl, bool add, const char *dest, unsigned prefix, const char *gateway,
             const char *ifname, unsigned metric, GError **error)
{
    g_autoptr(NetlinkMsg) m = NULL;
    InetAddr d, gw;
    int oif = 0;

    if (!inet_addr_parse(dest, prefix, &d, error) ||
        (gateway && !inet_addr_parse(gateway, 0, &gw, error)))
        return false;
    if (gateway && gw.family != d.family) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG,
                    "gateway '%s' is not of the family of '%s'", gateway, dest);
        return false;
    }
    if (ifname && !(oif = netlink_link_index(nl, ifname, error)))
        return false;
    if (add)
        m = netlink_msg_new_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, d.family, prefix,
                                  RTPROT_STATIC, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
                                  RTN_UNICAST);
    else /* wildcards: whatever scope, protocol and type the route has */
        m = netlink_msg_new_route(RTM_DELROUTE, 0, d.family, prefix, RTPROT_UNSPEC,
                                  RT_SCOPE_NOWHERE, RTN_UNSPEC);
    if (prefix > 0)
        netlink_msg_put_data(m, RTA_DST, &d.u, d.len);
    if (gateway)
        netlink_msg_put_data(m, RTA_GATEWAY, &gw.u, gw.len);
    if (oif)
        netlink_msg_put_u32(m, RTA_OIF, (uint32_t)oif);
    if (metric)
        netlink_msg_put_u32(m, RTA_PRIORITY, metric);
    return netlink_send(nl, m, NULL, error);
}

bool
netlink_route_add(Netlink *nl, const char *dest, unsigned prefix, const char *gateway,
                  const char *ifname, unsigned metric, GError **error)
{
    if (route_change(nl, true, dest, prefix, gateway, ifname, metric, error))
        return true;
    g_prefix_error(error, "cannot add route to %s/%u: ", dest, prefix);
    return false;
}

bool
netlink_route_del(Netlink *nl, const char *dest, unsigned prefix, const char *gateway,
                  const char *ifname, unsigned metric, GError **error)
{
    if (route_change(nl, false, dest, prefix, gateway, ifname, metric, error))
        return true;
    g_prefix_error(error, "cannot remove route to %s/%u: ", dest, prefix);
    return false;
}
