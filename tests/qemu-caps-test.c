/*
 * qemu-caps-test.c: QEMU capabilities found lazily, probed once, cached
 *
 * Fake qemu-system-* scripts in a temporary directory (VIRTNODE_QEMU_DIR)
 * print the help texts of tests/data/qemu-caps/NAME/ and log each run, so
 * the cases count how often a binary ran. tests/data/qemu-caps/NAME/
 * expected.out (or expected.err for texts that must be refused) holds what
 * the texts parse to; REGENERATE=1 rewrites them. qemu-7.2-x86_64 is the
 * output of this project's build host's Debian 12 qemu-system-x86_64.
 *
 * The last case probes the real /usr/bin/qemu-system-x86_64 (skipped when
 * it is absent, except under CI=true where that is a failure).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <config.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_capabilities.h"
#include "util/error.h"

static char *data_dir;
static char *tmp_dir;
/* VIRTNODE_QEMU_DIR: the emulators "found on this host", set up by main()
 * (the environment is changed only before any thread exists) */
static char *search_dir;
static char *search_x86;
static char *search_arm;
static char *search_odd;    /* qemu-system-nosucharch: no libvirt arch */
static char *search_noexec; /* qemu-system-ppc64 without x bits */

static const char *
srcdir(void)
{
    const char *dir = g_getenv("abs_top_srcdir");

    return dir ? dir : ABS_TOP_SRCDIR;
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

/* Compares @actual with the file @path, or rewrites it under REGENERATE=1. */
static void
check_expected(const char *path, const char *actual)
{
    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        write_file(path, actual);
    } else {
        g_autofree char *expected = read_file(path);

        g_assert_cmpstr(actual, ==, expected);
    }
}

/* A fresh empty directory for one case. */
static char *
case_dir(const char *name)
{
    char *dir = g_build_filename(tmp_dir, name, NULL);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    qemu_caps_reset();
    return dir;
}

/* Writes @dir/@name: a script that logs its arguments to @name.runs, runs
 * @pre (shell, may be ""), then prints the help text of data set @data. */
static char *
fake_qemu(const char *dir, const char *name, const char *data, const char *pre)
{
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *log = g_strconcat(path, ".runs", NULL);
    g_autofree char *texts = g_build_filename(data_dir, data, NULL);
    g_autofree char *script =
        g_strdup_printf("#!/bin/sh\n"
                        "echo \"$*\" >> '%s'\n"
                        "%s\n"
                        "case \"$*\" in\n"
                        "-help) exec /bin/cat '%s/help.txt' ;;\n"
                        "'-machine help') exec /bin/cat '%s/machine-help.txt' ;;\n"
                        "'-accel help') exec /bin/cat '%s/accel-help.txt' ;;\n"
                        "'-device help') exec /bin/cat '%s/device-help.txt' ;;\n"
                        "esac\n"
                        "echo \"unexpected arguments: $*\" >&2\n"
                        "exit 1\n",
                        log, pre, texts, texts, texts, texts);

    write_file(path, script);
    g_assert_cmpint(chmod(path, 0755), ==, 0);
    return path;
}

