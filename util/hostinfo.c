/*
 * hostinfo.c: host facts read from /proc, /sys and $PATH
 *
 * The counting rules follow libvirt's virNodeGetInfo on Linux so that
 * clients comparing numbers with a libvirtd host read the same meaning:
 * sockets per node, cores per socket, threads per core, each the maximum
 * seen, and a flat fallback when their product does not add up.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/error.h"
#include "util/hostinfo.h"

/* ---- paths ---- */

static const char *
paths_proc(const HostinfoPaths *paths)
{
    return paths && paths->proc ? paths->proc : "/proc";
}

/* uname machine of the running kernel, or the override; caller frees. */
static char *
paths_arch(const HostinfoPaths *paths)
{
    struct utsname u;

    if (paths && paths->arch)
        return g_strdup(paths->arch);
    if (uname(&u) < 0)
        return g_strdup("unknown");
    return g_strdup(u.machine);
}

static char *sys_path(const HostinfoPaths *paths, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* PATHS->sys/devices/system/<fmt...>; caller frees. */
static char *
sys_path(const HostinfoPaths *paths, const char *fmt, ...)
{
    g_autofree char *rel = NULL;
    va_list ap;

    va_start(ap, fmt);
    rel = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return g_build_filename(paths && paths->sys ? paths->sys : "/sys", "devices", "system", rel,
                            NULL);
}

static char *
proc_path(const HostinfoPaths *paths, const char *name)
{
    return g_build_filename(paths_proc(paths), name, NULL);
}

/* ---- small readers ---- */

static char *
read_text(const char *path, GError **error)
{
    char *text = NULL;
    g_autoptr(GError) local = NULL;

    if (!g_file_get_contents(path, &text, NULL, &local)) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot read '%s': %s", path,
                    local->message);
        return NULL;
    }
    return text;
}

/* One integer from a sysfs file; false if missing or malformed. */
static bool
read_int_file(const char *path, int *ret)
{
    g_autofree char *text = NULL;
    char *end = NULL;
    long v;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || v < G_MININT || v > G_MAXINT)
        return false;
    *ret = (int)v;
    return true;
}

/* "0-3,8,10-11" -> the CPU ids in order (a GArray of unsigned). Empty text
 * (a node without CPUs) gives an empty array; NULL if malformed. */
static GArray *
parse_cpulist(const char *text)
{
    g_autofree char *copy = g_strdup(text);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(unsigned));
    g_auto(GStrv) parts = g_strsplit(g_strstrip(copy), ",", -1);

    for (size_t i = 0; parts[i]; i++) {
        char *p = g_strstrip(parts[i]);
        char *end;
        unsigned long lo, hi;

        if (!*p)
            continue;
        errno = 0;
        lo = strtoul(p, &end, 10);
        if (errno || end == p)
            return NULL;
        hi = lo;
        if (*end == '-') {
            p = end + 1;
            hi = strtoul(p, &end, 10);
            if (errno || end == p || hi < lo)
                return NULL;
        }
        /* a bound keeps a corrupt file from allocating gigabytes */
        if (*end || hi > (1u << 20))
            return NULL;
        for (unsigned long id = lo; id <= hi; id++) {
            unsigned v = (unsigned)id;

            g_array_append_val(ids, v);
        }
    }
    return g_steal_pointer(&ids);
}

/* The kernel's list format again ("0-1", "0,4"), ranges of 2+ merged. */
static char *
format_cpulist(const GArray *ids)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < ids->len;) {
        unsigned lo = g_array_index(ids, unsigned, i);
        guint j = i;

        while (j + 1 < ids->len &&
               g_array_index(ids, unsigned, j + 1) == g_array_index(ids, unsigned, j) + 1)
            j++;
        if (out->len)
            g_string_append_c(out, ',');
        if (j > i)
            g_string_append_printf(out, "%u-%u", lo, g_array_index(ids, unsigned, j));
        else
            g_string_append_printf(out, "%u", lo);
        i = j + 1;
    }
    return g_string_free(out, FALSE);
}

static GArray *
read_cpulist(const char *path, GError **error)
{
    g_autofree char *text = read_text(path, error);
    GArray *ids;

    if (!text)
        return NULL;
    if (!(ids = parse_cpulist(text)))
        g_set_error(error, UTIL_ERROR, VIR_ERR_INTERNAL_ERROR, "malformed CPU list in '%s'", path);
    return ids;
}

