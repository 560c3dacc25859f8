/*
 * netdef-types.h: the NetDef structure (included by netdef.h)
 *
 * Fields marked "stable" are used outside conf/ and keep their names.
 * Addresses are kept as text in the canonical form inet_ntop() gives, so
 * consumers can print them directly; "tristate" fields use XmlTristate
 * values (0 = absent, so g_new0() gives "not specified").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sys/socket.h>

#include "util/mac.h"

/* <lease expiry= unit=> of a DHCP range or host */
typedef enum {
    NET_LEASE_UNIT_SECONDS,
    NET_LEASE_UNIT_MINUTES, /* the default */
    NET_LEASE_UNIT_HOURS,
    NET_LEASE_UNIT_LAST,
} NetLeaseUnit;

typedef struct NetDhcpLease {
    bool present;
    unsigned long long expiry; /* 0: infinite */
    NetLeaseUnit unit;
} NetDhcpLease;

typedef struct NetDhcpRange {
    char *start; /* stable */
    char *end;   /* stable */
    NetDhcpLease lease;
} NetDhcpRange;

typedef struct NetDhcpHost {
    char *mac;  /* stable; NULL for IPv6 hosts given by id; as written */
    char *name; /* stable */
    char *ip;   /* stable */
    char *id;   /* DHCPv6 DUID, as written */
    NetDhcpLease lease;
} NetDhcpHost;

typedef struct NetIpDef {
    int family;           /* stable: AF_INET or AF_INET6 */
    char *address;        /* stable: textual address */
    unsigned int prefix;  /* stable: from prefix= or netmask= (else classful / 64) */
    GPtrArray *ranges;    /* stable: NetDhcpRange* */
    GPtrArray *hosts;     /* stable: NetDhcpHost* */
    bool family_explicit; /* family= was given: formatted back */
    char *netmask;        /* netmask= as given (normalised), NULL if absent */
    bool prefix_explicit; /* prefix= was given (and not 0) */
    int local_ptr;        /* tristate: localPtr= */
    char *tftp_root;      /* <tftp root=>, NULL if absent (IPv4 only) */
    char *bootp_file;     /* <dhcp><bootp file=>, NULL if absent (IPv4 only) */
    char *bootp_server;   /* <bootp server=> */
} NetIpDef;

typedef enum {
    NET_FORWARD_IF_NETDEV, /* <interface dev=> (or <forward dev=>) */
    NET_FORWARD_IF_PCI,    /* <address type='pci' .../> (hostdev, passthrough) */
} NetForwardIfType;

typedef struct NetPciAddr {
    unsigned int domain, bus, slot, function;
} NetPciAddr;

typedef struct NetForwardIf {
    NetForwardIfType type;
    char *dev;      /* NETDEV */
    NetPciAddr pci; /* PCI */
} NetForwardIf;

typedef enum {
    NET_FORWARD_DRIVER_DEFAULT,
    NET_FORWARD_DRIVER_KVM,
    NET_FORWARD_DRIVER_VFIO,
    NET_FORWARD_DRIVER_LAST,
} NetForwardDriver;

typedef struct NetForward {
    bool managed;            /* hostdev: managed='yes' */
    NetForwardDriver driver; /* <driver name=> */
    int nat_ipv6;            /* tristate: <nat ipv6=> */
    char *nat_start;         /* <nat><address start= end=>, IPv4, NULL if absent */
    char *nat_end;
    unsigned int nat_port_start; /* <nat><port start= end=>, 0 if absent */
    unsigned int nat_port_end;
    GPtrArray *ifs; /* NetForwardIf*: dev= first, then the pool */
    char *pf_dev;   /* <pf dev=>, NULL if absent */
} NetForward;

typedef enum {
    NET_MAC_TABLE_DEFAULT,
    NET_MAC_TABLE_KERNEL,
    NET_MAC_TABLE_LIBVIRT,
    NET_MAC_TABLE_LAST,
} NetMacTableManager;

typedef struct NetDnsForwarder {
    char *addr;   /* NULL if absent */
    char *domain; /* NULL if absent */
} NetDnsForwarder;

typedef struct NetDnsTxt {
    char *name;
    char *value;
} NetDnsTxt;

typedef struct NetDnsSrv {
    char *service;
    char *protocol;
    char *domain;                        /* NULL if absent */
    char *target;                        /* NULL if absent */
    unsigned int port, priority, weight; /* 0: absent */
} NetDnsSrv;