/* How often the fake @binary ran (lines in its log). */
static unsigned
runs(const char *binary)
{
    g_autofree char *log = g_strconcat(binary, ".runs", NULL);
    g_autofree char *text = NULL;
    unsigned n = 0;

    if (!g_file_get_contents(log, &text, NULL, NULL))
        return 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* ---- parsing: data-driven ---- */

static void
test_parse(gconstpointer data)
{
    const char *name = data;
    g_autofree char *dir = g_build_filename(data_dir, name, NULL);
    g_autofree char *help = NULL, *machines = NULL, *accels = NULL, *devices = NULL;
    g_autofree char *help_path = g_build_filename(dir, "help.txt", NULL);
    g_autofree char *machines_path = g_build_filename(dir, "machine-help.txt", NULL);
    g_autofree char *accels_path = g_build_filename(dir, "accel-help.txt", NULL);
    g_autofree char *devices_path = g_build_filename(dir, "device-help.txt", NULL);
    g_autofree char *out_path = g_build_filename(dir, "expected.out", NULL);
    g_autofree char *err_path = g_build_filename(dir, "expected.err", NULL);
    g_autoptr(QemuCaps) caps = NULL;
    g_autoptr(GError) error = NULL;

    help = read_file(help_path);
    machines = read_file(machines_path);
    accels = read_file(accels_path);
    devices = read_file(devices_path);
    caps = qemu_caps_parse("qemu-system-test", help, machines, accels, devices, &error);
    if (g_file_test(err_path, G_FILE_TEST_EXISTS)) {
        g_autofree char *actual = NULL;

        g_assert_null(caps);
        g_assert_nonnull(error);
        actual = g_strdup_printf("%d %s\n", error->code, error->message);
        check_expected(err_path, actual);
    } else {
        g_autofree char *actual = NULL;

        g_assert_no_error(error);
        actual = qemu_caps_to_string(caps);
        check_expected(out_path, actual);
    }
}

/* The lookups the driver makes, on the real 7.2 texts. */
static void
test_lookups(void)
{
    g_autofree char *dir = case_dir("lookups");
    g_autofree char *bin = fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "");
    g_autoptr(GError) error = NULL;
    g_autoptr(QemuCaps) caps = qemu_caps_get(bin, &error);
    const GPtrArray *machines;

    g_assert_no_error(error);
    g_assert_cmpstr(qemu_caps_binary(caps), ==, bin);
    g_assert_cmpuint(qemu_caps_version(caps), ==, 7002022);
    g_assert_cmpstr(qemu_caps_default_machine(caps), ==, "pc-i440fx-7.2");
    g_assert_cmpstr(qemu_caps_resolve_machine(caps, "pc"), ==, "pc-i440fx-7.2");
    g_assert_cmpstr(qemu_caps_resolve_machine(caps, "q35"), ==, "pc-q35-7.2");
    g_assert_cmpstr(qemu_caps_resolve_machine(caps, "pc-q35-7.1"), ==, "pc-q35-7.1");
    g_assert_cmpstr(qemu_caps_resolve_machine(caps, "isapc"), ==, "isapc");
    g_assert_null(qemu_caps_resolve_machine(caps, "pc-i440fx-99.0"));
    g_assert_null(qemu_caps_resolve_machine(caps, "Standard"));
    g_assert_null(qemu_caps_resolve_machine(caps, NULL));
    for (const char *const *d =
             (const char *const[]){ "virtio-net-pci", "e1000", "rtl8139", "virtio-blk-pci",
                                    "isa-serial", "virtio-net", NULL };
         *d; d++)
        g_assert_true(qemu_caps_has_device(caps, *d));
    g_assert_false(qemu_caps_has_device(caps, "pl011"));
    g_assert_false(qemu_caps_has_device(caps, "PCI"));
    g_assert_true(qemu_caps_has_accel(caps, "tcg"));
    g_assert_true(qemu_caps_has_accel(caps, "kvm"));
    g_assert_false(qemu_caps_has_accel(caps, "hvf"));
    g_assert_true(qemu_caps_has_spice(caps));
    g_assert_true(qemu_caps_has_vnc(caps));
    machines = qemu_caps_machines(caps);
    g_assert_cmpstr(((QemuCapsMachine *)g_ptr_array_index(machines, 0))->name, ==, "microvm");
    for (guint i = 0; i < machines->len; i++) {
        const QemuCapsMachine *m = g_ptr_array_index(machines, i);

        g_assert_true(m->deprecated == g_str_has_prefix(m->name, "pc-i440fx-1."));
    }
}

/* ---- laziness and the cache ---- */

