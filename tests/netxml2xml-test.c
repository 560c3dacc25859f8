/*
 * netxml2xml-test.c: network XML parse -> format round trips
 *
 * tests/data/net-xml2xml/in/NAME.xml must format to out/NAME.xml byte for
 * byte, re-parse to the same bytes and validate against libvirt's schema;
 * bad/NAME.xml must be rejected with the code on the first line of
 * NAME.err and a message containing its second line. REGENERATE=1
 * rewrites the out/ files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/netdef.h"
#include "conf/xmlutil.h"
#include "util/error.h"

static char *data_dir;

static char *
data_path(const char *sub, const char *name, const char *ext)
{
    g_autofree char *file = g_strconcat(name, ext, NULL);

    return g_build_filename(data_dir, sub, file, NULL);
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
test_ok(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *in_path = data_path("in", name, ".xml");
    g_autofree char *out_path = data_path("out", name, ".xml");
    g_autofree char *in = read_file(in_path);
    g_autofree char *out = NULL, *again = NULL, *copied = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = NULL, def2 = NULL, copy = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    def = netdef_parse_string(in, 0, &error);
    g_assert_no_error(error);
    out = netdef_format(def, NETDEF_FORMAT_INACTIVE, &error);
    g_assert_no_error(error);

    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        if (!g_file_set_contents(out_path, out, -1, &error))
            g_error("cannot write '%s': %s", out_path, error->message);
    } else {
        g_autofree char *expected = read_file(out_path);

        g_assert_cmpstr(out, ==, expected);
    }

    /* what we write we read back, and writing it again changes nothing */
    def2 = netdef_parse_string(out, 0, &error);
    g_assert_no_error(error);
    again = netdef_format(def2, NETDEF_FORMAT_INACTIVE, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(again, ==, out);

    copy = netdef_copy(def);
    g_assert_nonnull(copy);
    copied = netdef_format(copy, NETDEF_FORMAT_INACTIVE, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(copied, ==, out);

    doc = xml_parse_string(out, "network_definition", "network", CONF_NETWORK_ERROR, &error);
    g_assert_no_error(error);
    if (!xml_validate_schema(doc, "network.rng", CONF_NETWORK_ERROR, &error)) {
        if (error->code == VIR_ERR_OPERATION_UNSUPPORTED) {
            g_test_skip(error->message);
            return;
        }
        g_assert_no_error(error);
    }
}

static void
test_bad(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *in_path = data_path("bad", name, ".xml");
    g_autofree char *err_path = data_path("bad", name, ".err");
    g_autofree char *in = read_file(in_path);
    g_autofree char *expect = read_file(err_path);
    g_auto(GStrv) lines = g_strsplit(expect, "\n", 3);
    g_autofree char *message = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = NULL;

    def = netdef_parse_string(in, 0, &error);
    g_assert_null(def);
    g_assert_nonnull(error);
    g_assert_true(error->domain == CONF_NETWORK_ERROR);
    g_assert_cmpint(error->code, ==, (int)g_ascii_strtoll(lines[0], NULL, 10));
    /* match what a client sees: libvirt's per-code prefix plus the detail */
    message = error_format_message(error->code, error->message);
    if (lines[1] && *lines[1] && !strstr(message, lines[1]))
        g_error("message '%s' does not contain '%s'", message, lines[1]);
}

/* A missing UUID is generated: two parses get different, non-zero ones. */
static void
test_uuid_generated(void)
{
    const char *xml = "<network><name>gen</name></network>";
    g_autoptr(NetDef) a = netdef_parse_string(xml, 0, NULL);
    g_autoptr(NetDef) b = netdef_parse_string(xml, 0, NULL);
    unsigned char zero[UUID_LEN] = { 0 };

    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_true(memcmp(a->uuid, zero, UUID_LEN) != 0);
    g_assert_true(memcmp(a->uuid, b->uuid, UUID_LEN) != 0);
}

/* title, description and <domain register=> are newer than libvirt 9.0's
 * schema, so they are checked here rather than in the schema-validated
 * data files. */
static void
test_title_description(void)
{
    const char *xml = "<network>\n"
                      "  <description>line one\n  line &lt;two&gt;\n</description>\n"
                      "  <name>described</name>\n"
                      "  <title>Lab &amp; test</title>\n"
                      "  <uuid>d0d1d2d3-d4d5-4d6d-8d7d-d8d9dadbdcdd</uuid>\n"
                      "  <domain name='lab.example' register='yes'/>\n"
                      "</network>\n";
    const char *expected = "<network>\n"
                           "  <name>described</name>\n"
                           "  <uuid>d0d1d2d3-d4d5-4d6d-8d7d-d8d9dadbdcdd</uuid>\n"
                           "  <title>Lab &amp; test</title>\n"
                           "  <description>line one\n  line &lt;two&gt;\n</description>\n"
                           "  <bridge stp='on' delay='0'/>\n"
                           "  <domain name='lab.example' register='yes'/>\n"
                           "</network>\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = netdef_parse_string(xml, 0, &error);
    g_autoptr(NetDef) def2 = NULL;
    g_autofree char *out = NULL, *again = NULL;

    g_assert_no_error(error);
    out = netdef_format(def, NETDEF_FORMAT_INACTIVE, &error);
    g_assert_cmpstr(out, ==, expected);
    def2 = netdef_parse_string(out, 0, &error);
    g_assert_no_error(error);
    again = netdef_format(def2, 0, &error);
    g_assert_cmpstr(again, ==, out);
}

static void
test_title_newline(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def =
        netdef_parse_string("<network><name>t</name><title>a\nb</title></network>", 0, &error);

    g_assert_null(def);
    g_assert_error(error, CONF_NETWORK_ERROR, VIR_ERR_XML_ERROR);
}

static void
test_forward_mode_names(void)
{
    for (int m = 0; m < NET_FORWARD_LAST; m++) {
        const char *s = net_forward_mode_to_string((NetForwardMode)m);

        g_assert_nonnull(s);
        g_assert_cmpint(net_forward_mode_from_string(s), ==, m);
    }
    g_assert_null(net_forward_mode_to_string(NET_FORWARD_LAST));
    g_assert_cmpint(net_forward_mode_from_string("masquerade"), ==, -1);
    g_assert_cmpstr(net_lease_unit_to_string(NET_LEASE_UNIT_HOURS), ==, "hours");
}

/* The stable fields other modules read, and validation of a def changed in
 * memory (the test driver assigns bridge names this way). */
static void
test_stable_fields(void)
{
    const char *xml = "<network><name>s</name>"
                      "<forward mode='nat' dev='eth9'/><bridge name='vns0'/>"
                      "<ip address='192.168.9.1' netmask='255.255.255.0'><dhcp>"
                      "<range start='192.168.9.10' end='192.168.9.20'/>"
                      "<host mac='52:54:00:00:09:01' name='h1' ip='192.168.9.5'/></dhcp></ip>"
                      "<ip family='ipv6' address='FD00:9::1' prefix='80'/></network>";
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = netdef_parse_string(xml, 0, &error);
    const NetIpDef *ip4, *ip6;
    const NetDhcpHost *host;

    g_assert_no_error(error);
    g_assert_cmpstr(def->name, ==, "s");
    g_assert_cmpstr(def->bridge, ==, "vns0");
    g_assert_cmpint(def->forward_mode, ==, NET_FORWARD_NAT);
    g_assert_cmpstr(netdef_forward_dev(def), ==, "eth9");
    g_assert_cmpuint(def->ips->len, ==, 2);
    ip4 = netdef_get_ip(def, AF_INET, 0);
    ip6 = netdef_get_ip(def, AF_INET6, 0);
    g_assert_nonnull(ip4);
    g_assert_nonnull(ip6);
    g_assert_null(netdef_get_ip(def, AF_INET, 1));
    g_assert_cmpint(ip4->family, ==, AF_INET);
    g_assert_cmpuint(ip4->prefix, ==, 24);
    g_assert_true(netdef_ip_has_dhcp(ip4));
    g_assert_false(netdef_ip_has_dhcp(ip6));
    g_assert_cmpstr(ip6->address, ==, "fd00:9::1");
    g_assert_cmpuint(ip6->prefix, ==, 80);
    g_assert_cmpstr(((NetDhcpRange *)ip4->ranges->pdata[0])->end, ==, "192.168.9.20");
    host = ip4->hosts->pdata[0];
    g_assert_cmpstr(host->mac, ==, "52:54:00:00:09:01");
    g_assert_cmpstr(host->name, ==, "h1");
    g_assert_cmpstr(host->ip, ==, "192.168.9.5");

    g_free(def->bridge);
    def->bridge = g_strdup("a-name-longer-than-ifnamsiz");
    g_assert_false(netdef_validate(def, &error));
    g_assert_error(error, CONF_NETWORK_ERROR, VIR_ERR_XML_ERROR);
    g_clear_error(&error);
    g_free(def->bridge);
    def->bridge = g_strdup("vns1");
    g_assert_true(netdef_validate(def, &error));
    g_assert_no_error(error);
}

static void
test_schema_flag(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def =
        netdef_parse_string("<network><name>s</name><bridge name='x' bogus='1'/></network>",
                            NETDEF_PARSE_VALIDATE, &error);

    g_assert_null(def);
    if (error->code == VIR_ERR_OPERATION_UNSUPPORTED) {
        g_test_skip("libvirt's RNG schemas are not installed");
        return;
    }
    g_assert_error(error, CONF_NETWORK_ERROR, VIR_ERR_XML_INVALID_SCHEMA);
}

static GPtrArray *case_names;

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_data_tests(const char *sub, const char *ext, GTestDataFunc func)
{
    g_autofree char *dir = g_build_filename(data_dir, sub, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    const char *f;

    if (!d)
        g_error("cannot list '%s': %s", dir, error->message);
    while ((f = g_dir_read_name(d))) {
        if (g_str_has_suffix(f, ext))
            g_ptr_array_add(names, g_strndup(f, strlen(f) - strlen(ext)));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/netxml2xml/%s/%s", sub, (char *)names->pdata[i]);

        /* the test cases keep the names until the end of main() */
        g_ptr_array_add(case_names, names->pdata[i]);
        g_test_add_data_func(path, names->pdata[i], func);
    }
}

int
main(int argc, char **argv)
{
    const char *srcdir = g_getenv("abs_top_srcdir");
    int ret;

    g_test_init(&argc, &argv, NULL);
    case_names = g_ptr_array_new_with_free_func(g_free);
    data_dir =
        g_build_filename(srcdir ? srcdir : ABS_TOP_SRCDIR, "tests", "data", "net-xml2xml", NULL);
    add_data_tests("in", ".xml", test_ok);
    add_data_tests("bad", ".xml", test_bad);
    g_test_add_func("/netxml2xml/uuid-generated", test_uuid_generated);
    g_test_add_func("/netxml2xml/title-description", test_title_description);
    g_test_add_func("/netxml2xml/title-newline", test_title_newline);
    g_test_add_func("/netxml2xml/forward-mode-names", test_forward_mode_names);
    g_test_add_func("/netxml2xml/stable-fields", test_stable_fields);
    g_test_add_func("/netxml2xml/schema-flag", test_schema_flag);
    ret = g_test_run();
    g_free(data_dir);
    g_ptr_array_unref(case_names);
    return ret;
}
