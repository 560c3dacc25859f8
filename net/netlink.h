/*
 * netlink.h: rtnetlink for virtual networks (links, addresses, routes)
 *
 * net/netlink.c is the only file that includes libnl (STYLE.md §9). A
 * Netlink handle is a NETLINK_ROUTE socket; it belongs to the network
 * namespace that was current when it was opened, whatever the thread does
 * later (setns), so one process can hold handles in several namespaces. A
 * handle is not thread-safe: use one per thread or serialise.
 *
 * Requests are built as NetlinkMsg values apart from sending them
 * (bridge_create_msg() etc. can be inspected without privileges), then
 * netlink_send() transmits one and waits for the kernel's answer.
 *
 * Errors keep the kernel's errno and its extended ACK text
 * (NETLINK_EXT_ACK): the GError (NET_ERROR, VIR_ERR_SYSTEM_ERROR unless a
 * function says otherwise) reads "cannot create bridge 'virbr0': File exists"
 * or "...: Invalid argument (kernel: <extack text>)".
 *
 * Interfaces are named by their name everywhere; they are looked up through
 * netlink, never sysfs (after setns /sys shows the old namespace).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/mac.h"

typedef struct Netlink Netlink;
typedef struct NetlinkMsg NetlinkMsg;

/* Opens a NETLINK_ROUTE socket in the current network namespace, with
 * extended ACKs enabled. */
Netlink *netlink_open(GError **error);

/* Closes the socket; accepts NULL. */
void netlink_close(Netlink *nl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Netlink, netlink_close)

/* ---- message building (never fails; an overflow is reported by send) ---- */

/* An RTM_*LINK request with its struct ifinfomsg (family AF_UNSPEC).
 * @nlm_flags: NLM_F_CREATE, NLM_F_EXCL, ... (NLM_F_REQUEST|NLM_F_ACK are
 * added by netlink_send()). */
NetlinkMsg *netlink_msg_new_link(int type, int nlm_flags, int ifindex, unsigned ifi_flags,
                                 unsigned ifi_change);

/* An RTM_*ADDR request with its struct ifaddrmsg. */
NetlinkMsg *netlink_msg_new_addr(int type, int nlm_flags, int family, unsigned prefixlen,
                                 int ifindex, unsigned ifa_flags);

/* An RTM_*ROUTE request with its struct rtmsg in the main table (RTPROT_*,
 * RT_SCOPE_*, RTN_*). */
NetlinkMsg *netlink_msg_new_route(int type, int nlm_flags, int family, unsigned dst_len,
                                  unsigned char protocol, unsigned char scope,
                                  unsigned char rtm_type);

void netlink_msg_put_u8(NetlinkMsg *m, int attr, uint8_t value);
void netlink_msg_put_u16(NetlinkMsg *m, int attr, uint16_t value);
void netlink_msg_put_u32(NetlinkMsg *m, int attr, uint32_t value);
void netlink_msg_put_s32(NetlinkMsg *m, int attr, int32_t value);
void netlink_msg_put_string(NetlinkMsg *m, int attr, const char *value);
void netlink_msg_put_data(NetlinkMsg *m, int attr, const void *data, size_t len);
/* Appends @len raw bytes (a nested header such as veth's peer ifinfomsg). */
void netlink_msg_put_raw(NetlinkMsg *m, const void *data, size_t len);
/* Nested attributes; every start needs its end. */
void netlink_msg_nest_start(NetlinkMsg *m, int attr);
void netlink_msg_nest_end(NetlinkMsg *m);

/* The built message (header included); for tests and debugging. */
const void *netlink_msg_bytes(const NetlinkMsg *m, size_t *ret_len);

/* Accepts NULL. */
void netlink_msg_free(NetlinkMsg *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetlinkMsg, netlink_msg_free)

/* Sends @m with NLM_F_ACK and waits for the acknowledgement. On failure
 * *ret_errno (may be NULL) holds the kernel's errno and *error says
 * "<strerror>[ (kernel: <extack>)]"; callers prefix context with
 * g_prefix_error(). */
bool netlink_send(Netlink *nl, NetlinkMsg *m, int *ret_errno, GError **error);

/* ---- links ---- */

typedef struct LinkInfo {
    int ifindex;
    char *name;
    char *kind;  /* IFLA_INFO_KIND ("bridge", "tun", "veth", "macvtap"), NULL if none */
    MacAddr mac; /* valid if has_mac */
    bool has_mac;
    unsigned mtu;
    unsigned flags;              /* IFF_UP, IFF_RUNNING, ... */
    int master;                  /* ifindex of the bridge this is a port of, 0 if none */
    int link;                    /* IFLA_LINK: lower device (macvtap) or veth peer, 0 if none */
    int bridge_stp_state;        /* kind "bridge": IFLA_BR_STP_STATE, else -1 */
    int bridge_forward_delay_cs; /* kind "bridge": centiseconds, else -1 */
    int macvlan_mode;            /* kind "macvtap"/"macvlan": MACVLAN_MODE_*, else -1 */
} LinkInfo;

