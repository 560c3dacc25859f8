/*
 * hostinfo-test.c: host facts from fake /proc + /sys trees under
 * tests/data/hostinfo/, emulator discovery in a temporary directory, and a
 * smoke test on the real host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/hostinfo.h"

/* Paths into tests/data/hostinfo/@tree; strings live in the test's scope. */
typedef struct FakeHost {
    char *proc;
    char *sys;
    HostinfoPaths paths;
} FakeHost;

static void
fake_host_clear(FakeHost *fake)
{
    g_free(fake->proc);
    g_free(fake->sys);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FakeHost, fake_host_clear)

static const char *
srcdir(void)
{
    const char *dir = g_getenv("abs_top_srcdir");

    return dir ? dir : ABS_TOP_SRCDIR;
}

static void
fake_host_init(FakeHost *fake, const char *tree, const char *arch)
{
    fake->proc = g_build_filename(srcdir(), "tests", "data", "hostinfo", tree, "proc", NULL);
    fake->sys = g_build_filename(srcdir(), "tests", "data", "hostinfo", tree, "sys", NULL);
    fake->paths = (HostinfoPaths){
        .proc = fake->proc,
        .sys = fake->sys,
        .dev_kvm = "/nonexistent/kvm",
        .arch = arch,
        .search_path = "/nonexistent",
    };
    g_assert_true(g_file_test(fake->proc, G_FILE_TEST_IS_DIR));
}

static void
assert_node_info(const virNodeInfo *info, const char *model, unsigned long memory, unsigned cpus,
                 unsigned mhz, unsigned nodes, unsigned sockets, unsigned cores, unsigned threads)
{
    g_assert_cmpstr(info->model, ==, model);
    g_assert_cmpuint(info->memory, ==, memory);
    g_assert_cmpuint(info->cpus, ==, cpus);
    g_assert_cmpuint(info->mhz, ==, mhz);
    g_assert_cmpuint(info->nodes, ==, nodes);
    g_assert_cmpuint(info->sockets, ==, sockets);
    g_assert_cmpuint(info->cores, ==, cores);
    g_assert_cmpuint(info->threads, ==, threads);
}

/* Two nodes, one socket each, 4 cores x 2 threads: the numbers add up, so
 * they are reported as read. The last "cpu MHz" line wins (libvirt). */
static void
test_node_info_numa2(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    virNodeInfo info;
    unsigned long long free_bytes = 0;

    fake_host_init(&fake, "numa2", "x86_64");
    g_assert_true(hostinfo_get_node_info(&fake.paths, &info, &error));
    g_assert_no_error(error);
    assert_node_info(&info, "x86_64", 65843412, 16, 2893, 2, 1, 4, 2);

    /* free memory is the nodes' MemFree, not /proc/meminfo's */
    g_assert_true(hostinfo_get_free_memory(&fake.paths, &free_bytes, &error));
    g_assert_cmpuint(free_bytes, ==, (6000000ULL + 6100000ULL) * 1024);
}

/* No NUMA directory and one offline CPU: the product (1*1*3*1) misses the
 * offline CPU, so libvirt's flat fallback reports cores = 4 present CPUs. */
static void
test_node_info_flat_offline(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    virNodeInfo info;
    unsigned long long free_bytes = 0;

    fake_host_init(&fake, "flat-offline", "x86_64");
    g_assert_true(hostinfo_get_node_info(&fake.paths, &info, &error));
    g_assert_no_error(error);
    assert_node_info(&info, "x86_64", 2048000, 3, 0, 1, 1, 4, 1);

    g_assert_true(hostinfo_get_free_memory(&fake.paths, &free_bytes, &error));
    g_assert_cmpuint(free_bytes, ==, 1024000ULL * 1024);
}

/* Nodes of different sizes (4 + 2 CPUs) cannot be described by the four
 * numbers: flattened to 1/1/6/1. ARM reports no frequency. */
static void
test_node_info_uneven(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    virNodeInfo info;

    fake_host_init(&fake, "uneven", "aarch64");
    g_assert_true(hostinfo_get_node_info(&fake.paths, &info, &error));
    g_assert_no_error(error);
    assert_node_info(&info, "aarch64", 6000000, 6, 0, 1, 1, 6, 1);
}

static void
test_node_info_missing(void)
{
    HostinfoPaths paths = { .proc = "/nonexistent/proc", .sys = "/nonexistent/sys" };
    g_autoptr(GError) error = NULL;
    virNodeInfo info;

    g_assert_false(hostinfo_get_node_info(&paths, &info, &error));
    g_assert_error(error, UTIL_ERROR, VIR_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(error->message, "/nonexistent/proc/meminfo"));
}

