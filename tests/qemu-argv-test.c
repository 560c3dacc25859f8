/*
 * qemu-argv-test.c: domain XML + prepared state -> qemu argv, pinned by
 * data files
 *
 *   tests/data/qemu-argv/NAME.xml   the domain (parsed as the driver does)
 *   NAME.prep                       key=value lines turned into QemuPrepared
 *   NAME.args                       expected argv, one argument per line
 *   NAME.err                        instead of .args: VIR_ERR_* name, then a
 *                                   part of the message
 *
 * REGENERATE=1 rewrites the .args files instead of comparing. A last case
 * runs the real qemu-system-x86_64 (when installed) with a generated argv
 * and -S to prove qemu accepts the syntax; the child is killed by PID.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "drivers/qemu/qemu_command.h"
#include "util/error.h"

#define QEMU_BINARY "/usr/bin/qemu-system-x86_64"

static char *datadir;
static GPtrArray *test_names;
static GPid qemu_pid; /* the child of test_real_qemu, killed on abort too */

static char *
data_path(const char *name, const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);

    return g_build_filename(datadir, file, NULL);
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

static int
parse_int(const char *key, const char *value)
{
    char *end = NULL;
    gint64 v = g_ascii_strtoll(value, &end, 10);

    if (!*value || *end)
        g_error("%s: not a number: '%s'", key, value);
    return (int)v;
}

/* "netN.fd" -> "fd", *ret_index N; NULL unless @key starts with @prefix. */
static const char *
indexed_key(const char *key, const char *prefix, guint *ret_index)
{
    const char *p;
    char *end = NULL;

    if (!g_str_has_prefix(key, prefix))
        return NULL;
    p = key + strlen(prefix);
    *ret_index = (guint)g_ascii_strtoull(p, &end, 10);
    if (end == p || *end != '.')
        g_error("bad key '%s'", key);
    return end + 1;
}

/* Defaults: the Debian emulator, machine pc, tcg, a monitor under /run. */
static QemuPrepared *
prep_load(const char *name)
{
    g_autofree char *path = data_path(name, ".prep");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    QemuPrepared *prep = qemu_prepared_new();

    prep->emulator = g_strdup(QEMU_BINARY);
    prep->machine = g_strdup("pc");
    prep->accel = g_strdup("tcg");
    prep->id = 1;
    prep->monitor_path = g_strdup_printf("/run/virtnode/qemu/%s.monitor", name);
    prep->spice_supported = true;
    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return prep;
    text = read_file(path);
    lines = g_strsplit(text, "\n", -1);
    for (guint l = 0; lines[l]; l++) {
        g_auto(GStrv) kv = NULL;
        const char *key, *value, *sub;
        guint i = 0;

        if (!*lines[l] || lines[l][0] == '#')
            continue;
        kv = g_strsplit(lines[l], "=", 2);
        if (!kv[1])
            g_error("%s: line without '=': %s", path, lines[l]);
        key = kv[0];
        value = kv[1];
        if (strcmp(key, "emulator") == 0) {
            g_free(prep->emulator), prep->emulator = g_strdup(value);
        } else if (strcmp(key, "machine") == 0) {
            g_free(prep->machine), prep->machine = g_strdup(value);
        } else if (strcmp(key, "accel") == 0) {
            g_free(prep->accel), prep->accel = g_strdup(value);
        } else if (strcmp(key, "id") == 0) {
            prep->id = parse_int(key, value);
        } else if (strcmp(key, "monitor") == 0) {
            g_free(prep->monitor_path), prep->monitor_path = g_strdup(value);
        } else if (strcmp(key, "monitor_fd") == 0) {
            prep->monitor_fd = parse_int(key, value);
        } else if (strcmp(key, "spice_x509_dir") == 0) {
            prep->spice_x509_dir = g_strdup(value);
        } else if (strcmp(key, "spice") == 0) {
            prep->spice_supported = strcmp(value, "yes") == 0;
        } else if ((sub = indexed_key(key, "net", &i))) {
            QemuPrepNet *n = qemu_prepared_net(prep, i);

            if (strcmp(sub, "fd") == 0)
                n->fd = parse_int(key, value);
            else if (strcmp(sub, "model") == 0)
                n->model = g_strdup(value);
            else if (strcmp(sub, "mac") == 0 && mac_parse(value, &n->mac))
                n->has_mac = true;
            else
                g_error("bad key '%s'", key);
        } else if ((sub = indexed_key(key, "graphics", &i))) {
            QemuPrepGraphics *g = qemu_prepared_graphics(prep, i);

            if (strcmp(sub, "address") == 0)
                g->address = g_strdup(value);
            else if (strcmp(sub, "socket") == 0)
                g->socket = g_strdup(value);
            else if (strcmp(sub, "port") == 0)
                g->port = parse_int(key, value);
            else if (strcmp(sub, "tls_port") == 0)
                g->tls_port = parse_int(key, value);
            else if (strcmp(sub, "websocket") == 0)
                g->websocket = parse_int(key, value);
            else
                g_error("bad key '%s'", key);
        } else if ((sub = indexed_key(key, "disk", &i))) {
            QemuPrepDisk *d = qemu_prepared_disk(prep, i);

            if (strcmp(sub, "path") == 0)
                d->path = g_strdup(value);
            else if (strcmp(sub, "format") == 0)
                d->format = g_strdup(value);
            else
                g_error("bad key '%s'", key);
        } else if ((sub = indexed_key(key, "serial", &i))) {
            if (strcmp(sub, "logfile") != 0)
                g_error("bad key '%s'", key);
            qemu_prepared_serial(prep, i)->logfile = g_strdup(value);
        } else {
            g_error("%s: unknown key '%s'", path, key);
        }
    }
    return prep;
}

