/*
 * fw-nft.c: the nftables firewall backend (libnftables)
 *
 * The only file that drives libnftables for changes. A transaction works
 * on a model of the owned table ("table ip virtnode" or "table ip6
 * virtnode"), read as JSON at begin(): chains, and per chain its rules
 * with their handle, comment and jump target. Operations check and update
 * the model and queue nft commands; commit() sends the queue as one
 * buffer, which libnftables turns into one nf_tables batch (all or
 * nothing). Rules are identified by a comment derived from their record
 * line, so "already there" and "delete this one" never depend on how nft
 * prints a rule back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <nftables/libnftables.h>

#include "net/fw-nft.h"
#include "util/error.h"

/* A rule of the model. handle 0: queued in this transaction by ops[op]. */
typedef struct NftRule {
    char *comment; /* NULL for rules without one (not ours) */
    char *jump;    /* the chain it jumps to, NULL if none */
    guint64 handle;
    int op;
} NftRule;

typedef struct NftChain {
    char *name;
    bool base;
    int op;           /* the queued "add chain", -1 if it exists in the kernel */
    GPtrArray *rules; /* NftRule, in chain order */
} NftChain;

typedef struct FwNft {
    FwBackend base;
    struct nft_ctx *ctx; /* non-NULL inside a transaction */
    int family;
    FwTable table;
    bool table_exists; /* in the model */
    int table_op;      /* the queued "add table", -1 if none */
    GPtrArray *chains; /* NftChain, in listing/creation order */
    GPtrArray *ops;    /* char*: the queued commands; NULL once cancelled */
} FwNft;

static const char *
nft_family(int family)
{
    return family == AF_INET6 ? "ip6" : "ip";
}

static const char *
family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

char *
fw_nft_rule_comment(const FwRule *rule)
{
    g_autofree char *line = fw_ruleset_format_line(rule);
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, line, -1);

    return g_strdup_printf("vn:%.16s", sum);
}

/* ---- the model ------------------------------------------------------ */

static void
nft_rule_free(gpointer p)
{
    NftRule *r = p;

    g_free(r->comment);
    g_free(r->jump);
    g_free(r);
}

static void
nft_chain_free(gpointer p)
{
    NftChain *c = p;

    g_free(c->name);
    g_ptr_array_unref(c->rules);
    g_free(c);
}

