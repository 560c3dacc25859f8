/*
 * leases.h: a network's DHCP lease store
 *
 * One JSON file per network, written by virtnode-leaseshelper (dnsmasq's
 * dhcp-script) and read by the agent for virNetworkGetDHCPLeases. Writers
 * take an exclusive flock() on "FILE.lock" around read-modify-write and
 * replace the file atomically (temp file + rename), so concurrent helper
 * runs lose no update and readers never see a half-written file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* The fields of virNetworkDHCPLease. */
typedef struct Lease {
    char *iface;         /* the bridge dnsmasq saw the client on; NULL if unknown */
    gint64 expiry;       /* seconds since the epoch; 0: never expires */
    int type;            /* VIR_IP_ADDR_TYPE_IPV4 or VIR_IP_ADDR_TYPE_IPV6 */
    char *mac;           /* NULL if unknown (DHCPv6 without DNSMASQ_MAC) */
    char *iaid;          /* DHCPv6 only */
    char *ip;            /* the key: one lease per address */
    unsigned int prefix; /* 0 if unknown */
    char *hostname;      /* NULL if none */
    char *client_id;     /* DHCPv4 client id or DHCPv6 DUID; NULL if none */
} Lease;

Lease *lease_new(void);
Lease *lease_copy(const Lease *lease);
void lease_free(Lease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Lease, lease_free)

/* All leases in @path (an absent file holds none): a GPtrArray of Lease*
 * that frees them. Fails with VIR_ERR_INTERNAL_ERROR (NET_ERROR) if the
 * file cannot be read or parsed. */
GPtrArray *leases_load(const char *path, GError **error);

/* Removes the leases that expired before @now (seconds since the epoch). */
void leases_prune_expired(GPtrArray *leases, gint64 now);

/* Adds @lease to @path, replacing any lease of the same address, and drops
 * leases expired before @now (0: keep all). Locked and atomic (mode 0644). */
bool leases_add(const char *path, const Lease *lease, gint64 now, GError **error);

/* Removes the lease of address @ip (a missing one is fine). Locked and
 * atomic. */
bool leases_remove(const char *path, const char *ip, GError **error);

/* Removes every lease of @mac (case-insensitive), e.g. when a guest's port
 * is unplugged; *ret_removed (may be NULL) counts them. Locked and atomic. */
bool leases_remove_mac(const char *path, const char *mac, unsigned int *ret_removed,
                       GError **error);
