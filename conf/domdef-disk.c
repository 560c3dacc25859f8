/*
 * domdef-disk.c: <disk> and <controller> of the domain model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/domdef-priv.h"

static const char *const disk_type_names[] = {
    [DOM_DISK_TYPE_FILE] = "file",
    [DOM_DISK_TYPE_BLOCK] = "block",
    [DOM_DISK_TYPE_DIR] = "dir",
    [DOM_DISK_TYPE_NETWORK] = "network",
    [DOM_DISK_TYPE_VOLUME] = "volume",
    [DOM_DISK_TYPE_NVME] = "nvme",
    [DOM_DISK_TYPE_VHOSTUSER] = "vhostuser",
    [DOM_DISK_TYPE_LAST] = NULL,
};

static const char *const disk_device_names[] = {
    [DOM_DISK_DEVICE_DISK] = "disk",     [DOM_DISK_DEVICE_CDROM] = "cdrom",
    [DOM_DISK_DEVICE_FLOPPY] = "floppy", [DOM_DISK_DEVICE_LUN] = "lun",
    [DOM_DISK_DEVICE_LAST] = NULL,
};

const char *const domdef_disk_bus_names[] = {
    [DOM_DISK_BUS_IDE] = "ide",       [DOM_DISK_BUS_FDC] = "fdc",   [DOM_DISK_BUS_SCSI] = "scsi",
    [DOM_DISK_BUS_VIRTIO] = "virtio", [DOM_DISK_BUS_XEN] = "xen",   [DOM_DISK_BUS_USB] = "usb",
    [DOM_DISK_BUS_UML] = "uml",       [DOM_DISK_BUS_SATA] = "sata", [DOM_DISK_BUS_SD] = "sd",
    [DOM_DISK_BUS_LAST] = NULL,
};

/* The source attribute holding the path, by disk type. */
static const char *
disk_path_attr(DomDiskType type)
{
    if (type == DOM_DISK_TYPE_FILE)
        return "file";
    if (type == DOM_DISK_TYPE_BLOCK)
        return "dev";
    if (type == DOM_DISK_TYPE_DIR)
        return "dir";
    return NULL;
}

void
domdef_disk_free(DomDisk *disk)
{
    if (!disk)
        return;
    domx_free(disk->driver);
    domx_free(disk->disk_auth);
    domx_free(disk->source);
    g_free(disk->src_path);
    g_free(disk->src_protocol);
    g_free(disk->src_name);
    g_free(disk->src_pool);
    g_free(disk->src_volume);
    domx_free(disk->backing);
    domx_free(disk->geometry);
    domx_free(disk->blockio);
    g_free(disk->dst);
    domx_free(disk->target);
    domx_free(disk->iotune);
    domx_free(disk->transient);
    g_free(disk->serial);
    g_free(disk->wwn);
    g_free(disk->vendor);
    g_free(disk->product);
    domx_free(disk->encryption);
    domx_free(disk->extra);
    domdef_info_clear(&disk->info);
    g_free(disk);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomDisk, domdef_disk_free)

static char *
take_text(DomXNode *node, const char *name)
{
    g_autoptr(DomXNode) c = domx_take_one(node, name);

    return c ? g_strdup(c->text ? c->text : "") : NULL;
}

static bool
disk_bad_enum(const char *what, const char *value, GError **error)
{
    g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR, "unknown disk %s '%s'", what, value);
    return false;
}

/* libvirt's virDiskNameToIndex: "sda" -> 0, "hdc" -> 2, "vdaa" -> 26. */
static int
disk_name_to_index(const char *name)
{
    static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd", NULL };
    const char *p = NULL;
    int idx = 0, i = 0;

    for (int k = 0; prefixes[k]; k++) {
        if (g_str_has_prefix(name, prefixes[k])) {
            p = name + strlen(prefixes[k]);
            break;
        }
    }
    if (!p || !g_ascii_islower(*p))
        return -1;
    for (; *p && g_ascii_islower(*p); p++, i++) {
        idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
        if (idx > 100000)
            return -1;
    }
    for (; *p; p++) {
        if (!g_ascii_isdigit(*p))
            return -1;
    }
    return idx;
}

static DomDiskBus
disk_default_bus(const DomDisk *disk)
{
    if (disk->device == DOM_DISK_DEVICE_FLOPPY || g_str_has_prefix(disk->dst, "fd"))
        return DOM_DISK_BUS_FDC;
    if (g_str_has_prefix(disk->dst, "sd"))
        return DOM_DISK_BUS_SCSI;
    if (g_str_has_prefix(disk->dst, "vd"))
        return DOM_DISK_BUS_VIRTIO;
    if (g_str_has_prefix(disk->dst, "xvd"))
        return DOM_DISK_BUS_XEN;
    if (g_str_has_prefix(disk->dst, "ubd"))
        return DOM_DISK_BUS_UML;
    return DOM_DISK_BUS_IDE;
}

