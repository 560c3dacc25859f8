/*
 * domdef.c: libvirt domain XML: parse -> DomDef -> format (general part:
 * identity, memory, CPUs, <os>, features, clock, lifecycle, <devices> order)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "conf/domdef-priv.h"

static const char *const domdef_virt_types[] = {
    "none",   "qemu",   "kqemu", "kvm",  "xen",       "lxc",   "uml", "openvz", "test",
    "vmware", "hyperv", "vbox",  "phyp", "parallels", "bhyve", "vz",  NULL,
};

static const char *const domdef_lifecycle_names[] = {
    [DOM_LIFECYCLE_DESTROY] = "destroy",
    [DOM_LIFECYCLE_RESTART] = "restart",
    [DOM_LIFECYCLE_RESTART_RENAME] = "rename-restart",
    [DOM_LIFECYCLE_PRESERVE] = "preserve",
    [DOM_LIFECYCLE_COREDUMP_DESTROY] = "coredump-destroy",
    [DOM_LIFECYCLE_COREDUMP_RESTART] = "coredump-restart",
    [DOM_LIFECYCLE_LAST] = NULL,
};

static const char *const domdef_clock_names[] = {
    [DOM_CLOCK_UTC] = "utc",           [DOM_CLOCK_LOCALTIME] = "localtime",
    [DOM_CLOCK_VARIABLE] = "variable", [DOM_CLOCK_TIMEZONE] = "timezone",
    [DOM_CLOCK_ABSOLUTE] = "absolute", [DOM_CLOCK_LAST] = NULL,
};

/* libvirt's <features> children, in the order libvirt writes them. */
static const char *const domdef_feature_names[] = {
    "acpi",         "apic",       "pae",
    "hap",          "viridian",   "privnet",
    "hyperv",       "kvm",        "pvspinlock",
    "capabilities", "pmu",        "vmport",
    "gic",          "smm",        "ioapic",
    "hpt",          "vmcoreinfo", "htm",
    "nested-hv",    "msrs",       "ccf-assist",
    "xen",          "cfpc",       "sbbc",
    "ibs",          "tcg",        "async-teardown",
    NULL,
};

/* Features written as <name state='on|off'/>; present without state means on. */
static const char *const domdef_state_features[] = {
    "hap",        "pmu", "pvspinlock", "vmport",     "smm",
    "vmcoreinfo", "htm", "nested-hv",  "ccf-assist", NULL,
};

/* The <devices> children, in libvirt's order. */
static const char *const domdef_device_names[] = {
    "disk",       "controller", "lease",   "filesystem", "interface",   "smartcard", "serial",
    "parallel",   "console",    "channel", "input",      "tpm",         "graphics",  "sound",
    "audio",      "video",      "hostdev", "redirdev",   "redirfilter", "hub",       "watchdog",
    "memballoon", "rng",        "nvram",   "panic",      "shmem",       "memory",    "iommu",
    "vsock",      "crypto",     NULL,
};

static const char *const domdef_boot_devs[] = { "fd", "cdrom", "hd", "network", NULL };

int
domdef_enum_lookup(const char *const *table, const char *value)
{
    if (!value)
        return -1;
    for (int i = 0; table[i]; i++) {
        if (strcmp(table[i], value) == 0)
            return i;
    }
    return -1;
}

int
domdef_device_order(const char *name)
{
    return domdef_enum_lookup(domdef_device_names, name);
}

/* ---- scaled integers and bitmaps ---- */

bool
domdef_scale_kib(const char *value, const char *unit, const char *what, unsigned long long *ret_kib,
                 GError **error)
{
    g_autofree char *v = g_strstrip(g_strdup(value ? value : ""));
    unsigned long long scale = 1024, n;
    guint64 parsed;

    if (!*v || v[0] == '-' || !g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &parsed, NULL)) {
        /* Escaped: a stray control byte must show in the message. */
        g_autofree char *shown = g_strescape(value ? value : "", NULL);

        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Invalid value '%s' for element or attribute '%s'", shown, what);
        return false;
    }
    n = parsed;
    if (unit && *unit) {
        char c = g_ascii_tolower(unit[0]);
        const char *rest = unit + 1;
        unsigned long long base = 1024;
        int power;

        if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "bytes") == 0) {
            scale = 1;
            goto scaled;
        }
        if (g_ascii_strcasecmp(rest, "ib") == 0 || *rest == '\0')
            base = 1024;
        else if (g_ascii_strcasecmp(rest, "b") == 0)
            base = 1000;
        else
            goto bad_unit;
        switch (c) {
        case 'k':
            power = 1;
            break;
        case 'm':
            power = 2;
            break;
        case 'g':
            power = 3;
            break;
        case 't':
            power = 4;
            break;
        case 'p':
            power = 5;
            break;
        case 'e':
            power = 6;
            break;
        default:
            goto bad_unit;
        }
        scale = 1;
        while (power--)
            scale *= base;
    }
scaled:
    if (n > G_MAXUINT64 / scale) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_OVERFLOW, "value too large: %s%s", v,
                    unit ? unit : "");
        return false;
    }
    n *= scale;
    *ret_kib = n / 1024 + (n % 1024 ? 1 : 0);
    return true;
bad_unit:
    g_set_error(error, DOMDEF_ERROR, VIR_ERR_INVALID_ARG, "unknown suffix '%s'", unit);
    return false;
}

static gint
domdef_uint_cmp(gconstpointer a, gconstpointer b)
{
    unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

    return x < y ? -1 : x > y;
}

