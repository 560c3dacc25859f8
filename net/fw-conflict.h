/*
 * fw-conflict.h: foreign firewall settings that would break a network
 *
 * Before a network starts, the caller asks which settings of other
 * programs would drop the network's forwarded traffic (base chains hooked
 * at forward) or its DHCP/DNS traffic to the host (hooked at input): a
 * drop policy, or a rule that drops or rejects everything, in the legacy
 * ip_tables/ip6_tables filter tables or in any nf_tables table (families
 * ip, ip6, inet) other than virtnode's own. Pure reporting: nothing is
 * changed (legacy tables that do not exist are not instantiated); the
 * caller decides whether a conflict fails the start or is a warning.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "net/fw.h"

typedef struct FwConflict {
    int family;    /* AF_INET or AF_INET6 */
    char *backend; /* "iptables" (legacy ip_tables) or "nftables" */
    char *table;   /* "filter"; for nftables the table's name */
    char *chain;   /* "FORWARD", "INPUT"; for nftables the base chain's name */
    char *what;    /* "has policy DROP", "has an unconditional drop rule", ... */
    char *message; /* the whole sentence, naming family, backend, table and chain */
} FwConflict;

/* Frees @c; accepts NULL. */
void fw_conflict_free(FwConflict *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FwConflict, fw_conflict_free)

/* The conflicts for @rs applied through the backend named @our_backend
 * ("iptables" or "nftables", FwBackend.name). Only the families and the
 * hooks (input, forward) that @rs has chains for count. With
 * "iptables", a legacy policy or rule is no conflict: our jumps sit
 * first in the legacy INPUT and FORWARD chains, so our ACCEPTs run before
 * it; nf_tables base chains are evaluated independently of legacy ones
 * (and of each other), so with either backend a foreign nf_tables drop
 * is one, and with "nftables" a legacy one is too. Returns a
 * GPtrArray of FwConflict (empty: none; frees its elements), or NULL with
 * *error set (NET_ERROR, VIR_ERR_SYSTEM_ERROR) when a table cannot be
 * read. */
GPtrArray *fw_conflicts_find(const char *our_backend, const FwRuleset *rs, GError **error);
