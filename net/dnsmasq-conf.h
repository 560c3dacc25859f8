/*
 * dnsmasq-conf.h: network definition -> dnsmasq configuration (pure)
 *
 * One function turns a NetDef into the three files dnsmasq reads: its
 * config, the dhcp-hostsfile (static DHCP hosts, re-read on SIGHUP) and
 * the addn-hosts file (<dns><host> entries, re-read on SIGHUP). No kernel,
 * files or globals: golden files in tests/data/net-xml2dnsmasq pin it.
 * docs/dnsmasq.md explains each option.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/netdef.h"

/* Where one network's dnsmasq files live. Every member may be NULL: the
 * config then leaves the matching option out (tests use fixed strings). */
typedef struct DnsmasqPaths {
    const char *conf_file;      /* the config itself (dnsmasq_start() writes it) */
    const char *pid_file;       /* pid-file= */
    const char *hosts_file;     /* dhcp-hostsfile= */
    const char *addnhosts_file; /* addn-hosts= */
    const char *lease_file;     /* dhcp-leasefile=: dnsmasq's own lease database */
    const char *helper;         /* dhcp-script=: virtnode-leaseshelper */
    const char *status_file;    /* our lease store (net/leases.h), given to the helper */
    const char *log_file;       /* dnsmasq's stdout/stderr; NULL: /dev/null */
    const char *bridge;         /* interface=; NULL: the definition's bridge */
    const char *binary;         /* dnsmasq to run; NULL: looked up (dnsmasq_find_binary()) */
} DnsmasqPaths;

typedef struct DnsmasqConf {
    char *conf;      /* the config file */
    char *hostsfile; /* "MAC,IP[,NAME][,LEASE]" lines (IPv6: "id:DUID,...,[IP]") */
    char *addnhosts; /* "IP<TAB>NAME..." lines, hosts(5) format */
} DnsmasqConf;

void dnsmasq_conf_free(DnsmasqConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DnsmasqConf, dnsmasq_conf_free)

/* Whether a network of @def runs a dnsmasq at all: forward mode none, nat,
 * route or open, at least one address, and DNS, DHCP or IPv6 RA to serve. */
bool dnsmasq_conf_needed(const NetDef *def);

/* The files for @def (caller frees). Fails with VIR_ERR_CONFIG_UNSUPPORTED
 * (NET_ERROR) for a network that runs no dnsmasq, two DHCP sections of one
 * family, a PTR domain that cannot be derived, or a value dnsmasq cannot
 * take (line breaks, or separators inside a host name), naming the network
 * and the value; VIR_ERR_INTERNAL_ERROR without a bridge name. */
DnsmasqConf *dnsmasq_conf_build(const NetDef *def, const DnsmasqPaths *paths, GError **error);

/* The number of addresses from @start to @end inclusive (same family),
 * saturated at G_MAXINT; -1 if they are not addresses of one family or
 * @end < @start. */
long long dnsmasq_range_size(const char *start, const char *end);