/* libvirt's bitmap syntax: comma separated ids and ranges, ^N excludes. */
bool
domdef_bitmap_normalise(const char *text, char **ret_text, GArray **ret_bits, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(text ? text : "", ",", -1);
    g_autoptr(GArray) set = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_autoptr(GArray) neg = g_array_new(FALSE, FALSE, sizeof(unsigned int));
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GArray) bits = g_array_new(FALSE, FALSE, sizeof(unsigned int));

    for (char **p = parts; *p; p++) {
        char *item = g_strstrip(*p);
        bool exclude = item[0] == '^';
        guint64 lo, hi;
        char *dash;

        if (exclude)
            item++;
        dash = strchr(item, '-');
        if (dash)
            *dash = '\0';
        if (!g_ascii_string_to_unsigned(item, 10, 0, 65535, &lo, NULL))
            goto bad;
        hi = lo;
        if (dash && (exclude || !g_ascii_string_to_unsigned(dash + 1, 10, lo, 65535, &hi, NULL)))
            goto bad;
        for (guint64 i = lo; i <= hi; i++) {
            unsigned int u = (unsigned int)i;

            g_array_append_val(exclude ? neg : set, u);
        }
    }
    g_array_sort(set, domdef_uint_cmp);
    for (guint i = 0; i < set->len; i++) {
        unsigned int u = g_array_index(set, unsigned int, i);
        bool excluded = false;

        if (bits->len && g_array_index(bits, unsigned int, bits->len - 1) == u)
            continue;
        for (guint j = 0; j < neg->len; j++)
            excluded |= g_array_index(neg, unsigned int, j) == u;
        if (!excluded)
            g_array_append_val(bits, u);
    }
    if (bits->len == 0)
        goto bad;
    for (guint i = 0; i < bits->len;) {
        unsigned int start = g_array_index(bits, unsigned int, i), end = start;
        guint j = i + 1;

        while (j < bits->len && g_array_index(bits, unsigned int, j) == end + 1)
            end = g_array_index(bits, unsigned int, j++);
        if (out->len)
            g_string_append_c(out, ',');
        if (end > start)
            g_string_append_printf(out, "%u-%u", start, end);
        else
            g_string_append_printf(out, "%u", start);
        i = j;
    }
    if (ret_text)
        *ret_text = g_strdup(out->str);
    if (ret_bits)
        *ret_bits = g_steal_pointer(&bits);
    return true;
bad:
    g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "Failed to parse bitmap '%s'",
                text ? text : "");
    return false;
}

/* Rewrites attribute @name of @node (if present) in canonical bitmap form. */
static bool
domdef_normalise_bitmap_attr(DomXNode *node, const char *name, GError **error)
{
    g_autofree char *norm = NULL;
    const char *v = domx_attr(node, name);

    if (!v)
        return true;
    if (!domdef_bitmap_normalise(v, &norm, NULL, error))
        return false;
    domx_set_attr(node, name, norm);
    return true;
}

/* ---- device info ---- */

bool
domdef_info_parse(DomXNode *node, DomDeviceInfo *info, GError **error)
{
    g_autoptr(DomXNode) boot = domx_take_one(node, "boot");
    g_autoptr(DomXNode) alias = domx_take_one(node, "alias");
    DomXNode *c;

    info->extra = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);
    if (boot) {
        g_autofree char *order = domx_take_attr(boot, "order");
        guint64 n;

        if (!order || !g_ascii_string_to_unsigned(order, 10, 1, G_MAXINT, &n, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "incorrect boot order '%s', expecting positive integer",
                        order ? order : "");
            return false;
        }
        info->boot_order = (unsigned int)n;
        info->boot_loadparm = domx_take_attr(boot, "loadparm");
    }
    if (alias)
        info->alias = domx_take_attr(alias, "name");
    info->address = domx_take_one(node, "address");
    while ((c = domx_take_child(node, "rom")) || (c = domx_take_child(node, "acpi")) ||
           (c = domx_take_child(node, "master")))
        g_ptr_array_add(info->extra, c);
    return true;
}

void
domdef_info_format(Buf *buf, const DomDeviceInfo *info, unsigned int flags)
{
    if (info->boot_order) {
        buf_addf(buf, "<boot order='%u'", info->boot_order);
        if (info->boot_loadparm)
            buf_add_attr(buf, "loadparm", "%s", info->boot_loadparm);
        buf_add(buf, "/>\n");
    }
    /* Aliases are runtime names, except the user's own ("ua-" prefix). */
    if (info->alias &&
        (!(flags & DOMDEF_FORMAT_INACTIVE) || g_str_has_prefix(info->alias, "ua-"))) {
        buf_add(buf, "<alias");
        buf_add_attr(buf, "name", "%s", info->alias);
        buf_add(buf, "/>\n");
    }
    for (guint i = 0; info->extra && i < info->extra->len; i++) {
        const DomXNode *c = info->extra->pdata[i];

        if (strcmp(c->name, "master") == 0)
            domx_format(buf, c);
    }
    for (guint i = 0; info->extra && i < info->extra->len; i++) {
        const DomXNode *c = info->extra->pdata[i];

        if (strcmp(c->name, "rom") == 0)
            domx_format(buf, c);
    }
    domx_format(buf, info->address);
    for (guint i = 0; info->extra && i < info->extra->len; i++) {
        const DomXNode *c = info->extra->pdata[i];

        if (strcmp(c->name, "acpi") == 0)
            domx_format(buf, c);
    }
}

void
domdef_info_clear(DomDeviceInfo *info)
{
    g_free(info->boot_loadparm);
    g_free(info->alias);
    domx_free(info->address);
    if (info->extra)
        g_ptr_array_unref(info->extra);
    memset(info, 0, sizeof(*info));
}

/* ---- DomDef lifetime ---- */

