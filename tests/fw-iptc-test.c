/*
 * fw-iptc-test.c: the libiptc backend against the kernel (privileged)
 *
 * Runs as root in a network namespace of its own (unshare() before
 * g_test_init(); it disappears with the process) with XTABLES_LOCKFILE in
 * a temporary directory, so the host's firewall is never touched. What
 * libiptc committed is compared, as iptables-legacy-save and
 * ip6tables-legacy-save print it, with the same rules added by the
 * iptables-legacy commands in another fresh namespace (unshare --net).
 * Not root: every case is skipped, or fails when CI=true.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare() */
#endif
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/netdef.h"
#include "net/fw.h"
#include "tests/test-netns.h"
#include "util/error.h"

static const char *skip_reason;

/* Two networks covering every kernel struct the backend fills: tcp/udp
 * matches, conntrack, REJECT (v4 and v6), MASQUERADE with and without
 * ports (v4 and v6), SNAT with an address and port range, interfaces. */
static const char *const net_a_xml =
    "<network><name>fwa</name>"
    "<forward mode='nat' dev='uplink0'><nat ipv6='yes'><port start='2000' end='3000'/></nat>"
    "</forward><bridge name='vnfwa0'/>"
    "<ip address='10.88.1.1' prefix='24'><tftp root='/srv/tftp'/>"
    "<dhcp><range start='10.88.1.10' end='10.88.1.20'/></dhcp></ip>"
    "<ip family='ipv6' address='fd42:88:1::1' prefix='64'/></network>";
static const char *const net_b_xml =
    "<network><name>fwb</name>"
    "<forward mode='nat'><nat><address start='198.51.100.5' end='198.51.100.9'/></nat></forward>"
    "<bridge name='vnfwb0'/><ip address='10.88.2.1' prefix='24'/></network>";

/* Rules somebody else added: they must survive untouched, in order. */
static const char *const foreign_cmds =
    "iptables-legacy -A FORWARD -s 10.99.0.0/16 -j DROP\n"
    "iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT\n"
    "iptables-legacy -t nat -A POSTROUTING -o eth9 -j MASQUERADE\n"
    "ip6tables-legacy -A FORWARD -s fd99::/16 -j DROP\n";

/* Touching every table makes iptables-*-save list it, in both namespaces. */
static const char *const touch_cmds = "iptables-legacy -t filter -S >/dev/null\n"
                                      "iptables-legacy -t nat -S >/dev/null\n"
                                      "ip6tables-legacy -t filter -S >/dev/null\n"
                                      "ip6tables-legacy -t nat -S >/dev/null\n";

/* The save output without its "# Generated/Completed ... on DATE" lines. */
static char *
strip_comments(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GString *s = g_string_new(NULL);

    for (guint i = 0; lines[i]; i++)
        if (*lines[i] && lines[i][0] != '#')
            g_string_append_printf(s, "%s\n", lines[i]);
    return g_string_free(s, FALSE);
}

static char *
save_here(void)
{
    g_autofree char *raw = test_sh("iptables-legacy-save; ip6tables-legacy-save");

    return strip_comments(raw);
}

