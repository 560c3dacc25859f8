/*
 * fw-rules-test.c: network XML -> firewall rules, through the record backend
 *
 * Every tests/data/net-xml2fw/NAME.xml is built with fw_build() and applied
 * with fw_apply() on a fresh record backend; what the backend recorded
 * must equal NAME.rules (REGENERATE=1 rewrites it). Each case also checks
 * that a second apply changes nothing and that fw_remove() leaves the
 * model empty. Further cases cover undo after failures and networks
 * sharing the owned chains.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "conf/netdef.h"
#include "net/fw.h"
#include "util/error.h"

static char *data_dir;

static char *
read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read '%s': %s", path, error->message);
    return text;
}

static NetDef *
load_def(const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    g_autofree char *path = g_build_filename(data_dir, file, NULL);
    g_autofree char *xml = read_file(path);
    g_autoptr(GError) error = NULL;
    NetDef *def = netdef_parse_string(xml, 0, &error);

    g_assert_no_error(error);
    return def;
}

static FwRuleset *
build(const char *name)
{
    g_autoptr(NetDef) def = load_def(name);
    g_autoptr(GError) error = NULL;
    FwRuleset *rs = fw_build(def, def->bridge, &error);

    g_assert_no_error(error);
    return rs;
}

/* Lines of @text that are not "[-6 ]TABLE COMMIT". */
static guint
count_changes(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = 0;

    for (guint i = 0; lines[i]; i++)
        if (*lines[i] && !g_str_has_suffix(lines[i], " COMMIT"))
            n++;
    return n;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_xml2fw(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *file = g_strconcat(name, ".rules", NULL);
    g_autofree char *rules_path = g_build_filename(data_dir, file, NULL);
    g_autoptr(FwRuleset) rs = build(name);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(FwBackend) rec = fw_record_new(out);
    g_autoptr(GError) error = NULL;
    g_autofree char *dump = NULL, *model = NULL;

    g_assert_true(fw_apply(rec, rs, &error));
    g_assert_no_error(error);

    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        if (!g_file_set_contents(rules_path, out->str, -1, &error))
            g_error("cannot write '%s': %s", rules_path, error->message);
    } else {
        g_autofree char *expected = read_file(rules_path);

        g_assert_cmpstr(out->str, ==, expected);
    }

    /* the model holds exactly the ruleset: every rule once */
    model = fw_record_dump(rec);
    dump = g_strconcat("\n", model, NULL);
    for (guint i = 0; i < rs->rules->len; i++) {
        g_autofree char *line = fw_ruleset_format_line(&g_array_index(rs->rules, FwRule, i));
        g_autofree char *needle = g_strconcat("\n", line, "\n", NULL);
        const char *hit = strstr(dump, needle);

        g_assert_nonnull(hit);
        g_assert_null(strstr(hit + 1, needle));
    }
}

/* Apply twice, then remove once: nothing left, and the removal is the
 * exact reverse of what was added. */