void
domdef_free(DomDef *def)
{
    if (!def)
        return;
    g_free(def->virt_type);
    g_free(def->name);
    g_free(def->os_type);
    domx_free(def->root_extra);
    domx_free(def->genid);
    g_free(def->title);
    g_free(def->description);
    domx_free(def->metadata);
    domx_free(def->blkiotune);
    domx_free(def->memory_backing);
    g_free(def->cpuset);
    domx_free(def->vcpus_detail);
    domx_free(def->iothreadids);
    domx_free(def->cputune);
    domx_free(def->numatune);
    domx_free(def->resource);
    domx_free(def->sysinfo);
    domx_free(def->cpu);
    g_free(def->os_arch);
    g_free(def->os_machine);
    g_free(def->os_firmware);
    domx_free(def->os_firmware_info);
    domx_free(def->os_loader);
    domx_free(def->os_nvram);
    g_free(def->os_kernel);
    g_free(def->os_initrd);
    g_free(def->os_cmdline);
    g_free(def->os_dtb);
    g_free(def->os_root);
    if (def->os_boot_devs)
        g_ptr_array_unref(def->os_boot_devs);
    domx_free(def->os_bootmenu);
    domx_free(def->os_smbios);
    domx_free(def->os_bios);
    domx_free(def->os_extra);
    g_free(def->bootloader);
    g_free(def->bootloader_args);
    domx_free(def->features);
    domx_free(def->clock);
    g_free(def->on_lockfailure);
    domx_free(def->pm);
    domx_free(def->perf);
    g_free(def->emulator);
    if (def->disks)
        g_ptr_array_unref(def->disks);
    if (def->controllers)
        g_ptr_array_unref(def->controllers);
    if (def->nets)
        g_ptr_array_unref(def->nets);
    if (def->serials)
        g_ptr_array_unref(def->serials);
    if (def->parallels)
        g_ptr_array_unref(def->parallels);
    if (def->consoles)
        g_ptr_array_unref(def->consoles);
    if (def->channels)
        g_ptr_array_unref(def->channels);
    if (def->inputs)
        g_ptr_array_unref(def->inputs);
    if (def->graphics)
        g_ptr_array_unref(def->graphics);
    if (def->videos)
        g_ptr_array_unref(def->videos);
    if (def->memories)
        g_ptr_array_unref(def->memories);
    if (def->others)
        g_ptr_array_unref(def->others);
    domx_free(def->trailing);
    g_free(def);
}

static DomDef *
domdef_new(void)
{
    DomDef *def = g_new0(DomDef, 1);

    def->os_boot_devs = g_ptr_array_new_with_free_func(g_free);
    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_disk_free);
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_controller_free);
    def->nets = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_net_free);
    def->serials = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_chr_free);
    def->parallels = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_chr_free);
    def->consoles = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_chr_free);
    def->channels = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_chr_free);
    def->inputs = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_input_free);
    def->graphics = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_graphics_free);
    def->videos = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_video_free);
    def->memories = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_memory_free);
    def->others = g_ptr_array_new_with_free_func((GDestroyNotify)domdef_generic_free);
    def->on_poweroff = DOM_LIFECYCLE_DESTROY;
    def->on_reboot = DOM_LIFECYCLE_RESTART;
    def->on_crash = DOM_LIFECYCLE_DESTROY;
    return def;
}

/* ---- parsing ---- */

static char *
domdef_take_text(DomXNode *node, const char *name)
{
    g_autoptr(DomXNode) c = domx_take_one(node, name);

    if (!c)
        return NULL;
    return g_strdup(c->text ? c->text : "");
}

static bool
domdef_parse_scaled(DomXNode *node, const char *what, unsigned long long *ret_kib, GError **error)
{
    g_autofree char *unit = domx_take_attr(node, "unit");

    return domdef_scale_kib(node->text, unit, what, ret_kib, error);
}

static bool
domdef_parse_memory(DomDef *def, DomXNode *root, GError **error)
{
    g_autoptr(DomXNode) max = domx_take_one(root, "maxMemory");
    g_autoptr(DomXNode) mem = domx_take_one(root, "memory");
    g_autoptr(DomXNode) cur = domx_take_one(root, "currentMemory");
    g_autoptr(DomXNode) tune = domx_take_one(root, "memtune");

    if (max) {
        g_autofree char *slots = domx_take_attr(max, "slots");

        if (!domdef_parse_scaled(max, "./maxMemory[1]", &def->hotplug_memory_kib, error))
            return false;
        if (slots) {
            guint64 n;

            if (!g_ascii_string_to_unsigned(slots, 10, 0, G_MAXUINT, &n, NULL)) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "Invalid value '%s' for attribute 'slots' of element 'maxMemory'",
                            slots);
                return false;
            }
            def->memory_slots = (unsigned int)n;
        }
    }
    if (mem) {
        g_autofree char *dump = domx_take_attr(mem, "dumpCore");

        if (!domdef_parse_scaled(mem, "./memory[1]", &def->max_memory_kib, error))
            return false;
        if (dump) {
            if (strcmp(dump, "on") == 0) {
                def->dump_core = XML_TRISTATE_YES;
            } else if (strcmp(dump, "off") == 0) {
                def->dump_core = XML_TRISTATE_NO;
            } else {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "Invalid memory core dump attribute value '%s'", dump);
                return false;
            }
        }
    }
    if (cur && !domdef_parse_scaled(cur, "./currentMemory[1]", &def->cur_memory_kib, error))
        return false;
    if (tune) {
        static const char *const names[] = { "hard_limit", "soft_limit", "swap_hard_limit",
                                             "min_guarantee", NULL };
        unsigned long long *vals[] = { &def->hard_limit_kib, &def->soft_limit_kib,
                                       &def->swap_hard_limit_kib, &def->min_guarantee_kib };
        bool *has[] = { &def->has_hard_limit, &def->has_soft_limit, &def->has_swap_hard_limit,
                        &def->has_min_guarantee };

        for (int i = 0; names[i]; i++) {
            g_autoptr(DomXNode) c = domx_take_one(tune, names[i]);
            g_autofree char *what = g_strdup_printf("./memtune/%s[1]", names[i]);

            if (!c)
                continue;
            if (!domdef_parse_scaled(c, what, vals[i], error))
                return false;
            /* libvirt's "unlimited" (2^53-1 KiB) and anything above it
             * means no limit, which is not written back. */
            *has[i] = *vals[i] < 9007199254740991ULL;
        }
    }
    return true;
}

