/*
 * dnsmasq-conf-test.c: network XML -> dnsmasq config and hosts files
 *
 * Every tests/data/net-xml2dnsmasq/NAME.xml must give NAME.conf,
 * NAME.hostsfile and NAME.addnhosts byte for byte, and dnsmasq itself
 * (`dnsmasq --test`) must accept the config and each hostsfile line.
 * bad/NAME.xml must fail with the code on the first line of bad/NAME.err
 * and a message containing its second line. REGENERATE=1 rewrites the
 * expected files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "net/dnsmasq-conf.h"
#include "util/cmd.h"
#include "util/error.h"

static char *data_dir;
static GPtrArray *case_names; /* char*: test data of the cases */

static char *
read_text(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read '%s': %s", path, error->message);
    return text;
}

static void
check_file(const char *name, const char *ext, const char *actual)
{
    g_autofree char *file = g_strconcat(name, ext, NULL);
    g_autofree char *path = g_build_filename(data_dir, file, NULL);

    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        g_autoptr(GError) error = NULL;

        if (!g_file_set_contents(path, actual, -1, &error))
            g_error("cannot write '%s': %s", path, error->message);
    } else {
        g_autofree char *expected = read_text(path);

        g_assert_cmpstr(actual, ==, expected);
    }
}

static void
paths_for(const char *name, DnsmasqPaths *paths, char *store[5])
{
    store[0] = g_strdup_printf("/run/virtnode/network/%s.pid", name);
    store[1] = g_strdup_printf("/var/lib/virtnode/dnsmasq/%s.hostsfile", name);
    store[2] = g_strdup_printf("/var/lib/virtnode/dnsmasq/%s.addnhosts", name);
    store[3] = g_strdup_printf("/var/lib/virtnode/dnsmasq/%s.leases", name);
    store[4] = NULL;
    *paths = (DnsmasqPaths){
        .pid_file = store[0],
        .hosts_file = store[1],
        .addnhosts_file = store[2],
        .lease_file = store[3],
        .helper = "/usr/libexec/virtnode-leaseshelper",
    };
}

/* dnsmasq's own parser: the config, and each hostsfile line as the
 * dhcp-host= option it is equivalent to. */
static void
dnsmasq_accepts(const char *name, const char *conf_text, const char *hostsfile)
{
    g_autofree char *dnsmasq = g_find_program_in_path("dnsmasq");
    g_autoptr(GError) error = NULL;
    g_autofree char *tmp = NULL;
    g_autoptr(GString) text = g_string_new(conf_text);
    g_auto(GStrv) lines = g_strsplit(hostsfile, "\n", -1);
    g_autoptr(Cmd) cmd = NULL;
    g_autofree char *out = NULL, *err = NULL;
    int fd, status = -1;

    if (!dnsmasq && access("/usr/sbin/dnsmasq", X_OK) != 0) {
        g_test_message("dnsmasq not installed: '%s' not checked by dnsmasq --test", name);
        return;
    }
    for (size_t i = 0; lines[i]; i++)
        if (*lines[i])
            g_string_append_printf(text, "dhcp-host=%s\n", lines[i]);
    fd = g_file_open_tmp("dnsmasq-conf-test-XXXXXX.conf", &tmp, &error);
    g_assert_no_error(error);
    close(fd);
    g_assert_true(g_file_set_contents(tmp, text->str, -1, &error));
    cmd = cmd_new("dnsmasq");
    cmd_add_args(cmd, "--test", "-C", tmp, NULL);
    cmd_capture_output(cmd, &out, &err);
    g_assert_true(cmd_run(cmd, &status, &error));
    unlink(tmp);
    if (status != 0)
        g_error("dnsmasq --test rejects %s.conf: %s%s", name, out, err);
}