static void
test_cpu_numa2(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(HostinfoCpu) cpu = NULL;
    bool have_vmx = false;

    fake_host_init(&fake, "numa2", "x86_64");
    cpu = hostinfo_get_cpu(&fake.paths, &error);
    g_assert_no_error(error);
    g_assert_nonnull(cpu);
    g_assert_cmpstr(cpu->arch, ==, "x86_64");
    g_assert_cmpstr(cpu->vendor, ==, "Intel");
    g_assert_cmpstr(cpu->model_name, ==, "Example Xeon CPU @ 2.10GHz");
    g_assert_cmpuint(cpu->sockets, ==, 1);
    g_assert_cmpuint(cpu->dies, ==, 1);
    g_assert_cmpuint(cpu->cores, ==, 4);
    g_assert_cmpuint(cpu->threads, ==, 2);
    g_assert_cmpuint(cpu->flags->len, ==, 12);
    g_assert_cmpstr(cpu->flags->pdata[0], ==, "fpu");
    for (guint i = 0; i < cpu->flags->len; i++)
        have_vmx |= g_str_equal(cpu->flags->pdata[i], "vmx");
    g_assert_true(have_vmx);
}

static void
test_cpu_other_vendors(void)
{
    g_auto(FakeHost) amd = { 0 };
    g_auto(FakeHost) arm = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(HostinfoCpu) a = NULL;
    g_autoptr(HostinfoCpu) b = NULL;

    fake_host_init(&amd, "flat-offline", "x86_64");
    a = hostinfo_get_cpu(&amd.paths, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a->vendor, ==, "AMD");
    g_assert_cmpuint(a->cores, ==, 4);

    /* ARM: no vendor_id line, flags from "Features" */
    fake_host_init(&arm, "uneven", "aarch64");
    b = hostinfo_get_cpu(&arm.paths, &error);
    g_assert_no_error(error);
    g_assert_null(b->vendor);
    g_assert_null(b->model_name);
    g_assert_cmpuint(b->flags->len, ==, 5);
    g_assert_cmpstr(b->flags->pdata[4], ==, "crc32");
}

static const HostinfoCellCpu *
cell_cpu(const HostinfoCell *cell, guint i)
{
    g_assert_cmpuint(i, <, cell->cpus->len);
    return &g_array_index(cell->cpus, HostinfoCellCpu, i);
}

static void
test_cells_numa2(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) cells = NULL;
    const HostinfoCell *c0, *c1;
    const HostinfoCellDistance *d;

    fake_host_init(&fake, "numa2", "x86_64");
    cells = hostinfo_get_cells(&fake.paths, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cells->len, ==, 2);
    c0 = cells->pdata[0];
    c1 = cells->pdata[1];
    g_assert_cmpuint(c0->id, ==, 0);
    g_assert_cmpuint(c0->memory_kib, ==, 32921704);
    g_assert_cmpuint(c1->id, ==, 1);
    g_assert_cmpuint(c1->memory_kib, ==, 32921708);
    g_assert_cmpuint(c0->cpus->len, ==, 8);
    g_assert_cmpuint(cell_cpu(c0, 4)->id, ==, 8);
    g_assert_cmpint(cell_cpu(c0, 4)->socket_id, ==, 0);
    g_assert_cmpint(cell_cpu(c0, 4)->core_id, ==, 0);
    g_assert_cmpstr(cell_cpu(c0, 4)->siblings, ==, "0,8");
    g_assert_cmpuint(cell_cpu(c1, 7)->id, ==, 15);
    g_assert_cmpint(cell_cpu(c1, 7)->socket_id, ==, 1);
    g_assert_cmpint(cell_cpu(c1, 7)->core_id, ==, 3);
    g_assert_cmpstr(cell_cpu(c1, 7)->siblings, ==, "7,15");
    g_assert_cmpuint(c1->distances->len, ==, 2);
    d = &g_array_index(c1->distances, HostinfoCellDistance, 0);
    g_assert_cmpuint(d->id, ==, 0);
    g_assert_cmpuint(d->value, ==, 21);
}

/* Without NUMA: one fake cell with the online CPUs and MemTotal. */
static void
test_cells_flat(void)
{
    g_auto(FakeHost) fake = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) cells = NULL;
    const HostinfoCell *c;

    fake_host_init(&fake, "flat-offline", "x86_64");
    cells = hostinfo_get_cells(&fake.paths, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cells->len, ==, 1);
    c = cells->pdata[0];
    g_assert_cmpuint(c->id, ==, 0);
    g_assert_cmpuint(c->memory_kib, ==, 2048000);
    g_assert_cmpuint(c->cpus->len, ==, 3);
    g_assert_cmpuint(cell_cpu(c, 2)->id, ==, 2);
    g_assert_cmpint(cell_cpu(c, 2)->core_id, ==, 2);
    g_assert_cmpstr(cell_cpu(c, 2)->siblings, ==, "2");
    g_assert_cmpuint(c->distances->len, ==, 0);
}

