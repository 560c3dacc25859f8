/*
 * xmlutil-test.c: unit tests for conf/xmlutil (parse errors, typed attributes)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "conf/xmlutil.h"
#include "util/error.h"

#define Q CONF_NETWORK_ERROR

static void
test_parse_ok(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc =
        xml_parse_string("<network><name>n1</name></network>", "t", "network", Q, &error);
    g_autofree char *name = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(doc);
    name = xml_child_text(xmlDocGetRootElement(doc), "name");
    g_assert_cmpstr(name, ==, "n1");
}

static void
test_parse_malformed_has_line(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = xml_parse_string("<network>\n  <name>n1</name>\n  <ip>\n</network>\n",
                                             "network_definition", "network", Q, &error);

    g_assert_null(doc);
    g_assert_error(error, Q, VIR_ERR_XML_DETAIL);
    g_assert_true(g_str_has_prefix(error->message, "(network_definition):4: "));
    g_assert_nonnull(strstr(error->message, "mismatch"));
}

static void
test_parse_wrong_root(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = xml_parse_string("<domain/>", "t", "network", Q, &error);

    g_assert_null(doc);
    g_assert_error(error, Q, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "<domain>"));
}

static void
test_parse_no_external_entities(void)
{
    static const char xxe[] = "<?xml version='1.0'?>\n"
                              "<!DOCTYPE n [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
                              "<network><name>&x;</name></network>";
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = xml_parse_string(xxe, "t", "network", Q, &error);

    /* Either refused or left unexpanded: never the file's content. */
    if (doc) {
        g_autofree char *name = xml_child_text(xmlDocGetRootElement(doc), "name");
        g_assert_null(strstr(name, "root:"));
    }
}

static void
test_typed_props(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(xmlDoc) doc = xml_parse_string(
        "<r port='5900' neg='-3' big='18446744073709551615' stp='on' ro='yes' bad='x1'/>", "t", "r",
        Q, &error);
    xmlNode *r = xmlDocGetRootElement(doc);
    static const char *const modes[] = { "nat", "route", NULL };
    unsigned int port = 0;
    int neg = 0, mode = 7;
    unsigned long long big = 0;
    bool present = true;
    XmlTristate t;

    g_assert_true(xml_prop_uint(r, "port", &port, &present, Q, &error));
    g_assert_true(present);
    g_assert_cmpuint(port, ==, 5900);
    g_assert_true(xml_prop_int(r, "neg", &neg, NULL, Q, &error));
    g_assert_cmpint(neg, ==, -3);
    g_assert_true(xml_prop_ullong(r, "big", &big, NULL, Q, &error));
    g_assert_cmpuint(big, ==, G_MAXUINT64);
    g_assert_true(xml_prop_uint(r, "absent", &port, &present, Q, &error));
    g_assert_false(present);
    g_assert_cmpuint(port, ==, 5900);
    g_assert_true(xml_prop_onoff(r, "stp", &t, Q, &error));
    g_assert_cmpint(t, ==, XML_TRISTATE_YES);
    g_assert_true(xml_prop_yesno(r, "ro", &t, Q, &error));
    g_assert_cmpstr(xml_tristate_yesno(t), ==, "yes");
    g_assert_true(xml_prop_enum(r, "absent", modes, &mode, Q, &error));
    g_assert_cmpint(mode, ==, -1);
    g_assert_no_error(error);

    g_assert_false(xml_prop_uint(r, "bad", &port, NULL, Q, &error));
    g_assert_error(error, Q, VIR_ERR_XML_ERROR);
    g_assert_nonnull(strstr(error->message, "'bad'"));
    g_assert_nonnull(strstr(error->message, "'x1'"));
    g_clear_error(&error);
    g_assert_false(xml_prop_uint(r, "neg", &port, NULL, Q, &error));
    g_clear_error(&error);
    g_assert_false(xml_prop_yesno(r, "stp", &t, Q, &error));
    g_clear_error(&error);
    g_assert_false(xml_prop_enum(r, "bad", modes, &mode, Q, &error));
    g_assert_error(error, Q, VIR_ERR_XML_ERROR);
}

static void
test_children(void)
{
    g_autoptr(xmlDoc) doc = xml_parse_string("<r><a/>text<b/><a x='1'/></r>", "t", "r", Q, NULL);
    xmlNode *r = xmlDocGetRootElement(doc);
    g_autoptr(GPtrArray) as = xml_children(r, "a");
    g_autoptr(GPtrArray) all = xml_children(r, NULL);
    g_autofree char *x = NULL;

    g_assert_cmpuint(as->len, ==, 2);
    g_assert_cmpuint(all->len, ==, 3);
    x = xml_prop(g_ptr_array_index(as, 1), "x");
    g_assert_cmpstr(x, ==, "1");
    g_assert_null(xml_child(r, "c"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xmlutil/parse/ok", test_parse_ok);
    g_test_add_func("/xmlutil/parse/malformed-line", test_parse_malformed_has_line);
    g_test_add_func("/xmlutil/parse/wrong-root", test_parse_wrong_root);
    g_test_add_func("/xmlutil/parse/no-external-entities", test_parse_no_external_entities);
    g_test_add_func("/xmlutil/typed-props", test_typed_props);
    g_test_add_func("/xmlutil/children", test_children);
    return g_test_run();
}