/* The iptables-legacy commands that add @rs as fw_apply() does. */
static void
append_commands(GString *script, const FwRuleset *rs)
{
    static const int families[] = { AF_INET, AF_INET6 };

    for (guint f = 0; f < G_N_ELEMENTS(families); f++) {
        const char *prog = families[f] == AF_INET6 ? "ip6tables-legacy" : "iptables-legacy";

        /* chains in reverse, each jump inserted at the top */
        for (guint i = rs->chains->len; i-- > 0;) {
            const FwChain *c = &g_array_index(rs->chains, FwChain, i);
            const char *table = fw_table_to_string(c->table);

            if (c->family != families[f])
                continue;
            g_string_append_printf(script, "%s -t %s -N %s 2>/dev/null || true\n", prog, table,
                                   c->name);
            g_string_append_printf(
                script, "%s -t %s -C %s -j %s 2>/dev/null || %s -t %s -I %s -j %s\n", prog, table,
                c->parent, c->name, prog, table, c->parent, c->name);
        }
        for (guint i = 0; i < rs->rules->len; i++) {
            const FwRule *r = &g_array_index(rs->rules, FwRule, i);
            g_autofree char *line = NULL;
            g_autofree char *head = NULL;

            if (r->family != families[f])
                continue;
            line = fw_ruleset_format_line(r);
            head = g_strdup_printf("%s%s %s ", r->family == AF_INET6 ? "-6 " : "",
                                   fw_table_to_string(r->table), r->chain);
            g_assert_true(g_str_has_prefix(line, head));
            g_string_append_printf(script, "%s -t %s -A %s %s\n", prog,
                                   fw_table_to_string(r->table), r->chain, line + strlen(head));
        }
    }
}

/* What a fresh namespace looks like after @pre_cmds and the commands of
 * @a and @b (either may be NULL). */
static char *
save_reference(const char *pre_cmds, const FwRuleset *a, const FwRuleset *b)
{
    g_autoptr(GString) script = g_string_new(touch_cmds);
    g_autoptr(GString) outer = g_string_new("exec unshare --net /bin/sh -ec ");
    g_autofree char *quoted = NULL, *raw = NULL;

    g_string_append(script, pre_cmds ? pre_cmds : "");
    if (a)
        append_commands(script, a);
    if (b)
        append_commands(script, b);
    g_string_append(script, "iptables-legacy-save; ip6tables-legacy-save\n");
    quoted = g_shell_quote(script->str);
    g_string_append(outer, quoted);
    raw = test_sh(outer->str);
    return strip_comments(raw);
}

static FwRuleset *
build(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = netdef_parse_string(xml, 0, &error);
    FwRuleset *rs;

    g_assert_no_error(error);
    rs = fw_build(def, def->bridge, &error);
    g_assert_no_error(error);
    return rs;
}

/* Our commit gives exactly what iptables-legacy gives; a second apply
 * changes nothing; removal restores the original bytes. */
static void
test_same_as_iptables(void)
{
    g_autoptr(FwRuleset) a = NULL, b = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *applied = NULL, *reference = NULL, *twice = NULL;
    g_autofree char *removed = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    a = build(net_a_xml);
    b = build(net_b_xml);
    be = fw_iptc_new();
    orig = save_here();

    g_assert_true(fw_apply(be, a, &error));
    g_assert_no_error(error);
    g_assert_true(fw_apply(be, b, &error));
    g_assert_no_error(error);
    applied = save_here();
    reference = save_reference(NULL, a, b);
    g_assert_cmpstr(applied, ==, reference);
    g_assert_nonnull(strstr(applied, "-j SNAT --to-source 198.51.100.5-198.51.100.9:1024-65535"));
    g_assert_nonnull(strstr(applied, "-j MASQUERADE --to-ports 2000-3000"));

    g_assert_true(fw_apply(be, a, &error));
    g_assert_true(fw_apply(be, b, &error));
    g_assert_no_error(error);
    twice = save_here();
    g_assert_cmpstr(twice, ==, applied);

    g_assert_true(fw_remove(be, b, &error));
    g_assert_true(fw_remove(be, a, &error));
    g_assert_no_error(error);
    removed = save_here();
    g_assert_cmpstr(removed, ==, orig);
}

