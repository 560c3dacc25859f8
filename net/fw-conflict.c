/*
 * fw-conflict.c: foreign firewall settings that would break a network
 *
 * Legacy tables are read with libiptc (only when the kernel lists them in
 * /proc/net/ip*_tables_names: naming a table to ip_tables instantiates
 * it), nf_tables through libnftables' JSON listing. Nothing is written.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <libiptc/libip6tc.h>
#include <libiptc/libiptc.h>
#include <nftables/libnftables.h>

#include "net/fw-conflict.h"
#include "net/fw-nft.h"
#include "util/error.h"

/* The hooks whose foreign drops matter: forwarded traffic (and bridged
 * guest <-> guest traffic, through br_netfilter) and DHCP/DNS to the
 * host. */
typedef enum {
    HOOK_INPUT = 1 << 0,
    HOOK_FORWARD = 1 << 1,
} Hooks;

void
fw_conflict_free(FwConflict *c)
{
    if (!c)
        return;
    g_free(c->backend);
    g_free(c->table);
    g_free(c->chain);
    g_free(c->what);
    g_free(c->message);
    g_free(c);
}

static void
conflict_free_cb(gpointer p)
{
    fw_conflict_free(p);
}

static const char *
family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

static void
add_conflict(GPtrArray *out, int family, const char *backend, const char *table,
             const char *qualifier, const char *chain, char *what)
{
    FwConflict *c = g_new0(FwConflict, 1);
    bool legacy = strcmp(backend, "iptables") == 0;

    c->family = family;
    c->backend = g_strdup(backend);
    c->table = g_strdup(table);
    c->chain = g_strdup(chain);
    c->what = what;
    c->message = g_strdup_printf(
        "%s %s table '%s'%s%s%s chain '%s' %s", family_name(family),
        legacy ? (family == AF_INET6 ? "ip6tables (legacy)" : "iptables (legacy)") : "nftables",
        table, qualifier ? " (" : "", qualifier ? qualifier : "", qualifier ? ")" : "", chain,
        what);
    g_ptr_array_add(out, c);
}

/* Which hooks @rs has chains (or rules) under, in @family. */
static unsigned int
ruleset_hooks(const FwRuleset *rs, int family)
{
    unsigned int hooks = 0;

    for (guint i = 0; i < rs->chains->len; i++) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);

        if (c->family != family || c->table != FW_TABLE_FILTER)
            continue;
        if (g_strcmp0(c->parent, "INPUT") == 0)
            hooks |= HOOK_INPUT;
        else if (g_strcmp0(c->parent, "FORWARD") == 0)
            hooks |= HOOK_FORWARD;
    }
    for (guint i = 0; i < rs->rules->len; i++) {
        const FwRule *r = &g_array_index(rs->rules, FwRule, i);

        if (r->family != family || r->table != FW_TABLE_FILTER)
            continue;
        if (g_strcmp0(r->chain, "INPUT") == 0)
            hooks |= HOOK_INPUT;
        else if (g_strcmp0(r->chain, "FORWARD") == 0)
            hooks |= HOOK_FORWARD;
    }
    return hooks;
}

/* ---- legacy ip_tables / ip6_tables -------------------------------------- */

/* Does the kernel have @table for @family already? Reading it through
 * libiptc would otherwise create it (with its default policies). */
static bool
legacy_table_exists(int family, const char *table)
{
    const char *path =
        family == AF_INET6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names";
    g_autofree char *text = NULL;
    g_auto(GStrv) names = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false; /* no legacy ip_tables in this kernel */
    names = g_strsplit(text, "\n", -1);
    return g_strv_contains((const char *const *)names, table);
}

/* A rule without any match: no address, interface or protocol, nothing
 * after the fixed part but the target. */
static bool
ipv4_unconditional(const struct ipt_entry *e)
{
    static const struct ipt_ip zero;

    return memcmp(&e->ip, &zero, sizeof(zero)) == 0 && e->target_offset == sizeof(*e);
}

static bool
ipv6_unconditional(const struct ip6t_entry *e)
{
    static const struct ip6t_ip6 zero;

    return memcmp(&e->ipv6, &zero, sizeof(zero)) == 0 && e->target_offset == sizeof(*e);
}

static bool
dropping_target(const char *target)
{
    return target && (strcmp(target, "DROP") == 0 || strcmp(target, "REJECT") == 0);
}

static void
legacy_chain_v4(GPtrArray *out, struct xtc_handle *h, const char *chain)
{
    struct xt_counters counters;
    const char *policy = iptc_get_policy(chain, &counters, h);
    unsigned int n = 1;

    if (policy && strcmp(policy, "DROP") == 0)
        add_conflict(out, AF_INET, "iptables", "filter", NULL, chain, g_strdup("has policy DROP"));
    for (const struct ipt_entry *e = iptc_first_rule(chain, h); e; e = iptc_next_rule(e, h), n++) {
        const char *target = iptc_get_target(e, h);

        if (dropping_target(target) && ipv4_unconditional(e))
            add_conflict(out, AF_INET, "iptables", "filter", NULL, chain,
                         g_strdup_printf("has an unconditional %s rule (rule %u)", target, n));
    }
}

