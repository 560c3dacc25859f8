/*
 * domdef-validate.c: defaults libvirt fills in after parsing, and the
 * semantic checks of domdef_validate()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "conf/domdef-priv.h"

static bool
domdef_has_device_boot(const DomDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        if (((DomDisk *)def->disks->pdata[i])->info.boot_order)
            return true;
    }
    for (guint i = 0; i < def->nets->len; i++) {
        if (((DomNet *)def->nets->pdata[i])->info.boot_order)
            return true;
    }
    for (guint i = 0; i < def->others->len; i++) {
        if (((DomGenericDevice *)def->others->pdata[i])->info.boot_order)
            return true;
    }
    return false;
}

static void
domdef_assign_controller_indexes(DomDef *def)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        DomController *c = def->controllers->pdata[i];
        int idx = 0;
        bool used;

        if (c->index >= 0)
            continue;
        /* The lowest index not taken by a controller of the same type. */
        do {
            used = false;
            for (guint j = 0; j < def->controllers->len; j++) {
                const DomController *o = def->controllers->pdata[j];

                if (o != c && o->index == idx && strcmp(o->type, c->type) == 0)
                    used = true;
            }
            if (used)
                idx++;
        } while (used);
        c->index = idx;
    }
}

static void
domdef_assign_chr_ports(GPtrArray *chrs)
{
    int max = -1;

    for (guint i = 0; i < chrs->len; i++)
        max = MAX(max, ((DomChr *)chrs->pdata[i])->target_port);
    for (guint i = 0; i < chrs->len; i++) {
        DomChr *c = chrs->pdata[i];

        if (c->target_port < 0)
            c->target_port = ++max;
    }
}

/* Replaces @dst's host side with a copy of @src's. */
static void
domdef_chr_copy_source(DomChr *dst, const DomChr *src)
{
    DomChr *copy = domdef_chr_copy(src);

    domdef_chr_source_clear(&dst->src);
    dst->src = copy->src;
    memset(&copy->src, 0, sizeof(copy->src));
    domdef_chr_free(copy);
}

/* libvirt keeps the first console of an HVM guest in step with the first
 * serial port (virDomainDefAddConsoleCompat). */
static void
domdef_console_compat(DomDef *def)
{
    DomChr *serial, *console;

    if (!def->os_type || strcmp(def->os_type, "hvm") != 0) {
        for (guint i = 0; i < def->consoles->len; i++) {
            DomChr *c = def->consoles->pdata[i];

            if (!c->target_type)
                c->target_type = g_strdup(strcmp(def->os_type, "xen") == 0 ? "xen" : "serial");
        }
        return;
    }
    if (def->serials->len == 0 && def->consoles->len > 0) {
        console = def->consoles->pdata[0];
        if (!console->target_type || strcmp(console->target_type, "serial") == 0) {
            serial = domdef_chr_copy(console);
            serial->devtype = DOM_CHR_DEV_SERIAL;
            g_clear_pointer(&serial->target_type, g_free);
            domdef_info_clear(&serial->info);
            serial->info.extra = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);
            if (serial->target_port < 0)
                serial->target_port = 0;
            g_ptr_array_add(def->serials, serial);
        }
    }
    if (def->serials->len == 0)
        goto done;
    serial = def->serials->pdata[0];
    if (def->consoles->len == 0) {
        console = domdef_chr_copy(serial);
        console->devtype = DOM_CHR_DEV_CONSOLE;
        domdef_info_clear(&console->info);
        console->info.extra = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);
        g_free(console->target_type);
        console->target_type = g_strdup("serial");
        domx_free(console->target);
        console->target = NULL;
        g_ptr_array_add(def->consoles, console);
        return;
    }
    console = def->consoles->pdata[0];
    if (!console->target_type || strcmp(console->target_type, "serial") == 0) {
        g_free(console->target_type);
        console->target_type = g_strdup("serial");
        console->target_port = serial->target_port;
        domdef_chr_copy_source(console, serial);
    } else {
        console = domdef_chr_copy(serial);
        console->devtype = DOM_CHR_DEV_CONSOLE;
        domdef_info_clear(&console->info);
        console->info.extra = g_ptr_array_new_with_free_func((GDestroyNotify)domx_free);
        g_free(console->target_type);
        console->target_type = g_strdup("serial");
        domx_free(console->target);
        console->target = NULL;
        g_ptr_array_insert(def->consoles, 0, console);
    }
done:
    for (guint i = 0; i < def->consoles->len; i++) {
        DomChr *c = def->consoles->pdata[i];

        if (!c->target_type)
            c->target_type = g_strdup("serial");
        if (c->target_port < 0)
            c->target_port = 0;
    }
}