/* Finding emulators and building capabilities run nothing. */
static void
test_lazy(void)
{
    const char *x86 = search_x86, *arm = search_arm;
    g_autoptr(GPtrArray) emus = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *picked = NULL;
    g_autoptr(Caps) caps = caps_new("x86_64");
    CapsGuest *guest;

    g_autofree char *search = qemu_caps_search_path();

    qemu_caps_reset();
    g_assert_cmpstr(search, ==, search_dir);
    emus = qemu_caps_find_emulators();
    g_assert_cmpuint(emus->len, ==, 2);
    g_assert_cmpstr(((HostinfoEmulator *)g_ptr_array_index(emus, 0))->path, ==, arm);
    g_assert_cmpstr(((HostinfoEmulator *)g_ptr_array_index(emus, 0))->arch, ==, "aarch64");
    g_assert_cmpstr(((HostinfoEmulator *)g_ptr_array_index(emus, 1))->path, ==, x86);

    picked = qemu_caps_pick_emulator("x86_64", "qemu", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(picked, ==, x86);
    g_assert_null(qemu_caps_lookup(x86));
    guest = caps_add_guest(caps, "hvm", "x86_64", 64, x86);
    qemu_caps_guest_add_machines(guest);
    g_assert_cmpuint(guest->machines->len, ==, 0);
    g_assert_cmpuint(runs(x86) + runs(arm) + runs(search_odd) + runs(search_noexec), ==, 0);
}

/* One probe = one run per help query; afterwards nothing runs. */
static void
test_cached(void)
{
    g_autofree char *dir = case_dir("cached");
    g_autofree char *bin = fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "");
    g_autofree char *log_path = g_strconcat(bin, ".runs", NULL);
    g_autofree char *log = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(QemuCaps) a = NULL;
    g_autoptr(QemuCaps) b = NULL;
    g_autoptr(QemuCaps) c = NULL;
    g_autoptr(Caps) caps = caps_new("x86_64");
    CapsGuest *guest;
    guint gen = qemu_caps_generation();

    a = qemu_caps_get(bin, &error);
    g_assert_no_error(error);
    log = read_file(log_path);
    g_assert_cmpstr(log, ==, "-help\n-machine help\n-accel help\n-device help\n");
    g_assert_cmpuint(qemu_caps_generation(), !=, gen);
    gen = qemu_caps_generation();

    b = qemu_caps_get(bin, &error);
    g_assert_no_error(error);
    g_assert_true(a == b);
    c = qemu_caps_lookup(bin);
    g_assert_true(a == c);
    g_assert_cmpuint(runs(bin), ==, 4);
    g_assert_cmpuint(qemu_caps_generation(), ==, gen);

    /* the capabilities XML's machines, default first */
    guest = caps_add_guest(caps, "hvm", "x86_64", 64, bin);
    qemu_caps_guest_add_machines(guest);
    g_assert_cmpuint(guest->machines->len, ==, qemu_caps_machines(a)->len);
    g_assert_cmpstr(((CapsMachine *)g_ptr_array_index(guest->machines, 0))->name, ==,
                    "pc-i440fx-7.2");
    g_assert_null(((CapsMachine *)g_ptr_array_index(guest->machines, 0))->canonical);
    g_assert_cmpstr(caps_guest_canonical_machine(guest, NULL, "pc"), ==, "pc-i440fx-7.2");
    g_assert_cmpuint(runs(bin), ==, 4);
}

static void
set_mtime(const char *path, time_t sec, long nsec)
{
    struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = sec, .tv_nsec = nsec } };

    g_assert_cmpint(utimensat(AT_FDCWD, path, times, 0), ==, 0);
}

static QemuCaps *
get_ok(const char *bin)
{
    g_autoptr(GError) error = NULL;
    QemuCaps *caps = qemu_caps_get(bin, &error);

    g_assert_no_error(error);
    return caps;
}

/* Any change of path identity (content, mtime alone, inode alone) re-probes;
 * a caller's reference to the old result stays valid. */