static void
legacy_chain_v6(GPtrArray *out, struct xtc_handle *h, const char *chain)
{
    struct xt_counters counters;
    const char *policy = ip6tc_get_policy(chain, &counters, h);
    unsigned int n = 1;

    if (policy && strcmp(policy, "DROP") == 0)
        add_conflict(out, AF_INET6, "iptables", "filter", NULL, chain, g_strdup("has policy DROP"));
    for (const struct ip6t_entry *e = ip6tc_first_rule(chain, h); e;
         e = ip6tc_next_rule(e, h), n++) {
        const char *target = ip6tc_get_target(e, h);

        if (dropping_target(target) && ipv6_unconditional(e))
            add_conflict(out, AF_INET6, "iptables", "filter", NULL, chain,
                         g_strdup_printf("has an unconditional %s rule (rule %u)", target, n));
    }
}

static bool
find_legacy(GPtrArray *out, int family, unsigned int hooks, GError **error)
{
    bool v6 = family == AF_INET6;
    struct xtc_handle *h;

    if (!legacy_table_exists(family, "filter"))
        return true;
    h = v6 ? ip6tc_init("filter") : iptc_init("filter");
    if (!h) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot read the %s legacy table 'filter': %s", family_name(family),
                    v6 ? ip6tc_strerror(errno) : iptc_strerror(errno));
        return false;
    }
    if (hooks & HOOK_FORWARD)
        (v6 ? legacy_chain_v6 : legacy_chain_v4)(out, h, "FORWARD");
    if (hooks & HOOK_INPUT)
        (v6 ? legacy_chain_v6 : legacy_chain_v4)(out, h, "INPUT");
    if (v6)
        ip6tc_free(h);
    else
        iptc_free(h);
    return true;
}

/* ---- nf_tables ---------------------------------------------------------- */

static const char *
json_str(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool
nft_list(struct nft_ctx *ctx, const char *cmd, json_object **ret_items, json_object **ret_root,
         GError **error)
{
    json_object *root;

    if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
        g_autofree char *msg = g_strdup(nft_ctx_get_error_buffer(ctx));

        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot list nftables (%s): %s", cmd,
                    g_strstrip(g_strdelimit(msg, "\n", ' ')));
        return false;
    }
    root = json_tokener_parse(nft_ctx_get_output_buffer(ctx));
    if (!root || !json_object_object_get_ex(root, "nftables", ret_items) ||
        !json_object_is_type(*ret_items, json_type_array)) {
        if (root)
            json_object_put(root);
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot parse the JSON output of nftables (%s)", cmd);
        return false;
    }
    *ret_root = root;
    return true;
}

/* A rule that drops or rejects whatever reaches it: only counters and
 * logging before the verdict. Returns the verdict ("drop", "reject") or
 * NULL. */
