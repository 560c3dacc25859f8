/*
 * qemu-status-test.c: a running domain's status record, written and read
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <string.h>

#include "conf/xmlutil.h"
#include "drivers/qemu/qemu_status.h"
#include "util/error.h"

static const char domain_xml[] = "<domain type='qemu'>\n"
                                 "  <name>web1</name>\n"
                                 "  <uuid>6a3f0a4e-2c1b-4e8e-9d7a-2f1b0c3d4e5f</uuid>\n"
                                 "  <memory unit='KiB'>131072</memory>\n"
                                 "  <vcpu>1</vcpu>\n"
                                 "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
                                 "  <devices>\n"
                                 "    <interface type='network'><mac address='52:54:00:aa:bb:01'/>"
                                 "<source network='default'/><model type='virtio'/></interface>\n"
                                 "    <graphics type='vnc' autoport='yes'><listen type='network' "
                                 "network='default'/></graphics>\n"
                                 "  </devices>\n"
                                 "</domain>\n";

static QemuStatus *
sample(void)
{
    QemuStatus *s = qemu_status_new();
    g_autoptr(GError) err = NULL;
    unsigned int port = 5900;

    s->state = g_strdup("running");
    s->reason = g_strdup("booted");
    s->pid = 4242;
    s->start_time = 1234567;
    s->id = 3;
    s->monitor = g_strdup("/run/virtnode/qemu/web1 & co.monitor");
    g_array_append_val(s->display_ports, port);
    qemu_status_add_nic(s, "tap", "vnet0", "default", "52:54:00:aa:bb:01");
    qemu_status_add_nic(s, "macvtap", "macvtap0", NULL, "52:54:00:aa:bb:02")->lower =
        g_strdup("lan0");
    qemu_status_add_listen(s, "default", "192.168.122.1");
    s->def = domdef_parse_string(domain_xml, 0, &err);
    g_assert_no_error(err);
    return s;
}

static void
test_roundtrip(void)
{
    g_autoptr(QemuStatus) s = sample();
    g_autoptr(QemuStatus) back = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = qemu_status_format(s, &err);
    g_autofree char *again = NULL;

    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "<domstatus state='running' reason='booted' pid='4242' "
                                 "starttime='1234567' id='3'>\n"));
    g_assert_nonnull(strstr(xml, "  <monitor path='/run/virtnode/qemu/web1 &amp; co.monitor'/>\n"));
    g_assert_nonnull(strstr(xml, "  <nic kind='tap' ifname='vnet0' network='default' "
                                 "mac='52:54:00:aa:bb:01'/>\n"));
    g_assert_nonnull(strstr(xml, "  <domain type='qemu' id='3'>\n"));
    back = qemu_status_parse(xml, &err);
    g_assert_no_error(err);
    g_assert_cmpint(back->pid, ==, 4242);
    g_assert_cmpuint(back->start_time, ==, 1234567);
    g_assert_cmpint(back->id, ==, 3);
    g_assert_cmpstr(back->monitor, ==, "/run/virtnode/qemu/web1 & co.monitor");
    g_assert_cmpuint(back->display_ports->len, ==, 1);
    g_assert_cmpuint(g_array_index(back->display_ports, unsigned int, 0), ==, 5900);
    g_assert_cmpuint(back->nics->len, ==, 2);
    g_assert_null(((QemuStatusNic *)g_ptr_array_index(back->nics, 1))->network);
    /* a direct NIC's macvtap: its lower device survives, so a later agent
     * deletes exactly that link */
    g_assert_cmpstr(((QemuStatusNic *)g_ptr_array_index(back->nics, 1))->lower, ==, "lan0");
    g_assert_cmpstr(((QemuStatusNic *)g_ptr_array_index(back->nics, 1))->mac, ==,
                    "52:54:00:aa:bb:02");
    g_assert_cmpstr(((QemuStatusListen *)g_ptr_array_index(back->listens, 0))->address, ==,
                    "192.168.122.1");
    again = qemu_status_format(back, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(again, ==, xml);
}

static void
test_save_load(void)
{
    g_autoptr(QemuStatus) s = sample();
    g_autoptr(QemuStatus) back = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qemu-status-XXXXXX", &err);
    g_autofree char *path = g_build_filename(dir, "web1.xml", NULL);
    GStatBuf st;

    g_assert_no_error(err);
    g_assert_true(qemu_status_save(s, path, &err));
    g_assert_no_error(err);
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    back = qemu_status_load(path, &err);
    g_assert_no_error(err);
    g_assert_cmpint(back->pid, ==, s->pid);
    g_unlink(path);
    g_assert_null(qemu_status_load(path, &err));
    g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_rmdir(dir);
}

static void
test_bad(void)
{
    static const struct {
        const char *xml;
        int code;
        const char *text;
    } cases[] = {
        { "<domstatus state='running' starttime='1' id='1'><domain/></domstatus>",
          VIR_ERR_XML_ERROR, "no valid pid" },
        { "<domstatus pid='3' starttime='1' id='1'/>", VIR_ERR_XML_ERROR, "lacks 'state'" },
        { "<domstatus state='running' pid='3' starttime='1' id='1'><disk/></domstatus>",
          VIR_ERR_XML_ERROR, "unexpected element <disk>" },
        { "<domstatus state='running' pid='3' starttime='1' id='1'><display/></domstatus>",
          VIR_ERR_XML_ERROR, "<display> lacks 'port'" },
        { "<domstatus state='running' pid='3' starttime='1' id='1'/>", VIR_ERR_XML_ERROR,
          "no <domain>" },
        { "<domstatus state='running' pid='x' starttime='1' id='1'/>", VIR_ERR_XML_ERROR, "pid" },
        { "<domstatus", VIR_ERR_XML_DETAIL, "domain_status" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_null(qemu_status_parse(cases[i].xml, &err));
        g_assert_nonnull(err);
        g_assert_cmpint(err->code, ==, cases[i].code);
        if (!strstr(err->message, cases[i].text))
            g_error("case %zu: '%s' lacks '%s'", i, err->message, cases[i].text);
    }
}

int
main(int argc, char **argv)
{
    xml_init();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-status/roundtrip", test_roundtrip);
    g_test_add_func("/qemu-status/save-load", test_save_load);
    g_test_add_func("/qemu-status/bad", test_bad);
    return g_test_run();
}