static void
test_reprobe(void)
{
    g_autofree char *dir = case_dir("reprobe");
    g_autofree char *bin = fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "");
    g_autofree char *other = fake_qemu(dir, "other", "small-arm", "");
    g_autoptr(QemuCaps) first = get_ok(bin);
    g_autoptr(QemuCaps) second = NULL;
    g_autoptr(QemuCaps) third = NULL;
    g_autoptr(QemuCaps) fourth = NULL;
    g_autoptr(QemuCaps) fifth = NULL;
    g_autofree char *script = NULL;
    g_autofree char *tmp = NULL;
    struct stat st;
    FILE *f;

    g_assert_cmpuint(runs(bin), ==, 4);

    /* rewritten in place (same inode): now it is a 6.1 */
    script = read_file(other);
    g_assert_nonnull((f = fopen(bin, "w")));
    fputs(script, f);
    fclose(f);
    second = get_ok(bin);
    g_assert_cmpuint(runs(bin), ==, 4);
    g_assert_cmpuint(runs(other), ==, 4);
    g_assert_cmpuint(qemu_caps_version(second), ==, 6001000);
    g_assert_cmpuint(qemu_caps_version(first), ==, 7002022);
    g_assert_cmpstr(qemu_caps_default_machine(first), ==, "pc-i440fx-7.2");

    /* only the mtime changes */
    g_assert_cmpint(stat(bin, &st), ==, 0);
    set_mtime(bin, st.st_mtim.tv_sec + 10, st.st_mtim.tv_nsec);
    third = get_ok(bin);
    g_assert_cmpuint(runs(other), ==, 8);
    g_assert_true(third != second);

    /* replaced by rename with the same size and mtime: only the inode differs */
    g_assert_cmpint(stat(bin, &st), ==, 0);
    tmp = g_strconcat(bin, ".new", NULL);
    write_file(tmp, script);
    g_assert_cmpint(chmod(tmp, 0755), ==, 0);
    set_mtime(tmp, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    g_assert_cmpint(rename(tmp, bin), ==, 0);
    fourth = get_ok(bin);
    g_assert_cmpuint(runs(other), ==, 12);

    /* and unchanged again */
    fifth = get_ok(bin);
    g_assert_true(fifth == fourth);
    g_assert_cmpuint(runs(other), ==, 12);
}

typedef struct {
    const char *bin;
    QemuCaps *caps;
} ConcurrentGet;

static gpointer
concurrent_get(gpointer opaque)
{
    ConcurrentGet *g = opaque;

    g->caps = qemu_caps_get(g->bin, NULL);
    return NULL;
}

/* Eight first requests at once: the binary is probed once. */
static void
test_concurrent(void)
{
    g_autofree char *dir = case_dir("concurrent");
    /* slow enough that every thread asks while the probe runs */
    g_autofree char *bin =
        fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "/bin/sleep 0.2");
    ConcurrentGet gets[8];
    GThread *threads[G_N_ELEMENTS(gets)];

    for (size_t i = 0; i < G_N_ELEMENTS(gets); i++) {
        gets[i] = (ConcurrentGet){ .bin = bin };
        threads[i] = g_thread_new("get", concurrent_get, &gets[i]);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(gets); i++)
        g_thread_join(threads[i]);
    for (size_t i = 0; i < G_N_ELEMENTS(gets); i++) {
        g_assert_nonnull(gets[i].caps);
        g_assert_true(gets[i].caps == gets[0].caps);
    }
    g_assert_cmpuint(runs(bin), ==, 4);
    for (size_t i = 0; i < G_N_ELEMENTS(gets); i++)
        qemu_caps_unref(gets[i].caps);
}

/* ---- failures ---- */