static const char *
nft_rule_drops_all(json_object *rule)
{
    json_object *expr;
    const char *verdict = NULL;

    if (!json_object_object_get_ex(rule, "expr", &expr) ||
        !json_object_is_type(expr, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(expr); i++) {
        json_object *stmt = json_object_array_get_idx(expr, i);
        json_object *v;

        if (json_object_object_get_ex(stmt, "counter", &v) ||
            json_object_object_get_ex(stmt, "log", &v))
            continue;
        if (json_object_object_get_ex(stmt, "drop", &v))
            verdict = "drop";
        else if (json_object_object_get_ex(stmt, "reject", &v))
            verdict = "reject";
        else
            return NULL;
    }
    return verdict;
}

/* The families of @rs an nf_tables @family applies to. */
static void
nft_families(const char *family, int *ret, guint *ret_n)
{
    *ret_n = 0;
    if (strcmp(family, "ip") == 0 || strcmp(family, "inet") == 0)
        ret[(*ret_n)++] = AF_INET;
    if (strcmp(family, "ip6") == 0 || strcmp(family, "inet") == 0)
        ret[(*ret_n)++] = AF_INET6;
}

/* A base chain whose drops matter. */
typedef struct NftBase {
    const char *family, *table, *name; /* borrowed from the listing */
    unsigned int hook;
} NftBase;

static void
nft_conflict(GPtrArray *out, const NftBase *base, const unsigned int *hooks_of, char *what)
{
    int fams[2];
    guint nfams;

    nft_families(base->family, fams, &nfams);
    for (guint f = 0; f < nfams; f++)
        if (hooks_of[fams[f] == AF_INET6] & base->hook)
            add_conflict(out, fams[f], "nftables", base->table,
                         strcmp(base->family, "inet") == 0 ? "inet" : NULL, base->name,
                         g_strdup(what));
    g_free(what);
}

/* The base chains of other programs' tables, hooked at input or forward
 * in a family @hooks_of asks for, and their policies. */
static GArray *
nft_bases(GPtrArray *out, json_object *items, const unsigned int *hooks_of)
{
    GArray *bases = g_array_new(FALSE, TRUE, sizeof(NftBase));

    for (size_t i = 0; i < json_object_array_length(items); i++) {
        json_object *chain;
        NftBase base = { 0 };
        const char *hook, *type, *policy;
        int fams[2];
        guint nfams;
        bool relevant = false;

        if (!json_object_object_get_ex(json_object_array_get_idx(items, i), "chain", &chain) ||
            !(base.family = json_str(chain, "family")) ||
            !(base.table = json_str(chain, "table")) || !(base.name = json_str(chain, "name")) ||
            !(hook = json_str(chain, "hook")) || !(type = json_str(chain, "type")) ||
            strcmp(type, "filter") != 0)
            continue;
        if (strcmp(hook, "forward") == 0)
            base.hook = HOOK_FORWARD;
        else if (strcmp(hook, "input") == 0)
            base.hook = HOOK_INPUT;
        else
            continue;
        /* our own tables hold only what we add, with policy accept */
        if ((strcmp(base.family, "ip") == 0 || strcmp(base.family, "ip6") == 0) &&
            strcmp(base.table, FW_NFT_TABLE) == 0)
            continue;
        nft_families(base.family, fams, &nfams);
        for (guint f = 0; f < nfams; f++)
            relevant = relevant || (hooks_of[fams[f] == AF_INET6] & base.hook);
        if (!relevant)
            continue;
        g_array_append_val(bases, base);
        policy = json_str(chain, "policy");
        if (policy && strcmp(policy, "drop") == 0)
            nft_conflict(out, &base, hooks_of, g_strdup("has policy drop"));
    }
    return bases;
}

static bool
find_nft(GPtrArray *out, const unsigned int *hooks_of, GError **error)
{
    struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
    json_object *root = NULL, *items;
    g_autoptr(GArray) bases = NULL;
    bool ok = false;

    if (!ctx) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot create a libnftables context");
        return false;
    }
    nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
    nft_ctx_buffer_output(ctx);
    nft_ctx_buffer_error(ctx);
    /* the whole ruleset in one listing: naming a chain in a command would
     * fail for names that are nft keywords ("fwd") */
    if (!nft_list(ctx, "list ruleset", &items, &root, error))
        goto out;
    bases = nft_bases(out, items, hooks_of);
    for (size_t i = 0; i < json_object_array_length(items) && bases->len; i++) {
        json_object *rule, *handle = NULL;
        const char *family, *table, *chain, *verdict;

        if (!json_object_object_get_ex(json_object_array_get_idx(items, i), "rule", &rule) ||
            !(family = json_str(rule, "family")) || !(table = json_str(rule, "table")) ||
            !(chain = json_str(rule, "chain")) || !(verdict = nft_rule_drops_all(rule)))
            continue;
        for (guint b = 0; b < bases->len; b++) {
            const NftBase *base = &g_array_index(bases, NftBase, b);

            if (strcmp(base->family, family) != 0 || strcmp(base->table, table) != 0 ||
                strcmp(base->name, chain) != 0)
                continue;
            json_object_object_get_ex(rule, "handle", &handle);
            nft_conflict(out, base, hooks_of,
                         g_strdup_printf("has an unconditional %s rule (handle %" PRId64 ")",
                                         verdict, handle ? json_object_get_int64(handle) : 0));
        }
    }
    ok = true;
out:
    if (root)
        json_object_put(root);
    nft_ctx_free(ctx);
    return ok;
}

GPtrArray *
fw_conflicts_find(const char *our_backend, const FwRuleset *rs, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(conflict_free_cb);
    /* [0]: IPv4, [1]: IPv6 */
    unsigned int hooks_of[2] = { ruleset_hooks(rs, AF_INET), ruleset_hooks(rs, AF_INET6) };
    /* with our jumps first in the legacy chains, legacy drops come after
     * our ACCEPTs */
    bool legacy_counts = g_strcmp0(our_backend, "iptables") != 0;

    if (!hooks_of[0] && !hooks_of[1])
        return g_steal_pointer(&out);
    for (int i = 0; i < 2 && legacy_counts; i++)
        if (hooks_of[i] && !find_legacy(out, i ? AF_INET6 : AF_INET, hooks_of[i], error))
            return NULL;
    if (!find_nft(out, hooks_of, error))
        return NULL;
    return g_steal_pointer(&out);
}