static void
test_kvm_usable(void)
{
    g_auto(FakeHost) vmx = { 0 };
    g_auto(FakeHost) novmx = { 0 };
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("hostinfo-kvm-XXXXXX", &error);
    g_autofree char *dev = NULL;

    g_assert_no_error(error);
    dev = g_build_filename(dir, "kvm", NULL);
    g_assert_true(g_file_set_contents(dev, "", 0, &error));

    fake_host_init(&vmx, "numa2", "x86_64");
    fake_host_init(&novmx, "flat-offline", "x86_64");

    g_unsetenv("VIRTNODE_FORCE_TCG");
    g_assert_false(hostinfo_kvm_usable(&vmx.paths)); /* /nonexistent/kvm */
    vmx.paths.dev_kvm = dev;
    novmx.paths.dev_kvm = dev;
    g_assert_true(hostinfo_kvm_usable(&vmx.paths));
    g_assert_false(hostinfo_kvm_usable(&novmx.paths)); /* no vmx/svm flag */

    g_setenv("VIRTNODE_FORCE_TCG", "1", TRUE);
    g_assert_false(hostinfo_kvm_usable(&vmx.paths));
    g_setenv("VIRTNODE_FORCE_TCG", "0", TRUE);
    g_assert_true(hostinfo_kvm_usable(&vmx.paths));
    g_unsetenv("VIRTNODE_FORCE_TCG");

    g_assert_no_errno(g_unlink(dev));
    g_assert_no_errno(g_rmdir(dir));
}

static char *
make_file(const char *dir, const char *name, int mode)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(path, "#!/bin/false\n", -1, &error));
    g_assert_no_errno(g_chmod(path, mode));
    return g_steal_pointer(&path);
}

static void
test_find_emulators(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *a = g_dir_make_tmp("hostinfo-emu-a-XXXXXX", &error);
    g_autofree char *b = g_dir_make_tmp("hostinfo-emu-b-XXXXXX", &error);
    g_autofree char *search = g_strdup_printf("relative/dir:%s::%s", a, b);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) emus = NULL;
    HostinfoPaths paths = { .search_path = search };
    const HostinfoEmulator *e;
    unsigned wordsize = 0;

    g_assert_no_error(error);
    g_ptr_array_add(files, make_file(a, "qemu-system-x86_64", 0755));
    g_ptr_array_add(files, make_file(a, "qemu-system-x86_64-microvm", 0755)); /* not an arch */
    g_ptr_array_add(files, make_file(a, "qemu-system-aarch64", 0644));        /* not executable */
    g_ptr_array_add(files, make_file(a, "qemu-img", 0755));
    g_ptr_array_add(files, make_file(b, "qemu-system-x86_64", 0755)); /* shadowed by a/ */
    g_ptr_array_add(files, make_file(b, "qemu-system-i386", 0755));
    g_ptr_array_add(files, make_file(b, "qemu-system-aarch64", 0755));
    g_ptr_array_add(files, make_file(b, "qemu-system-nosucharch", 0755));

    emus = hostinfo_find_emulators(&paths);
    g_assert_cmpuint(emus->len, ==, 3);
    /* sorted by arch */
    e = emus->pdata[0];
    g_assert_cmpstr(e->arch, ==, "aarch64");
    g_assert_true(g_str_has_prefix(e->path, b));
    g_assert_cmpuint(e->wordsize, ==, 64);
    e = emus->pdata[1];
    g_assert_cmpstr(e->arch, ==, "i686");
    g_assert_cmpuint(e->wordsize, ==, 32);
    e = emus->pdata[2];
    g_assert_cmpstr(e->arch, ==, "x86_64");
    g_assert_true(g_str_has_prefix(e->path, a));
    g_assert_true(g_str_has_suffix(e->path, "/qemu-system-x86_64"));

    g_assert_cmpstr(hostinfo_qemu_target_to_arch("arm", &wordsize), ==, "armv7l");
    g_assert_cmpuint(wordsize, ==, 32);
    g_assert_null(hostinfo_qemu_target_to_arch("x86_64-microvm", NULL));

    for (guint i = 0; i < files->len; i++)
        g_assert_no_errno(g_unlink(files->pdata[i]));
    g_assert_no_errno(g_rmdir(a));
    g_assert_no_errno(g_rmdir(b));
}