static bool
cpulist_has(const GArray *ids, unsigned id)
{
    for (guint i = 0; i < ids->len; i++) {
        if (g_array_index(ids, unsigned, i) == id)
            return true;
    }
    return false;
}

/* Value of "KEY: N kB" in /proc/meminfo or a node's meminfo (whose lines
 * start "Node N "). False if the key is absent. */
static bool
meminfo_lookup(const char *text, const char *key, unsigned long long *ret_kib)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t klen = strlen(key);

    for (size_t i = 0; lines[i]; i++) {
        const char *p = lines[i];

        if (g_str_has_prefix(p, "Node ")) {
            p += 5;
            while (g_ascii_isdigit(*p))
                p++;
            while (*p == ' ')
                p++;
        }
        if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
            *ret_kib = g_ascii_strtoull(p + klen + 1, NULL, 10);
            return true;
        }
    }
    return false;
}

static bool
read_meminfo(const char *path, const char *key, unsigned long long *ret_kib, GError **error)
{
    g_autofree char *text = read_text(path, error);

    if (!text)
        return false;
    if (!meminfo_lookup(text, key, ret_kib)) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_INTERNAL_ERROR, "no %s in '%s'", key, path);
        return false;
    }
    return true;
}

static gint
compare_uint(gconstpointer a, gconstpointer b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    return x < y ? -1 : x > y;
}

/* Node ids under devices/system/node, sorted; NULL if the directory does
 * not exist (a kernel without NUMA), maybe empty otherwise. */
static GArray *
list_nodes(const HostinfoPaths *paths)
{
    g_autofree char *dir_path = sys_path(paths, "node");
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    GArray *ids;
    const char *name;

    if (!dir)
        return NULL;
    ids = g_array_new(FALSE, FALSE, sizeof(unsigned));
    while ((name = g_dir_read_name(dir))) {
        char *end;
        unsigned long id;
        unsigned v;

        if (!g_str_has_prefix(name, "node") || !g_ascii_isdigit(name[4]))
            continue;
        id = strtoul(name + 4, &end, 10);
        if (*end || id > G_MAXUINT)
            continue;
        v = (unsigned)id;
        g_array_append_val(ids, v);
    }
    g_array_sort(ids, compare_uint);
    return ids;
}

/* ---- CPU topology ---- */

typedef struct CpuSets {
    GArray *present;
    GArray *online;
} CpuSets;

static void
cpu_sets_clear(CpuSets *sets)
{
    if (sets->present)
        g_array_unref(sets->present);
    if (sets->online)
        g_array_unref(sets->online);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CpuSets, cpu_sets_clear)

static bool
cpu_sets_read(const HostinfoPaths *paths, CpuSets *sets, GError **error)
{
    g_autofree char *present = sys_path(paths, "cpu/present");
    g_autofree char *online = sys_path(paths, "cpu/online");

    if (!(sets->present = read_cpulist(present, error)))
        return false;
    /* a kernel without CPU hotplug has no "online" file: all are online */
    if (!g_file_test(online, G_FILE_TEST_EXISTS)) {
        sets->online = g_array_ref(sets->present);
        return true;
    }
    return (sets->online = read_cpulist(online, error)) != NULL;
}

/* topology/NAME of one CPU; @fallback when the file is missing, as libvirt
 * does (a kernel without topology reports everything as 0). */
static int
cpu_topology_value(const HostinfoPaths *paths, unsigned cpu, const char *name, int fallback)
{
    g_autofree char *path = sys_path(paths, "cpu/cpu%u/topology/%s", cpu, name);
    int v;

    if (!read_int_file(path, &v))
        return fallback;
    return v;
}

static GArray *
cpu_thread_siblings(const HostinfoPaths *paths, unsigned cpu)
{
    g_autofree char *path = sys_path(paths, "cpu/cpu%u/topology/thread_siblings_list", cpu);
    g_autofree char *text = NULL;
    GArray *ids = NULL;

    if (g_file_get_contents(path, &text, NULL, NULL))
        ids = parse_cpulist(text);
    if (!ids || ids->len == 0) {
        /* without the file a thread is its only sibling */
        if (ids)
            g_array_unref(ids);
        ids = g_array_new(FALSE, FALSE, sizeof(unsigned));
        g_array_append_val(ids, cpu);
    }
    return ids;
}

static bool
arch_is_s390(const char *arch)
{
    return g_str_has_prefix(arch, "s390");
}