static void
assert_probe_fails(const char *bin, int code, const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QemuCaps) caps = qemu_caps_get(bin, &error);

    g_assert_null(caps);
    g_assert_error(error, QEMU_ERROR, code);
    if (!strstr(error->message, needle))
        g_error("'%s' does not contain '%s'", error->message, needle);
    if (code != VIR_ERR_SYSTEM_ERROR && !strstr(error->message, bin))
        g_error("'%s' does not name the binary", error->message);
}

static void
test_broken(void)
{
    g_autofree char *dir = case_dir("broken");
    g_autofree char *failing =
        fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64",
                  "echo 'qemu-system-x86_64: cannot load module' >&2; exit 1");
    g_autofree char *garbage = fake_qemu(dir, "qemu-system-aarch64", "broken", "");
    g_autofree char *missing = g_build_filename(dir, "qemu-system-riscv64", NULL);
    g_autofree char *hanging =
        fake_qemu(dir, "qemu-system-ppc64", "small-arm", "exec /bin/sleep 30");
    gint64 start;

    assert_probe_fails(failing, VIR_ERR_INTERNAL_ERROR,
                       "'-help' exited with status 1: qemu-system-x86_64: cannot load module");
    /* a failure is not cached: the next request tries again */
    assert_probe_fails(failing, VIR_ERR_INTERNAL_ERROR, "exited with status 1");
    g_assert_cmpuint(runs(failing), ==, 2);
    g_assert_null(qemu_caps_lookup(failing));

    assert_probe_fails(garbage, VIR_ERR_INTERNAL_ERROR, "cannot parse the version");
    assert_probe_fails(missing, VIR_ERR_SYSTEM_ERROR, "No such file or directory");

    qemu_caps_set_probe_timeout(300);
    start = g_get_monotonic_time();
    assert_probe_fails(hanging, VIR_ERR_INTERNAL_ERROR, "'-help' did not finish within 300 ms");
    g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
    qemu_caps_set_probe_timeout(0);
    g_assert_cmpuint(runs(hanging), ==, 1);
}

/* ---- the cache directory ---- */

static void
test_persist(void)
{
    g_autofree char *dir = case_dir("persist");
    g_autofree char *cache = g_build_filename(dir, "state", "qemu", "capabilities", NULL);
    g_autofree char *bin = fake_qemu(dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "");
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autoptr(GDir) listing = NULL;
    g_autofree char *file = NULL;
    const char *name;
    FILE *f;

    g_assert_true(qemu_caps_set_cache_dir(cache, &error));
    g_assert_no_error(error);
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);

        before = qemu_caps_to_string(caps);
    }
    g_assert_cmpuint(runs(bin), ==, 4);
    listing = g_dir_open(cache, 0, NULL);
    g_assert_nonnull(listing);
    g_assert_nonnull((name = g_dir_read_name(listing)));
    file = g_build_filename(cache, name, NULL);
    g_assert_null(g_dir_read_name(listing));

    /* an agent restart: nothing runs, the same answers */
    qemu_caps_reset();
    {
        g_autoptr(QemuCaps) caps = qemu_caps_lookup(bin);
        g_autofree char *after = NULL;

        g_assert_nonnull(caps);
        after = qemu_caps_to_string(caps);
        g_assert_cmpstr(after, ==, before);
        g_assert_cmpstr(qemu_caps_resolve_machine(caps, "pc"), ==, "pc-i440fx-7.2");
        g_assert_true(qemu_caps_has_device(caps, "virtio-net"));
    }
    qemu_caps_reset();
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);
        g_autofree char *after = qemu_caps_to_string(caps);

        g_assert_cmpstr(after, ==, before);
    }
    g_assert_cmpuint(runs(bin), ==, 4);

    /* a changed binary after a restart: the file is stale, probed again */
    g_assert_nonnull((f = fopen(bin, "a")));
    fputs("# rebuilt\n", f);
    fclose(f);
    qemu_caps_reset();
    g_assert_null(qemu_caps_lookup(bin));
    g_clear_pointer(&before, g_free);
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);

        before = qemu_caps_to_string(caps);
    }
    g_assert_cmpuint(runs(bin), ==, 8);
    qemu_caps_reset();
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);
    }
    g_assert_cmpuint(runs(bin), ==, 8);

    /* a damaged file is ignored and replaced */
    write_file(file, "[qemu-caps]\nformat=1\nbinary=");
    qemu_caps_reset();
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);
        g_autofree char *after = qemu_caps_to_string(caps);

        g_assert_cmpstr(after, ==, before);
    }
    g_assert_cmpuint(runs(bin), ==, 12);
    qemu_caps_reset();
    {
        g_autoptr(QemuCaps) caps = get_ok(bin);
    }
    g_assert_cmpuint(runs(bin), ==, 12);

    g_assert_true(qemu_caps_set_cache_dir(NULL, NULL));
}

