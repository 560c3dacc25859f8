/*
 * fw-record.c: the test-only firewall backend
 *
 * Keeps a model of the tables as text lines (chain declarations and
 * rules, the formats of fw.h) so that "already there", "chain still in
 * use", commit and abort behave as with the kernel, and appends what each
 * commit changed to a GString that data-driven tests compare with
 * expected files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "net/fw.h"
#include "util/error.h"

typedef struct FwRecord {
    FwBackend base;
    GString *out;
    GPtrArray *lines;    /* char*: the model, chains and rules in order */
    GPtrArray *snapshot; /* the model at begin(), NULL outside a transaction */
    GString *pending;    /* what the open transaction changed */
    int family;
    FwTable table;
    unsigned int fail_add, fail_commit; /* countdowns, 0: never */
} FwRecord;

static gpointer
copy_string(gconstpointer s, gpointer unused)
{
    (void)unused;
    return g_strdup(s);
}

static GPtrArray *
lines_copy(GPtrArray *lines)
{
    return g_ptr_array_copy(lines, copy_string, NULL);
}

static bool
in_transaction(FwRecord *rec, int family, FwTable table, GError **error)
{
    if (!rec->snapshot || rec->family != family || rec->table != table) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "record backend: operation outside its table's transaction");
        return false;
    }
    return true;
}

static bool
lines_find(const GPtrArray *lines, const char *line, guint *ret_index)
{
    for (guint i = 0; i < lines->len; i++) {
        if (strcmp(lines->pdata[i], line) == 0) {
            if (ret_index)
                *ret_index = i;
            return true;
        }
    }
    return false;
}

/* "[-6 ]TABLE CHAIN ": what every rule of that chain starts with. */
static char *
chain_prefix(int family, FwTable table, const char *chain)
{
    return g_strdup_printf("%s%s %s ", family == AF_INET6 ? "-6 " : "", fw_table_to_string(table),
                           chain);
}

static bool
chain_has_rules(const GPtrArray *lines, const char *prefix)
{
    for (guint i = 0; i < lines->len; i++)
        if (g_str_has_prefix(lines->pdata[i], prefix))
            return true;
    return false;
}

static FwRule
jump_rule(const FwChain *c)
{
    return (FwRule){ .family = c->family,
                     .table = c->table,
                     .chain = c->parent,
                     .target = FW_TARGET_JUMP,
                     .jump = c->name };
}

static bool
record_begin(FwBackend *be, int family, FwTable table, GError **error)
{
    FwRecord *rec = (FwRecord *)be;

    if (rec->snapshot) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "record backend: a transaction is already open");
        return false;
    }
    rec->snapshot = lines_copy(rec->lines);
    rec->family = family;
    rec->table = table;
    g_string_truncate(rec->pending, 0);
    return true;
}

static bool
record_add_chain(FwBackend *be, const FwChain *c, bool *ret_created, GError **error)
{
    FwRecord *rec = (FwRecord *)be;
    g_autofree char *decl = fw_chain_format_line(c);
    FwRule jump = jump_rule(c);
    g_autofree char *jline = fw_ruleset_format_line(&jump);
    g_autofree char *parent = chain_prefix(c->family, c->table, c->parent);

    *ret_created = false;
    if (!in_transaction(rec, c->family, c->table, error))
        return false;
    if (!lines_find(rec->lines, decl, NULL)) {
        g_ptr_array_add(rec->lines, g_steal_pointer(&decl));
        g_string_append_printf(rec->pending, "%s\n",
                               (char *)g_ptr_array_index(rec->lines, rec->lines->len - 1));
        *ret_created = true;
    }
    if (!lines_find(rec->lines, jline, NULL)) {
        guint at = rec->lines->len;

        /* at the top of the parent: before its first rule */
        for (guint i = 0; i < rec->lines->len; i++) {
            if (g_str_has_prefix(rec->lines->pdata[i], parent)) {
                at = i;
                break;
            }
        }
        g_string_append_printf(rec->pending, "%s\n", jline);
        g_ptr_array_insert(rec->lines, (gint)at, g_steal_pointer(&jline));
        *ret_created = true;
    }
    return true;
}