typedef struct NodeCount {
    unsigned cpus; /* online */
    unsigned offline;
    unsigned sockets;
    unsigned cores;   /* per socket, the maximum */
    unsigned threads; /* per core, the maximum */
} NodeCount;

/* Counts one node (or the whole host) made of @cpus, as libvirt's
 * virHostCPUParseNode: sockets are distinct physical_package_id values,
 * cores distinct core_id values within a socket, threads the size of the
 * largest thread_siblings_list. */
static void
count_node(const HostinfoPaths *paths, const char *arch, const GArray *cpus, const CpuSets *sets,
           NodeCount *ret)
{
    g_autoptr(GHashTable) sockets = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                          (GDestroyNotify)g_hash_table_unref);
    GHashTableIter iter;
    gpointer value;

    *ret = (NodeCount){ 0 };
    for (guint i = 0; i < cpus->len; i++) {
        unsigned cpu = g_array_index(cpus, unsigned, i);
        g_autoptr(GArray) siblings = NULL;
        GHashTable *cores;
        int sock, core;

        if (!cpulist_has(sets->present, cpu))
            continue;
        if (!cpulist_has(sets->online, cpu)) {
            ret->offline++;
            continue;
        }
        ret->cpus++;
        sock = MAX(cpu_topology_value(paths, cpu, "physical_package_id", 0), 0);
        /* on s390 a logical CPU is a core */
        core = arch_is_s390(arch) ? (int)cpu : MAX(cpu_topology_value(paths, cpu, "core_id", 0), 0);
        if (!(cores = g_hash_table_lookup(sockets, GINT_TO_POINTER(sock)))) {
            cores = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_hash_table_insert(sockets, GINT_TO_POINTER(sock), cores);
        }
        g_hash_table_add(cores, GINT_TO_POINTER(core));
        siblings = cpu_thread_siblings(paths, cpu);
        ret->threads = MAX(ret->threads, siblings->len);
    }
    ret->sockets = g_hash_table_size(sockets);
    g_hash_table_iter_init(&iter, sockets);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        ret->cores = MAX(ret->cores, g_hash_table_size(value));
}

/* "cpu MHz : 2445.422" -> 2445. The last valid line wins, as in libvirt. */
static unsigned
parse_mhz(const char *cpuinfo, const char *arch)
{
    g_auto(GStrv) lines = NULL;
    const char *prefix;
    unsigned mhz = 0;

    if (g_str_has_prefix(arch, "s390"))
        prefix = "cpu MHz dynamic";
    else if (g_str_has_prefix(arch, "ppc"))
        prefix = "clock";
    else if (g_str_equal(arch, "x86_64") || (arch[0] == 'i' && g_str_has_suffix(arch, "86")))
        prefix = "cpu MHz";
    else
        return 0; /* ARM and others: no usable line */

    lines = g_strsplit(cpuinfo, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        const char *p = lines[i];
        char *end;
        unsigned long v;

        if (!g_str_has_prefix(p, prefix))
            continue;
        p += strlen(prefix);
        while (g_ascii_isspace(*p))
            p++;
        if (*p != ':')
            continue; /* "cpu MHz static" and the like */
        p++;
        while (g_ascii_isspace(*p))
            p++;
        errno = 0;
        v = strtoul(p, &end, 10);
        if (errno || end == p || v > G_MAXUINT ||
            (*end != '.' && *end != '\0' && !g_ascii_isspace(*end)))
            continue;
        mhz = (unsigned)v;
    }
    return mhz;
}

