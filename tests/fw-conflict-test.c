/*
 * fw-conflict-test.c: foreign firewall setups -> conflicts (privileged)
 *
 * Runs as root in a network namespace of its own (entered before
 * g_test_init()), with XTABLES_LOCKFILE in a temporary directory. Foreign
 * setups are made with the nft and iptables-legacy tools; the reports of
 * fw_conflicts_find() for both our backends are compared with what each
 * setup must give. The first case also checks that reading did not
 * instantiate legacy tables. Not root: every case is skipped, or fails
 * when CI=true.
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
#include "net/fw-conflict.h"
#include "net/fw.h"
#include "tests/test-netns.h"
#include "util/error.h"

static const char *skip_reason;
/* IPv4 and IPv6 */
static const char *const dual_xml =
    "<network><name>cfdual</name><forward mode='nat'/><bridge name='vncf0'/>"
    "<ip address='10.79.1.1' prefix='24'/>"
    "<ip family='ipv6' address='fd42:79:1::1' prefix='64'/></network>";
/* IPv4 only */
static const char *const v4_xml = "<network><name>cfv4</name><forward mode='nat'/>"
                                  "<bridge name='vncf1'/><ip address='10.79.2.1' prefix='24'/>"
                                  "</network>";
/* no rules at all */
static const char *const open_xml = "<network><name>cfopen</name><forward mode='open'/>"
                                    "<bridge name='vncf2'/><ip address='10.79.3.1' prefix='24'/>"
                                    "</network>";