bool
domdef_post_parse(DomDef *def, unsigned int flags, GError **error)
{
    unsigned long long dimms = 0;

    for (guint i = 0; i < def->memories->len; i++)
        dimms += ((DomMemory *)def->memories->pdata[i])->size_kib;
    /* With NUMA cells the guest's memory is what the cells and memory
     * devices add up to. */
    if (def->numa_cells > 0)
        def->max_memory_kib = def->numa_memory_kib + dimms;
    if (def->cur_memory_kib == 0 || def->cur_memory_kib > def->max_memory_kib)
        def->cur_memory_kib = def->max_memory_kib;

    if (!def->os_arch)
        def->os_arch = g_strdup("i686");
    if (def->os_type && strcmp(def->os_type, "hvm") == 0 && def->os_boot_devs->len == 0 &&
        !domdef_has_device_boot(def))
        g_ptr_array_add(def->os_boot_devs, g_strdup("hd"));

    domdef_assign_controller_indexes(def);
    for (guint i = 0; i < def->disks->len; i++) {
        if (!domdef_disk_assign_address(def->disks->pdata[i], error))
            return false;
    }
    domdef_assign_chr_ports(def->serials);
    domdef_assign_chr_ports(def->parallels);
    domdef_console_compat(def);

    /* A guest with a display but no video card gets libvirt's implicit one,
     * so what a client sees matches what the guest will have. */
    if (def->graphics->len > 0 && def->videos->len == 0) {
        DomVideo *video = g_new0(DomVideo, 1);

        video->model = g_strdup("cirrus");
        video->vram = 16384;
        video->heads = 1;
        g_ptr_array_add(def->videos, video);
    }

    /* The primary video card comes first and is flagged so. */
    for (guint i = 1; i < def->videos->len; i++) {
        DomVideo *v = def->videos->pdata[i];

        if (v->primary) {
            g_ptr_array_steal_index(def->videos, i);
            g_ptr_array_insert(def->videos, 0, v);
            break;
        }
    }
    for (guint i = 0; i < def->videos->len; i++) {
        DomVideo *v = def->videos->pdata[i];

        v->primary = i == 0 && v->model && strcmp(v->model, "none") != 0;
    }
    (void)flags;
    return true;
}

/* ---- checks ---- */

static bool
domdef_validate_sysinfo(const DomDef *def, GError **error)
{
    const DomXNode *bios = domx_child(def->sysinfo, "bios");

    for (guint i = 0; bios && i < bios->children->len; i++) {
        const DomXNode *e = bios->children->pdata[i];
        const char *name = domx_attr(e, "name");
        char *p;
        long month, day, year;

        if (strcmp(e->name, "entry") != 0 || !name || strcmp(name, "date") != 0 || !e->text)
            continue;
        /* mm/dd/yy or mm/dd/yyyy, as SMBIOS wants. */
        month = strtol(e->text, &p, 10);
        if (*p != '/' || p == e->text)
            goto bad;
        day = strtol(p + 1, &p, 10);
        if (*p != '/')
            goto bad;
        year = strtol(p + 1, &p, 10);
        if (*p != '\0' || month < 1 || month > 12 || day < 1 || day > 31 || year < 0 ||
            (year >= 100 && year < 1900))
            goto bad;
    }
    return true;
bad:
    g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_DETAIL, "Invalid BIOS 'date' format");
    return false;
}

static bool
domdef_validate_disks(const DomDef *def, GError **error)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const DomDisk *a = def->disks->pdata[i];
        unsigned int aa[4];
        bool has_a = domdef_disk_drive_address(a, aa);

        for (guint j = i + 1; j < def->disks->len; j++) {
            const DomDisk *b = def->disks->pdata[j];
            unsigned int ba[4];

            if (strcmp(a->dst, b->dst) == 0) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "target '%s' duplicated for disk sources '%s' and '%s'", a->dst,
                            a->src_path   ? a->src_path
                            : a->src_name ? a->src_name
                                          : "",
                            b->src_path   ? b->src_path
                            : b->src_name ? b->src_name
                                          : "");
                return false;
            }
            if (has_a && a->bus == b->bus && domdef_disk_drive_address(b, ba) &&
                memcmp(aa, ba, sizeof(aa)) == 0) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                            "Found duplicate drive address for disk with target name '%s' "
                            "controller='%u' bus='%u' target='%u' unit='%u'",
                            b->dst, ba[0], ba[1], ba[2], ba[3]);
                return false;
            }
        }
    }
    return true;
}

