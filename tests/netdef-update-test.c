/*
 * netdef-update-test.c: netdef_update() over data files
 *
 * tests/data/netdef-update/cases/CASE.update holds a few "key: value"
 * lines (network, command, section, parent-index) and then the XML of the
 * update; "network: NAME" names the input tests/data/netdef-update/in/
 * NAME.xml. The expected result is cases/CASE.out (the updated network
 * as netdef_format() writes it) or cases/CASE.err (error code name on the
 * first line, the exact message on the second). A failed update must leave
 * the network as it was; an updated network must validate against
 * libvirt's schema. REGENERATE=1 rewrites the expected files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "conf/netdef-update.h"
#include "conf/netdef.h"
#include "conf/xmlutil.h"
#include "util/error.h"

static char *data_dir;

static const char *const cases[] = {
    /* ip-dhcp-host */
    "dhcp-host-add-last",
    "dhcp-host-add-first",
    "dhcp-host-add-name-only",
    "dhcp-host-add-lease",
    "dhcp-host-add-dup-mac",
    "dhcp-host-add-dup-mac-case",
    "dhcp-host-add-dup-name",
    "dhcp-host-add-dup-ip",
    "dhcp-host-add-outside-subnet",
    "dhcp-host-add-wrong-family",
    "dhcp-host-add-no-ip",
    "dhcp-host-add-bad-mac",
    "dhcp-host-add-multicast-mac",
    "dhcp-host-add-ipv6",
    "dhcp-host-add-ipv6-mac",
    "dhcp-host-modify-by-mac",
    "dhcp-host-modify-by-name",
    "dhcp-host-modify-not-found",
    "dhcp-host-modify-ip-taken",
    "dhcp-host-delete-by-mac",
    "dhcp-host-delete-by-ip",
    "dhcp-host-delete-by-name",
    "dhcp-host-delete-all-match",
    "dhcp-host-delete-mismatch",
    "dhcp-host-delete-empty",
    "dhcp-host-delete-ipv6-by-name",
    "dhcp-host-parent-default-first-ipv4",
    "dhcp-host-parent-index",
    "dhcp-host-parent-index-out-of-range",
    "dhcp-host-parent-second-dhcp",
    "dhcp-host-no-ip",
    "dhcp-host-wrong-element",
    "dhcp-host-unknown-command",
    "dhcp-host-command-none",
    /* ip-dhcp-range */
    "dhcp-range-add-first",
    "dhcp-range-add-last",
    "dhcp-range-add-dup",
    "dhcp-range-add-outside",
    "dhcp-range-add-wrong-family",
    "dhcp-range-add-missing-end",
    "dhcp-range-delete",
    "dhcp-range-delete-not-found",
    "dhcp-range-modify",
    "dhcp-range-wrong-element",
    /* dns-host */
    "dns-host-add-last",
    "dns-host-add-first",
    "dns-host-add-dup-ip",
    "dns-host-add-same-name",
    "dns-host-add-no-hostname",
    "dns-host-add-dns-disabled",
    "dns-host-delete-by-ip",
    "dns-host-delete-by-name",
    "dns-host-delete-not-found",
    "dns-host-delete-ambiguous",
    "dns-host-delete-empty",
    "dns-host-modify",
    /* dns-txt */
    "dns-txt-add-first",
    "dns-txt-add-last",
    "dns-txt-add-dup",
    "dns-txt-add-no-value",
    "dns-txt-delete",
    "dns-txt-delete-not-found",
    "dns-txt-modify",
    "dns-txt-wrong-element",
    /* dns-srv */
    "dns-srv-add-last",
    "dns-srv-add-first",
    "dns-srv-add-dup",
    "dns-srv-add-no-protocol",
    "dns-srv-delete",
    "dns-srv-delete-ambiguous",
    "dns-srv-delete-not-found",
    "dns-srv-modify",
    /* forward-interface */
    "fwd-if-add-last",
    "fwd-if-add-first",
    "fwd-if-add-dup",
    "fwd-if-add-no-dev",
    "fwd-if-add-nat-second",
    "fwd-if-add-pci-pool",
    "fwd-if-delete",
    "fwd-if-delete-not-found",
    "fwd-if-modify",
    /* portgroup */
    "portgroup-add-last",
    "portgroup-add-first",
    "portgroup-add-dup",
    "portgroup-add-second-default",
    "portgroup-add-no-name",
    "portgroup-modify",
    "portgroup-modify-keep-default",
    "portgroup-modify-steal-default",
    "portgroup-modify-not-found",
    "portgroup-delete",
    "portgroup-delete-not-found",
    /* sections libvirt does not update, and bad input */
    "section-bridge",
    "section-domain",
    "section-ip",
    "section-forward",
    "section-forward-pf",
    "section-none",
    "section-unknown",
    "xml-malformed",
    "xml-empty",
};