static bool
disk_parse_source(DomDisk *disk, DomXNode *src, GError **error)
{
    const char *pattr = disk_path_attr(disk->type);

    disk->has_source = true;
    if (pattr)
        disk->src_path = domx_take_attr(src, pattr);
    if (disk->type == DOM_DISK_TYPE_NETWORK) {
        disk->src_protocol = domx_take_attr(src, "protocol");
        disk->src_name = domx_take_attr(src, "name");
        if (!disk->src_protocol) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "missing network source protocol type");
            return false;
        }
        /* An iSCSI target without a LUN means LUN 0 (libvirt). */
        if (strcmp(disk->src_protocol, "iscsi") == 0 && disk->src_name &&
            !strchr(disk->src_name, '/')) {
            char *n = g_strdup_printf("%s/0", disk->src_name);

            g_free(disk->src_name);
            disk->src_name = n;
        }
    } else if (disk->type == DOM_DISK_TYPE_VOLUME) {
        disk->src_pool = domx_take_attr(src, "pool");
        disk->src_volume = domx_take_attr(src, "volume");
    }
    if (domx_child(src, "auth") && disk->disk_auth) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "an <auth> definition already found for disk source");
        return false;
    }
    if (domx_child(src, "encryption") && disk->encryption) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_CONFIG_UNSUPPORTED,
                    "an <encryption> definition already found for disk source");
        return false;
    }
    disk->source = src;
    return true;
}

DomDisk *
domdef_disk_parse(DomXNode *node, unsigned int flags, GError **error)
{
    g_autoptr(DomDisk) disk = g_new0(DomDisk, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    g_autofree char *type = domx_take_attr(n, "type");
    g_autofree char *device = domx_take_attr(n, "device");
    g_autofree char *bus = NULL;
    g_autoptr(DomXNode) src = NULL, ro = NULL, sh = NULL;
    int v;

    if (type && (v = domdef_enum_lookup(disk_type_names, type)) < 0) {
        disk_bad_enum("type", type, error);
        return NULL;
    }
    disk->type = type ? (DomDiskType)v : DOM_DISK_TYPE_FILE;
    if (device && (v = domdef_enum_lookup(disk_device_names, device)) < 0) {
        disk_bad_enum("device", device, error);
        return NULL;
    }
    disk->device = device ? (DomDiskDevice)v : DOM_DISK_DEVICE_DISK;

    disk->driver = domx_take_one(n, "driver");
    disk->disk_auth = domx_take_one(n, "auth");
    disk->encryption = domx_take_one(n, "encryption");
    src = domx_take_one(n, "source");
    if (src) {
        if (!disk_parse_source(disk, src, error))
            return NULL;
        src = NULL; /* now owned by disk */
    } else if (disk->type == DOM_DISK_TYPE_VOLUME || disk->type == DOM_DISK_TYPE_NETWORK) {
        /* Nothing to point at: an empty drive, which libvirt shows as a file. */
        disk->type = DOM_DISK_TYPE_FILE;
    }
    disk->backing = domx_take_one(n, "backingStore");
    disk->geometry = domx_take_one(n, "geometry");
    disk->blockio = domx_take_one(n, "blockio");
    disk->target = domx_take_one(n, "target");
    if (!disk->target || !(disk->dst = domx_take_attr(disk->target, "dev"))) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_NO_TARGET,
                    "missing target information for device %s",
                    disk->src_path   ? disk->src_path
                    : disk->src_name ? disk->src_name
                                     : "");
        return NULL;
    }
    bus = domx_take_attr(disk->target, "bus");
    if (bus) {
        if ((v = domdef_enum_lookup(domdef_disk_bus_names, bus)) < 0) {
            disk_bad_enum("bus", bus, error);
            return NULL;
        }
        disk->bus = (DomDiskBus)v;
    } else {
        disk->bus = disk_default_bus(disk);
    }
    disk->iotune = domx_take_one(n, "iotune");
    ro = domx_take_one(n, "readonly");
    sh = domx_take_one(n, "shareable");
    disk->readonly = ro != NULL || disk->device == DOM_DISK_DEVICE_CDROM;
    disk->shareable = sh != NULL;
    disk->transient = domx_take_one(n, "transient");
    disk->serial = take_text(n, "serial");
    disk->wwn = take_text(n, "wwn");
    disk->vendor = take_text(n, "vendor");
    disk->product = take_text(n, "product");
    if (!domdef_info_parse(n, &disk->info, error))
        return NULL;
    disk->extra = g_steal_pointer(&n);
    (void)flags;
    return g_steal_pointer(&disk);
}