/* Number of CPUs in a kernel list such as "0-3,8" (test's own parser). */
static unsigned
count_cpulist(const char *text)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    unsigned n = 0;

    for (size_t i = 0; parts[i]; i++) {
        unsigned lo, hi;

        if (sscanf(parts[i], "%u-%u", &lo, &hi) == 2)
            n += hi - lo + 1;
        else if (sscanf(parts[i], "%u", &lo) == 1)
            n++;
    }
    return n;
}

/* The real host: values non-zero and the product equal to the present
 * CPUs (== online CPUs unless some are offline, see hostinfo.h). */
static void
test_real_host(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HostinfoCpu) cpu = NULL;
    g_autoptr(GPtrArray) cells = NULL;
    g_autoptr(GPtrArray) emus = NULL;
    g_autofree char *hostname = NULL;
    g_autofree char *present = NULL;
    virNodeInfo info;
    unsigned long long free_bytes = 0;
    unsigned ncells_cpus = 0;
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    if (!g_file_test("/sys/devices/system/cpu/present", G_FILE_TEST_EXISTS)) {
        g_test_skip("no /sys/devices/system/cpu/present on this host");
        return;
    }
    g_assert_true(hostinfo_get_node_info(NULL, &info, &error));
    g_assert_no_error(error);
    g_test_message("node info: model=%s memory=%lu cpus=%u mhz=%u nodes=%u sockets=%u "
                   "cores=%u threads=%u",
                   info.model, info.memory, info.cpus, info.mhz, info.nodes, info.sockets,
                   info.cores, info.threads);
    g_assert_cmpstr(info.model, !=, "");
    g_assert_cmpuint(info.memory, >, 0);
    g_assert_cmpuint(info.cpus, ==, online);
    g_assert_cmpuint(info.nodes, >, 0);
    g_assert_cmpuint(info.sockets, >, 0);
    g_assert_cmpuint(info.cores, >, 0);
    g_assert_cmpuint(info.threads, >, 0);
    /* equal to cpus unless some CPUs are offline: then to the present ones */
    g_assert_true(g_file_get_contents("/sys/devices/system/cpu/present", &present, NULL, NULL));
    g_assert_cmpuint(info.nodes * info.sockets * info.cores * info.threads, ==,
                     count_cpulist(present));
    g_assert_cmpuint(info.nodes * info.sockets * info.cores * info.threads, >=, info.cpus);

    g_assert_true(hostinfo_get_free_memory(NULL, &free_bytes, &error));
    g_assert_cmpuint(free_bytes, >, 0);

    cpu = hostinfo_get_cpu(NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(cpu->arch, ==, info.model);

    cells = hostinfo_get_cells(NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(cells->len, >, 0);
    for (guint i = 0; i < cells->len; i++)
        ncells_cpus += ((HostinfoCell *)cells->pdata[i])->cpus->len;
    g_assert_cmpuint(ncells_cpus, >=, info.cpus);

    hostname = hostinfo_get_hostname(&error);
    g_assert_no_error(error);
    g_assert_cmpstr(hostname, !=, "");

    /* only discovery: whatever is installed, each entry is consistent */
    emus = hostinfo_find_emulators(NULL);
    for (guint i = 0; i < emus->len; i++) {
        const HostinfoEmulator *e = emus->pdata[i];

        g_test_message("emulator %s: %s (%u-bit)", e->arch, e->path, e->wordsize);
        g_assert_true(g_path_is_absolute(e->path));
        g_assert_true(g_file_test(e->path, G_FILE_TEST_IS_EXECUTABLE));
    }
    g_test_message("kvm usable: %s", hostinfo_kvm_usable(NULL) ? "yes" : "no");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostinfo/node-info/numa2", test_node_info_numa2);
    g_test_add_func("/hostinfo/node-info/flat-offline", test_node_info_flat_offline);
    g_test_add_func("/hostinfo/node-info/uneven", test_node_info_uneven);
    g_test_add_func("/hostinfo/node-info/missing", test_node_info_missing);
    g_test_add_func("/hostinfo/cpu/numa2", test_cpu_numa2);
    g_test_add_func("/hostinfo/cpu/other-vendors", test_cpu_other_vendors);
    g_test_add_func("/hostinfo/cells/numa2", test_cells_numa2);
    g_test_add_func("/hostinfo/cells/flat", test_cells_flat);
    g_test_add_func("/hostinfo/kvm-usable", test_kvm_usable);
    g_test_add_func("/hostinfo/find-emulators", test_find_emulators);
    g_test_add_func("/hostinfo/real-host", test_real_host);
    return g_test_run();
}