/* ---- KVM ---- */

typedef struct {
    const char *flags;
    bool dev_exists;
    bool force_tcg;
    bool usable;
    const char *reason; /* a part of it */
} KvmCase;

static const KvmCase kvm_cases[] = {
    { "fpu vme de vmx ept", true, false, true, NULL },
    { "fpu svm npt", true, false, true, NULL },
    { "fpu vme de hypervisor", true, false, false, "have neither vmx nor svm" },
    { "fpu vmxx svm2", true, false, false, "have neither vmx nor svm" },
    { "fpu vmx", false, false, false, "cannot open " },
    { "fpu vmx", true, true, false, "VIRTNODE_FORCE_TCG=1" },
    { NULL, true, false, false, "cannot read " },
};

static void
test_kvm(void)
{
    g_autofree char *dir = case_dir("kvm");
    g_autofree char *proc = g_build_filename(dir, "proc", NULL);
    g_autofree char *cpuinfo = g_build_filename(proc, "cpuinfo", NULL);
    g_autofree char *dev = g_build_filename(dir, "kvm", NULL);
    const char *bin = search_x86;
    g_autofree char *saved_force = g_strdup(g_getenv("VIRTNODE_FORCE_TCG"));
    HostinfoPaths paths = { .proc = proc, .dev_kvm = dev, .arch = "x86_64" };

    g_assert_cmpint(g_mkdir_with_parents(proc, 0755), ==, 0);
    qemu_caps_set_host_paths(&paths);
    for (size_t i = 0; i < G_N_ELEMENTS(kvm_cases); i++) {
        const KvmCase *c = &kvm_cases[i];
        g_autofree char *reason = NULL;
        g_autofree char *picked = NULL;
        g_autoptr(GError) error = NULL;

        g_test_message("case %zu: flags '%s'", i, c->flags ? c->flags : "(no cpuinfo)");
        g_remove(cpuinfo);
        if (c->flags) {
            g_autofree char *text = g_strdup_printf(
                "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: %s\n\n", c->flags);

            write_file(cpuinfo, text);
        }
        g_remove(dev);
        if (c->dev_exists)
            write_file(dev, "");
        if (c->force_tcg)
            g_setenv("VIRTNODE_FORCE_TCG", "1", TRUE);
        else
            g_unsetenv("VIRTNODE_FORCE_TCG");

        g_assert_true(qemu_caps_kvm_check(&reason) == c->usable);
        g_assert_true(qemu_caps_kvm_usable() == c->usable);
        picked = qemu_caps_pick_emulator("x86_64", "kvm", &error);
        if (c->usable) {
            g_assert_null(reason);
            g_assert_no_error(error);
            g_assert_cmpstr(picked, ==, bin);
        } else {
            g_autofree char *prefix =
                g_strdup_printf("KVM is not available on this host (%s)", reason);

            g_assert_nonnull(strstr(reason, c->reason));
            g_assert_null(picked);
            g_assert_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
            g_assert_cmpstr(error->message, ==, prefix);
        }
    }
    if (saved_force)
        g_setenv("VIRTNODE_FORCE_TCG", saved_force, TRUE);
    else
        g_unsetenv("VIRTNODE_FORCE_TCG");
    qemu_caps_set_host_paths(NULL);
    g_assert_cmpuint(runs(bin), ==, 0);
}