void
domdef_disk_format(Buf *buf, const DomDisk *disk, unsigned int flags)
{
    const char *pattr = disk_path_attr(disk->type);

    buf_add(buf, "<disk");
    buf_add_attr(buf, "type", "%s", disk_type_names[disk->type]);
    buf_add_attr(buf, "device", "%s", disk_device_names[disk->device]);
    domx_format_attrs(buf, disk->extra);
    buf_add(buf, ">\n");
    buf_adjust_indent(buf, 2);
    domx_format(buf, disk->driver);
    domx_format(buf, disk->disk_auth);
    if (disk->has_source) {
        g_autoptr(Buf) attrs = buf_new();
        g_autoptr(Buf) children = buf_new_child(buf);

        if (pattr && disk->src_path)
            buf_add_attr(attrs, pattr, "%s", disk->src_path);
        if (disk->src_protocol)
            buf_add_attr(attrs, "protocol", "%s", disk->src_protocol);
        if (disk->src_name)
            buf_add_attr(attrs, "name", "%s", disk->src_name);
        if (disk->src_pool)
            buf_add_attr(attrs, "pool", "%s", disk->src_pool);
        if (disk->src_volume)
            buf_add_attr(attrs, "volume", "%s", disk->src_volume);
        domx_format_attrs(attrs, disk->source);
        for (guint i = 0; disk->source && i < disk->source->children->len; i++) {
            const DomXNode *c = disk->source->children->pdata[i];

            /* HTTP cookies are secrets. */
            if (strcmp(c->name, "cookies") == 0 && !(flags & DOMDEF_FORMAT_SECURE))
                continue;
            domx_format(children, c);
        }
        if (!buf_is_empty(attrs) || !buf_is_empty(children))
            buf_add_element(buf, "source", attrs, children);
    }
    domx_format(buf, disk->backing);
    domx_format(buf, disk->geometry);
    domx_format(buf, disk->blockio);
    buf_add(buf, "<target");
    buf_add_attr(buf, "dev", "%s", disk->dst);
    buf_add_attr(buf, "bus", "%s", domdef_disk_bus_names[disk->bus]);
    domx_format_attrs(buf, disk->target);
    if (disk->target && disk->target->children->len) {
        buf_add(buf, ">\n");
        buf_adjust_indent(buf, 2);
        domx_format_children(buf, disk->target);
        buf_adjust_indent(buf, -2);
        buf_add(buf, "</target>\n");
    } else {
        buf_add(buf, "/>\n");
    }
    domx_format(buf, disk->iotune);
    if (disk->readonly)
        buf_add(buf, "<readonly/>\n");
    if (disk->shareable)
        buf_add(buf, "<shareable/>\n");
    domx_format(buf, disk->transient);
    if (disk->serial) {
        buf_add(buf, "<serial>");
        buf_add_escaped(buf, disk->serial);
        buf_add(buf, "</serial>\n");
    }
    if (disk->wwn) {
        buf_add(buf, "<wwn>");
        buf_add_escaped(buf, disk->wwn);
        buf_add(buf, "</wwn>\n");
    }
    if (disk->vendor) {
        buf_add(buf, "<vendor>");
        buf_add_escaped(buf, disk->vendor);
        buf_add(buf, "</vendor>\n");
    }
    if (disk->product) {
        buf_add(buf, "<product>");
        buf_add_escaped(buf, disk->product);
        buf_add(buf, "</product>\n");
    }
    domx_format(buf, disk->encryption);
    domx_format_children(buf, disk->extra);
    domdef_info_format(buf, &disk->info, flags);
    buf_adjust_indent(buf, -2);
    buf_add(buf, "</disk>\n");
}

/* As libvirt's virDomainDiskInsert: disks stay grouped by bus in the order
 * the buses first appear, and sorted by target name within a bus. */
void
domdef_disk_insert(GPtrArray *disks, DomDisk *disk)
{
    int insert_at = -1;
    int new_idx = disk_name_to_index(disk->dst);

    for (int i = (int)disks->len - 1; i >= 0; i--) {
        const DomDisk *d = disks->pdata[i];

        if (d->bus != disk->bus)
            continue;
        if (disk_name_to_index(d->dst) > new_idx)
            insert_at = i;
        else if (insert_at == -1)
            insert_at = i + 1;
    }
    if (insert_at < 0 || insert_at >= (int)disks->len)
        g_ptr_array_add(disks, disk);
    else
        g_ptr_array_insert(disks, insert_at, disk);
}