static bool
record_remove_chain(FwBackend *be, const FwChain *c, GError **error)
{
    FwRecord *rec = (FwRecord *)be;
    g_autofree char *decl = fw_chain_format_line(c);
    g_autofree char *prefix = chain_prefix(c->family, c->table, c->name);
    FwRule jump = jump_rule(c);
    g_autofree char *jline = fw_ruleset_format_line(&jump);
    guint i;

    if (!in_transaction(rec, c->family, c->table, error))
        return false;
    if (chain_has_rules(rec->lines, prefix))
        return true;
    if (lines_find(rec->lines, jline, &i)) {
        g_ptr_array_remove_index(rec->lines, i);
        g_string_append_printf(rec->pending, "del %s\n", jline);
    }
    if (lines_find(rec->lines, decl, &i)) {
        g_ptr_array_remove_index(rec->lines, i);
        g_string_append_printf(rec->pending, "del %s\n", decl);
    }
    return true;
}

static bool
record_add(FwBackend *be, const FwRule *r, bool *ret_added, GError **error)
{
    FwRecord *rec = (FwRecord *)be;
    g_autofree char *line = fw_ruleset_format_line(r);

    *ret_added = false;
    if (!in_transaction(rec, r->family, r->table, error))
        return false;
    if (rec->fail_add && --rec->fail_add == 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot add '%s': injected failure",
                    line);
        return false;
    }
    if (lines_find(rec->lines, line, NULL))
        return true;
    g_string_append_printf(rec->pending, "%s\n", line);
    g_ptr_array_add(rec->lines, g_steal_pointer(&line));
    *ret_added = true;
    return true;
}

static bool
record_remove(FwBackend *be, const FwRule *r, GError **error)
{
    FwRecord *rec = (FwRecord *)be;
    g_autofree char *line = fw_ruleset_format_line(r);
    guint i;

    if (!in_transaction(rec, r->family, r->table, error))
        return false;
    if (lines_find(rec->lines, line, &i)) {
        g_ptr_array_remove_index(rec->lines, i);
        g_string_append_printf(rec->pending, "del %s\n", line);
    }
    return true;
}

static void
record_abort(FwBackend *be)
{
    FwRecord *rec = (FwRecord *)be;

    if (!rec->snapshot)
        return;
    g_ptr_array_unref(rec->lines);
    rec->lines = g_steal_pointer(&rec->snapshot);
    g_string_truncate(rec->pending, 0);
}

static bool
record_commit(FwBackend *be, GError **error)
{
    FwRecord *rec = (FwRecord *)be;

    if (!rec->snapshot) {
        g_set_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "record backend: commit without a transaction");
        return false;
    }
    if (rec->fail_commit && --rec->fail_commit == 0) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR,
                    "cannot commit table '%s': injected failure", fw_table_to_string(rec->table));
        record_abort(be);
        return false;
    }
    g_string_append(rec->out, rec->pending->str);
    g_string_append_printf(rec->out, "%s%s COMMIT\n", rec->family == AF_INET6 ? "-6 " : "",
                           fw_table_to_string(rec->table));
    g_clear_pointer(&rec->snapshot, g_ptr_array_unref);
    g_string_truncate(rec->pending, 0);
    return true;
}

static void
record_free(FwBackend *be)
{
    FwRecord *rec = (FwRecord *)be;

    g_ptr_array_unref(rec->lines);
    if (rec->snapshot)
        g_ptr_array_unref(rec->snapshot);
    g_string_free(rec->pending, TRUE);
    g_free(rec);
}

FwBackend *
fw_record_new(GString *out)
{
    FwRecord *rec = g_new0(FwRecord, 1);

    rec->base = (FwBackend){
        .name = "record",
        .begin = record_begin,
        .add_chain = record_add_chain,
        .remove_chain = record_remove_chain,
        .add = record_add,
        .remove = record_remove,
        .commit = record_commit,
        .abort = record_abort,
        .free = record_free,
    };
    rec->out = out;
    rec->lines = g_ptr_array_new_with_free_func(g_free);
    rec->pending = g_string_new(NULL);
    return &rec->base;
}

void
fw_record_fail_add(FwBackend *be, unsigned int nth)
{
    ((FwRecord *)be)->fail_add = nth;
}

void
fw_record_fail_commit(FwBackend *be, unsigned int nth)
{
    ((FwRecord *)be)->fail_commit = nth;
}

char *
fw_record_dump(FwBackend *be)
{
    FwRecord *rec = (FwRecord *)be;
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < rec->lines->len; i++)
        g_string_append_printf(s, "%s\n", (char *)rec->lines->pdata[i]);
    return g_string_free(s, FALSE);
}