static bool
domdef_parse_vcpu(DomDef *def, DomXNode *root, GError **error)
{
    g_autoptr(DomXNode) vcpu = domx_take_one(root, "vcpu");
    g_autofree char *iothreads = domdef_take_text(root, "iothreads");
    g_autoptr(DomXNode) tune = domx_take_one(root, "cputune");
    g_autoptr(DomXNode) numa = domx_take_one(root, "numatune");
    guint64 n;

    def->vcpus_max = 1;
    if (vcpu) {
        g_autofree char *placement = domx_take_attr(vcpu, "placement");
        g_autofree char *cpuset = domx_take_attr(vcpu, "cpuset");
        g_autofree char *current = domx_take_attr(vcpu, "current");
        g_autofree char *text = g_strstrip(g_strdup(vcpu->text ? vcpu->text : ""));

        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &n, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "maximum vcpus count must be an integer");
            return false;
        }
        def->vcpus_max = (unsigned int)n;
        def->vcpus_current = def->vcpus_max;
        if (current) {
            if (!g_ascii_string_to_unsigned(current, 10, 0, G_MAXUINT, &n, NULL)) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "current vcpus count must be an integer");
                return false;
            }
            def->vcpus_current = (unsigned int)n;
        }
        if (placement && strcmp(placement, "auto") == 0) {
            def->placement_auto = true;
        } else if (placement && strcmp(placement, "static") != 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "Invalid value for attribute 'placement' in element 'vcpu': '%s'.",
                        placement);
            return false;
        }
        if (cpuset && !def->placement_auto &&
            !domdef_bitmap_normalise(cpuset, &def->cpuset, NULL, error))
            return false;
    } else {
        def->vcpus_current = 1;
    }
    def->vcpus_detail = domx_take_one(root, "vcpus");
    if (iothreads) {
        if (!g_ascii_string_to_unsigned(g_strstrip(iothreads), 10, 0, G_MAXUINT, &n, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "invalid iothreads count '%s'",
                        iothreads);
            return false;
        }
        def->iothreads = (unsigned int)n;
    }
    def->iothreadids = domx_take_one(root, "iothreadids");

    if (tune) {
        static const char *const order[] = {
            "shares",         "period",          "quota",
            "global_period",  "global_quota",    "emulator_period",
            "emulator_quota", "iothread_period", "iothread_quota",
            "vcpupin",        "emulatorpin",     "iothreadpin",
            "emulatorsched",  "vcpusched",       "iothreadsched",
            "cachetune",      "memorytune",      NULL,
        };
        DomXNode *out = domx_new("cputune");

        def->cputune = out;
        for (int i = 0; order[i]; i++) {
            DomXNode *c;
            /* Owns the copies until they move to @out, so an error frees them. */
            g_autoptr(GPtrArray) sched = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);
            const char *idattr = strcmp(order[i], "vcpusched") == 0 ? "vcpus" : "iothreads";

            while ((c = domx_take_child(tune, order[i]))) {
                if (!domdef_normalise_bitmap_attr(c, "cpuset", error)) {
                    domx_free(c);
                    return false;
                }
                if (strcmp(order[i], "vcpusched") == 0 || strcmp(order[i], "iothreadsched") == 0) {
                    g_autoptr(GArray) ids = NULL;
                    g_autoptr(DomXNode) owned G_GNUC_UNUSED = c; /* frees c on every exit */

                    if (!domdef_bitmap_normalise(domx_attr(c, idattr), NULL, &ids, error))
                        return false;
                    /* One entry per id, as libvirt keeps them per vCPU/thread. */
                    for (guint j = 0; j < ids->len; j++) {
                        DomXNode *e = domx_copy(c);

                        domx_set_attrf(e, idattr, "%u", g_array_index(ids, unsigned int, j));
                        g_ptr_array_add(sched, e);
                    }
                } else {
                    domx_add_child(out, c);
                }
            }
            /* By id (a stable sort: entries for one id keep their order);
             * the first entry for an id wins, as in libvirt. */
            g_ptr_array_sort_with_data(sched, domx_compare_uint_attr, (gpointer)idattr);
            for (guint j = 0; j < sched->len; j++) {
                DomXNode *e = sched->pdata[j];

                if (j > 0 &&
                    strcmp(domx_attr(sched->pdata[j - 1], idattr), domx_attr(e, idattr)) == 0)
                    continue;
                domx_add_child(out, domx_copy(e));
            }
        }
        /* vcpupin/iothreadpin are kept per id in id order. */
        if (out->children->len == 0) {
            domx_free(out);
            def->cputune = NULL;
        }
    }

    if (numa) {
        DomXNode *out = domx_new("numatune");
        DomXNode *c;
        /* Owns the <memnode>s until they move to @out, so an error frees them. */
        g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);

        def->numatune = out;
        if ((c = domx_take_one(numa, "memory"))) {
            if (!domx_attr(c, "mode"))
                domx_set_attr(c, "mode", "strict");
            if (!domdef_normalise_bitmap_attr(c, "nodeset", error)) {
                domx_free(c);
                return false;
            }
            if (domx_attr(c, "nodeset")) {
                g_free(domx_take_attr(c, "placement"));
            }
            domx_add_child(out, c);
        }
        while ((c = domx_take_child(numa, "memnode"))) {
            if (!domx_attr(c, "mode"))
                domx_set_attr(c, "mode", "strict");
            if (!domdef_normalise_bitmap_attr(c, "nodeset", error)) {
                domx_free(c);
                return false;
            }
            g_ptr_array_add(nodes, c);
        }
        g_ptr_array_sort_with_data(nodes, domx_compare_uint_attr, (gpointer) "cellid");
        while (nodes->len > 0)
            domx_add_child(out, g_ptr_array_steal_index(nodes, 0));
    }
    return true;
}

