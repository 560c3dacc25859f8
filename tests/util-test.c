/*
 * util-test.c: unit tests for util/ (buffers, UUIDs, MACs, files, errors)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/mac.h"
#include "util/uuid.h"

static void
test_uuid_roundtrip(void)
{
    unsigned char a[UUID_LEN], b[UUID_LEN];
    char text[UUID_STRING_LEN];

    g_assert_true(uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db1809", a));
    uuid_format(a, text);
    g_assert_cmpstr(text, ==, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
    /* libvirt also accepts no dashes, upper case and surrounding blanks */
    g_assert_true(uuid_parse("  C7A5FDBDEDAF9455926AD65C16DB1809 ", b));
    g_assert_cmpmem(a, UUID_LEN, b, UUID_LEN);
}

static void
test_uuid_bad(void)
{
    unsigned char u[UUID_LEN];

    g_assert_false(uuid_parse("", u));
    g_assert_false(uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db180", u));   /* short */
    g_assert_false(uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db18090", u)); /* long */
    g_assert_false(uuid_parse("g7a5fdbd-edaf-9455-926a-d65c16db1809", u));  /* not hex */
}

static void
test_uuid_generate(void)
{
    unsigned char a[UUID_LEN], b[UUID_LEN];

    uuid_generate(a);
    uuid_generate(b);
    g_assert_false(memcmp(a, b, UUID_LEN) == 0);
    g_assert_false(uuid_is_degenerate(a));
    memset(b, 0, UUID_LEN);
    g_assert_true(uuid_is_degenerate(b));
}

static void
test_mac(void)
{
    MacAddr m, n;
    char text[MAC_STRING_LEN];
    static const unsigned char prefix[3] = { 0x52, 0x54, 0x00 };

    g_assert_true(mac_parse("52:54:00:AB:cd:1", &m));
    mac_format(&m, text);
    g_assert_cmpstr(text, ==, "52:54:00:ab:cd:01");
    g_assert_false(mac_is_multicast(&m));
    g_assert_true(mac_parse("01:00:5e:00:00:01", &n));
    g_assert_true(mac_is_multicast(&n));
    g_assert_false(mac_parse("52:54:00:ab:cd", &n));
    g_assert_false(mac_parse("52:54:00:ab:cd:01:02", &n));
    g_assert_false(mac_parse("52-54-00-ab-cd-01", &n));
    mac_generate(prefix, &n);
    g_assert_cmpmem(n.addr, 3, prefix, 3);
}

static void
test_buf_element(void)
{
    g_autoptr(Buf) out = buf_new();
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) child = NULL;

    buf_add(out, "<network>\n");
    buf_adjust_indent(out, 2);
    child = buf_new_child(out);
    buf_add_attr(attrs, "name", "%s", "a<b>&'\"");
    buf_add_element(out, "empty", attrs, child);
    buf_addf(child, "<x>%d</x>\n", 1);
    buf_add_attr(attrs, "id", "%d", 7);
    buf_add_element(out, "full", attrs, child);
    buf_adjust_indent(out, -2);
    buf_add(out, "</network>\n");
    g_assert_cmpstr(buf_peek(out), ==,
                    "<network>\n"
                    "  <empty name='a&lt;b&gt;&amp;&apos;&quot;'/>\n"
                    "  <full id='7'>\n"
                    "    <x>1</x>\n"
                    "  </full>\n"
                    "</network>\n");
}

static void
test_file_atomic(void)
{
    g_autofree char *dir = g_dir_make_tmp("vn-util-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autofree char *bad = g_build_filename(dir, "missing", "a.xml", NULL);
    g_autofree char *content = NULL;
    g_autoptr(GError) error = NULL;
    GStatBuf st;

    g_assert_true(file_write_atomic(path, "one", -1, 0600, &error));
    g_assert_true(file_write_atomic(path, "two", -1, 0644, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "two");
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0644);
    g_assert_false(file_write_atomic(bad, "x", -1, 0600, &error));
    g_assert_error(error, UTIL_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0); /* no temp file left behind */
}

static void
test_error_format(void)
{
    g_autofree char *a =
        error_format_message(VIR_ERR_NO_DOMAIN, "no domain with matching name 'x'");
    g_autofree char *b = error_format_message(VIR_ERR_OPERATION_INVALID, NULL);
    g_autofree char *c = error_format_message(VIR_ERR_SYSTEM_ERROR, "cannot open: No such file");
    bool formatted = true;

    g_assert_cmpstr(a, ==, "Domain not found: no domain with matching name 'x'");
    g_assert_cmpstr(b, ==, "Requested operation is not valid");
    g_assert_cmpstr(c, ==, "cannot open: No such file");
    g_assert_cmpint(error_quark_domain(NET_ERROR, &formatted), ==, VIR_FROM_NETWORK);
    g_assert_false(formatted);
    g_assert_cmpint(error_quark_domain(error_wire_quark(VIR_FROM_QEMU), &formatted), ==,
                    VIR_FROM_QEMU);
    g_assert_true(formatted);
    g_assert_cmpint(error_quark_domain(G_FILE_ERROR, NULL), ==, VIR_FROM_NONE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/uuid/roundtrip", test_uuid_roundtrip);
    g_test_add_func("/util/uuid/bad", test_uuid_bad);
    g_test_add_func("/util/uuid/generate", test_uuid_generate);
    g_test_add_func("/util/mac", test_mac);
    g_test_add_func("/util/buf/element", test_buf_element);
    g_test_add_func("/util/file/atomic", test_file_atomic);
    g_test_add_func("/util/error/format", test_error_format);
    return g_test_run();
}