bool
hostinfo_get_node_info(const HostinfoPaths *paths, virNodeInfo *info, GError **error)
{
    g_auto(CpuSets) sets = { 0 };
    g_autoptr(GArray) nodes = NULL;
    g_autofree char *arch = paths_arch(paths);
    g_autofree char *cpuinfo_path = proc_path(paths, "cpuinfo");
    g_autofree char *meminfo_path = proc_path(paths, "meminfo");
    g_autofree char *cpuinfo = NULL;
    unsigned long long mem_kib;
    unsigned cpus = 0, offline = 0, n_nodes = 0, sockets = 0, cores = 0, threads = 0;

    memset(info, 0, sizeof(*info));
    g_strlcpy(info->model, arch, sizeof(info->model));
    if (!read_meminfo(meminfo_path, "MemTotal", &mem_kib, error))
        return false;
    info->memory = (unsigned long)mem_kib;
    /* a missing /proc/cpuinfo only costs the frequency, as in libvirt */
    if (g_file_get_contents(cpuinfo_path, &cpuinfo, NULL, NULL))
        info->mhz = parse_mhz(cpuinfo, arch);

    if (!cpu_sets_read(paths, &sets, error))
        return false;

    if ((nodes = list_nodes(paths))) {
        for (guint i = 0; i < nodes->len; i++) {
            unsigned id = g_array_index(nodes, unsigned, i);
            g_autofree char *list = sys_path(paths, "node/node%u/cpulist", id);
            g_autoptr(GArray) node_cpus = read_cpulist(list, error);
            NodeCount c;

            if (!node_cpus)
                return false;
            count_node(paths, arch, node_cpus, &sets, &c);
            n_nodes++;
            cpus += c.cpus;
            offline += c.offline;
            sockets = MAX(sockets, c.sockets);
            cores = MAX(cores, c.cores);
            threads = MAX(threads, c.threads);
        }
    }
    if (cpus == 0 || n_nodes == 0) {
        /* not NUMA (or nodes without CPUs): the whole host is one node */
        NodeCount c;

        count_node(paths, arch, sets.present, &sets, &c);
        n_nodes = 1;
        cpus = c.cpus;
        offline = c.offline;
        sockets = c.sockets;
        cores = c.cores;
        threads = c.threads;
    }

    if (cpus == 0 || sockets == 0 || threads == 0) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_INTERNAL_ERROR, "no %s found",
                    cpus == 0      ? "CPUs"
                    : sockets == 0 ? "sockets"
                                   : "threads");
        return false;
    }
    /* Topologies the four numbers cannot describe (hidden nodes, offline
     * CPUs, cores reported as threads) are flattened so that the product
     * stays equal to the CPUs the host has, online or not; libvirt does
     * the same and points users to the capabilities for the truth. */
    if ((unsigned long long)n_nodes * sockets * cores * threads != cpus + offline) {
        n_nodes = 1;
        sockets = 1;
        cores = cpus + offline;
        threads = 1;
    }
    info->cpus = cpus;
    info->nodes = n_nodes;
    info->sockets = sockets;
    info->cores = cores;
    info->threads = threads;
    return true;
}

bool
hostinfo_get_free_memory(const HostinfoPaths *paths, unsigned long long *ret_bytes, GError **error)
{
    g_autoptr(GArray) nodes = list_nodes(paths);
    unsigned long long total = 0;

    if (nodes && nodes->len > 0) {
        for (guint i = 0; i < nodes->len; i++) {
            g_autofree char *path =
                sys_path(paths, "node/node%u/meminfo", g_array_index(nodes, unsigned, i));
            unsigned long long kib;

            if (!read_meminfo(path, "MemFree", &kib, error))
                return false;
            total += kib;
        }
    } else {
        g_autofree char *path = proc_path(paths, "meminfo");

        if (!read_meminfo(path, "MemFree", &total, error))
            return false;
    }
    *ret_bytes = total * 1024;
    return true;
}

/* ---- CPU description ---- */

/* Value after "KEY<blanks>: " of the first line with that key; NULL if
 * absent. Caller frees. */
static char *
cpuinfo_value(const char *cpuinfo, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);
    size_t klen = strlen(key);

    for (size_t i = 0; lines[i]; i++) {
        const char *p = lines[i];

        if (strncmp(p, key, klen) != 0)
            continue;
        p += klen;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        return g_strstrip(g_strdup(p + 1));
    }
    return NULL;
}

/* libvirt's names for the x86 CPUID vendor strings (its cpu map); others
 * have no name there, so no <vendor> is reported. */
static const char *
vendor_name(const char *vendor_id)
{
    static const struct {
        const char *id, *name;
    } vendors[] = {
        { "GenuineIntel", "Intel" },
        { "AuthenticAMD", "AMD" },
        { "HygonGenuine", "Hygon" },
    };

    for (size_t i = 0; vendor_id && i < G_N_ELEMENTS(vendors); i++) {
        if (g_str_equal(vendor_id, vendors[i].id))
            return vendors[i].name;
    }
    return NULL;
}

void
hostinfo_cpu_free(HostinfoCpu *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->arch);
    g_free(cpu->vendor);
    g_free(cpu->model_name);
    if (cpu->flags)
        g_ptr_array_unref(cpu->flags);
    g_free(cpu);
}