static int
error_code_from_name(const char *name)
{
    if (strcmp(name, "VIR_ERR_CONFIG_UNSUPPORTED") == 0)
        return VIR_ERR_CONFIG_UNSUPPORTED;
    if (strcmp(name, "VIR_ERR_INTERNAL_ERROR") == 0)
        return VIR_ERR_INTERNAL_ERROR;
    g_error("unknown error name '%s'", name);
    return -1;
}

static char *
argv_join(const GPtrArray *argv)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < argv->len; i++) {
        g_string_append(s, argv->pdata[i]);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

static void
test_argv(gconstpointer data)
{
    const char *name = data;
    g_autofree char *xml_path = data_path(name, ".xml");
    g_autofree char *args_path = data_path(name, ".args");
    g_autofree char *err_path = data_path(name, ".err");
    g_autofree char *xml = read_file(xml_path);
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, &err);
    g_autoptr(QemuPrepared) prep = prep_load(name);
    g_autoptr(GPtrArray) argv = NULL;
    g_autofree char *actual = NULL, *expected = NULL;

    g_assert_no_error(err);
    argv = qemu_command_build(def, prep, &err);
    if (g_file_test(err_path, G_FILE_TEST_EXISTS)) {
        g_autofree char *expect = read_file(err_path);
        g_auto(GStrv) lines = g_strsplit(expect, "\n", 3);

        g_assert_null(argv);
        g_assert_error(err, QEMU_ERROR, error_code_from_name(g_strstrip(lines[0])));
        g_assert_nonnull(lines[1]);
        if (!strstr(err->message, lines[1]))
            g_error("message '%s' lacks '%s'", err->message, lines[1]);
        return;
    }
    g_assert_no_error(err);
    g_assert_nonnull(argv);
    g_assert_cmpstr(argv->pdata[0], ==, prep->emulator);
    for (guint i = 0; i < argv->len; i++) {
        /* the one rule qemu itself cannot check for us here */
        g_assert_null(strstr(argv->pdata[i], "vhost=on"));
    }
    actual = argv_join(argv);
    if (g_getenv("REGENERATE")) {
        g_assert_true(g_file_set_contents(args_path, actual, -1, NULL));
        return;
    }
    expected = read_file(args_path);
    g_assert_cmpstr(actual, ==, expected);
}

/* Missing prepared state is the driver's bug, not the user's. */
static void
test_unprepared(void)
{
    const char *xml = "<domain type='qemu'><name>u</name><memory>65536</memory>"
                      "<os><type>hvm</type></os><devices><interface type='network'>"
                      "<source network='default'/></interface></devices></domain>";
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, &err);
    g_autoptr(QemuPrepared) prep = qemu_prepared_new();
    g_autoptr(GPtrArray) argv = NULL;

    g_assert_no_error(err);
    argv = qemu_command_build(def, prep, &err);
    g_assert_null(argv);
    g_assert_error(err, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_clear_error(&err);

    prep->emulator = g_strdup(QEMU_BINARY);
    prep->machine = g_strdup("pc");
    prep->accel = g_strdup("tcg");
    prep->monitor_path = g_strdup("/tmp/m");
    argv = qemu_command_build(def, prep, &err);
    g_assert_null(argv);
    g_assert_error(err, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "interface 0"));
}

static void
kill_qemu(void)
{
    if (qemu_pid > 0) {
        kill(qemu_pid, SIGKILL);
        waitpid(qemu_pid, NULL, 0);
        qemu_pid = 0;
    }
}

static void
on_abort(int sig)
{
    (void)sig;
    if (qemu_pid > 0)
        kill(qemu_pid, SIGKILL);
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
}

/* qemu accepts a generated command line: it gets as far as creating its
 * monitor socket and waiting there (-S) instead of exiting on a syntax
 * error. User networking and a socket VNC keep it unprivileged and free
 * of port clashes. */