static bool
domdef_parse_os(DomDef *def, DomXNode *root, GError **error)
{
    g_autoptr(DomXNode) os = domx_take_one(root, "os");
    g_autoptr(DomXNode) type = NULL;
    DomXNode *c;

    def->bootloader = domdef_take_text(root, "bootloader");
    def->bootloader_args = domdef_take_text(root, "bootloader_args");
    if (!os || !(type = domx_take_one(os, "type"))) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_OS_TYPE, "An os <type> must be specified");
        return false;
    }
    def->os_type = g_strstrip(g_strdup(type->text ? type->text : ""));
    if (domdef_enum_lookup((const char *const[]){ "hvm", "xen", "linux", "exe", "uml", NULL },
                           def->os_type) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_OS_TYPE, "unknown OS type '%s'", def->os_type);
        return false;
    }
    def->os_arch = domx_take_attr(type, "arch");
    def->os_machine = domx_take_attr(type, "machine");
    def->os_firmware = domx_take_attr(os, "firmware");
    if (def->os_firmware && strcmp(def->os_firmware, "bios") != 0 &&
        strcmp(def->os_firmware, "efi") != 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Invalid value for attribute 'firmware' in element 'os': '%s'.",
                    def->os_firmware);
        return false;
    }
    def->os_firmware_info = domx_take_one(os, "firmware");
    def->os_loader = domx_take_one(os, "loader");
    def->os_nvram = domx_take_one(os, "nvram");
    def->os_kernel = domdef_take_text(os, "kernel");
    def->os_initrd = domdef_take_text(os, "initrd");
    def->os_cmdline = domdef_take_text(os, "cmdline");
    def->os_dtb = domdef_take_text(os, "dtb");
    def->os_root = domdef_take_text(os, "root");
    while ((c = domx_take_child(os, "boot"))) {
        g_autoptr(DomXNode) owned G_GNUC_UNUSED = c; /* frees c on every exit */
        g_autofree char *dev = domx_take_attr(c, "dev");

        if (!dev) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "missing boot device");
            return false;
        }
        if (domdef_enum_lookup(domdef_boot_devs, dev) < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "unknown boot device '%s'",
                        dev);
            return false;
        }
        /* libvirt keeps at most 4 boot devices. */
        if (def->os_boot_devs->len < 4)
            g_ptr_array_add(def->os_boot_devs, g_steal_pointer(&dev));
    }
    def->os_bootmenu = domx_take_one(os, "bootmenu");
    def->os_smbios = domx_take_one(os, "smbios");
    def->os_bios = domx_take_one(os, "bios");
    def->os_extra = g_steal_pointer(&os);
    return true;
}

static bool
domdef_parse_features(DomDef *def, DomXNode *root, GError **error)
{
    g_autoptr(DomXNode) feat = domx_take_one(root, "features");
    DomXNode *out;

    if (!feat)
        return true;
    for (guint i = 0; i < feat->children->len; i++) {
        const DomXNode *c = feat->children->pdata[i];

        if (domdef_enum_lookup(domdef_feature_names, c->name) < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "unexpected feature '%s'", c->name);
            return false;
        }
    }
    out = domx_new("features");
    def->features = out;
    for (int i = 0; domdef_feature_names[i]; i++) {
        DomXNode *c = domx_take_one(feat, domdef_feature_names[i]);

        if (!c)
            continue;
        if (domdef_enum_lookup(domdef_state_features, c->name) >= 0) {
            const char *state = domx_attr(c, "state");

            if (!state) {
                domx_set_attr(c, "state", "on");
            } else if (strcmp(state, "on") != 0 && strcmp(state, "off") != 0) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "Invalid value for attribute 'state' in element '%s': '%s'.", c->name,
                            state);
                domx_free(c);
                return false;
            }
        }
        if (strcmp(c->name, "hyperv") == 0 && !domx_attr(c, "mode"))
            domx_set_attr(c, "mode", "custom");
        domx_add_child(out, c);
    }
    return true;
}

/* <cpu>: kept as given, with the defaults libvirt fills in and NUMA cell
 * sizes in KiB; the cell count and total matter to memory checks. */
static bool
domdef_parse_cpu(DomDef *def, DomXNode *root, GError **error)
{
    DomXNode *cpu = domx_take_one(root, "cpu");
    DomXNode *topo, *numa;

    def->cpu = cpu;
    if (!cpu)
        return true;
    if ((topo = domx_child(cpu, "topology")) && !domx_attr(topo, "dies")) {
        /* libvirt writes dies right after sockets; attribute order is free. */
        domx_set_attr(topo, "dies", "1");
    }
    if (domx_child(cpu, "model") && !domx_attr(cpu, "mode") && !domx_attr(cpu, "match"))
        domx_set_attr(cpu, "match", "exact");
    if ((numa = domx_child(cpu, "numa"))) {
        for (guint i = 0; i < numa->children->len; i++) {
            DomXNode *cell = numa->children->pdata[i];
            g_autofree char *unit = NULL, *mem = NULL;
            unsigned long long kib = 0;

            if (strcmp(cell->name, "cell") != 0)
                continue;
            unit = domx_take_attr(cell, "unit");
            mem = domx_take_attr(cell, "memory");
            if (!mem) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "Missing 'memory' attribute in NUMA topology cell");
                return false;
            }
            if (!domdef_scale_kib(mem, unit, "./cpu/numa/cell/@memory", &kib, error))
                return false;
            domx_set_attrf(cell, "memory", "%llu", kib);
            domx_set_attr(cell, "unit", "KiB");
            if (!domdef_normalise_bitmap_attr(cell, "cpus", error))
                return false;
            def->numa_cells++;
            def->numa_memory_kib += kib;
        }
    }
    return true;
}

static bool
domdef_parse_lifecycle(DomXNode *root, const char *name, bool crash, DomLifecycleAction *ret,
                       GError **error)
{
    g_autofree char *text = domdef_take_text(root, name);
    int v;

    if (!text)
        return true;
    g_strstrip(text);
    v = domdef_enum_lookup(domdef_lifecycle_names, text);
    if (v < 0 ||
        (!crash && (v == DOM_LIFECYCLE_COREDUMP_DESTROY || v == DOM_LIFECYCLE_COREDUMP_RESTART))) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "unknown %s action: %s", name, text);
        return false;
    }
    *ret = (DomLifecycleAction)v;
    return true;
}