static bool
domdef_validate_graphics(const DomDef *def, GError **error)
{
    for (guint i = 0; i < def->graphics->len; i++) {
        const DomGraphics *g = def->graphics->pdata[i];
        const char *kind = g->type == DOM_GRAPHICS_SPICE ? "spice" : "vnc";

        if (g->type != DOM_GRAPHICS_VNC && g->type != DOM_GRAPHICS_SPICE)
            continue;
        if (g->port != 0 && (g->port < 5900 || g->port > 65535)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "%s port %d must be in range [5900,65535] or -1 for autoport", kind,
                        g->port);
            return false;
        }
        if (g->tls_port != 0 && (g->tls_port < 5900 || g->tls_port > 65535)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                        "spice tlsPort %d must be in range [5900,65535] or -1 for autoport",
                        g->tls_port);
            return false;
        }
        for (guint j = 0; j < g->listens->len; j++) {
            const DomGraphicsListen *l = g->listens->pdata[j];

            if (l->type == DOM_LISTEN_NETWORK && (!l->network || !*l->network)) {
                g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                            "'network' attribute is required for listen type 'network'");
                return false;
            }
        }
    }
    return true;
}

static bool
domdef_validate_chrs(const DomDef *def, GError **error)
{
    GPtrArray *arrays[] = { def->serials, def->parallels, def->consoles, def->channels };

    for (guint a = 0; a < G_N_ELEMENTS(arrays); a++) {
        for (guint i = 0; i < arrays[a]->len; i++) {
            const DomChr *c = arrays[a]->pdata[i];

            if (!domdef_chr_source_validate(&c->src, c, error))
                return false;
        }
    }
    for (guint i = 0; i < def->others->len; i++) {
        const DomGenericDevice *d = def->others->pdata[i];
        const DomXNode *backend = domx_child(d->node, "backend");
        const char *type = domx_attr(backend, "type");
        g_autoptr(DomXNode) copy = NULL;
        DomChrSource src = { 0 };
        bool ok;
        int t;

        if (strcmp(d->node->name, "rng") != 0 || !backend ||
            g_strcmp0(domx_attr(backend, "model"), "egd") != 0)
            continue;
        copy = domx_copy(backend);
        t = domdef_enum_lookup((const char *const[]){ "null", "vc", "pty", "dev", "file", "pipe",
                                                      "stdio", "udp", "tcp", "unix", "spicevmc",
                                                      "spiceport", "nmdm", "qemu-vdagent", "dbus",
                                                      NULL },
                               type);
        src.type = t < 0 ? DOM_CHR_PTY : (DomChrType)t;
        ok = domdef_chr_source_parse(copy, &src, DOM_CHR_DEV_LAST, error) &&
             domdef_chr_source_validate(&src, NULL, error);
        domdef_chr_source_clear(&src);
        if (!ok)
            return false;
    }
    return true;
}

bool
domdef_validate(const DomDef *def, GError **error)
{
    if (!def->name || !*def->name) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_NO_NAME, "missing name information");
        return false;
    }
    if (strchr(def->name, '/')) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "name %s cannot contain '/'",
                    def->name);
        return false;
    }
    if (def->max_memory_kib == 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Memory size must be specified via <memory> or in the <numa> configuration");
        return false;
    }
    if (def->hotplug_memory_kib && def->hotplug_memory_kib < def->max_memory_kib) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "maximum memory size must be equal or greater than the actual memory size");
        return false;
    }
    if (def->vcpus_max == 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR, "Invalid number of vcpus");
        return false;
    }
    if (def->vcpus_current > def->vcpus_max || def->vcpus_current == 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "maxvcpus must not be less than current vcpus (%u < %u)", def->vcpus_max,
                    def->vcpus_current);
        return false;
    }
    if (def->os_boot_devs->len > 0 && domdef_has_device_boot(def)) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "per-device boot elements cannot be used together with os/boot elements");
        return false;
    }
    for (guint i = 0; i < def->nets->len; i++) {
        const DomNet *n = def->nets->pdata[i];
        char mac[MAC_STRING_LEN];

        if (mac_is_multicast(&n->mac)) {
            mac_format(&n->mac, mac);
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "expected unicast mac address, found multicast '%s'", mac);
            return false;
        }
        if (n->type == DOM_NET_TYPE_DIRECT && (!n->dev || !*n->dev)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "No <source> 'dev' attribute specified with <interface type='direct'/>");
            return false;
        }
    }
    for (guint i = 0; i < def->memories->len; i++) {
        const DomMemory *m = def->memories->pdata[i];

        if (m->target_node >= 0 && (unsigned int)m->target_node >= def->numa_cells) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_DETAIL,
                        "can't add memory backend for guest node '%d' as the guest has only '%u' "
                        "NUMA nodes configured",
                        m->target_node, def->numa_cells);
            return false;
        }
    }
    return domdef_validate_sysinfo(def, error) && domdef_validate_disks(def, error) &&
           domdef_validate_graphics(def, error) && domdef_validate_chrs(def, error);
}
