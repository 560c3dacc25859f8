/*
 * domxml2xml-test.c: domain XML round trips, pinned by data files
 *
 *   tests/data/dom-xml2xml/in/NAME.xml  -> out/NAME.xml   (inactive XML)
 *   in/live-NAME.xml                    -> live/live-NAME.xml (live XML, id 3)
 *   bad/NAME.xml                        -> NAME.err       (VIR_ERR_* name, message part)
 *
 * REGENERATE=1 rewrites out/ and live/ instead of comparing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef.h"
#include "util/error.h"

static char *datadir;
static GPtrArray *test_names; /* owns the names handed to the tests */

static char *
data_path(const char *sub, const char *name, const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);

    return g_build_filename(datadir, sub, file, NULL);
}

static char *
read_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err))
        g_error("%s", err->message);
    return text;
}

/* Compares @actual with the file at @path, or rewrites it under REGENERATE. */
static void
check_output(const char *path, const char *actual)
{
    g_autofree char *expected = NULL;

    if (g_getenv("REGENERATE")) {
        g_assert_true(g_file_set_contents(path, actual, -1, NULL));
        return;
    }
    expected = read_file(path);
    g_assert_cmpstr(actual, ==, expected);
}

/* Output must read back to the same output, and pass libvirt's schema. */
static void
check_stable(const char *xml, int id, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) again = domdef_parse_string(xml, 0, &err);
    g_autofree char *out = NULL;
    g_autoptr(DomDef) valid = NULL;

    g_assert_no_error(err);
    out = domdef_format(again, id, flags, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(out, ==, xml);

    valid = domdef_parse_string(xml, DOMDEF_PARSE_VALIDATE, &err);
    if (err && err->code == VIR_ERR_OPERATION_UNSUPPORTED)
        return; /* libvirt's schemas are not installed: checked by the skip test */
    g_assert_no_error(err);
    g_assert_nonnull(valid);
}

static void
test_xml2xml(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in_path = data_path("in", name, ".xml");
    g_autofree char *out_path = data_path("out", name, ".xml");
    g_autofree char *in = read_file(in_path);
    g_autoptr(GError) err = NULL;
    bool live = g_str_has_prefix(name, "live-");
    g_autoptr(DomDef) def = domdef_parse_string(in, live ? 0 : DOMDEF_PARSE_INACTIVE, &err);
    g_autofree char *out = NULL;

    g_assert_no_error(err);
    out = domdef_format(def, -1, DOMDEF_FORMAT_INACTIVE, &err);
    g_assert_no_error(err);
    check_output(out_path, out);
    check_stable(out, -1, DOMDEF_FORMAT_INACTIVE);

    if (live) {
        g_autofree char *live_path = data_path("live", name, ".xml");
        g_autofree char *live_out = domdef_format(def, 3, 0, &err);

        g_assert_no_error(err);
        check_output(live_path, live_out);
        check_stable(live_out, 3, 0);
    }
}

static int
error_code_from_name(const char *name)
{
    static const struct {
        const char *name;
        int code;
    } codes[] = {
        { "VIR_ERR_INTERNAL_ERROR", VIR_ERR_INTERNAL_ERROR },
        { "VIR_ERR_XML_ERROR", VIR_ERR_XML_ERROR },
        { "VIR_ERR_XML_DETAIL", VIR_ERR_XML_DETAIL },
        { "VIR_ERR_NO_NAME", VIR_ERR_NO_NAME },
        { "VIR_ERR_CONFIG_UNSUPPORTED", VIR_ERR_CONFIG_UNSUPPORTED },
        { "VIR_ERR_OS_TYPE", VIR_ERR_OS_TYPE },
        { "VIR_ERR_NO_TARGET", VIR_ERR_NO_TARGET },
        { "VIR_ERR_INVALID_ARG", VIR_ERR_INVALID_ARG },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
        if (strcmp(codes[i].name, name) == 0)
            return codes[i].code;
    }
    g_error("unknown error name '%s'", name);
    return -1;
}