static bool
domdef_parse_devices(DomDef *def, DomXNode *root, unsigned int flags, GError **error)
{
    g_autoptr(DomXNode) devs = domx_take_one(root, "devices");

    if (!devs)
        return true;
    def->emulator = domdef_take_text(devs, "emulator");
    if (def->emulator)
        g_strstrip(def->emulator);
    for (guint i = 0; i < devs->children->len; i++) {
        DomXNode *c = devs->children->pdata[i];
        const char *n = c->name;

        if (strcmp(n, "disk") == 0) {
            DomDisk *d = domdef_disk_parse(c, flags, error);

            if (!d)
                return false;
            domdef_disk_insert(def->disks, d);
        } else if (strcmp(n, "controller") == 0) {
            DomController *d = domdef_controller_parse(c, error);

            if (!d)
                return false;
            g_ptr_array_add(def->controllers, d);
        } else if (strcmp(n, "interface") == 0) {
            DomNet *d = domdef_net_parse(c, flags, error);

            if (!d)
                return false;
            g_ptr_array_add(def->nets, d);
        } else if (strcmp(n, "graphics") == 0) {
            DomGraphics *d = domdef_graphics_parse(c, flags, error);

            if (!d)
                return false;
            g_ptr_array_add(def->graphics, d);
        } else if (strcmp(n, "video") == 0) {
            DomVideo *d = domdef_video_parse(c, error);

            if (!d)
                return false;
            g_ptr_array_add(def->videos, d);
        } else if (strcmp(n, "input") == 0) {
            DomInput *d = domdef_input_parse(c, def, error);

            if (!d)
                return false;
            g_ptr_array_add(def->inputs, d);
        } else if (strcmp(n, "memory") == 0) {
            DomMemory *d = domdef_memory_parse(c, error);

            if (!d)
                return false;
            g_ptr_array_add(def->memories, d);
        } else if (strcmp(n, "serial") == 0 || strcmp(n, "parallel") == 0 ||
                   strcmp(n, "console") == 0 || strcmp(n, "channel") == 0) {
            DomChrDeviceType t = n[0] == 's'   ? DOM_CHR_DEV_SERIAL
                                 : n[0] == 'p' ? DOM_CHR_DEV_PARALLEL
                                 : n[1] == 'o' ? DOM_CHR_DEV_CONSOLE
                                               : DOM_CHR_DEV_CHANNEL;
            DomChr *d = domdef_chr_parse(c, t, flags, error);
            GPtrArray *arrays[] = { def->serials, def->parallels, def->consoles, def->channels };

            if (!d)
                return false;
            g_ptr_array_add(arrays[t], d);
        } else if (domdef_device_order(n) >= 0) {
            DomGenericDevice *d = domdef_generic_parse(c, error);

            if (!d)
                return false;
            g_ptr_array_add(def->others, d);
        }
        /* Unknown device elements are ignored, as libvirt does. */
    }
    return true;
}

static DomDef *
domdef_parse_root(DomXNode *root, unsigned int flags, GError **error)
{
    g_autoptr(DomDef) def = domdef_new();
    g_autofree char *uuid = NULL;
    g_autofree char *id = NULL;
    g_autoptr(DomXNode) clock = NULL;

    def->virt_type = domx_take_attr(root, "type");
    id = domx_take_attr(root, "id");
    if (!def->virt_type) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "missing domain type attribute");
        return NULL;
    }
    if (domdef_enum_lookup(domdef_virt_types, def->virt_type) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "invalid domain type %s",
                    def->virt_type);
        return NULL;
    }
    def->name = domdef_take_text(root, "name");
    if (def->name)
        g_strstrip(def->name);
    if (!def->name || !*def->name) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_NO_NAME, "missing name information");
        return NULL;
    }
    uuid = domdef_take_text(root, "uuid");
    if (uuid) {
        if (!uuid_parse(uuid, def->uuid)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "malformed uuid element");
            return NULL;
        }
    } else {
        uuid_generate(def->uuid);
    }
    def->genid = domx_take_one(root, "genid");
    def->title = domdef_take_text(root, "title");
    if (def->title && strchr(def->title, '\n')) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "Domain title can't contain newlines");
        return NULL;
    }
    def->description = domdef_take_text(root, "description");
    def->metadata = domx_take_one(root, "metadata");
    if (!domdef_parse_memory(def, root, error))
        return NULL;
    def->blkiotune = domx_take_one(root, "blkiotune");
    def->memory_backing = domx_take_one(root, "memoryBacking");
    if (!domdef_parse_vcpu(def, root, error))
        return NULL;
    def->resource = domx_take_one(root, "resource");
    def->sysinfo = domx_take_one(root, "sysinfo");
    if (!domdef_parse_os(def, root, error) || !domdef_parse_features(def, root, error) ||
        !domdef_parse_cpu(def, root, error))
        return NULL;

    clock = domx_take_one(root, "clock");
    if (clock) {
        g_autofree char *offset = domx_take_attr(clock, "offset");
        int v = offset ? domdef_enum_lookup(domdef_clock_names, offset) : DOM_CLOCK_UTC;

        if (v < 0) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "unknown clock offset '%s'",
                        offset);
            return NULL;
        }
        def->clock_offset = (DomClockOffset)v;
        def->clock = g_steal_pointer(&clock);
    }
    if (!domdef_parse_lifecycle(root, "on_poweroff", false, &def->on_poweroff, error) ||
        !domdef_parse_lifecycle(root, "on_reboot", false, &def->on_reboot, error) ||
        !domdef_parse_lifecycle(root, "on_crash", true, &def->on_crash, error))
        return NULL;
    def->on_lockfailure = domdef_take_text(root, "on_lockfailure");
    def->pm = domx_take_one(root, "pm");
    def->perf = domx_take_one(root, "perf");
    if (!domdef_parse_devices(def, root, flags, error))
        return NULL;
    /* What is left: seclabel, keywrap, launchSecurity, namespaced extensions. */
    def->trailing = domx_new("domain");
    for (guint i = 0; i < root->children->len; i++) {
        const DomXNode *c = root->children->pdata[i];
        static const char *const kept[] = { "seclabel", "keywrap", "launchSecurity", "idmap",
                                            NULL };

        if (domdef_enum_lookup(kept, c->name) >= 0 || strchr(c->name, ':'))
            domx_add_child(def->trailing, domx_copy(c));
    }
    /* Namespace declarations for those extensions stay on <domain>. */
    for (guint i = 0; i < root->attrs->len; i++) {
        const DomXAttr *a = root->attrs->pdata[i];

        if (g_str_has_prefix(a->name, "xmlns"))
            domx_set_attr(def->trailing, a->name, a->value);
    }
    if (!domdef_post_parse(def, flags, error))
        return NULL;
    return g_steal_pointer(&def);
}