/* Picking an emulator for a domain without <emulator>. */
static void
test_pick(void)
{
    g_autofree char *dir = case_dir("pick");
    const char *x86 = search_x86, *arm = search_arm;
    g_autofree char *proc = g_build_filename(dir, "proc", NULL);
    g_autofree char *cpuinfo = g_build_filename(proc, "cpuinfo", NULL);
    HostinfoPaths paths = { .proc = proc, .dev_kvm = cpuinfo, .arch = "x86_64" };
    g_autofree char *saved_force = g_strdup(g_getenv("VIRTNODE_FORCE_TCG"));
    static const struct {
        const char *arch, *type;
        const char *expect; /* "x86", "arm" or NULL: VIR_ERR_CONFIG_UNSUPPORTED */
        const char *message;
    } cases[] = {
        { "x86_64", "qemu", "x86", NULL },
        { "x86_64", NULL, "x86", NULL },
        { NULL, "qemu", "x86", NULL },
        { "i686", "qemu", "x86", NULL },
        { "i686", "kvm", "x86", NULL },
        { "aarch64", "qemu", "arm", NULL },
        { "aarch64", "kvm", NULL, "KVM cannot run 'aarch64' guests on this 'x86_64' host" },
        { "s390x", "qemu", NULL, "no QEMU binary for arch 's390x'" },
        { "x86_64", "xen", NULL, "unsupported domain type 'xen' for the QEMU driver" },
    };

    g_assert_cmpint(g_mkdir_with_parents(proc, 0755), ==, 0);
    write_file(cpuinfo, "flags\t\t: fpu vmx\n");
    g_unsetenv("VIRTNODE_FORCE_TCG");
    qemu_caps_set_host_paths(&paths);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *picked = qemu_caps_pick_emulator(cases[i].arch, cases[i].type, &error);

        g_test_message("case %zu: %s %s", i, cases[i].arch, cases[i].type);
        if (cases[i].expect) {
            g_assert_no_error(error);
            g_assert_cmpstr(picked, ==, g_str_equal(cases[i].expect, "x86") ? x86 : arm);
        } else {
            g_assert_null(picked);
            g_assert_error(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED);
            g_assert_true(g_str_has_prefix(error->message, cases[i].message));
        }
    }
    qemu_caps_set_host_paths(NULL);
    if (saved_force)
        g_setenv("VIRTNODE_FORCE_TCG", saved_force, TRUE);
    g_assert_cmpuint(runs(x86) + runs(arm), ==, 0);
}

/* This machine's KVM, as the agent would see it. */
static void
test_host_kvm(void)
{
    g_autofree char *cpuinfo = NULL;
    g_autofree char *reason = NULL;
    bool usable;

    qemu_caps_set_host_paths(NULL);
    usable = qemu_caps_kvm_check(&reason);
    g_test_message("KVM usable on this host: %s%s%s", usable ? "yes" : "no", reason ? ": " : "",
                   reason ? reason : "");
    g_assert_true(usable == (reason == NULL));
    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL)) {
        GRegex *virt = g_regex_new("^flags\\s*:.*\\b(vmx|svm)\\b", G_REGEX_MULTILINE, 0, NULL);

        /* no vmx/svm (a PVM guest): never usable, whatever /dev/kvm does */
        if (!g_regex_match(virt, cpuinfo, 0, NULL))
            g_assert_false(usable);
        g_regex_unref(virt);
    }
}

/* ---- the real binary ---- */

#define REAL_QEMU "/usr/bin/qemu-system-x86_64"