HostinfoCpu *
hostinfo_get_cpu(const HostinfoPaths *paths, GError **error)
{
    g_autoptr(HostinfoCpu) cpu = g_new0(HostinfoCpu, 1);
    g_autofree char *cpuinfo_path = proc_path(paths, "cpuinfo");
    g_autofree char *cpuinfo = NULL;
    g_autofree char *vendor_id = NULL;
    g_autofree char *flags = NULL;
    virNodeInfo info;

    if (!hostinfo_get_node_info(paths, &info, error))
        return NULL;
    cpu->arch = paths_arch(paths);
    /* the capabilities' topology is the node info's, with one die per
     * socket, as libvirt's host CPU reports it */
    cpu->sockets = info.sockets;
    cpu->dies = 1;
    cpu->cores = info.cores;
    cpu->threads = info.threads;
    cpu->flags = g_ptr_array_new_with_free_func(g_free);

    if (!g_file_get_contents(cpuinfo_path, &cpuinfo, NULL, NULL))
        return g_steal_pointer(&cpu); /* the topology is still worth having */
    vendor_id = cpuinfo_value(cpuinfo, "vendor_id");
    cpu->vendor = g_strdup(vendor_name(vendor_id));
    cpu->model_name = cpuinfo_value(cpuinfo, "model name");
    /* x86 says "flags", ARM "Features" */
    if ((flags = cpuinfo_value(cpuinfo, "flags")) || (flags = cpuinfo_value(cpuinfo, "Features"))) {
        g_auto(GStrv) words = g_strsplit_set(flags, " \t", -1);

        for (size_t i = 0; words[i]; i++) {
            if (*words[i])
                g_ptr_array_add(cpu->flags, g_strdup(words[i]));
        }
    }
    return g_steal_pointer(&cpu);
}

/* ---- NUMA cells ---- */

void
hostinfo_cell_free(HostinfoCell *cell)
{
    if (!cell)
        return;
    if (cell->cpus)
        g_array_unref(cell->cpus);
    if (cell->distances)
        g_array_unref(cell->distances);
    g_free(cell);
}

static void
cell_cpu_clear(gpointer data)
{
    HostinfoCellCpu *cpu = data;

    g_free(cpu->siblings);
}

static HostinfoCell *
cell_new(unsigned id, unsigned long long memory_kib)
{
    HostinfoCell *cell = g_new0(HostinfoCell, 1);

    cell->id = id;
    cell->memory_kib = memory_kib;
    cell->cpus = g_array_new(FALSE, FALSE, sizeof(HostinfoCellCpu));
    g_array_set_clear_func(cell->cpus, cell_cpu_clear);
    cell->distances = g_array_new(FALSE, FALSE, sizeof(HostinfoCellDistance));
    return cell;
}

static void
cell_add_cpus(const HostinfoPaths *paths, HostinfoCell *cell, const GArray *cpus,
              const CpuSets *sets)
{
    for (guint i = 0; i < cpus->len; i++) {
        unsigned id = g_array_index(cpus, unsigned, i);
        HostinfoCellCpu cpu = { .id = id, .socket_id = -1, .die_id = -1, .core_id = -1 };

        if (!cpulist_has(sets->present, id))
            continue;
        /* an offline CPU has no topology in sysfs: only its id is known */
        if (cpulist_has(sets->online, id)) {
            g_autoptr(GArray) siblings = cpu_thread_siblings(paths, id);

            cpu.socket_id = MAX(cpu_topology_value(paths, id, "physical_package_id", 0), 0);
            cpu.die_id = MAX(cpu_topology_value(paths, id, "die_id", 0), 0);
            cpu.core_id = MAX(cpu_topology_value(paths, id, "core_id", 0), 0);
            cpu.siblings = format_cpulist(siblings);
        }
        g_array_append_val(cell->cpus, cpu);
    }
}