typedef struct NetDnsHost {
    char *ip;
    GPtrArray *names; /* char* */
} NetDnsHost;

typedef struct NetDns {
    int enable;              /* tristate */
    int forward_plain_names; /* tristate */
    GPtrArray *forwarders;   /* NetDnsForwarder* */
    GPtrArray *txts;         /* NetDnsTxt* */
    GPtrArray *srvs;         /* NetDnsSrv* */
    GPtrArray *hosts;        /* NetDnsHost* */
} NetDns;

typedef enum {
    NET_VLAN_NATIVE_DEFAULT,
    NET_VLAN_NATIVE_TAGGED,
    NET_VLAN_NATIVE_UNTAGGED,
    NET_VLAN_NATIVE_LAST,
} NetVlanNativeMode;

typedef struct NetVlan {
    GArray *tags; /* unsigned int; NULL or empty: no <vlan> */
    bool trunk;
    NetVlanNativeMode native_mode;
    unsigned int native_tag;
} NetVlan;

typedef struct NetBandwidthRate {
    unsigned long long average, peak, floor, burst; /* 0: absent */
} NetBandwidthRate;

typedef struct NetBandwidth {
    NetBandwidthRate *in;  /* NULL if absent */
    NetBandwidthRate *out; /* NULL if absent */
} NetBandwidth;

typedef enum {
    NET_VPORT_NONE,
    NET_VPORT_8021QBG,
    NET_VPORT_8021QBH,
    NET_VPORT_OPENVSWITCH,
    NET_VPORT_MIDONET,
    NET_VPORT_LAST,
} NetVirtPortType;

typedef struct NetVirtPort {
    NetVirtPortType type;
    bool manager_id_set, type_id_set, type_id_version_set, instance_id_set, interface_id_set;
    unsigned int manager_id, type_id, type_id_version;
    unsigned char instance_id[UUID_LEN];
    unsigned char interface_id[UUID_LEN];
    char *profile_id; /* NULL if absent */
} NetVirtPort;

typedef struct NetPortGroup {
    char *name;
    bool is_default;
    int trust_guest_rx_filters; /* tristate */
    NetVlan vlan;
    NetVirtPort *virtualport; /* NULL if absent */
    NetBandwidth *bandwidth;  /* NULL if absent */
} NetPortGroup;

typedef struct NetRoute {
    char *family; /* "ipv4"/"ipv6" as given, NULL if absent */
    char *address;
    char *netmask; /* NULL if absent */
    unsigned int prefix;
    bool has_prefix;
    char *gateway;
    unsigned int metric;
    bool has_metric;
} NetRoute;

struct NetDef {
    char *name;                   /* stable */
    unsigned char uuid[UUID_LEN]; /* stable */
    char *bridge;                 /* stable: <bridge name=>, NULL if absent */
    NetForwardMode forward_mode;  /* stable */
    GPtrArray *ips;               /* stable: NetIpDef* */

    char *title;       /* NULL if absent */
    char *description; /* NULL if absent */
    char *metadata;    /* serialised <metadata> element (foreign namespaces only), or NULL */
    bool ipv6;         /* <network ipv6='yes'> */
    int trust_guest_rx_filters; /* tristate */

    NetForward forward;

    char *bridge_zone; /* <bridge zone=> */
    bool stp;          /* <bridge stp=>, default on */
    bool stp_explicit; /* stp= was given (only allowed in bridge-backed modes) */
    unsigned long delay;
    NetMacTableManager mac_table_manager;

    bool mac_specified; /* <mac address=> */
    MacAddr mac;
    unsigned int mtu; /* 0: absent */

    char *domain;          /* <domain name=> */
    int domain_local_only; /* tristate */
    int domain_register;   /* tristate (newer libvirt) */

    NetDns dns;
    NetVlan vlan;
    NetBandwidth *bandwidth;    /* NULL if absent */
    int port_isolated;          /* tristate: <port isolated=> */
    GPtrArray *routes;          /* NetRoute* */
    NetVirtPort *virtualport;   /* NULL if absent */
    GPtrArray *portgroups;      /* NetPortGroup* */
    GPtrArray *dnsmasq_options; /* char*: <dnsmasq:options> values */
};
