/*
 * fw-nft-test.c: the nftables backend against the kernel (privileged)
 *
 * Runs as root in a network namespace of its own (entered before
 * g_test_init(); it disappears with the process), so the host's firewall
 * is never touched. Each tests/data/fw-nft/NAME.xml is built with
 * fw_build() and applied through the nft backend; `nft list ruleset` must
 * then equal NAME.nft (REGENERATE=1 rewrites it), hold every rule exactly
 * once, not change on a second apply, and be empty again after
 * fw_remove(). Further cases: networks sharing the owned chains, a foreign
 * table left alone, transactions the kernel refuses. Not root: every case
 * is skipped, or fails when CI=true.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare() */
#endif
#include <config.h>

#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/netdef.h"
#include "net/fw-nft.h"
#include "net/fw.h"
#include "tests/test-netns.h"
#include "util/error.h"

static const char *skip_reason;
static char *data_dir;

static const char *const foreign_cmds =
    "nft add table inet foreign\n"
    "nft add chain inet foreign fwdc '{ type filter hook forward priority 10; policy accept; }'\n"
    "nft add rule inet foreign fwdc ip saddr 10.99.0.0/16 counter drop\n"
    "nft add table ip foreign2\n"
    "nft add chain ip foreign2 post '{ type nat hook postrouting priority 100; }'\n"
    "nft add rule ip foreign2 post oifname eth9 masquerade\n";

static char *
ruleset(void)
{
    return test_sh("nft list ruleset");
}

static char *
read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read '%s': %s", path, error->message);
    return text;
}