static void
run(const char *script)
{
    g_autofree char *out = test_sh(script);
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

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The conflicts' messages, sorted, one per line ("" if none). */
static char *
conflicts(const char *backend, const char *xml)
{
    g_autoptr(FwRuleset) rs = build(xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = fw_conflicts_find(backend, rs, &error);
    g_autoptr(GPtrArray) lines = g_ptr_array_new();
    GString *s = g_string_new(NULL);

    g_assert_no_error(error);
    g_assert_nonnull(found);
    for (guint i = 0; i < found->len; i++) {
        const FwConflict *c = found->pdata[i];

        /* the parts agree with the sentence */
        g_assert_true(c->family == AF_INET || c->family == AF_INET6);
        g_assert_true(g_str_has_prefix(c->message, c->family == AF_INET ? "IPv4 " : "IPv6 "));
        g_assert_true(strcmp(c->backend, "iptables") == 0 || strcmp(c->backend, "nftables") == 0);
        g_assert_nonnull(strstr(c->message, c->table));
        g_assert_nonnull(strstr(c->message, c->chain));
        g_assert_true(g_str_has_suffix(c->message, c->what));
        g_ptr_array_add(lines, c->message);
    }
    g_ptr_array_sort(lines, compare_strings);
    for (guint i = 0; i < lines->len; i++)
        g_string_append_printf(s, "%s\n", (const char *)lines->pdata[i]);
    return g_string_free(s, FALSE);
}

static void
assert_conflicts(const char *backend, const char *xml, const char *expected)
{
    g_autofree char *got = conflicts(backend, xml);

    g_assert_cmpstr(got, ==, expected);
}

static char *
legacy_tables(void)
{
    return test_sh("cat /proc/net/ip_tables_names /proc/net/ip6_tables_names");
}

/* A fresh namespace: nothing to report, and nothing created by looking. */
static void
test_clean(void)
{
    g_autofree char *before = NULL, *after = NULL, *nft = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    before = legacy_tables();
    g_assert_cmpstr(before, ==, "");
    assert_conflicts("iptables", dual_xml, "");
    assert_conflicts("nftables", dual_xml, "");
    after = legacy_tables();
    g_assert_cmpstr(after, ==, "");
    nft = test_sh("nft list ruleset");
    g_assert_cmpstr(nft, ==, "");
}

/* nf_tables base chains are evaluated whatever our backend: a drop there
 * is a conflict for both. */
static void
test_nft(void)
{
    g_autofree char *tables = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    run("nft add table inet fw\n"
        "nft add chain inet fw fwdc '{ type filter hook forward priority 0; policy drop; }'\n");
    for (int i = 0; i < 2; i++) {
        const char *be = i ? "nftables" : "iptables";

        assert_conflicts(be, dual_xml,
                         "IPv4 nftables table 'fw' (inet) chain 'fwdc' has policy drop\n"
                         "IPv6 nftables table 'fw' (inet) chain 'fwdc' has policy drop\n");
        /* only the families the network uses count */
        assert_conflicts(be, v4_xml,
                         "IPv4 nftables table 'fw' (inet) chain 'fwdc' has policy drop\n");
        /* a network without rules has nothing to lose */
        assert_conflicts(be, open_xml, "");
    }
    run("nft delete table inet fw");

    /* what `iptables -P FORWARD DROP` (the nf_tables variant) makes, an
     * input policy, unconditional and conditional rules, other hooks */
    run("nft add table ip filter\n"
        "nft add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'\n"
        "nft add table ip6 other\n"
        "nft add chain ip6 other inp '{ type filter hook input priority 0; policy drop; }'\n"
        "nft add chain ip6 other out '{ type filter hook output priority 0; policy drop; }'\n"
        "nft add table inet rules\n"
        "nft add chain inet rules fwd2 '{ type filter hook forward priority 5; }'\n"
        "nft add rule inet rules fwd2 ip saddr 10.0.0.0/8 drop\n"
        "nft add rule inet rules fwd2 counter reject\n"
        "nft add chain inet rules notbase\n"
        "nft add rule inet rules notbase drop\n");
    tables = test_sh("nft -a list chain inet rules fwd2");
    g_assert_nonnull(strstr(tables, "reject # handle 3"));
    assert_conflicts("iptables", dual_xml,
                     "IPv4 nftables table 'filter' chain 'FORWARD' has policy drop\n"
                     "IPv4 nftables table 'rules' (inet) chain 'fwd2' has an unconditional reject "
                     "rule (handle 3)\n"
                     "IPv6 nftables table 'other' chain 'inp' has policy drop\n"
                     "IPv6 nftables table 'rules' (inet) chain 'fwd2' has an unconditional reject "
                     "rule (handle 3)\n");
    assert_conflicts("nftables", v4_xml,
                     "IPv4 nftables table 'filter' chain 'FORWARD' has policy drop\n"
                     "IPv4 nftables table 'rules' (inet) chain 'fwd2' has an unconditional reject "
                     "rule (handle 3)\n");
    run("nft flush ruleset");

    /* our own tables are not foreign */
    run("nft add table ip virtnode\n"
        "nft add chain ip virtnode FORWARD '{ type filter hook forward priority 0; policy drop; "
        "}'\n"
        "nft add table inet virtnode\n"
        "nft add chain inet virtnode FORWARD '{ type filter hook forward priority 0; policy drop; "
        "}'\n");
    assert_conflicts("nftables", v4_xml,
                     "IPv4 nftables table 'virtnode' (inet) chain 'FORWARD' has policy drop\n");
    run("nft flush ruleset");

    g_free(tables);
    tables = legacy_tables();
    g_assert_cmpstr(tables, ==, "");
}

/* Legacy drops come after our jumps with the iptables backend (no
 * conflict); with the nftables backend they drop what we accept. */
static void
test_legacy(void)
{
    g_autofree char *ip6 = NULL;

    if (!test_netns_usable(skip_reason))
        return;
    run("iptables-legacy -P FORWARD DROP\n"
        "iptables-legacy -A INPUT -s 10.0.0.0/8 -j DROP\n"
        "iptables-legacy -A INPUT -j REJECT\n"
        "iptables-legacy -P OUTPUT DROP\n");
    assert_conflicts("iptables", dual_xml, "");
    assert_conflicts("nftables", dual_xml,
                     "IPv4 iptables (legacy) table 'filter' chain 'FORWARD' has policy DROP\n"
                     "IPv4 iptables (legacy) table 'filter' chain 'INPUT' has an unconditional "
                     "REJECT rule (rule 2)\n");
    ip6 = test_sh("cat /proc/net/ip6_tables_names");
    g_assert_cmpstr(ip6, ==, ""); /* looked for, not created */

    /* the IPv6 table exists only now, and only IPv6 networks see it */
    run("ip6tables-legacy -P INPUT DROP\n");
    assert_conflicts("nftables", dual_xml,
                     "IPv4 iptables (legacy) table 'filter' chain 'FORWARD' has policy DROP\n"
                     "IPv4 iptables (legacy) table 'filter' chain 'INPUT' has an unconditional "
                     "REJECT rule (rule 2)\n"
                     "IPv6 ip6tables (legacy) table 'filter' chain 'INPUT' has policy DROP\n");
    assert_conflicts("nftables", v4_xml,
                     "IPv4 iptables (legacy) table 'filter' chain 'FORWARD' has policy DROP\n"
                     "IPv4 iptables (legacy) table 'filter' chain 'INPUT' has an unconditional "
                     "REJECT rule (rule 2)\n");
    assert_conflicts("iptables", dual_xml, "");

    /* both kinds at once, for the iptables backend only nf_tables counts */
    run("nft add table inet fw\n"
        "nft add chain inet fw inp '{ type filter hook input priority 0; policy drop; }'\n");
    assert_conflicts("iptables", v4_xml,
                     "IPv4 nftables table 'fw' (inet) chain 'inp' has policy drop\n");
    run("nft flush ruleset\n"
        "iptables-legacy -F\n"
        "iptables-legacy -P FORWARD ACCEPT\n"
        "iptables-legacy -P OUTPUT ACCEPT\n"
        "ip6tables-legacy -P INPUT ACCEPT\n");
    assert_conflicts("nftables", dual_xml, "");
}

static void
enter_namespace(void)
{
    g_autofree char *nft = NULL, *ipt = NULL;

    if (geteuid() != 0) {
        skip_reason = "needs root (network namespace, nf_tables, legacy iptables)";
        return;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        skip_reason = "cannot create a network namespace";
        return;
    }
    nft = g_find_program_in_path("nft");
    ipt = g_find_program_in_path("iptables-legacy");
    if (!nft || !ipt) {
        skip_reason = "nft or iptables-legacy missing (Debian: nftables, iptables)";
        return;
    }
    test_xtables_lock_private();
}

int
main(int argc, char **argv)
{
    int ret;

    enter_namespace(); /* before any thread exists */
    g_test_init(&argc, &argv, NULL);
    /* in this order: the first needs a namespace nothing has touched */
    g_test_add_func("/fw-conflict/clean", test_clean);
    g_test_add_func("/fw-conflict/nft", test_nft);
    g_test_add_func("/fw-conflict/legacy", test_legacy);
    ret = g_test_run();

    test_xtables_lock_remove();
    return ret;
}