/* Rules of others stay where they were through apply and remove. */
static void
test_foreign_rules(void)
{
    g_autoptr(FwRuleset) a = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *applied = NULL, *reference = NULL, *removed = NULL;
    g_autofree char *cleanup = NULL, *out = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    a = build(net_a_xml);
    be = fw_iptc_new();
    out = test_sh(foreign_cmds);
    orig = save_here();

    g_assert_true(fw_apply(be, a, &error));
    g_assert_no_error(error);
    applied = save_here();
    reference = save_reference(foreign_cmds, a, NULL);
    g_assert_cmpstr(applied, ==, reference);
    /* our jump comes first, the foreign rule after it */
    g_assert_nonnull(
        strstr(applied, "-A FORWARD -j VNODE_FWO\n-A FORWARD -s 10.99.0.0/16 -j DROP\n"));

    g_assert_true(fw_remove(be, a, &error));
    g_assert_no_error(error);
    removed = save_here();
    g_assert_cmpstr(removed, ==, orig);

    cleanup = test_sh("iptables-legacy -D FORWARD -s 10.99.0.0/16 -j DROP\n"
                      "iptables-legacy -D INPUT -p tcp --dport 22 -j ACCEPT\n"
                      "iptables-legacy -t nat -D POSTROUTING -o eth9 -j MASQUERADE\n"
                      "ip6tables-legacy -D FORWARD -s fd99::/16 -j DROP\n");
}

/* A commit the kernel refuses (a jump to a chain that does not exist, in
 * the IPv4 nat table, after the IPv4 filter table was committed) leaves
 * nothing behind. */
static void
test_failed_commit(void)
{
    g_autoptr(FwRuleset) a = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *after = NULL;
    FwRule bad = { .family = AF_INET,
                   .table = FW_TABLE_NAT,
                   .chain = FW_CHAIN_POSTROUTING,
                   .target = FW_TARGET_JUMP,
                   .jump = "VNODE_NOPE" };

    if (!test_netns_usable(skip_reason))
        return;
    a = build(net_b_xml);
    fw_ruleset_add_rule(a, &bad);
    be = fw_iptc_new();
    orig = save_here();

    g_assert_false(fw_apply(be, a, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(error->message, "nat"));
    after = save_here();
    g_assert_cmpstr(after, ==, orig);
}

/* Rules are removed exactly: another network's rules, chains and jumps
 * stay, and a rule that is not there is no error. */
static void
test_remove_exact(void)
{
    g_autoptr(FwRuleset) a = NULL, b = NULL;
    g_autoptr(FwBackend) be = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *orig = NULL, *only_b = NULL, *after = NULL, *end = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    a = build(net_a_xml);
    b = build(net_b_xml);
    be = fw_iptc_new();
    orig = save_here();

    g_assert_true(fw_apply(be, b, &error));
    only_b = save_here();
    g_assert_true(fw_apply(be, a, &error));
    g_assert_true(fw_remove(be, a, &error));
    g_assert_true(fw_remove(be, a, &error));
    g_assert_no_error(error);
    after = save_here();
    g_assert_cmpstr(after, ==, only_b);
    g_assert_true(fw_remove(be, b, &error));
    g_assert_no_error(error);
    end = save_here();
    g_assert_cmpstr(end, ==, orig);
}

static void
enter_namespace(void)
{
    g_autofree char *out = NULL, *save = NULL, *unshare_prog = NULL;

    if (geteuid() != 0) {
        skip_reason = "needs root (network namespace, legacy iptables)";
        return;
    }
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        skip_reason = "cannot create a network namespace";
        return;
    }
    save = g_find_program_in_path("iptables-legacy-save");
    unshare_prog = g_find_program_in_path("unshare");
    if (!save || !unshare_prog) {
        skip_reason = "iptables-legacy-save or unshare missing (Debian: iptables, util-linux)";
        return;
    }
    test_xtables_lock_private();
    out = test_sh(touch_cmds);
}

int
main(int argc, char **argv)
{
    int ret;

    enter_namespace(); /* before any thread exists */
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fw-iptc/same-as-iptables", test_same_as_iptables);
    g_test_add_func("/fw-iptc/foreign-rules", test_foreign_rules);
    g_test_add_func("/fw-iptc/failed-commit", test_failed_commit);
    g_test_add_func("/fw-iptc/remove-exact", test_remove_exact);
    ret = g_test_run();

    test_xtables_lock_remove();
    return ret;
}