static NftChain *
model_chain(FwNft *nft, const char *name)
{
    for (guint i = 0; i < nft->chains->len; i++) {
        NftChain *c = nft->chains->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static NftChain *
model_add_chain(FwNft *nft, const char *name, bool base, int op)
{
    NftChain *c = g_new0(NftChain, 1);

    c->name = g_strdup(name);
    c->base = base;
    c->op = op;
    c->rules = g_ptr_array_new_with_free_func(nft_rule_free);
    g_ptr_array_add(nft->chains, c);
    return c;
}

static NftRule *
model_add_rule(NftChain *c, const char *comment, const char *jump, guint64 handle, int op,
               bool at_top)
{
    NftRule *r = g_new0(NftRule, 1);

    r->comment = g_strdup(comment);
    r->jump = g_strdup(jump);
    r->handle = handle;
    r->op = op;
    if (at_top)
        g_ptr_array_insert(c->rules, 0, r);
    else
        g_ptr_array_add(c->rules, r);
    return r;
}

static bool
chain_has_jump_to(const NftChain *c, const char *target)
{
    for (guint i = 0; i < c->rules->len; i++) {
        const NftRule *r = c->rules->pdata[i];

        if (r->jump && strcmp(r->jump, target) == 0)
            return true;
    }
    return false;
}

static int
queue(FwNft *nft, char *cmd)
{
    g_ptr_array_add(nft->ops, cmd);
    return (int)nft->ops->len - 1;
}

static void
cancel(FwNft *nft, int op)
{
    g_clear_pointer(&nft->ops->pdata[op], g_free);
}

static void
end_transaction(FwNft *nft)
{
    g_clear_pointer(&nft->ctx, nft_ctx_free);
    g_ptr_array_set_size(nft->chains, 0);
    g_ptr_array_set_size(nft->ops, 0);
    nft->table_exists = false;
    nft->table_op = -1;
}

/* ---- talking to libnftables ------------------------------------------- */

/* What libnftables said, on one line: the error lines and the command
 * they are about, without the "^^^" markers under it. */
static char *
nft_error_text(struct nft_ctx *ctx)
{
    g_auto(GStrv) lines = g_strsplit(nft_ctx_get_error_buffer(ctx), "\n", -1);
    GString *s = g_string_new(NULL);

    for (guint i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);

        if (!*line || strspn(line, "^~ ") == strlen(line))
            continue;
        if (s->len)
            g_string_append(s, " | ");
        g_string_append(s, line);
    }
    if (!s->len)
        g_string_append(s, "unknown error");
    return g_string_free(s, FALSE);
}

/* Runs @cmd; on failure *ret_error (if not NULL) gets libnftables' words.
 * The output stays in the context's buffer for the caller. */
static bool
nft_run(struct nft_ctx *ctx, const char *cmd, char **ret_error)
{
    if (nft_run_cmd_from_buffer(ctx, cmd) == 0)
        return true;
    if (ret_error)
        *ret_error = nft_error_text(ctx);
    return false;
}

static const char *
json_str(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The target of a rule's "jump" or "goto" statement, NULL if none. */
static const char *
json_rule_jump(json_object *rule)
{
    json_object *expr, *v, *target;

    if (!json_object_object_get_ex(rule, "expr", &expr) ||
        !json_object_is_type(expr, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(expr); i++) {
        json_object *stmt = json_object_array_get_idx(expr, i);

        if ((json_object_object_get_ex(stmt, "jump", &v) ||
             json_object_object_get_ex(stmt, "goto", &v)) &&
            json_object_object_get_ex(v, "target", &target))
            return json_object_get_string(target);
    }
    return NULL;
}

/* Fills the model from "list table" JSON output. */
static bool
parse_table(FwNft *nft, const char *text, GError **error)
{
    json_object *root = json_tokener_parse(text), *items;
    bool ok = false;

    if (!root || !json_object_object_get_ex(root, "nftables", &items) ||
        !json_object_is_type(items, json_type_array)) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot parse the listing of nftables table '%s %s'", nft_family(nft->family),
                    FW_NFT_TABLE);
        goto out;
    }
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        json_object *item = json_object_array_get_idx(items, i), *obj, *hook, *handle;
        const char *chain;
        NftChain *c;

        if (json_object_object_get_ex(item, "chain", &obj) && json_str(obj, "name")) {
            if (!model_chain(nft, json_str(obj, "name")))
                model_add_chain(nft, json_str(obj, "name"),
                                json_object_object_get_ex(obj, "hook", &hook), -1);
        } else if (json_object_object_get_ex(item, "rule", &obj) &&
                   (chain = json_str(obj, "chain")) &&
                   json_object_object_get_ex(obj, "handle", &handle)) {
            if (!(c = model_chain(nft, chain)))
                c = model_add_chain(nft, chain, false, -1);
            model_add_rule(c, json_str(obj, "comment"), json_rule_jump(obj),
                           (guint64)json_object_get_int64(handle), -1, false);
        }
    }
    nft->table_exists = true;
    ok = true;
out:
    if (root)
        json_object_put(root);
    return ok;
}

/* Does "list tables FAMILY" (JSON) show our table? */
static bool
listing_has_table(const char *text, const char *family)
{
    json_object *root = json_tokener_parse(text), *items, *obj;
    bool found = false;

    if (root && json_object_object_get_ex(root, "nftables", &items) &&
        json_object_is_type(items, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(items) && !found; i++)
            found = json_object_object_get_ex(json_object_array_get_idx(items, i), "table", &obj) &&
                    g_strcmp0(json_str(obj, "family"), family) == 0 &&
                    g_strcmp0(json_str(obj, "name"), FW_NFT_TABLE) == 0;
    }
    if (root)
        json_object_put(root);
    return found;
}