GPtrArray *
hostinfo_get_cells(const HostinfoPaths *paths, GError **error)
{
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func((GDestroyNotify)hostinfo_cell_free);
    g_auto(CpuSets) sets = { 0 };
    g_autoptr(GArray) nodes = list_nodes(paths);

    if (!cpu_sets_read(paths, &sets, error))
        return NULL;

    if (!nodes || nodes->len == 0) {
        /* no NUMA in the kernel: one cell with everything, as libvirt fakes it */
        g_autofree char *meminfo = proc_path(paths, "meminfo");
        unsigned long long kib;
        HostinfoCell *cell;

        if (!read_meminfo(meminfo, "MemTotal", &kib, error))
            return NULL;
        cell = cell_new(0, kib);
        g_ptr_array_add(cells, cell);
        cell_add_cpus(paths, cell, sets.online, &sets);
        return g_steal_pointer(&cells);
    }

    for (guint i = 0; i < nodes->len; i++) {
        unsigned id = g_array_index(nodes, unsigned, i);
        g_autofree char *list_path = sys_path(paths, "node/node%u/cpulist", id);
        g_autofree char *mem_path = sys_path(paths, "node/node%u/meminfo", id);
        g_autofree char *dist_path = sys_path(paths, "node/node%u/distance", id);
        g_autofree char *dist_text = NULL;
        g_autoptr(GArray) node_cpus = read_cpulist(list_path, error);
        unsigned long long kib = 0;
        HostinfoCell *cell;

        if (!node_cpus)
            return NULL;
        /* a node without memory (CPU-only) has no MemTotal worth failing on */
        if (!read_meminfo(mem_path, "MemTotal", &kib, NULL))
            kib = 0;
        cell = cell_new(id, kib);
        g_ptr_array_add(cells, cell);
        cell_add_cpus(paths, cell, node_cpus, &sets);

        /* the kernel lists distances to the online nodes in id order */
        if (g_file_get_contents(dist_path, &dist_text, NULL, NULL)) {
            g_auto(GStrv) words = g_strsplit_set(g_strstrip(dist_text), " \t", -1);
            guint n = 0;

            for (size_t w = 0; words[w] && n < nodes->len; w++) {
                HostinfoCellDistance d;

                if (!*words[w])
                    continue;
                d.id = g_array_index(nodes, unsigned, n++);
                d.value = (unsigned)g_ascii_strtoull(words[w], NULL, 10);
                g_array_append_val(cell->distances, d);
            }
        }
    }
    return g_steal_pointer(&cells);
}

/* ---- host name ---- */

char *
hostinfo_get_hostname(GError **error)
{
    char name[HOST_NAME_MAX + 1] = "";
    struct addrinfo hints = { .ai_flags = AI_CANONNAME, .ai_family = AF_UNSPEC };
    struct addrinfo *info = NULL;
    char *ret;

    if (gethostname(name, sizeof(name) - 1) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot get the host name");
        return NULL;
    }
    /* already qualified, or a placeholder the resolver would only mangle */
    if (strchr(name, '.') || g_str_has_prefix(name, "localhost"))
        return g_strdup(name);
    if (getaddrinfo(name, NULL, &hints, &info) != 0)
        return g_strdup(name); /* no resolver answer: the short name will do */
    if (!info->ai_canonname || g_str_has_prefix(info->ai_canonname, "localhost"))
        ret = g_strdup(name);
    else
        ret = g_strdup(info->ai_canonname);
    freeaddrinfo(info);
    return ret;
}

/* ---- KVM ---- */

bool
hostinfo_kvm_usable(const HostinfoPaths *paths)
{
    g_autofree char *cpuinfo_path = proc_path(paths, "cpuinfo");
    g_autofree char *cpuinfo = NULL;
    g_autofree char *flags = NULL;
    g_auto(GStrv) words = NULL;
    const char *dev = paths && paths->dev_kvm ? paths->dev_kvm : "/dev/kvm";
    const char *force = g_getenv("VIRTNODE_FORCE_TCG");
    bool hw = false;
    int fd;

    /* an escape hatch: a /dev/kvm that opens is not proof guests run (the
     * CI host's PVM kvm accepts -accel kvm, then fails in firmware) */
    if (force && g_str_equal(force, "1"))
        return false;
    if (!g_file_get_contents(cpuinfo_path, &cpuinfo, NULL, NULL))
        return false;
    if (!(flags = cpuinfo_value(cpuinfo, "flags")))
        return false;
    words = g_strsplit_set(flags, " \t", -1);
    for (size_t i = 0; words[i] && !hw; i++)
        hw = g_str_equal(words[i], "vmx") || g_str_equal(words[i], "svm");
    if (!hw)
        return false;
    if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0)
        return false;
    close(fd);
    return true;
}

/* ---- emulators ---- */

