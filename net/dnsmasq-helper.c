/*
 * dnsmasq-helper.c: virtnode-leaseshelper, dnsmasq's dhcp-script
 *
 * dnsmasq runs it (as root, one call at a time per dnsmasq, but several
 * dnsmasqs may share a store only by mistake: the store is locked anyway)
 * as
 *     virtnode-leaseshelper add|old|del MAC-OR-DUID IP [HOSTNAME]
 * with DNSMASQ_* variables describing the lease, plus the variables the
 * agent gave dnsmasq (net/dnsmasq.h): VIRTNODE_LEASES_FILE names the
 * network's lease store, VIRTNODE_LEASES_PREFIX4/6 the prefix lengths.
 * "add" and "old" record the lease, "del" forgets it; other actions
 * (tftp, arp, init...) are not ours and succeed without effect.
 *
 * Exit status: 0 done, 1 error (dnsmasq logs the script's failure).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "net/dnsmasq.h"
#include "net/leases.h"

static const char *
env_nonempty(const char *name)
{
    const char *value = g_getenv(name);

    return value && *value ? value : NULL;
}

/* The expiry dnsmasq reports: an absolute time, or (built with
 * HAVE_BROKEN_RTC) a length from now. 0 means an infinite lease. */
static gint64
helper_expiry(gint64 now)
{
    const char *expires = env_nonempty("DNSMASQ_LEASE_EXPIRES");
    const char *length = env_nonempty("DNSMASQ_LEASE_LENGTH");

    if (expires)
        return g_ascii_strtoll(expires, NULL, 10);
    if (length) {
        gint64 len = g_ascii_strtoll(length, NULL, 10);

        return len == 0 ? 0 : now + len;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *store = env_nonempty(DNSMASQ_ENV_LEASES_FILE);
    const char *action, *prefix;
    g_autoptr(GError) error = NULL;
    g_autoptr(Lease) lease = lease_new();
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;
    bool v6;

    if (argc < 2) {
        fprintf(stderr, "usage: %s add|old|del MAC IP [HOSTNAME]\n", argv[0]);
        return 1;
    }
    action = argv[1];
    if (strcmp(action, "add") != 0 && strcmp(action, "old") != 0 && strcmp(action, "del") != 0)
        return 0;
    if (argc < 4) {
        fprintf(stderr, "%s: '%s' needs MAC and IP arguments\n", argv[0], action);
        return 1;
    }
    if (!store) {
        fprintf(stderr, "%s: %s is not set\n", argv[0], DNSMASQ_ENV_LEASES_FILE);
        return 1;
    }

    if (strcmp(action, "del") == 0) {
        if (!leases_remove(store, argv[3], &error)) {
            fprintf(stderr, "%s: %s\n", argv[0], error->message);
            return 1;
        }
        return 0;
    }

    /* DHCPv6: the second argument is the client's DUID and the MAC (if
     * dnsmasq knows it) comes in DNSMASQ_MAC */
    v6 = env_nonempty("DNSMASQ_IAID") != NULL;
    lease->ip = g_strdup(argv[3]);
    lease->type = v6 ? VIR_IP_ADDR_TYPE_IPV6 : VIR_IP_ADDR_TYPE_IPV4;
    if (v6) {
        lease->client_id = g_strdup(argv[2]);
        lease->mac = g_strdup(env_nonempty("DNSMASQ_MAC"));
        lease->iaid = g_strdup(env_nonempty("DNSMASQ_IAID"));
    } else {
        lease->mac = g_strdup(argv[2]);
        lease->client_id = g_strdup(env_nonempty("DNSMASQ_CLIENT_ID"));
    }
    lease->hostname =
        g_strdup(argc > 4 && *argv[4] ? argv[4] : env_nonempty("DNSMASQ_SUPPLIED_HOSTNAME"));
    lease->iface = g_strdup(env_nonempty("DNSMASQ_INTERFACE"));
    lease->expiry = helper_expiry(now);
    prefix = env_nonempty(v6 ? DNSMASQ_ENV_PREFIX_V6 : DNSMASQ_ENV_PREFIX_V4);
    lease->prefix = prefix ? (unsigned int)g_ascii_strtoull(prefix, NULL, 10) : 0;

    if (!leases_add(store, lease, now, &error)) {
        fprintf(stderr, "%s: %s\n", argv[0], error->message);
        return 1;
    }
    return 0;
}