static bool
read_table(FwNft *nft, GError **error)
{
    const char *fam = nft_family(nft->family);
    g_autofree char *cmd = g_strdup_printf("list table %s %s", fam, FW_NFT_TABLE);
    g_autofree char *err = NULL, *err2 = NULL, *tables_cmd = NULL;

    if (nft_run(nft->ctx, cmd, &err))
        return parse_table(nft, nft_ctx_get_output_buffer(nft->ctx), error);
    /* absent (the usual case before the first network) or unreadable? */
    tables_cmd = g_strdup_printf("list tables %s", fam);
    if (nft_run(nft->ctx, tables_cmd, &err2) &&
        !listing_has_table(nft_ctx_get_output_buffer(nft->ctx), fam)) {
        nft->table_exists = false;
        return true;
    }
    g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                "cannot read the %s nftables table '%s %s': %s", family_name(nft->family), fam,
                FW_NFT_TABLE, err2 ? err2 : err);
    return false;
}

static bool
nft_begin(FwBackend *be, int family, FwTable table, GError **error)
{
    FwNft *nft = (FwNft *)be;

    if (nft->ctx) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: a transaction is already open");
        return false;
    }
    if (family != AF_INET && family != AF_INET6) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR, "firewall: unknown family %d",
                    family);
        return false;
    }
    /* a fresh context per transaction: its socket is opened in the
     * namespace current now, and no cache outlives the transaction */
    if (!(nft->ctx = nft_ctx_new(NFT_CTX_DEFAULT))) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot create a libnftables context");
        return false;
    }
    nft_ctx_output_set_flags(nft->ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
    if (nft_ctx_buffer_output(nft->ctx) != 0 || nft_ctx_buffer_error(nft->ctx) != 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot buffer the output of libnftables");
        end_transaction(nft);
        return false;
    }
    nft->family = family;
    nft->table = table;
    if (!read_table(nft, error)) {
        end_transaction(nft);
        return false;
    }
    return true;
}

static bool
check_transaction(FwNft *nft, int family, FwTable table, GError **error)
{
    if (!nft->ctx || nft->family != family || nft->table != table) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: operation outside its table's transaction");
        return false;
    }
    return true;
}

/* ---- rules as nft statements ------------------------------------------- */

/* Chain names go into commands unquoted: letters, digits, '_' and '-'. */
static bool
valid_chain_name(const char *name)
{
    if (!name || !g_ascii_isalpha(*name) || strlen(name) >= FW_CHAIN_MAX)
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
            return false;
    return true;
}

/* Interface names go into commands quoted; nft reads a trailing '*' in
 * them as a wildcard, where the rule means exactly that name. */
static bool
valid_iface(const char *name)
{
    if (!*name || strlen(name) >= IFNAMSIZ)
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isgraph(*p) || *p == '"' || *p == '\\' || *p == '*')
            return false;
    return true;
}

static void
append_prefix(GString *s, int family, const char *field, bool negated, const FwPrefix *p)
{
    char text[INET6_ADDRSTRLEN];

    inet_ntop(family, p->addr, text, sizeof(text));
    g_string_append_printf(s, " %s %s %s%s/%u", nft_family(family), field, negated ? "!= " : "",
                           text, p->len);
}

static void
append_ports(GString *s, unsigned int start, unsigned int end)
{
    g_string_append_printf(s, "%u", start);
    if (end && end != start)
        g_string_append_printf(s, "-%u", end);
}

/* The nft statements of @r (matches, then the verdict or NAT statement),
 * as iptables would apply it: interfaces by name, "-p" as the layer 4
 * protocol, REJECT with port unreachable. */