static const struct {
    const char *target; /* qemu-system-TARGET */
    const char *arch;   /* libvirt's name */
    unsigned wordsize;
} qemu_targets[] = {
    { "aarch64", "aarch64", 64 },
    { "alpha", "alpha", 64 },
    { "arm", "armv7l", 32 },
    { "cris", "cris", 32 },
    { "hppa", "parisc", 32 },
    { "i386", "i686", 32 },
    { "m68k", "m68k", 32 },
    { "microblaze", "microblaze", 32 },
    { "microblazeel", "microblazeel", 32 },
    { "mips", "mips", 32 },
    { "mipsel", "mipsel", 32 },
    { "mips64", "mips64", 64 },
    { "mips64el", "mips64el", 64 },
    { "or1k", "openrisc", 32 },
    { "ppc", "ppc", 32 },
    { "ppc64", "ppc64", 64 },
    { "riscv32", "riscv32", 32 },
    { "riscv64", "riscv64", 64 },
    { "s390x", "s390x", 64 },
    { "sh4", "sh4", 32 },
    { "sh4eb", "sh4eb", 32 },
    { "sparc", "sparc", 32 },
    { "sparc64", "sparc64", 64 },
    { "x86_64", "x86_64", 64 },
    { "xtensa", "xtensa", 32 },
    { "xtensaeb", "xtensaeb", 32 },
};

const char *
hostinfo_qemu_target_to_arch(const char *target, unsigned *ret_wordsize)
{
    for (size_t i = 0; target && i < G_N_ELEMENTS(qemu_targets); i++) {
        if (g_str_equal(target, qemu_targets[i].target)) {
            if (ret_wordsize)
                *ret_wordsize = qemu_targets[i].wordsize;
            return qemu_targets[i].arch;
        }
    }
    return NULL;
}

void
hostinfo_emulator_free(HostinfoEmulator *emu)
{
    if (!emu)
        return;
    g_free(emu->path);
    g_free(emu->arch);
    g_free(emu);
}

static gint
compare_emulator(gconstpointer a, gconstpointer b)
{
    const HostinfoEmulator *x = *(HostinfoEmulator *const *)a;
    const HostinfoEmulator *y = *(HostinfoEmulator *const *)b;

    return strcmp(x->arch, y->arch);
}

static bool
have_arch(const GPtrArray *emus, const char *arch)
{
    for (guint i = 0; i < emus->len; i++) {
        if (g_str_equal(((const HostinfoEmulator *)emus->pdata[i])->arch, arch))
            return true;
    }
    return false;
}

/* Adds the qemu-system-* of @dir not seen yet, in name order so that the
 * result does not depend on directory order. */
static void
scan_dir(const char *dir, GPtrArray *emus)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_prefix(name, "qemu-system-"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_ascii_strcasecmp);
    for (guint i = 0; i < names->len; i++) {
        const char *file = names->pdata[i];
        g_autofree char *path = g_build_filename(dir, file, NULL);
        const char *arch;
        unsigned wordsize = 0;
        struct stat st;
        HostinfoEmulator *emu;

        if (!(arch = hostinfo_qemu_target_to_arch(file + strlen("qemu-system-"), &wordsize)))
            continue; /* e.g. qemu-system-x86_64-microvm, or a target libvirt cannot name */
        if (have_arch(emus, arch))
            continue;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
            continue;
        emu = g_new0(HostinfoEmulator, 1);
        emu->path = g_steal_pointer(&path);
        emu->arch = g_strdup(arch);
        emu->wordsize = wordsize;
        g_ptr_array_add(emus, emu);
    }
}

GPtrArray *
hostinfo_find_emulators(const HostinfoPaths *paths)
{
    GPtrArray *emus = g_ptr_array_new_with_free_func((GDestroyNotify)hostinfo_emulator_free);
    g_autofree char *search = NULL;
    g_auto(GStrv) dirs = NULL;

    if (paths && paths->search_path) {
        search = g_strdup(paths->search_path);
    } else {
        const char *env = g_getenv("PATH");

        search = g_strdup_printf("%s%s/usr/bin", env ? env : "", env && *env ? ":" : "");
    }
    dirs = g_strsplit(search, ":", -1);
    for (size_t i = 0; dirs[i]; i++) {
        /* relative entries would depend on the agent's working directory */
        if (g_path_is_absolute(dirs[i]))
            scan_dir(dirs[i], emus);
    }
    g_ptr_array_sort(emus, compare_emulator);
    return emus;
}