static void
test_bad(gconstpointer data)
{
    const char *name = data;
    g_autofree char *in_path = data_path("bad", name, ".xml");
    g_autofree char *err_path = data_path("bad", name, ".err");
    g_autofree char *in = read_file(in_path);
    g_autofree char *expect = read_file(err_path);
    g_auto(GStrv) lines = g_strsplit(expect, "\n", 3);
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) def = domdef_parse_string(in, DOMDEF_PARSE_INACTIVE, &err);

    g_assert_null(def);
    g_assert_error(err, CONF_DOMAIN_ERROR, error_code_from_name(g_strstrip(lines[0])));
    g_assert_nonnull(strstr(err->message, lines[1]));
}

/* Missing UUIDs and MACs are made up; passwords need the secure flag;
 * a copy formats the same. */
static void
test_generated_values(void)
{
    const char *xml = "<domain type='qemu'><name>gen</name><memory>1024</memory>"
                      "<os><type>hvm</type></os><devices><interface type='user'/>"
                      "<graphics type='vnc' passwd='pw'/></devices></domain>";
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, &err);
    g_autoptr(DomDef) copy = NULL;
    g_autofree char *plain = NULL, *secure = NULL, *copied = NULL;
    static const unsigned char zero[UUID_LEN];

    g_assert_no_error(err);
    g_assert_true(memcmp(def->uuid, zero, UUID_LEN) != 0);
    g_assert_cmpuint(def->max_memory_kib, ==, 1024);
    g_assert_cmpuint(def->cur_memory_kib, ==, 1024);
    g_assert_cmpuint(def->vcpus_max, ==, 1);
    g_assert_cmpstr(def->os_type, ==, "hvm");
    plain = domdef_format(def, -1, DOMDEF_FORMAT_INACTIVE, &err);
    secure = domdef_format(def, -1, DOMDEF_FORMAT_INACTIVE | DOMDEF_FORMAT_SECURE, &err);
    g_assert_nonnull(strstr(plain, "<mac address='52:54:00:"));
    g_assert_null(strstr(plain, "passwd="));
    g_assert_nonnull(strstr(secure, "passwd='pw'"));
    copy = domdef_copy(def);
    copied = domdef_format(copy, -1, DOMDEF_FORMAT_INACTIVE | DOMDEF_FORMAT_SECURE, &err);
    g_assert_cmpstr(copied, ==, secure);
}

static void
test_schema_present(void)
{
    if (!g_file_test("/usr/share/libvirt/schemas/domain.rng", G_FILE_TEST_EXISTS) &&
        !g_getenv("VIRTNODE_SCHEMA_DIR"))
        g_test_skip("libvirt's domain.rng is not installed");
}

static void
add_dir_tests(const char *sub, const char *suffix, GTestDataFunc fn)
{
    g_autofree char *dir = g_build_filename(datadir, sub, NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = test_names;
    guint first = names->len;
    const char *f;

    g_assert_nonnull(d);
    while ((f = g_dir_read_name(d))) {
        if (g_str_has_suffix(f, suffix))
            g_ptr_array_add(names, g_strndup(f, strlen(f) - strlen(suffix)));
    }
    for (guint i = first; i < names->len; i++) {
        const char *n = names->pdata[i];
        g_autofree char *path = g_strdup_printf("/domxml2xml/%s/%s", sub, n);

        g_test_add_data_func(path, n, fn);
    }
}

int
main(int argc, char **argv)
{
    const char *top = g_getenv("abs_top_srcdir");
    int ret;

    g_test_init(&argc, &argv, NULL);
    test_names = g_ptr_array_new_with_free_func(g_free);
    datadir = g_build_filename(top ? top : SRCDIR, "tests", "data", "dom-xml2xml", NULL);
    add_dir_tests("in", ".xml", test_xml2xml);
    add_dir_tests("bad", ".xml", test_bad);
    g_test_add_func("/domxml2xml/generated", test_generated_values);
    g_test_add_func("/domxml2xml/schema", test_schema_present);
    ret = g_test_run();
    g_ptr_array_unref(test_names);
    g_free(datadir);
    return ret;
}