static void
test_real_qemu(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *disk_path = NULL, *mon_path = NULL, *vnc_path = NULL, *xml = NULL;
    g_autofree char *log_path = NULL, *log = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(DomDef) def = NULL;
    g_autoptr(QemuPrepared) prep = NULL;
    g_autoptr(GPtrArray) argv = NULL;
    int status = 0;
    bool up = false;
    int log_fd;

    if (!g_file_test(QEMU_BINARY, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip(QEMU_BINARY " is not installed");
        return;
    }
    dir = g_dir_make_tmp("qemu-argv-XXXXXX", &err);
    g_assert_no_error(err);
    disk_path = g_build_filename(dir, "disk,one.img", NULL); /* a comma to escape */
    mon_path = g_build_filename(dir, "monitor.sock", NULL);
    vnc_path = g_build_filename(dir, "vnc.sock", NULL);
    log_path = g_build_filename(dir, "qemu.log", NULL);
    g_assert_true(g_file_set_contents(disk_path, "", 0, NULL));
    g_assert_cmpint(truncate(disk_path, 1024 * 1024), ==, 0);
    xml = g_strdup_printf(
        "<domain type='qemu'><name>argv,test</name><memory unit='MiB'>64</memory>"
        "<vcpu current='1'>2</vcpu><os><type arch='x86_64'>hvm</type><boot dev='cdrom'/></os>"
        "<features><acpi/></features><on_reboot>destroy</on_reboot>"
        "<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='vda' bus='virtio'/><serial>s1</serial></disk>"
        "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>"
        "<controller type='usb' model='qemu-xhci'/><controller type='scsi' model='virtio-scsi'/>"
        "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/>"
        "</interface><serial type='pty'/><input type='tablet' bus='usb'/>"
        "<graphics type='vnc'><listen type='socket' socket='%s'/></graphics>"
        "<video><model type='vga'/></video><memballoon model='virtio'/>"
        "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
        "<panic model='isa'/></devices></domain>",
        disk_path, vnc_path);
    def = domdef_parse_string(xml, DOMDEF_PARSE_INACTIVE, &err);
    g_assert_no_error(err);
    prep = qemu_prepared_new();
    prep->emulator = g_strdup(QEMU_BINARY);
    prep->machine = g_strdup("pc");
    prep->accel = g_strdup("tcg");
    prep->monitor_path = g_strdup(mon_path);
    argv = qemu_command_build(def, prep, &err);
    g_assert_no_error(err);
    g_ptr_array_add(argv, NULL);

    log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_cmpint(log_fd, >=, 0);
    {
        int fds[] = { log_fd, log_fd };
        int targets[] = { STDOUT_FILENO, STDERR_FILENO };

        g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                         NULL, NULL, -1, -1, -1, fds, targets, 2, &qemu_pid, NULL,
                                         NULL, NULL, &err);
    }
    close(log_fd);
    g_assert_no_error(err);

    for (int i = 0; i < 1000 && !up; i++) {
        pid_t r = waitpid(qemu_pid, &status, WNOHANG);

        if (r == qemu_pid) {
            qemu_pid = 0;
            break;
        }
        up = g_file_test(mon_path, G_FILE_TEST_EXISTS) && g_file_test(vnc_path, G_FILE_TEST_EXISTS);
        if (!up)
            g_usleep(10 * 1000);
    }
    /* still running after the sockets appeared: the command line passed */
    if (up)
        up = waitpid(qemu_pid, &status, WNOHANG) == 0;
    kill_qemu();
    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    g_unlink(disk_path);
    g_unlink(mon_path);
    g_unlink(vnc_path);
    g_unlink(log_path);
    g_rmdir(dir);
    if (!up)
        g_error("qemu did not come up: %s", log);
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_tests(void)
{
    g_autoptr(GDir) d = g_dir_open(datadir, 0, NULL);
    const char *f;

    g_assert_nonnull(d);
    while ((f = g_dir_read_name(d))) {
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(test_names, g_strndup(f, strlen(f) - strlen(".xml")));
    }
    g_ptr_array_sort(test_names, cmp_names);
    for (guint i = 0; i < test_names->len; i++) {
        g_autofree char *path = g_strdup_printf("/qemu-argv/%s", (char *)test_names->pdata[i]);

        g_test_add_data_func(path, test_names->pdata[i], test_argv);
    }
}

int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGABRT, on_abort);
    datadir = g_build_filename(SRCDIR, "tests", "data", "qemu-argv", NULL);
    test_names = g_ptr_array_new_with_free_func(g_free);
    add_tests();
    g_test_add_func("/qemu-argv/unprepared", test_unprepared);
    g_test_add_func("/qemu-argv/real-qemu", test_real_qemu);
    ret = g_test_run();
    kill_qemu();
    g_ptr_array_unref(test_names);
    g_free(datadir);
    return ret;
}