static char *
rule_statements(const FwRule *r, GError **error)
{
    static const char *const protos[] = { [FW_PROTO_TCP] = "tcp", [FW_PROTO_UDP] = "udp" };
    g_autoptr(GString) s = g_string_new(NULL);
    bool v6 = r->family == AF_INET6;
    bool has_proto = r->proto == FW_PROTO_TCP || r->proto == FW_PROTO_UDP;
    bool bad = (r->in_if && !valid_iface(r->in_if)) || (r->out_if && !valid_iface(r->out_if)) ||
               (r->dport && !has_proto) || r->dport > 65535 ||
               (r->target == FW_TARGET_JUMP && !valid_chain_name(r->jump)) ||
               (r->target == FW_TARGET_SNAT && v6) ||
               ((r->target == FW_TARGET_MASQUERADE || r->target == FW_TARGET_SNAT) &&
                r->nat_port_start && !has_proto);

    if (bad) {
        g_autofree char *line = fw_ruleset_format_line(r);

        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "invalid firewall rule for nftables '%s'", line);
        return NULL;
    }
    if (r->in_if)
        g_string_append_printf(s, " iifname \"%s\"", r->in_if);
    if (r->out_if)
        g_string_append_printf(s, " oifname \"%s\"", r->out_if);
    if (r->src.len)
        append_prefix(s, r->family, "saddr", false, &r->src);
    if (r->dst.len)
        append_prefix(s, r->family, "daddr", r->dst_negated, &r->dst);
    if (has_proto) {
        g_string_append_printf(s, " meta l4proto %s", protos[r->proto]);
        if (r->dport)
            g_string_append_printf(s, " %s dport %u", protos[r->proto], r->dport);
    }
    if (r->ctstate) {
        g_string_append(s, " ct state ");
        if (r->ctstate & FW_CTSTATE_ESTABLISHED)
            g_string_append(s, (r->ctstate & FW_CTSTATE_RELATED) ? "established," : "established");
        if (r->ctstate & FW_CTSTATE_RELATED)
            g_string_append(s, "related");
    }
    switch (r->target) {
    case FW_TARGET_ACCEPT:
        g_string_append(s, " accept");
        break;
    case FW_TARGET_RETURN:
        g_string_append(s, " return");
        break;
    case FW_TARGET_JUMP:
        g_string_append_printf(s, " jump %s", r->jump);
        break;
    case FW_TARGET_REJECT:
        g_string_append(s, v6 ? " reject with icmpv6 type port-unreachable"
                              : " reject with icmp type port-unreachable");
        break;
    case FW_TARGET_MASQUERADE:
        g_string_append(s, " masquerade");
        if (r->nat_port_start) {
            g_string_append(s, " to :");
            append_ports(s, r->nat_port_start, r->nat_port_end);
        }
        break;
    case FW_TARGET_SNAT: {
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, r->nat_addr_start, a, sizeof(a));
        inet_ntop(AF_INET, r->nat_addr_end, b, sizeof(b));
        g_string_append_printf(s, " snat to %s", a);
        if (strcmp(a, b) != 0)
            g_string_append_printf(s, "-%s", b);
        if (r->nat_port_start) {
            g_string_append_c(s, ':');
            append_ports(s, r->nat_port_start, r->nat_port_end);
        }
        break;
    }
    case FW_TARGET_LAST:
    default: {
        g_autofree char *line = fw_ruleset_format_line(r);

        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "invalid firewall rule for nftables '%s'", line);
        return NULL;
    }
    }
    return g_strdup(s->str + 1); /* without the leading blank */
}

/* The base chain standing for iptables' built-in chain @parent of @table:
 * its "{ type ... hook ... priority ...; }" specification, NULL if none. */