bool
domdef_disk_drive_address(const DomDisk *disk, unsigned int ret_addr[4])
{
    static const char *const names[] = { "controller", "bus", "target", "unit" };
    const DomXNode *a = disk->info.address;
    const char *type = domx_attr(a, "type");

    if (!type || strcmp(type, "drive") != 0)
        return false;
    for (int i = 0; i < 4; i++) {
        const char *v = domx_attr(a, names[i]);
        guint64 n = 0;

        if (v && !g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT, &n, NULL))
            n = 0;
        ret_addr[i] = (unsigned int)n;
    }
    return true;
}

/* Gives an IDE/FDC/SCSI/SATA disk without <address> the drive address
 * libvirt derives from its target name. */
bool
domdef_disk_assign_address(DomDisk *disk, GError **error)
{
    int idx;
    unsigned int controller, bus = 0, unit;
    DomXNode *a;

    if (disk->info.address)
        return true;
    if (disk->bus != DOM_DISK_BUS_IDE && disk->bus != DOM_DISK_BUS_FDC &&
        disk->bus != DOM_DISK_BUS_SCSI && disk->bus != DOM_DISK_BUS_SATA)
        return true;
    idx = disk_name_to_index(disk->dst);
    if (idx < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Unknown disk name '%s' and no address specified", disk->dst);
        return false;
    }
    if (disk->bus == DOM_DISK_BUS_IDE) {
        controller = idx / 4;
        bus = (idx % 4) / 2;
        unit = idx % 2;
    } else if (disk->bus == DOM_DISK_BUS_FDC) {
        controller = idx / 2;
        unit = idx % 2;
    } else if (disk->bus == DOM_DISK_BUS_SCSI) {
        controller = idx / 7;
        unit = idx % 7;
    } else {
        controller = idx / 6;
        unit = idx % 6;
    }
    a = domx_new("address");
    domx_set_attr(a, "type", "drive");
    domx_set_attrf(a, "controller", "%u", controller);
    domx_set_attrf(a, "bus", "%u", bus);
    domx_set_attr(a, "target", "0");
    domx_set_attrf(a, "unit", "%u", unit);
    disk->info.address = a;
    return true;
}

/* ---- controllers ---- */

void
domdef_controller_free(DomController *ctrl)
{
    if (!ctrl)
        return;
    g_free(ctrl->type);
    g_free(ctrl->model);
    domx_free(ctrl->extra);
    domdef_info_clear(&ctrl->info);
    g_free(ctrl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomController, domdef_controller_free)

DomController *
domdef_controller_parse(DomXNode *node, GError **error)
{
    static const char *const types[] = { "ide",           "fdc",  "scsi", "sata",
                                         "virtio-serial", "ccid", "usb",  "pci",
                                         "xenbus",        "isa",  NULL };
    g_autoptr(DomController) ctrl = g_new0(DomController, 1);
    g_autoptr(DomXNode) n = domx_copy(node);
    g_autofree char *index = domx_take_attr(n, "index");

    ctrl->type = domx_take_attr(n, "type");
    if (!ctrl->type)
        ctrl->type = g_strdup("ide");
    if (domdef_enum_lookup(types, ctrl->type) < 0) {
        g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                    "Invalid value for attribute 'type' in element 'controller': '%s'.",
                    ctrl->type);
        return NULL;
    }
    ctrl->index = -1;
    if (index) {
        guint64 v;

        if (!g_ascii_string_to_unsigned(index, 10, 0, G_MAXINT, &v, NULL)) {
            g_set_error(error, DOMDEF_ERROR, VIR_ERR_XML_ERROR,
                        "Invalid value for attribute 'index' in element 'controller': '%s'.",
                        index);
            return NULL;
        }
        ctrl->index = (int)v;
    }
    ctrl->model = domx_take_attr(n, "model");
    if (!domdef_info_parse(n, &ctrl->info, error))
        return NULL;
    ctrl->extra = g_steal_pointer(&n);
    return g_steal_pointer(&ctrl);
}

void
domdef_controller_format(Buf *buf, const DomController *ctrl, unsigned int flags)
{
    g_autoptr(Buf) attrs = buf_new();
    g_autoptr(Buf) children = buf_new_child(buf);

    buf_add_attr(attrs, "type", "%s", ctrl->type);
    buf_add_attr(attrs, "index", "%d", ctrl->index);
    if (ctrl->model)
        buf_add_attr(attrs, "model", "%s", ctrl->model);
    domx_format_attrs(attrs, ctrl->extra);
    domx_format_children(children, ctrl->extra);
    domdef_info_format(children, &ctrl->info, flags);
    buf_add_element(buf, "controller", attrs, children);
}