void link_info_free(LinkInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LinkInfo, link_info_free)

/* The link named @name; NULL with *error unset when there is none, NULL
 * with *error set when the query failed. */
LinkInfo *netlink_link_lookup(Netlink *nl, const char *name, GError **error);
/* The same by interface index. */
LinkInfo *netlink_link_lookup_index(Netlink *nl, int ifindex, GError **error);

/* *ret_exists tells whether a link named @name exists. */
bool netlink_link_exists(Netlink *nl, const char *name, bool *ret_exists, GError **error);

/* The ifindex of @name, or 0 with *error set; a missing link is
 * VIR_ERR_OPERATION_FAILED "interface 'x' does not exist". */
int netlink_link_index(Netlink *nl, const char *name, GError **error);

/* Every link of the namespace, sorted by ifindex (element type LinkInfo *). */
GPtrArray *netlink_link_list(Netlink *nl, GError **error);

bool netlink_link_set_up(Netlink *nl, const char *name, GError **error);
bool netlink_link_set_down(Netlink *nl, const char *name, GError **error);
bool netlink_link_set_mtu(Netlink *nl, const char *name, unsigned mtu, GError **error);
bool netlink_link_set_mac(Netlink *nl, const char *name, const MacAddr *mac, GError **error);
/* Renames link @name (it must be down) to @new_name. */
bool netlink_link_set_name(Netlink *nl, const char *name, const char *new_name, GError **error);

/* RTM_DELLINK of any kind that supports it (bridge, veth, macvtap; not tun). */
bool netlink_link_delete(Netlink *nl, const char *name, GError **error);

/* Makes @port a port of @bridge (IFLA_MASTER) / detaches it from its bridge. */
bool netlink_link_enslave(Netlink *nl, const char *port, const char *bridge, GError **error);
bool netlink_link_release(Netlink *nl, const char *port, GError **error);

/* ---- addresses ---- */

typedef struct AddrInfo {
    int ifindex;
    int family;    /* AF_INET, AF_INET6 */
    char *address; /* "192.168.122.1", "fd00::1" */
    unsigned prefix;
    unsigned flags; /* IFA_F_* (IFA_F_NODAD, IFA_F_PERMANENT, ...) */
} AddrInfo;

void addr_info_free(AddrInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AddrInfo, addr_info_free)

/* Adds @address/@prefix (IPv4 or IPv6) to @ifname. IPv4 gets the subnet's
 * broadcast address (as `ip addr add ... brd +`); @nodad (IPv6 only) skips
 * duplicate address detection so the address is usable at once. An address
 * already present is VIR_ERR_OPERATION_FAILED "address ... already exists on
 * 'x'". */
bool netlink_addr_add(Netlink *nl, const char *ifname, const char *address, unsigned prefix,
                      bool nodad, GError **error);
bool netlink_addr_del(Netlink *nl, const char *ifname, const char *address, unsigned prefix,
                      GError **error);

/* Addresses of @ifname, or of every link when @ifname is NULL (element type
 * AddrInfo *), in the kernel's order. */
GPtrArray *netlink_addr_list(Netlink *nl, const char *ifname, GError **error);

/* ---- routes ---- */

typedef struct RouteInfo {
    int family;      /* AF_INET, AF_INET6 */
    char *dest;      /* network address ("10.0.0.0", "::" for the default route) */
    unsigned prefix; /* 0 for a default route */
    bool is_default; /* prefix 0: never a subnet conflict */
    char *gateway;   /* NULL if none */
    int oif;         /* output ifindex, 0 if none */
    unsigned metric;
} RouteInfo;

void route_info_free(RouteInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RouteInfo, route_info_free)

/* Unicast routes of the main table, both families (element type RouteInfo *). */
GPtrArray *netlink_route_list(Netlink *nl, GError **error);

/* A static route to @dest/@prefix through @gateway (may be NULL: through
 * @ifname directly), on @ifname (may be NULL when the gateway is enough),
 * with @metric (0: kernel default). An existing equal route is EEXIST. */
bool netlink_route_add(Netlink *nl, const char *dest, unsigned prefix, const char *gateway,
                       const char *ifname, unsigned metric, GError **error);
bool netlink_route_del(Netlink *nl, const char *dest, unsigned prefix, const char *gateway,
                       const char *ifname, unsigned metric, GError **error);