static const struct {
    const char *name;
    int code;
} error_codes[] = {
    { "VIR_ERR_INTERNAL_ERROR", VIR_ERR_INTERNAL_ERROR },
    { "VIR_ERR_INVALID_ARG", VIR_ERR_INVALID_ARG },
    { "VIR_ERR_XML_ERROR", VIR_ERR_XML_ERROR },
    { "VIR_ERR_XML_DETAIL", VIR_ERR_XML_DETAIL },
    { "VIR_ERR_CONFIG_UNSUPPORTED", VIR_ERR_CONFIG_UNSUPPORTED },
    { "VIR_ERR_OPERATION_INVALID", VIR_ERR_OPERATION_INVALID },
    { "VIR_ERR_OPERATION_UNSUPPORTED", VIR_ERR_OPERATION_UNSUPPORTED },
};

static const char *const command_names[] = {
    [VIR_NETWORK_UPDATE_COMMAND_NONE] = "none",
    [VIR_NETWORK_UPDATE_COMMAND_MODIFY] = "modify",
    [VIR_NETWORK_UPDATE_COMMAND_DELETE] = "delete",
    [VIR_NETWORK_UPDATE_COMMAND_ADD_LAST] = "add-last",
    [VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST] = "add-first",
};

/* virsh's section names */
static const char *const section_names[] = {
    [VIR_NETWORK_SECTION_NONE] = "none",
    [VIR_NETWORK_SECTION_BRIDGE] = "bridge",
    [VIR_NETWORK_SECTION_DOMAIN] = "domain",
    [VIR_NETWORK_SECTION_IP] = "ip",
    [VIR_NETWORK_SECTION_IP_DHCP_HOST] = "ip-dhcp-host",
    [VIR_NETWORK_SECTION_IP_DHCP_RANGE] = "ip-dhcp-range",
    [VIR_NETWORK_SECTION_FORWARD] = "forward",
    [VIR_NETWORK_SECTION_FORWARD_INTERFACE] = "forward-interface",
    [VIR_NETWORK_SECTION_FORWARD_PF] = "forward-pf",
    [VIR_NETWORK_SECTION_PORTGROUP] = "portgroup",
    [VIR_NETWORK_SECTION_DNS_HOST] = "dns-host",
    [VIR_NETWORK_SECTION_DNS_TXT] = "dns-txt",
    [VIR_NETWORK_SECTION_DNS_SRV] = "dns-srv",
};

static bool
regenerate(void)
{
    return g_strcmp0(g_getenv("REGENERATE"), "1") == 0;
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

static void
write_file(const char *path, const char *text)
{
    g_autoptr(GError) error = NULL;

    if (!g_file_set_contents(path, text, -1, &error))
        g_error("cannot write '%s': %s", path, error->message);
}

/* A name from @table, or a plain number (for values libvirt does not know). */
static unsigned int
lookup(const char *const *table, size_t n, const char *text, const char *what)
{
    guint64 v;

    for (size_t i = 0; i < n; i++) {
        if (table[i] && strcmp(table[i], text) == 0)
            return (unsigned int)i;
    }
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &v, NULL))
        g_error("unknown %s '%s'", what, text);
    return (unsigned int)v;
}

static const char *
code_name(int code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(error_codes); i++) {
        if (error_codes[i].code == code)
            return error_codes[i].name;
    }
    return NULL;
}

typedef struct {
    char *network;
    unsigned int command;
    unsigned int section;
    int parent_index;
    char *xml;
} Case;

static void
case_clear(Case *c)
{
    g_free(c->network);
    g_free(c->xml);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Case, case_clear)

/* "key: value" lines up to the first line starting with '<' (or the end:
 * an empty update), then the XML. */
