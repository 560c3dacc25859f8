/*
 * qemu_conf.c: host facts of the QEMU driver, computed lazily and cached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conf/caps.h"
#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_conf.h"
#include "util/error.h"
#include "util/file.h"

/* libvirt's answer for TCG guests (and for a NULL type) */
#define QEMU_TCG_MAX_VCPUS 16

/* Guards everything below. */
static GMutex conf_lock;
static const HostinfoPaths *host_paths;
static char *caps_xml;        /* formatted once; NULL until the first request */
static guint caps_generation; /* qemu_caps_generation() caps_xml was built at */

/* The emulator whose version is cached, and how it looked then. */
static struct {
    char *path;
    gint64 mtime_ns;
    goffset size;
    unsigned long version;
} version_cache;

static void
reset_locked(void)
{
    g_clear_pointer(&caps_xml, g_free);
    g_clear_pointer(&version_cache.path, g_free);
    version_cache.version = 0;
}

void
qemu_conf_set_host_paths(const HostinfoPaths *paths)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&conf_lock);

    host_paths = paths;
    reset_locked();
}

const HostinfoPaths *
qemu_conf_host_paths(void)
{
    return host_paths;
}

void
qemu_conf_reset(void)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&conf_lock);

    reset_locked();
}

/* The host's architecture name (uname machine unless the paths say). */
static char *
host_arch(void)
{
    struct utsname uts;

    if (host_paths && host_paths->arch)
        return g_strdup(host_paths->arch);
    if (uname(&uts) < 0)
        return g_strdup("x86_64");
    return g_strdup(uts.machine);
}

/* Whether KVM on a @host_arch host runs @guest_arch guests natively. */
static bool
kvm_runs_arch(const char *host, const char *guest)
{
    return strcmp(host, guest) == 0 || (strcmp(host, "x86_64") == 0 && strcmp(guest, "i686") == 0);
}

static void
add_guest(Caps *caps, const HostinfoEmulator *emu, const char *host, bool kvm)
{
    CapsGuest *guest = caps_add_guest(caps, "hvm", emu->arch, emu->wordsize, emu->path);
    bool x86 = strcmp(emu->arch, "x86_64") == 0 || strcmp(emu->arch, "i686") == 0;

    /* the machines of a binary probed already (listing never runs one) */
    qemu_caps_guest_add_machines(guest);
    caps_guest_add_domain(guest, "qemu", NULL);
    if (kvm && kvm_runs_arch(host, emu->arch))
        caps_guest_add_domain(guest, "kvm", NULL);
    /* the features libvirt 9.0 lists for these arches */
    if (x86) {
        caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_ACPI, true, true);
        caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_APIC, true, false);
        if (strcmp(emu->arch, "i686") == 0) {
            caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_PAE);
            caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_NONPAE);
        }
    }
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_CPUSELECTION);
    caps_guest_add_feature(guest, CAPS_GUEST_FEATURE_DEVICEBOOT);
    caps_guest_add_feature_toggle(guest, CAPS_GUEST_FEATURE_DISKSNAPSHOT, true, false);
}

static Caps *
caps_build(GError **error)
{
    g_autofree char *arch = host_arch();
    g_autoptr(HostinfoCpu) cpu = hostinfo_get_cpu(host_paths, error);
    g_autoptr(GPtrArray) cells = NULL;
    g_autoptr(GPtrArray) emus = NULL;
    g_autoptr(Caps) caps = NULL;
    long page = sysconf(_SC_PAGESIZE);
    bool kvm;

    if (!cpu || !(cells = hostinfo_get_cells(host_paths, error)))
        return NULL;
    caps = caps_new(cpu->arch ? cpu->arch : arch);
    /* no CPU model: naming one needs libvirt's CPU map, not a host fact */
    caps_set_host_cpu(caps, NULL, cpu->vendor);
    caps_set_host_topology(caps, cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    caps_add_host_page_size(caps, page > 0 ? (unsigned)(page / 1024) : 4);
    for (guint i = 0; i < cells->len; i++) {
        const HostinfoCell *hc = g_ptr_array_index(cells, i);
        CapsCell *cell = caps_add_host_cell(caps, hc->id, hc->memory_kib);

        for (guint j = 0; j < hc->cpus->len; j++) {
            const HostinfoCellCpu *c = &g_array_index(hc->cpus, HostinfoCellCpu, j);

            caps_cell_add_cpu(cell, c->id, c->socket_id, c->die_id, c->core_id, c->siblings);
        }
        for (guint j = 0; j < hc->distances->len; j++) {
            const HostinfoCellDistance *d = &g_array_index(hc->distances, HostinfoCellDistance, j);

            caps_cell_add_distance(cell, d->id, d->value);
        }
    }
    /* the agent has no security driver: what NODE_GET_SECURITY_MODEL says */
    caps_add_host_secmodel(caps, "none", "0");

    kvm = hostinfo_kvm_usable(host_paths);
    emus = hostinfo_find_emulators(host_paths);
    for (guint i = 0; i < emus->len; i++)
        add_guest(caps, g_ptr_array_index(emus, i), caps->host.arch, kvm);
    return g_steal_pointer(&caps);
}

char *
qemu_conf_get_capabilities(GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&conf_lock);

    /* built again once a probe taught us more machines */
    if (!caps_xml || caps_generation != qemu_caps_generation()) {
        g_autoptr(Caps) caps = NULL;

        caps_generation = qemu_caps_generation();
        if (!(caps = caps_build(error)))
            return NULL;
        g_free(caps_xml);
        caps_xml = caps_format(caps);
    }
    return g_strdup(caps_xml);
}