static const char *
base_chain_spec(FwTable table, const char *parent)
{
    static const struct {
        FwTable table;
        const char *parent, *spec;
    } specs[] = {
        { FW_TABLE_FILTER, "INPUT", "{ type filter hook input priority filter; policy accept; }" },
        { FW_TABLE_FILTER, "OUTPUT",
          "{ type filter hook output priority filter; policy accept; }" },
        { FW_TABLE_FILTER, "FORWARD",
          "{ type filter hook forward priority filter; policy accept; }" },
        { FW_TABLE_NAT, "POSTROUTING",
          "{ type nat hook postrouting priority srcnat; policy accept; }" },
        { FW_TABLE_NAT, "PREROUTING",
          "{ type nat hook prerouting priority dstnat; policy accept; }" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(specs); i++)
        if (specs[i].table == table && g_strcmp0(specs[i].parent, parent) == 0)
            return specs[i].spec;
    return NULL;
}

/* ---- operations ------------------------------------------------------- */

static const char *
fam(FwNft *nft)
{
    return nft_family(nft->family);
}

static void
ensure_table(FwNft *nft)
{
    if (nft->table_exists)
        return;
    nft->table_op = queue(nft, g_strdup_printf("add table %s %s", fam(nft), FW_NFT_TABLE));
    nft->table_exists = true;
}

static NftChain *
ensure_chain(FwNft *nft, const char *name, const char *spec, bool *ret_created)
{
    NftChain *c = model_chain(nft, name);
    int op;

    if (c)
        return c;
    ensure_table(nft);
    op = queue(nft, g_strdup_printf("add chain %s %s %s%s%s", fam(nft), FW_NFT_TABLE, name,
                                    spec ? " " : "", spec ? spec : ""));
    *ret_created = true;
    return model_add_chain(nft, name, spec != NULL, op);
}

static void
delete_rule(FwNft *nft, NftChain *c, guint index)
{
    NftRule *r = c->rules->pdata[index];

    if (r->op >= 0)
        cancel(nft, r->op);
    else
        queue(nft, g_strdup_printf("delete rule %s %s %s handle %" G_GUINT64_FORMAT, fam(nft),
                                   FW_NFT_TABLE, c->name, r->handle));
    g_ptr_array_remove_index(c->rules, index);
}

static void
delete_chain(FwNft *nft, NftChain *c)
{
    if (c->op >= 0)
        cancel(nft, c->op);
    else
        queue(nft, g_strdup_printf("delete chain %s %s %s", fam(nft), FW_NFT_TABLE, c->name));
    g_ptr_array_remove(nft->chains, c);
}

/* The table goes with its last chain: a fresh namespace must look as it
 * did before the first network. */
static void
drop_table_if_empty(FwNft *nft)
{
    if (!nft->table_exists || nft->chains->len)
        return;
    if (nft->table_op >= 0)
        cancel(nft, nft->table_op);
    else
        queue(nft, g_strdup_printf("delete table %s %s", fam(nft), FW_NFT_TABLE));
    nft->table_op = -1;
    nft->table_exists = false;
}

static bool
nft_add_chain(FwBackend *be, const FwChain *chain, bool *ret_created, GError **error)
{
    FwNft *nft = (FwNft *)be;
    const char *spec = base_chain_spec(chain->table, chain->parent);
    FwRule jump = { .family = chain->family,
                    .table = chain->table,
                    .chain = chain->parent,
                    .target = FW_TARGET_JUMP,
                    .jump = chain->name };
    g_autofree char *comment = NULL;
    NftChain *parent;

    *ret_created = false;
    if (!check_transaction(nft, chain->family, chain->table, error))
        return false;
    if (!valid_chain_name(chain->name) || !spec) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot create %s nftables chain '%s' in table '%s %s': unsupported name or "
                    "parent chain '%s'",
                    family_name(chain->family), chain->name, fam(nft), FW_NFT_TABLE, chain->parent);
        return false;
    }
    ensure_chain(nft, chain->name, NULL, ret_created);
    parent = ensure_chain(nft, chain->parent, spec, ret_created);
    if (!chain_has_jump_to(parent, chain->name)) {
        int op;

        /* "insert" without a position puts it first, as iptables -I */
        comment = fw_nft_rule_comment(&jump);
        op = queue(nft, g_strdup_printf("insert rule %s %s %s jump %s comment \"%s\"", fam(nft),
                                        FW_NFT_TABLE, chain->parent, chain->name, comment));
        model_add_rule(parent, comment, chain->name, 0, op, true);
        *ret_created = true;
    }
    return true;
}

static bool
nft_remove_chain(FwBackend *be, const FwChain *chain, GError **error)
{
    FwNft *nft = (FwNft *)be;
    NftChain *c, *parent;

    if (!check_transaction(nft, chain->family, chain->table, error))
        return false;
    if (!(c = model_chain(nft, chain->name)) || c->rules->len)
        return true; /* gone, or still used by another network */
    if ((parent = model_chain(nft, chain->parent))) {
        for (guint i = parent->rules->len; i-- > 0;) {
            const NftRule *r = parent->rules->pdata[i];

            if (r->jump && strcmp(r->jump, chain->name) == 0)
                delete_rule(nft, parent, i);
        }
    }
    /* a rule of somebody else jumping here keeps the chain alive */
    for (guint i = 0; i < nft->chains->len; i++)
        if (chain_has_jump_to(nft->chains->pdata[i], chain->name))
            return true;
    delete_chain(nft, c);
    if (parent && parent->base && !parent->rules->len)
        delete_chain(nft, parent);
    drop_table_if_empty(nft);
    return true;
}