static void
test_apply_remove(gconstpointer opaque)
{
    const char *name = opaque;
    g_autoptr(FwRuleset) rs = build(name);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(FwBackend) rec = fw_record_new(out);
    g_autoptr(GError) error = NULL;
    g_autofree char *dump = NULL;
    guint added;

    g_assert_true(fw_apply(rec, rs, &error));
    added = count_changes(out->str);
    g_string_truncate(out, 0);
    g_assert_true(fw_apply(rec, rs, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(count_changes(out->str), ==, 0);

    g_string_truncate(out, 0);
    g_assert_true(fw_remove(rec, rs, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(count_changes(out->str), ==, added);
    dump = fw_record_dump(rec);
    g_assert_cmpstr(dump, ==, "");

    /* removing what is not there is no error and changes nothing */
    g_string_truncate(out, 0);
    g_assert_true(fw_remove(rec, rs, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(count_changes(out->str), ==, 0);
}

static void
test_format_line(void)
{
    FwRule r = { .family = AF_INET,
                 .table = FW_TABLE_NAT,
                 .chain = "VNODE_PRT",
                 .src = { { 192, 168, 122, 0 }, 24 },
                 .dst = { { 192, 168, 122, 0 }, 24 },
                 .dst_negated = true,
                 .proto = FW_PROTO_TCP,
                 .target = FW_TARGET_MASQUERADE,
                 .nat_port_start = 1024,
                 .nat_port_end = 65535 };
    g_autofree char *line = fw_ruleset_format_line(&r);
    g_autofree char *six = NULL;
    FwRule v6 = { .family = AF_INET6,
                  .table = FW_TABLE_FILTER,
                  .chain = "VNODE_FWI",
                  .dst = { { 0xfd, 0x00, 0, 1 }, 64 },
                  .out_if = "vnb0",
                  .ctstate = FW_CTSTATE_RELATED | FW_CTSTATE_ESTABLISHED,
                  .target = FW_TARGET_ACCEPT };

    g_assert_cmpstr(line, ==,
                    "nat VNODE_PRT -s 192.168.122.0/24 ! -d 192.168.122.0/24 -p tcp -j "
                    "MASQUERADE --to-ports 1024-65535");
    six = fw_ruleset_format_line(&v6);
    g_assert_cmpstr(six, ==,
                    "-6 filter VNODE_FWI -d fd00:1::/64 -o vnb0 -m conntrack --ctstate "
                    "RELATED,ESTABLISHED -j ACCEPT");
}

static void
test_names(void)
{
    for (int t = 0; t < FW_TABLE_LAST; t++)
        g_assert_cmpint(fw_table_from_string(fw_table_to_string((FwTable)t)), ==, t);
    for (int t = 0; t < FW_TARGET_LAST; t++)
        g_assert_cmpint(fw_target_from_string(fw_target_to_string((FwTarget)t)), ==, t);
    g_assert_null(fw_table_to_string(FW_TABLE_LAST));
    g_assert_null(fw_target_to_string(FW_TARGET_LAST));
    g_assert_cmpint(fw_table_from_string("mangle"), ==, -1);
}

/* A failure in a later table undoes the earlier, committed tables: the
 * model is as before (another network's rules included). */
static void
test_undo(gconstpointer opaque)
{
    bool fail_commit = GPOINTER_TO_INT(opaque);
    g_autoptr(FwRuleset) other = build("isolated");
    g_autoptr(FwRuleset) rs = build("dual-stack");
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(FwBackend) rec = fw_record_new(out);
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL, *after = NULL;

    g_assert_true(fw_apply(rec, other, &error));
    before = fw_record_dump(rec);

    /* dual-stack: IPv4 filter, IPv4 nat, IPv6 filter (no IPv6 nat): fail
     * in the IPv6 filter table, after two commits */
    if (fail_commit) {
        fw_record_fail_commit(rec, 3);
    } else {
        guint n = 0;

        for (guint i = 0; i < rs->rules->len; i++)
            if (g_array_index(rs->rules, FwRule, i).family == AF_INET)
                n++;
        fw_record_fail_add(rec, n + 2);
    }
    g_assert_false(fw_apply(rec, rs, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(error->message, "injected failure"));
    after = fw_record_dump(rec);
    g_assert_cmpstr(after, ==, before);
    /* the undo itself was committed */
    g_assert_nonnull(strstr(out->str, "del nat VNODE_PRT"));
}

/* Two networks share the owned chains: removing one keeps the chains and
 * jumps the other still uses; removing both leaves nothing. */
static void
test_shared_chains(void)
{
    g_autoptr(FwRuleset) a = build("nat-v4");
    g_autoptr(FwRuleset) b = build("route");
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(FwBackend) rec = fw_record_new(out);
    g_autoptr(GError) error = NULL;
    g_autofree char *only_b = NULL, *both_then_a = NULL, *end = NULL;

    g_assert_true(fw_apply(rec, b, &error));
    only_b = fw_record_dump(rec);
    g_assert_true(fw_apply(rec, a, &error));
    g_assert_true(fw_remove(rec, a, &error));
    g_assert_no_error(error);
    both_then_a = fw_record_dump(rec);
    g_assert_cmpstr(both_then_a, ==, only_b);
    g_assert_null(strstr(both_then_a, "VNODE_PRT")); /* route has no nat chain */
    g_assert_true(fw_remove(rec, b, &error));
    end = fw_record_dump(rec);
    g_assert_cmpstr(end, ==, "");
}

static void
test_no_bridge(void)
{
    g_autoptr(NetDef) def = load_def("nat-v4");
    g_autoptr(GError) error = NULL;
    g_autoptr(FwRuleset) rs = fw_build(def, NULL, &error);
    g_autoptr(FwRuleset) long_name = NULL;

    g_assert_null(rs);
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    long_name = fw_build(def, "a-bridge-name-too-long", &error);
    g_assert_null(long_name);
    g_assert_error(error, NET_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
}

/* The modes without rules give an empty set: nothing is created. */
static void
test_empty_modes(void)
{
    static const char *const names[] = { "open", "bridge", "private" };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(FwRuleset) rs = build(names[i]);

        g_assert_cmpuint(rs->rules->len, ==, 0);
        g_assert_cmpuint(rs->chains->len, ==, 0);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    const char *entry;
    int ret;

    g_test_init(&argc, &argv, NULL);
    data_dir = g_build_filename(ABS_TOP_SRCDIR, "tests", "data", "net-xml2fw", NULL);
    if (!(dir = g_dir_open(data_dir, 0, &error)))
        g_error("cannot list '%s': %s", data_dir, error->message);
    while ((entry = g_dir_read_name(dir)))
        if (g_str_has_suffix(entry, ".xml"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    g_ptr_array_sort(names, compare_names);

    for (guint i = 0; i < names->len; i++) {
        g_autofree char *p1 = g_strdup_printf("/fw/xml2fw/%s", (char *)names->pdata[i]);
        g_autofree char *p2 = g_strdup_printf("/fw/apply-remove/%s", (char *)names->pdata[i]);

        g_test_add_data_func(p1, names->pdata[i], test_xml2fw);
        g_test_add_data_func(p2, names->pdata[i], test_apply_remove);
    }
    g_test_add_func("/fw/format-line", test_format_line);
    g_test_add_func("/fw/names", test_names);
    g_test_add_data_func("/fw/undo/add", GINT_TO_POINTER(0), test_undo);
    g_test_add_data_func("/fw/undo/commit", GINT_TO_POINTER(1), test_undo);
    g_test_add_func("/fw/shared-chains", test_shared_chains);
    g_test_add_func("/fw/no-bridge", test_no_bridge);
    g_test_add_func("/fw/empty-modes", test_empty_modes);

    ret = g_test_run();
    g_free(data_dir);
    return ret;
}