static FwRuleset *
build(const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    g_autofree char *path = g_build_filename(data_dir, file, NULL);
    g_autofree char *xml = read_file(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = netdef_parse_string(xml, 0, &error);
    FwRuleset *rs;

    g_assert_no_error(error);
    rs = fw_build(def, def->bridge, &error);
    g_assert_no_error(error);
    return rs;
}

static guint
count(const char *haystack, const char *needle)
{
    guint n = 0;

    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Every rule of @rs, and every jump to its chains, is in @listing exactly
 * once (found by its comment). */
static void
assert_each_once(const FwRuleset *rs, const char *listing)
{
    for (guint i = 0; i < rs->rules->len; i++) {
        g_autofree char *comment = fw_nft_rule_comment(&g_array_index(rs->rules, FwRule, i));
        g_autofree char *needle = g_strdup_printf("comment \"%s\"\n", comment);

        g_assert_cmpuint(count(listing, needle), ==, 1);
    }
    for (guint i = 0; i < rs->chains->len; i++) {
        const FwChain *c = &g_array_index(rs->chains, FwChain, i);
        g_autofree char *needle = g_strdup_printf("jump %s comment", c->name);
        g_autofree char *chain = g_strdup_printf("\tchain %s {\n", c->name);

        /* once per family table */
        g_assert_cmpuint(count(listing, chain), >=, 1);
        g_assert_cmpuint(count(listing, needle), >=, 1);
        g_assert_cmpuint(count(listing, needle), <=, 2);
    }
}

static void
test_apply(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *file = g_strconcat(name, ".nft", NULL);
    g_autofree char *path = g_build_filename(data_dir, file, NULL);
    g_autoptr(FwRuleset) rs = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *applied = NULL, *twice = NULL, *removed = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    rs = build(name);
    be = fw_nft_new();
    orig = ruleset();
    g_assert_cmpstr(orig, ==, "");

    g_assert_true(fw_apply(be, rs, &error));
    g_assert_no_error(error);
    applied = ruleset();
    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        if (!g_file_set_contents(path, applied, -1, &error))
            g_error("cannot write '%s': %s", path, error->message);
    } else {
        g_autofree char *expected = read_file(path);

        g_assert_cmpstr(applied, ==, expected);
    }
    assert_each_once(rs, applied);

    g_assert_true(fw_apply(be, rs, &error));
    g_assert_no_error(error);
    twice = ruleset();
    g_assert_cmpstr(twice, ==, applied);

    g_assert_true(fw_remove(be, rs, &error));
    g_assert_no_error(error);
    removed = ruleset();
    g_assert_cmpstr(removed, ==, "");

    /* nothing there: no error, nothing created */
    g_assert_true(fw_remove(be, rs, &error));
    g_assert_no_error(error);
    g_free(removed);
    removed = ruleset();
    g_assert_cmpstr(removed, ==, "");
}

/* Two networks share the owned chains: removing one keeps the other's
 * rules, chains and jumps, in order. */
static void
test_shared_chains(void)
{
    g_autoptr(FwRuleset) a = NULL, b = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *only_b = NULL, *both = NULL, *after = NULL, *end = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    a = build("nat");
    b = build("nat-default");
    be = fw_nft_new();

    g_assert_true(fw_apply(be, b, &error));
    g_assert_no_error(error);
    only_b = ruleset();
    g_assert_true(fw_apply(be, a, &error));
    g_assert_no_error(error);
    both = ruleset();
    assert_each_once(a, both);
    assert_each_once(b, both);
    /* one jump per owned chain, whichever network came first */
    g_assert_cmpuint(count(both, "jump VNODE_FWX comment"), ==, 2); /* ip and ip6 */
    g_assert_cmpuint(count(both, "jump VNODE_PRT comment"), ==, 2);

    g_assert_true(fw_remove(be, a, &error));
    g_assert_no_error(error);
    after = ruleset();
    g_assert_cmpstr(after, ==, only_b);
    g_assert_true(fw_remove(be, b, &error));
    g_assert_no_error(error);
    end = ruleset();
    g_assert_cmpstr(end, ==, "");
}

/* Tables of others are never touched, and nft's other tables do not
 * confuse ours. */
static void
test_foreign_tables(void)
{
    g_autoptr(FwRuleset) a = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *applied = NULL, *removed = NULL, *out = NULL;
    g_autofree char *clean = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    a = build("nat");
    be = fw_nft_new();
    out = test_sh(foreign_cmds);
    orig = ruleset();

    g_assert_true(fw_apply(be, a, &error));
    g_assert_no_error(error);
    applied = ruleset();
    g_assert_true(g_str_has_prefix(applied, orig));
    assert_each_once(a, applied);

    g_assert_true(fw_remove(be, a, &error));
    g_assert_no_error(error);
    removed = ruleset();
    g_assert_cmpstr(removed, ==, orig);

    g_free(out);
    out = test_sh("nft delete table inet foreign; nft delete table ip foreign2");
    clean = ruleset();
    g_assert_cmpstr(clean, ==, "");
}

/* A commit the kernel refuses (a jump to a chain that does not exist),
 * in the last transaction (IPv6 nat) after three were committed: all of
 * this call's work is undone, the other network's rules stay. */
static void
test_failed_commit(void)
{
    g_autoptr(FwRuleset) a = NULL, b = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *only_b = NULL, *after = NULL, *end = NULL;
    FwRule bad = { .family = AF_INET6,
                   .table = FW_TABLE_NAT,
                   .chain = FW_CHAIN_POSTROUTING,
                   .target = FW_TARGET_JUMP,
                   .jump = "VNODE_NOPE" };

    if (!test_netns_usable(skip_reason))
        return;
    a = build("nat");
    fw_ruleset_add_rule(a, &bad);
    b = build("nat-default");
    be = fw_nft_new();

    g_assert_true(fw_apply(be, b, &error));
    g_assert_no_error(error);
    only_b = ruleset();
    g_assert_false(fw_apply(be, a, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_test_message("error: %s", error->message);
    /* the kernel's refusal; nft 1.0.6 may quote a neighbouring command */
    g_assert_nonnull(strstr(error->message, "'ip6 virtnode' (nat)"));
    g_assert_nonnull(strstr(error->message, "No such file or directory"));
    after = ruleset();
    g_assert_cmpstr(after, ==, only_b);

    /* the same in an empty namespace: nothing at all is left */
    g_clear_error(&error);
    g_assert_true(fw_remove(be, b, &error));
    g_assert_no_error(error);
    g_assert_false(fw_apply(be, a, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    end = ruleset();
    g_assert_cmpstr(end, ==, "");
}

/* The very first transaction (IPv4 filter: it also creates the table and
 * the base chains) is refused: its batch leaves nothing, not even the
 * table. */
static void
test_failed_first_commit(void)
{
    g_autoptr(FwRuleset) a = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *end = NULL;
    FwRule bad = { .family = AF_INET,
                   .table = FW_TABLE_FILTER,
                   .chain = FW_CHAIN_FWD_X,
                   .target = FW_TARGET_JUMP,
                   .jump = "VNODE_NOPE2" };

    if (!test_netns_usable(skip_reason))
        return;
    a = build("nat-default");
    fw_ruleset_add_rule(a, &bad);
    be = fw_nft_new();

    g_assert_false(fw_apply(be, a, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_test_message("error: %s", error->message);
    g_assert_nonnull(strstr(error->message, "'ip virtnode'"));
    g_assert_nonnull(strstr(error->message, "No such file or directory"));
    end = ruleset();
    g_assert_cmpstr(end, ==, "");
}

/* Rules the backend cannot express are refused before anything is sent. */
static void
test_invalid_rule(void)
{
    g_autoptr(FwRuleset) rs = fw_ruleset_new();
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *end = NULL;
    FwRule quote = { .family = AF_INET,
                     .table = FW_TABLE_FILTER,
                     .chain = FW_CHAIN_INPUT,
                     .in_if = "br\"0",
                     .target = FW_TARGET_ACCEPT };

    if (!test_netns_usable(skip_reason))
        return;
    fw_ruleset_add_chain(rs, AF_INET, FW_TABLE_FILTER, FW_CHAIN_INPUT, "INPUT");
    fw_ruleset_add_rule(rs, &quote);
    be = fw_nft_new();
    g_assert_false(fw_apply(be, rs, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
    end = ruleset();
    g_assert_cmpstr(end, ==, "");
}

int
main(int argc, char **argv)
{
    static const char *const cases[] = { "nat", "nat-default", "route", "isolated" };
    g_autofree char *nft_prog = NULL;
    int ret;

    /* before any thread exists; nft needs nothing else of the namespace */
    if (geteuid() != 0)
        skip_reason = "needs root (network namespace, nf_tables)";
    else if (unshare(CLONE_NEWNET) < 0)
        skip_reason = "cannot create a network namespace";
    if (!skip_reason && !(nft_prog = g_find_program_in_path("nft")))
        skip_reason = "the nft tool is missing (Debian: nftables)";
    g_test_init(&argc, &argv, NULL);
    data_dir = g_build_filename(ABS_TOP_SRCDIR, "tests", "data", "fw-nft", NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/fw-nft/apply/%s", cases[i]);

        g_test_add_data_func(path, cases[i], test_apply);
    }
    g_test_add_func("/fw-nft/shared-chains", test_shared_chains);
    g_test_add_func("/fw-nft/foreign-tables", test_foreign_tables);
    g_test_add_func("/fw-nft/failed-commit", test_failed_commit);
    g_test_add_func("/fw-nft/failed-first-commit", test_failed_first_commit);
    g_test_add_func("/fw-nft/invalid-rule", test_invalid_rule);
    ret = g_test_run();
    g_free(data_dir);
    return ret;
}