static void
test_ok(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    g_autofree char *xml_path = g_build_filename(data_dir, file, NULL);
    g_autofree char *xml = read_text(xml_path);
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = NULL;
    g_autoptr(DnsmasqConf) conf = NULL, again = NULL;
    DnsmasqPaths paths;
    char *store[5];

    def = netdef_parse_string(xml, 0, &error);
    g_assert_no_error(error);
    g_assert_true(dnsmasq_conf_needed(def));
    paths_for(name, &paths, store);
    conf = dnsmasq_conf_build(def, &paths, &error);
    g_assert_no_error(error);
    check_file(name, ".conf", conf->conf);
    check_file(name, ".hostsfile", conf->hostsfile);
    check_file(name, ".addnhosts", conf->addnhosts);
    /* pure: the same input gives the same output */
    again = dnsmasq_conf_build(def, &paths, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(again->conf, ==, conf->conf);
    dnsmasq_accepts(name, conf->conf, conf->hostsfile);
    for (size_t i = 0; store[i]; i++)
        g_free(store[i]);
}

static void
test_bad(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *xml_file = g_strconcat(name, ".xml", NULL);
    g_autofree char *err_file = g_strconcat(name, ".err", NULL);
    g_autofree char *xml_path = g_build_filename(data_dir, "bad", xml_file, NULL);
    g_autofree char *err_path = g_build_filename(data_dir, "bad", err_file, NULL);
    g_autofree char *xml = read_text(xml_path);
    g_autofree char *expect = read_text(err_path);
    g_auto(GStrv) lines = g_strsplit(expect, "\n", 3);
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = NULL;
    g_autoptr(DnsmasqConf) conf = NULL;
    DnsmasqPaths paths;
    char *store[5];

    def = netdef_parse_string(xml, 0, &error);
    g_assert_no_error(error);
    paths_for(name, &paths, store);
    conf = dnsmasq_conf_build(def, &paths, &error);
    g_assert_null(conf);
    g_assert_nonnull(error);
    g_assert_true(error->domain == NET_ERROR);
    g_assert_cmpint(error->code, ==, (int)g_ascii_strtoll(lines[0], NULL, 10));
    if (lines[1] && *lines[1] && !strstr(error->message, lines[1]))
        g_error("message '%s' does not contain '%s'", error->message, lines[1]);
    for (size_t i = 0; store[i]; i++)
        g_free(store[i]);
}

/* Which networks get a dnsmasq at all. */
static void
test_needed(void)
{
    static const struct {
        const char *xml;
        bool needed;
    } cases[] = {
        { "<network><name>a</name><bridge name='vb0'/>"
          "<ip address='10.1.0.1' prefix='24'/></network>",
          true }, /* isolated, DNS only */
        { "<network><name>a</name><bridge name='vb0'/><dns enable='no'/>"
          "<ip address='10.1.0.1' prefix='24'/></network>",
          false },
        { "<network><name>a</name><bridge name='vb0'/><dns enable='no'/>"
          "<ip family='ipv6' address='fd00:1::1' prefix='64'/></network>",
          true }, /* RA */
        { "<network><name>a</name><bridge name='vb0'/></network>", false },
        { "<network><name>a</name><forward mode='bridge'/><bridge name='br9'/></network>", false },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(NetDef) def = netdef_parse_string(cases[i].xml, 0, &error);

        g_assert_no_error(error);
        g_assert_cmpint(dnsmasq_conf_needed(def), ==, cases[i].needed);
    }
}

static void
test_range_size(void)
{
    g_assert_cmpint(dnsmasq_range_size("10.0.0.2", "10.0.0.254"), ==, 253);
    g_assert_cmpint(dnsmasq_range_size("10.0.0.5", "10.0.0.5"), ==, 1);
    g_assert_cmpint(dnsmasq_range_size("10.0.0.255", "10.0.1.1"), ==, 3);
    g_assert_cmpint(dnsmasq_range_size("10.0.0.9", "10.0.0.5"), ==, -1);
    g_assert_cmpint(dnsmasq_range_size("fd00::10", "fd00::ff"), ==, 240);
    g_assert_cmpint(dnsmasq_range_size("fd00::1", "fd00::1:0"), ==, 65536);
    g_assert_cmpint(dnsmasq_range_size("fd00::", "fd00:1::"), ==, G_MAXINT);
    g_assert_cmpint(dnsmasq_range_size("10.0.0.1", "fd00::1"), ==, -1);
    g_assert_cmpint(dnsmasq_range_size("x", "10.0.0.1"), ==, -1);
}

/* The bridge in the paths wins over the definition's; none at all fails. */
static void
test_bridge_override(void)
{
    const char *xml = "<network><name>nobr</name>"
                      "<ip address='10.1.0.1' prefix='24'/></network>";
    g_autoptr(GError) error = NULL;
    g_autoptr(NetDef) def = netdef_parse_string_novalidate(xml, 0, &error);
    g_autoptr(DnsmasqConf) conf = NULL;
    DnsmasqPaths paths = { 0 };

    g_assert_no_error(error);
    g_free(def->bridge);
    def->bridge = NULL;
    g_assert_null(dnsmasq_conf_build(def, &paths, &error));
    g_assert_error(error, NET_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&error);
    paths.bridge = "vnx7";
    conf = dnsmasq_conf_build(def, &paths, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(conf->conf, "\ninterface=vnx7\n"));
    /* no paths: no file options */
    g_assert_null(strstr(conf->conf, "pid-file="));
    g_assert_null(strstr(conf->conf, "addn-hosts="));
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_dir_cases(const char *sub, const char *prefix, GTestDataFunc fn)
{
    g_autofree char *dir_path = g_build_filename(data_dir, sub, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, &error);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    const char *entry;

    g_assert_no_error(error);
    while ((entry = g_dir_read_name(dir)))
        if (g_str_has_suffix(entry, ".xml"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    g_ptr_array_sort(names, compare_names);
    g_assert_cmpuint(names->len, >, 0);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *test_name = g_strdup_printf("%s/%s", prefix, (char *)names->pdata[i]);

        g_ptr_array_add(case_names, names->pdata[i]);
        g_test_add_data_func(test_name, names->pdata[i], fn);
    }
}

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    case_names = g_ptr_array_new_with_free_func(g_free);
    data_dir = g_build_filename(ABS_TOP_SRCDIR, "tests", "data", "net-xml2dnsmasq", NULL);
    add_dir_cases(".", "/dnsmasq-conf/ok", test_ok);
    add_dir_cases("bad", "/dnsmasq-conf/bad", test_bad);
    g_test_add_func("/dnsmasq-conf/needed", test_needed);
    g_test_add_func("/dnsmasq-conf/range-size", test_range_size);
    g_test_add_func("/dnsmasq-conf/bridge-override", test_bridge_override);
    rc = g_test_run();
    g_ptr_array_unref(case_names);
    g_free(data_dir);
    return rc;
}