DomDef *
domdef_parse_string(const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(xmlDoc) doc =
        xml_parse_string(xml, "domain_definition", "domain", DOMDEF_ERROR, error);
    g_autoptr(DomXNode) root = NULL;
    g_autoptr(DomDef) def = NULL;

    if (!doc)
        return NULL;
    if ((flags & DOMDEF_PARSE_VALIDATE) &&
        !xml_validate_schema(doc, "domain.rng", DOMDEF_ERROR, error))
        return NULL;
    root = domx_from_xml(xmlDocGetRootElement(doc));
    if (!(def = domdef_parse_root(root, flags, error)))
        return NULL;
    if (!domdef_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- formatting ---- */

static void
domdef_format_text_element(Buf *buf, const char *name, const char *text)
{
    DomXNode n = { .name = (char *)name, .text = (char *)text };
    g_autoptr(GPtrArray) attrs = g_ptr_array_new();
    g_autoptr(GPtrArray) children = g_ptr_array_new();

    if (!text)
        return;
    n.attrs = attrs;
    n.children = children;
    if (!*text) {
        buf_addf(buf, "<%s></%s>\n", name, name);
        return;
    }
    domx_format(buf, &n);
}

static void
domdef_format_memory(Buf *buf, const DomDef *def)
{
    if (def->hotplug_memory_kib)
        buf_addf(buf, "<maxMemory slots='%u' unit='KiB'>%llu</maxMemory>\n", def->memory_slots,
                 def->hotplug_memory_kib);
    buf_add(buf, "<memory unit='KiB'");
    if (def->dump_core != XML_TRISTATE_ABSENT)
        buf_add_attr(buf, "dumpCore", "%s", xml_tristate_onoff(def->dump_core));
    buf_addf(buf, ">%llu</memory>\n", def->max_memory_kib);
    buf_addf(buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n", def->cur_memory_kib);
    domx_format(buf, def->blkiotune);
    if (def->has_hard_limit || def->has_soft_limit || def->has_min_guarantee ||
        def->has_swap_hard_limit) {
        buf_add(buf, "<memtune>\n");
        buf_adjust_indent(buf, 2);
        if (def->has_hard_limit)
            buf_addf(buf, "<hard_limit unit='KiB'>%llu</hard_limit>\n", def->hard_limit_kib);
        if (def->has_soft_limit)
            buf_addf(buf, "<soft_limit unit='KiB'>%llu</soft_limit>\n", def->soft_limit_kib);
        if (def->has_min_guarantee)
            buf_addf(buf, "<min_guarantee unit='KiB'>%llu</min_guarantee>\n",
                     def->min_guarantee_kib);
        if (def->has_swap_hard_limit)
            buf_addf(buf, "<swap_hard_limit unit='KiB'>%llu</swap_hard_limit>\n",
                     def->swap_hard_limit_kib);
        buf_adjust_indent(buf, -2);
        buf_add(buf, "</memtune>\n");
    }
    domx_format(buf, def->memory_backing);
}

static void
domdef_format_os(Buf *buf, const DomDef *def)
{
    if (def->bootloader)
        domdef_format_text_element(buf, "bootloader", def->bootloader);
    if (def->bootloader_args)
        domdef_format_text_element(buf, "bootloader_args", def->bootloader_args);
    buf_add(buf, "<os");
    if (def->os_firmware)
        buf_add_attr(buf, "firmware", "%s", def->os_firmware);
    domx_format_attrs(buf, def->os_extra);
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    buf_add(buf, "<type");
    if (def->os_arch)
        buf_add_attr(buf, "arch", "%s", def->os_arch);
    if (def->os_machine)
        buf_add_attr(buf, "machine", "%s", def->os_machine);
    buf_add(buf, ">");
    buf_add_escaped(buf, def->os_type);
    buf_add(buf, "</type>\n");
    domx_format(buf, def->os_firmware_info);
    domx_format(buf, def->os_loader);
    domx_format(buf, def->os_nvram);
    domdef_format_text_element(buf, "kernel", def->os_kernel);
    domdef_format_text_element(buf, "initrd", def->os_initrd);
    domdef_format_text_element(buf, "cmdline", def->os_cmdline);
    domdef_format_text_element(buf, "dtb", def->os_dtb);
    domdef_format_text_element(buf, "root", def->os_root);
    domx_format_children(buf, def->os_extra);
    for (guint i = 0; i < def->os_boot_devs->len; i++) {
        buf_add(buf, "<boot");
        buf_add_attr(buf, "dev", "%s", (const char *)def->os_boot_devs->pdata[i]);
        buf_add(buf, "/>\n");
    }
    domx_format(buf, def->os_bootmenu);
    domx_format(buf, def->os_smbios);
    domx_format(buf, def->os_bios);
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</os>\n");
}

static void
domdef_format_devices(Buf *buf, const DomDef *def, unsigned int flags)
{
    buf_add(buf, "<devices>\n");
    buf_adjust_indent(buf, 2);
    if (def->emulator)
        domdef_format_text_element(buf, "emulator", def->emulator);
    for (int o = 0; domdef_device_names[o]; o++) {
        const char *n = domdef_device_names[o];

        if (strcmp(n, "disk") == 0) {
            for (guint i = 0; i < def->disks->len; i++)
                domdef_disk_format(buf, def->disks->pdata[i], flags);
        } else if (strcmp(n, "controller") == 0) {
            for (guint i = 0; i < def->controllers->len; i++)
                domdef_controller_format(buf, def->controllers->pdata[i], flags);
        } else if (strcmp(n, "interface") == 0) {
            for (guint i = 0; i < def->nets->len; i++)
                domdef_net_format(buf, def->nets->pdata[i], flags);
        } else if (strcmp(n, "serial") == 0 || strcmp(n, "parallel") == 0 ||
                   strcmp(n, "console") == 0 || strcmp(n, "channel") == 0) {
            GPtrArray *a = n[0] == 's'   ? def->serials
                           : n[0] == 'p' ? def->parallels
                           : n[1] == 'o' ? def->consoles
                                         : def->channels;

            for (guint i = 0; i < a->len; i++)
                domdef_chr_format(buf, a->pdata[i], flags);
        } else if (strcmp(n, "input") == 0) {
            for (guint i = 0; i < def->inputs->len; i++)
                domdef_input_format(buf, def->inputs->pdata[i], flags);
        } else if (strcmp(n, "graphics") == 0) {
            for (guint i = 0; i < def->graphics->len; i++)
                domdef_graphics_format(buf, def->graphics->pdata[i], flags);
        } else if (strcmp(n, "video") == 0) {
            for (guint i = 0; i < def->videos->len; i++)
                domdef_video_format(buf, def->videos->pdata[i], flags);
        } else if (strcmp(n, "memory") == 0) {
            for (guint i = 0; i < def->memories->len; i++)
                domdef_memory_format(buf, def->memories->pdata[i], flags);
        } else {
            for (guint i = 0; i < def->others->len; i++) {
                const DomGenericDevice *d = def->others->pdata[i];

                if (strcmp(d->node->name, n) == 0)
                    domdef_generic_format(buf, d, flags);
            }
        }
    }
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</devices>\n");
}

char *
domdef_format(const DomDef *def, int id, unsigned int flags, GError **error)
{
    g_autoptr(Buf) buf = buf_new();
    char uuid[UUID_STRING_LEN];

    buf_add(buf, "<domain");
    buf_add_attr(buf, "type", "%s", def->virt_type);
    if (id > 0)
        buf_add_attr(buf, "id", "%d", id);
    domx_format_attrs(buf, def->trailing);
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    domdef_format_text_element(buf, "name", def->name);
    uuid_format(def->uuid, uuid);
    buf_addf(buf, "<uuid>%s</uuid>\n", uuid);
    domx_format(buf, def->genid);
    domdef_format_text_element(buf, "title", def->title);
    domdef_format_text_element(buf, "description", def->description);
    domx_format(buf, def->metadata);
    domdef_format_memory(buf, def);

    buf_add(buf, "<vcpu");
    buf_add_attr(buf, "placement", "%s", def->placement_auto ? "auto" : "static");
    if (def->cpuset)
        buf_add_attr(buf, "cpuset", "%s", def->cpuset);
    if (def->vcpus_current != def->vcpus_max)
        buf_add_attr(buf, "current", "%u", def->vcpus_current);
    buf_addf(buf, ">%u</vcpu>\n", def->vcpus_max);
    domx_format(buf, def->vcpus_detail);
    if (def->iothreads)
        buf_addf(buf, "<iothreads>%u</iothreads>\n", def->iothreads);
    domx_format(buf, def->iothreadids);
    domx_format(buf, def->cputune);
    domx_format(buf, def->numatune);
    domx_format(buf, def->resource);
    domx_format(buf, def->sysinfo);
    domdef_format_os(buf, def);
    if (def->trailing) {
        const DomXNode *idmap = domx_child(def->trailing, "idmap");

        domx_format(buf, idmap);
    }
    if (def->features && def->features->children->len)
        domx_format(buf, def->features);
    domx_format(buf, def->cpu);

    buf_add(buf, "<clock");
    buf_add_attr(buf, "offset", "%s", domdef_clock_names[def->clock_offset]);
    domx_format_attrs(buf, def->clock);
    if (def->clock && def->clock->children->len) {
        buf_add(buf, ">\n");
        buf_adjust_indent(buf, 2);
        domx_format_children(buf, def->clock);
        buf_adjust_indent(buf, -2);
        buf_add(buf, "</clock>\n");
    } else {
        buf_add(buf, "/>\n");
    }
    buf_addf(buf, "<on_poweroff>%s</on_poweroff>\n", domdef_lifecycle_names[def->on_poweroff]);
    buf_addf(buf, "<on_reboot>%s</on_reboot>\n", domdef_lifecycle_names[def->on_reboot]);
    buf_addf(buf, "<on_crash>%s</on_crash>\n", domdef_lifecycle_names[def->on_crash]);
    domdef_format_text_element(buf, "on_lockfailure", def->on_lockfailure);
    domx_format(buf, def->pm);
    domx_format(buf, def->perf);
    domdef_format_devices(buf, def, flags);
    for (guint i = 0; def->trailing && i < def->trailing->children->len; i++) {
        const DomXNode *c = def->trailing->children->pdata[i];

        if (strcmp(c->name, "idmap") != 0)
            domx_format(buf, c);
    }
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</domain>\n");
    return buf_steal(buf);
}

DomDef *
domdef_copy(const DomDef *def)
{
    /* As libvirt's virDomainDefCopy: write everything (live values and
     * secrets included) and read it back. */
    g_autofree char *xml = domdef_format(def, 0, DOMDEF_FORMAT_SECURE, NULL);
    g_autoptr(GError) err = NULL;
    DomDef *copy;

    copy = domdef_parse_string(xml, 0, &err);
    if (!copy)
        g_error("domdef_copy: cannot read back own XML: %s", err->message);
    return copy;
}