static void
test_real(void)
{
    g_autoptr(QemuCaps) caps = NULL;
    g_autoptr(GError) error = NULL;
    const char *def;

    if (access(REAL_QEMU, X_OK) < 0) {
        if (g_strcmp0(g_getenv("CI"), "true") == 0)
            g_error(REAL_QEMU " is missing (CI=true)");
        g_test_skip(REAL_QEMU " is not installed");
        return;
    }
    qemu_caps_reset();
    caps = qemu_caps_get(REAL_QEMU, &error);
    g_assert_no_error(error);
    g_test_message("%s: version %lu, default machine %s", REAL_QEMU, qemu_caps_version(caps),
                   qemu_caps_default_machine(caps));
    g_assert_cmpuint(qemu_caps_version(caps), >=, 2000000);
    g_assert_nonnull((def = qemu_caps_default_machine(caps)));
    g_assert_cmpstr(qemu_caps_resolve_machine(caps, def), ==, def);
    g_assert_true(g_str_has_prefix(qemu_caps_resolve_machine(caps, "pc"), "pc-i440fx-"));
    g_assert_true(g_str_has_prefix(qemu_caps_resolve_machine(caps, "q35"), "pc-q35-"));
    g_assert_true(qemu_caps_has_accel(caps, "tcg"));
    for (const char *const *d = (const char *const[]){ "virtio-net-pci", "e1000", "rtl8139",
                                                       "virtio-blk-pci", "isa-serial", NULL };
         *d; d++)
        g_assert_true(qemu_caps_has_device(caps, *d));
    g_assert_true(qemu_caps_has_vnc(caps));
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    data_dir = g_build_filename(srcdir(), "tests", "data", "qemu-caps", NULL);
    if (!(tmp_dir = g_dir_make_tmp("qemu-caps-test-XXXXXX", &error)))
        g_error("%s", error->message);

    search_dir = g_build_filename(tmp_dir, "search", NULL);
    g_assert_cmpint(g_mkdir_with_parents(search_dir, 0755), ==, 0);
    search_x86 = fake_qemu(search_dir, "qemu-system-x86_64", "qemu-7.2-x86_64", "");
    search_arm = fake_qemu(search_dir, "qemu-system-aarch64", "small-arm", "");
    search_odd = fake_qemu(search_dir, "qemu-system-nosucharch", "small-arm", "");
    search_noexec = fake_qemu(search_dir, "qemu-system-ppc64", "small-arm", "");
    g_assert_cmpint(chmod(search_noexec, 0644), ==, 0);
    g_setenv("VIRTNODE_QEMU_DIR", search_dir, TRUE);

    /* the cases that change the environment come first, while no thread
     * exists (a probe's child watch starts GLib's worker thread) */
    g_test_add_func("/qemu-caps/lazy", test_lazy);
    g_test_add_func("/qemu-caps/kvm", test_kvm);
    g_test_add_func("/qemu-caps/pick", test_pick);
    g_test_add_func("/qemu-caps/host-kvm", test_host_kvm);
    g_test_add_data_func("/qemu-caps/parse/qemu-7.2-x86_64", "qemu-7.2-x86_64", test_parse);
    g_test_add_data_func("/qemu-caps/parse/small-arm", "small-arm", test_parse);
    g_test_add_data_func("/qemu-caps/parse/broken", "broken", test_parse);
    g_test_add_func("/qemu-caps/lookups", test_lookups);
    g_test_add_func("/qemu-caps/cached", test_cached);
    g_test_add_func("/qemu-caps/reprobe", test_reprobe);
    g_test_add_func("/qemu-caps/concurrent", test_concurrent);
    g_test_add_func("/qemu-caps/broken", test_broken);
    g_test_add_func("/qemu-caps/persist", test_persist);
    g_test_add_func("/qemu-caps/real", test_real);
    ret = g_test_run();

    qemu_caps_reset();
    nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    g_free(search_x86);
    g_free(search_arm);
    g_free(search_odd);
    g_free(search_noexec);
    g_free(search_dir);
    g_free(tmp_dir);
    g_free(data_dir);
    return ret;
}