bool
qemu_conf_parse_version(const char *text, unsigned long *ret_version)
{
    const char *p = text ? strstr(text, "version ") : NULL;
    unsigned major = 0, minor = 0, micro = 0;
    int n;

    if (!p)
        return false;
    n = sscanf(p + strlen("version "), "%u.%u.%u", &major, &minor, &micro);
    if (n < 2 || minor > 999 || micro > 999)
        return false;
    *ret_version = major * 1000000UL + minor * 1000UL + micro;
    return true;
}

/* The emulator whose version we report; NULL if there is none. */
static char *
pick_emulator(void)
{
    g_autoptr(GPtrArray) emus = hostinfo_find_emulators(host_paths);
    g_autofree char *arch = host_arch();

    for (guint i = 0; i < emus->len; i++) {
        const HostinfoEmulator *emu = g_ptr_array_index(emus, i);

        if (strcmp(emu->arch, arch) == 0)
            return g_strdup(emu->path);
    }
    if (emus->len > 0)
        return g_strdup(((HostinfoEmulator *)g_ptr_array_index(emus, 0))->path);
    return NULL;
}

static bool
run_version(const char *path, unsigned long *ret_version, GError **error)
{
    const char *argv[] = { path, "--version", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err_text = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                      &status, &err)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR, "cannot run '%s --version': %s",
                    path, err->message);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL) || !qemu_conf_parse_version(out, ret_version)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "cannot parse the version of QEMU binary '%s'", path);
        return false;
    }
    return true;
}

bool
qemu_conf_get_version(unsigned long *ret_version, GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&conf_lock);
    g_autofree char *path = pick_emulator();
    unsigned long version = 0;
    struct stat st;

    if (!path || stat(path, &st) < 0) {
        *ret_version = 0;
        return true;
    }
    if (version_cache.path && strcmp(version_cache.path, path) == 0 &&
        version_cache.mtime_ns ==
            (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec &&
        version_cache.size == st.st_size) {
        *ret_version = version_cache.version;
        return true;
    }
    /* held while the binary runs: concurrent first callers wait for one run */
    if (!run_version(path, &version, error))
        return false;
    g_free(version_cache.path);
    version_cache.path = g_steal_pointer(&path);
    version_cache.mtime_ns =
        (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec;
    version_cache.size = st.st_size;
    version_cache.version = version;
    *ret_version = version;
    return true;
}

int
qemu_conf_get_max_vcpus(const char *type, GError **error)
{
    const char *dev = host_paths && host_paths->dev_kvm ? host_paths->dev_kvm : "/dev/kvm";
    int fd autoclose = -1;
    int n;

    if (!type || g_ascii_strcasecmp(type, "qemu") == 0 || g_ascii_strcasecmp(type, "tcg") == 0)
        return QEMU_TCG_MAX_VCPUS;
    if (g_ascii_strcasecmp(type, "kvm") != 0) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INVALID_ARG, "unknown type '%s'", type);
        return -1;
    }
    if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0) {
        error_set_errno(error, QEMU_ERROR, errno, "Unable to open %s", dev);
        return -1;
    }
    /* the hard limit, else the recommended one, else KVM's historic 4 */
    if ((n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS)) > 0)
        return n;
    if ((n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS)) > 0)
        return n;
    return 4;
}