static void
case_load(const char *path, Case *c)
{
    g_autofree char *text = read_file(path);
    char *line = text;

    c->parent_index = -1;
    while (*line && *line != '<') {
        char *nl = strchr(line, '\n');
        char *colon, *value;

        if (nl)
            *nl = '\0';
        if (!(colon = strchr(line, ':')))
            g_error("%s: expected 'key: value', got '%s'", path, line);
        *colon = '\0';
        value = g_strstrip(colon + 1);
        if (strcmp(line, "network") == 0)
            c->network = g_strdup(value);
        else if (strcmp(line, "command") == 0)
            c->command = lookup(command_names, G_N_ELEMENTS(command_names), value, "command");
        else if (strcmp(line, "section") == 0)
            c->section = lookup(section_names, G_N_ELEMENTS(section_names), value, "section");
        else if (strcmp(line, "parent-index") == 0)
            c->parent_index = (int)g_ascii_strtoll(value, NULL, 10);
        else
            g_error("%s: unknown key '%s'", path, line);
        line = nl ? nl + 1 : line + strlen(line);
    }
    if (!c->network)
        g_error("%s: no 'network:' line", path);
    c->xml = g_strdup(line);
}

static void
check_schema(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    doc = xml_parse_string(xml, "network_definition", "network", CONF_NETWORK_ERROR, &error);
    g_assert_no_error(error);
    if (!xml_validate_schema(doc, "network.rng", CONF_NETWORK_ERROR, &error)) {
        if (error->code == VIR_ERR_OPERATION_UNSUPPORTED) {
            g_test_message("schema not checked: %s", error->message);
            return;
        }
        g_assert_no_error(error);
    }
}

static void
test_case(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *case_file = g_strconcat(name, ".update", NULL);
    g_autofree char *out_file = g_strconcat(name, ".out", NULL);
    g_autofree char *err_file = g_strconcat(name, ".err", NULL);
    g_autofree char *case_path = g_build_filename(data_dir, "cases", case_file, NULL);
    g_autofree char *out_path = g_build_filename(data_dir, "cases", out_file, NULL);
    g_autofree char *err_path = g_build_filename(data_dir, "cases", err_file, NULL);
    g_autofree char *in_path = NULL, *in = NULL, *before = NULL, *after = NULL;
    g_auto(Case) c = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = NULL;
    bool ok;

    case_load(case_path, &c);
    {
        g_autofree char *in_file = g_strconcat(c.network, ".xml", NULL);

        in_path = g_build_filename(data_dir, "in", in_file, NULL);
    }
    in = read_file(in_path);
    def = netdef_parse_string(in, 0, &error);
    g_assert_no_error(error);
    before = netdef_format(def, 0, &error);
    g_assert_no_error(error);

    ok = netdef_update(def, c.command, c.section, c.parent_index, c.xml, &error);
    after = netdef_format(def, 0, NULL);
    g_assert_nonnull(after);

    if (ok) {
        g_assert_no_error(error);
        if (regenerate()) {
            write_file(out_path, after);
            g_unlink(err_path);
        } else {
            g_autofree char *expected = NULL;

            if (!g_file_test(out_path, G_FILE_TEST_EXISTS))
                g_error("update succeeded, but %s expects an error", name);
            expected = read_file(out_path);
            g_assert_cmpstr(after, ==, expected);
        }
        check_schema(after);
        return;
    }

    g_assert_nonnull(error);
    g_assert_true(error->domain == CONF_NETWORK_ERROR);
    /* a refused update changes nothing */
    g_assert_cmpstr(after, ==, before);
    if (regenerate()) {
        const char *code = code_name(error->code);
        g_autofree char *text = code ? g_strdup_printf("%s\n%s\n", code, error->message)
                                     : g_strdup_printf("%d\n%s\n", error->code, error->message);

        write_file(err_path, text);
        g_unlink(out_path);
    } else {
        g_autofree char *expected = NULL;
        g_auto(GStrv) lines = NULL;

        if (!g_file_test(err_path, G_FILE_TEST_EXISTS))
            g_error("update failed unexpectedly: %s (code %d)", error->message, error->code);
        expected = read_file(err_path);
        lines = g_strsplit(expected, "\n", 3);
        g_assert_nonnull(lines[0]);
        g_assert_nonnull(lines[1]);
        g_assert_cmpstr(code_name(error->code) ? code_name(error->code) : "", ==, lines[0]);
        g_assert_cmpstr(error->message, ==, lines[1]);
    }
}

/* Successive updates build on each other; a refused one in between
 * changes nothing. */