static NftRule *
find_rule(NftChain *c, const char *comment, guint *ret_index)
{
    for (guint i = 0; c && i < c->rules->len; i++) {
        NftRule *r = c->rules->pdata[i];

        if (g_strcmp0(r->comment, comment) == 0) {
            if (ret_index)
                *ret_index = i;
            return r;
        }
    }
    return NULL;
}

static bool
nft_add(FwBackend *be, const FwRule *rule, bool *ret_added, GError **error)
{
    FwNft *nft = (FwNft *)be;
    g_autofree char *stmts = NULL, *comment = NULL;
    NftChain *c;
    int op;

    *ret_added = false;
    if (!check_transaction(nft, rule->family, rule->table, error))
        return false;
    if (!(stmts = rule_statements(rule, error)))
        return false;
    if (!(c = model_chain(nft, rule->chain))) {
        g_autofree char *line = fw_ruleset_format_line(rule);

        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot add firewall rule '%s': no chain '%s' in nftables table '%s %s'", line,
                    rule->chain, fam(nft), FW_NFT_TABLE);
        return false;
    }
    comment = fw_nft_rule_comment(rule);
    if (find_rule(c, comment, NULL))
        return true;
    op = queue(nft, g_strdup_printf("add rule %s %s %s %s comment \"%s\"", fam(nft), FW_NFT_TABLE,
                                    c->name, stmts, comment));
    model_add_rule(c, comment, rule->target == FW_TARGET_JUMP ? rule->jump : NULL, 0, op, false);
    *ret_added = true;
    return true;
}

static bool
nft_remove(FwBackend *be, const FwRule *rule, GError **error)
{
    FwNft *nft = (FwNft *)be;
    g_autofree char *comment = NULL;
    NftChain *c;
    guint index;

    if (!check_transaction(nft, rule->family, rule->table, error))
        return false;
    comment = fw_nft_rule_comment(rule);
    if ((c = model_chain(nft, rule->chain)) && find_rule(c, comment, &index))
        delete_rule(nft, c, index);
    return true;
}

static bool
nft_commit(FwBackend *be, GError **error)
{
    FwNft *nft = (FwNft *)be;
    g_autoptr(GString) batch = g_string_new(NULL);
    g_autofree char *err = NULL;
    bool ok = true;

    if (!nft->ctx) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "firewall: commit without a transaction");
        return false;
    }
    for (guint i = 0; i < nft->ops->len; i++)
        if (nft->ops->pdata[i])
            g_string_append_printf(batch, "%s\n", (const char *)nft->ops->pdata[i]);
    /* one buffer is one batch: the kernel applies all of it or nothing */
    if (batch->len && !nft_run(nft->ctx, batch->str, &err)) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot commit the %s nftables table '%s %s' (%s): %s",
                    family_name(nft->family), fam(nft), FW_NFT_TABLE,
                    fw_table_to_string(nft->table), err);
        ok = false;
    }
    end_transaction(nft);
    return ok;
}

static void
nft_abort(FwBackend *be)
{
    end_transaction((FwNft *)be);
}

static void
nft_free_backend(FwBackend *be)
{
    FwNft *nft = (FwNft *)be;

    end_transaction(nft);
    g_ptr_array_unref(nft->chains);
    g_ptr_array_unref(nft->ops);
    g_free(nft);
}

FwBackend *
fw_nft_new(void)
{
    FwNft *nft = g_new0(FwNft, 1);

    nft->base = (FwBackend){
        .name = "nftables",
        .begin = nft_begin,
        .add_chain = nft_add_chain,
        .remove_chain = nft_remove_chain,
        .add = nft_add,
        .remove = nft_remove,
        .commit = nft_commit,
        .abort = nft_abort,
        .free = nft_free_backend,
    };
    nft->table_op = -1;
    nft->chains = g_ptr_array_new_with_free_func(nft_chain_free);
    nft->ops = g_ptr_array_new_with_free_func(g_free);
    return &nft->base;
}