static void
test_sequence(void)
{
    g_autofree char *path = g_build_filename(data_dir, "in", "nat-dhcp.xml", NULL);
    g_autofree char *in = read_file(path);
    g_autoptr(NetDef) def = netdef_parse_string(in, 0, NULL);
    g_autoptr(GError) error = NULL;
    const NetIpDef *ip;
    const NetDhcpHost *h;

    g_assert_nonnull(def);
    ip = netdef_get_ip(def, AF_INET, 0);
    g_assert_cmpuint(ip->hosts->len, ==, 2);

    g_assert_true(netdef_update(def, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                "<host mac='52:54:00:aa:00:01' ip='192.168.122.201'/>", &error));
    g_assert_true(netdef_update(def, VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST,
                                VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                "<host mac='52:54:00:aa:00:02' ip='192.168.122.202'/>", &error));
    g_assert_false(netdef_update(def, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                 VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                 "<host mac='52:54:00:aa:00:03' ip='10.0.0.3'/>", &error));
    g_assert_error(error, CONF_NETWORK_ERROR, VIR_ERR_XML_ERROR);
    g_clear_error(&error);
    g_assert_true(netdef_update(
        def, VIR_NETWORK_UPDATE_COMMAND_MODIFY, VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
        "<host mac='52:54:00:AA:00:01' name='renamed' ip='192.168.122.203'/>", &error));
    g_assert_no_error(error);

    g_assert_cmpuint(ip->hosts->len, ==, 4);
    h = ip->hosts->pdata[0];
    g_assert_cmpstr(h->ip, ==, "192.168.122.202");
    h = ip->hosts->pdata[3];
    g_assert_cmpstr(h->name, ==, "renamed");
    g_assert_cmpstr(h->ip, ==, "192.168.122.203");

    g_assert_true(netdef_update(def, VIR_NETWORK_UPDATE_COMMAND_DELETE,
                                VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, "<host name='renamed'/>",
                                &error));
    g_assert_cmpuint(ip->hosts->len, ==, 3);
}

static void
test_restart_needed(void)
{
    static const struct {
        unsigned int section;
        bool restart;
        bool supported;
    } table[] = {
        { VIR_NETWORK_SECTION_NONE, false, false },
        { VIR_NETWORK_SECTION_BRIDGE, false, false },
        { VIR_NETWORK_SECTION_DOMAIN, false, false },
        { VIR_NETWORK_SECTION_IP, false, false },
        { VIR_NETWORK_SECTION_IP_DHCP_HOST, false, true },
        { VIR_NETWORK_SECTION_IP_DHCP_RANGE, true, true },
        { VIR_NETWORK_SECTION_FORWARD, false, false },
        { VIR_NETWORK_SECTION_FORWARD_INTERFACE, false, true },
        { VIR_NETWORK_SECTION_FORWARD_PF, false, false },
        { VIR_NETWORK_SECTION_PORTGROUP, false, true },
        { VIR_NETWORK_SECTION_DNS_HOST, false, true },
        { VIR_NETWORK_SECTION_DNS_TXT, true, true },
        { VIR_NETWORK_SECTION_DNS_SRV, true, true },
        { 1000, false, false },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
        g_assert_cmpint(netdef_update_needs_dnsmasq_restart(table[i].section), ==,
                        table[i].restart);
        g_assert_cmpint(netdef_update_section_is_supported(table[i].section), ==,
                        table[i].supported);
    }
}

/* The first static host of an <ip> without ranges switches DHCP on. */
static void
test_dhcp_toggled(void)
{
    g_autofree char *path = g_build_filename(data_dir, "in", "two-ipv4.xml", NULL);
    g_autofree char *in = read_file(path);
    g_autoptr(NetDef) before = netdef_parse_string(in, 0, NULL);
    g_autoptr(NetDef) after = netdef_parse_string(in, 0, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull(before);
    g_assert_nonnull(after);
    g_assert_false(netdef_update_dhcp_toggled(before, after));
    g_assert_true(netdef_update(after, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                "<host mac='52:54:00:00:00:01' ip='10.1.0.5'/>", &error));
    g_assert_no_error(error);
    g_assert_true(netdef_update_dhcp_toggled(before, after));
    g_assert_true(netdef_update(after, VIR_NETWORK_UPDATE_COMMAND_DELETE,
                                VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                "<host mac='52:54:00:00:00:01'/>", &error));
    g_assert_false(netdef_update_dhcp_toggled(before, after));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    data_dir = g_build_filename(ABS_TOP_SRCDIR, "tests", "data", "netdef-update", NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/netdef-update/case/%s", cases[i]);

        g_test_add_data_func(path, cases[i], test_case);
    }
    g_test_add_func("/netdef-update/sequence", test_sequence);
    g_test_add_func("/netdef-update/restart-needed", test_restart_needed);
    g_test_add_func("/netdef-update/dhcp-toggled", test_dhcp_toggled);
    return g_test_run();
}
