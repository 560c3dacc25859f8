/*
 * qemu_command.c: the qemu (7.2) command line of a prepared domain
 *
 * Devices are created explicitly (-nodefaults), so the guest has what the
 * definition lists and nothing else; drives are "-drive if=none" plus a
 * -device, which lets every disk carry its id, bus position and bootindex.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "drivers/qemu/qemu_command.h"
#include "util/error.h"
#include "util/uuid.h"

static void
prep_net_free(gpointer p)
{
    QemuPrepNet *n = p;

    g_free(n->model);
    g_free(n);
}

static void
prep_graphics_free(gpointer p)
{
    QemuPrepGraphics *g = p;

    g_free(g->address);
    g_free(g->socket);
    g_free(g);
}

static void
prep_disk_free(gpointer p)
{
    QemuPrepDisk *d = p;

    g_free(d->path);
    g_free(d->format);
    g_free(d);
}

static void
prep_serial_free(gpointer p)
{
    QemuPrepSerial *s = p;

    g_free(s->logfile);
    g_free(s);
}

QemuPrepared *
qemu_prepared_new(void)
{
    QemuPrepared *prep = g_new0(QemuPrepared, 1);

    prep->monitor_fd = -1;
    prep->nets = g_ptr_array_new_with_free_func(prep_net_free);
    prep->graphics = g_ptr_array_new_with_free_func(prep_graphics_free);
    prep->disks = g_ptr_array_new_with_free_func(prep_disk_free);
    prep->serials = g_ptr_array_new_with_free_func(prep_serial_free);
    return prep;
}

void
qemu_prepared_free(QemuPrepared *prep)
{
    if (!prep)
        return;
    g_free(prep->emulator);
    g_free(prep->machine);
    g_free(prep->accel);
    g_free(prep->monitor_path);
    g_free(prep->spice_x509_dir);
    if (prep->nets)
        g_ptr_array_unref(prep->nets);
    if (prep->graphics)
        g_ptr_array_unref(prep->graphics);
    if (prep->disks)
        g_ptr_array_unref(prep->disks);
    if (prep->serials)
        g_ptr_array_unref(prep->serials);
    g_free(prep);
}

QemuPrepNet *
qemu_prepared_net(QemuPrepared *prep, guint i)
{
    while (prep->nets->len <= i) {
        QemuPrepNet *n = g_new0(QemuPrepNet, 1);

        n->fd = -1;
        g_ptr_array_add(prep->nets, n);
    }
    return prep->nets->pdata[i];
}

QemuPrepGraphics *
qemu_prepared_graphics(QemuPrepared *prep, guint i)
{
    while (prep->graphics->len <= i)
        g_ptr_array_add(prep->graphics, g_new0(QemuPrepGraphics, 1));
    return prep->graphics->pdata[i];
}

QemuPrepDisk *
qemu_prepared_disk(QemuPrepared *prep, guint i)
{
    while (prep->disks->len <= i)
        g_ptr_array_add(prep->disks, g_new0(QemuPrepDisk, 1));
    return prep->disks->pdata[i];
}

QemuPrepSerial *
qemu_prepared_serial(QemuPrepared *prep, guint i)
{
    while (prep->serials->len <= i)
        g_ptr_array_add(prep->serials, g_new0(QemuPrepSerial, 1));
    return prep->serials->pdata[i];
}

/* ---- helpers ---- */

static const void *
prep_item(const GPtrArray *arr, guint i)
{
    return arr && i < arr->len ? arr->pdata[i] : NULL;
}

static const char *
xnode_attr(const DomXNode *node, const char *name)
{
    if (!node || !node->attrs)
        return NULL;
    for (guint i = 0; i < node->attrs->len; i++) {
        const DomXAttr *a = node->attrs->pdata[i];

        if (strcmp(a->name, name) == 0)
            return a->value;
    }
    return NULL;
}

static const DomXNode *
xnode_child(const DomXNode *node, const char *name)
{
    if (!node || !node->children)
        return NULL;
    for (guint i = 0; i < node->children->len; i++) {
        const DomXNode *c = node->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

static unsigned int
xnode_uint_attr(const DomXNode *node, const char *name)
{
    const char *v = xnode_attr(node, name);

    return v ? (unsigned int)g_ascii_strtoull(v, NULL, 10) : 0;
}

/* qemu's option parser splits on ','; a literal comma is doubled. */
static void
append_escaped(GString *s, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == ',')
            g_string_append_c(s, ',');
        g_string_append_c(s, *p);
    }
}

static void
add_arg(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void add_argf(GPtrArray *argv, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
add_argf(GPtrArray *argv, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void
add_pair(GPtrArray *argv, const char *opt, const char *value)
{
    add_arg(argv, opt);
    add_arg(argv, value);
}

/* takes @value */
static void
add_opt(GPtrArray *argv, const char *opt, GString *value)
{
    add_arg(argv, opt);
    g_ptr_array_add(argv, g_string_free(value, FALSE));
}

static bool unsupported(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool
unsupported(GError **error, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED, msg);
    return false;
}

static bool
machine_is_q35(const char *machine)
{
    return strstr(machine, "q35") != NULL;
}

typedef struct Build {
    const DomDef *def;
    const QemuPrepared *prep;
    GPtrArray *argv;
} Build;

/* ---- top level ---- */

static bool
build_machine(Build *b, GError **error)
{
    const DomDef *def = b->def;
    GString *m = g_string_new(NULL);

    append_escaped(m, b->prep->machine);
    /* qemu's machines have ACPI unless told otherwise; a definition
     * without <acpi/> means no ACPI (and no ACPI powerdown). */
    if (!xnode_child(def->features, "acpi"))
        g_string_append(m, ",acpi=off");
    add_opt(b->argv, "-machine", m);
    add_arg(b->argv, "-accel");
    add_arg(b->argv, b->prep->accel);
    (void)error;
    return true;
}

static bool
build_cpu(Build *b, GError **error)
{
    const DomXNode *cpu = b->def->cpu;
    const char *mode = xnode_attr(cpu, "mode");
    const DomXNode *model = xnode_child(cpu, "model");

    if (!cpu)
        return true;
    if (b->def->numa_cells > 0)
        return unsupported(error, "guest NUMA cells are not supported");
    if (!mode || strcmp(mode, "custom") == 0) {
        if (model && model->text)
            add_pair(b->argv, "-cpu", model->text);
    } else if (strcmp(mode, "host-passthrough") == 0) {
        if (strcmp(b->prep->accel, "kvm") != 0)
            return unsupported(error, "CPU mode 'host-passthrough' needs KVM");
        add_pair(b->argv, "-cpu", "host");
    } else if (strcmp(mode, "maximum") == 0) {
        add_pair(b->argv, "-cpu", "max");
    } else if (strcmp(mode, "host-model") != 0) {
        /* host-model keeps qemu's default model: there is no CPU model
         * expansion here. */
        return unsupported(error, "CPU mode '%s' is not supported", mode);
    }
    return true;
}

static bool
build_memory_smp(Build *b, GError **error)
{
    const DomDef *def = b->def;
    unsigned long long mib = (def->max_memory_kib + 1023) / 1024;
    const DomXNode *topo = xnode_child(def->cpu, "topology");
    GString *smp = g_string_new(NULL);

    if (def->memories && def->memories->len > 0) {
        g_string_free(smp, TRUE);
        return unsupported(error, "memory devices (<memory model=>) are not supported");
    }
    add_arg(b->argv, "-m");
    if (def->hotplug_memory_kib)
        add_argf(b->argv, "size=%lluM,slots=%u,maxmem=%lluM", mib, def->memory_slots,
                 (def->hotplug_memory_kib + 1023) / 1024);
    else
        add_argf(b->argv, "%llu", mib);

    g_string_append_printf(smp, "%u", def->vcpus_current ? def->vcpus_current : def->vcpus_max);
    if (def->vcpus_max != def->vcpus_current || topo)
        g_string_append_printf(smp, ",maxcpus=%u", def->vcpus_max);
    if (topo) {
        unsigned int dies = xnode_uint_attr(topo, "dies");

        g_string_append_printf(smp, ",sockets=%u,dies=%u,cores=%u,threads=%u",
                               xnode_uint_attr(topo, "sockets"), dies ? dies : 1,
                               xnode_uint_attr(topo, "cores"), xnode_uint_attr(topo, "threads"));
    }
    add_opt(b->argv, "-smp", smp);
    return true;
}

static bool
build_os(Build *b, GError **error)
{
    const DomDef *def = b->def;
    static const struct {
        const char *dev;
        char letter;
    } boot_letters[] = { { "fd", 'a' }, { "hd", 'c' }, { "cdrom", 'd' }, { "network", 'n' } };
    GString *boot = NULL;

    if (def->os_loader || (def->os_firmware && *def->os_firmware))
        return unsupported(error, "firmware selection (<loader>, <os firmware=>) is not supported");
    if (def->os_kernel) {
        add_arg(b->argv, "-kernel");
        add_arg(b->argv, def->os_kernel);
        if (def->os_initrd) {
            add_arg(b->argv, "-initrd");
            add_arg(b->argv, def->os_initrd);
        }
        if (def->os_cmdline) {
            add_arg(b->argv, "-append");
            add_arg(b->argv, def->os_cmdline);
        }
        if (def->os_dtb) {
            add_arg(b->argv, "-dtb");
            add_arg(b->argv, def->os_dtb);
        }
    }
    /* Boot order: per-device bootindex when the devices carry <boot
     * order=> (the definition cannot mix both), else <os><boot dev=>. */
    for (guint i = 0; def->os_boot_devs && i < def->os_boot_devs->len; i++) {
        const char *dev = def->os_boot_devs->pdata[i];
        char letter = 0;

        for (gsize j = 0; j < G_N_ELEMENTS(boot_letters); j++) {
            if (strcmp(boot_letters[j].dev, dev) == 0)
                letter = boot_letters[j].letter;
        }
        if (!letter) {
            if (boot)
                g_string_free(boot, TRUE);
            return unsupported(error, "boot device '%s' is not supported", dev);
        }
        if (!boot)
            boot = g_string_new("order=");
        g_string_append_c(boot, letter);
    }
    if (xnode_attr(def->os_bootmenu, "enable") &&
        strcmp(xnode_attr(def->os_bootmenu, "enable"), "yes") == 0) {
        if (!boot)
            boot = g_string_new(NULL);
        else
            g_string_append_c(boot, ',');
        g_string_append(boot, "menu=on");
    }
    if (boot)
        add_opt(b->argv, "-boot", boot);
    return true;
}

static bool
build_clock_lifecycle(Build *b, GError **error)
{
    const DomDef *def = b->def;

    switch (def->clock_offset) {
    case DOM_CLOCK_UTC:
        add_pair(b->argv, "-rtc", "base=utc");
        break;
    case DOM_CLOCK_LOCALTIME:
        add_pair(b->argv, "-rtc", "base=localtime");
        break;
    case DOM_CLOCK_VARIABLE:
    case DOM_CLOCK_TIMEZONE:
    case DOM_CLOCK_ABSOLUTE:
    case DOM_CLOCK_LAST:
    default:
        return unsupported(error, "clock offset other than 'utc' or 'localtime' is not supported");
    }
    add_arg(b->argv, "-no-shutdown");
    if (def->on_reboot != DOM_LIFECYCLE_RESTART)
        add_arg(b->argv, "-no-reboot");
    add_arg(b->argv, "-action");
    add_arg(b->argv, "panic=pause");
    return true;
}

/* ---- controllers ---- */

static bool
build_controllers(Build *b, GError **error)
{
    const GPtrArray *ctrls = b->def->controllers;

    for (guint i = 0; ctrls && i < ctrls->len; i++) {
        const DomController *c = ctrls->pdata[i];
        const char *model = c->model;
        const char *dev = NULL;
        GString *s;

        if (strcmp(c->type, "ide") == 0 || strcmp(c->type, "sata") == 0 ||
            strcmp(c->type, "fdc") == 0) {
            continue; /* built into the machine (checked per disk) */
        } else if (strcmp(c->type, "pci") == 0) {
            if (model && strcmp(model, "pci-root") != 0 && strcmp(model, "pcie-root") != 0)
                return unsupported(error, "PCI controller model '%s' is not supported", model);
            continue;
        } else if (strcmp(c->type, "usb") == 0) {
            if (model && strcmp(model, "none") == 0)
                continue;
            if (!model)
                model = machine_is_q35(b->prep->machine) ? "qemu-xhci" : "piix3-uhci";
            if (strcmp(model, "qemu-xhci") == 0)
                dev = "qemu-xhci";
            else if (strcmp(model, "nec-xhci") == 0)
                dev = "nec-usb-xhci";
            else if (strcmp(model, "piix3-uhci") == 0)
                dev = "piix3-usb-uhci";
            else
                return unsupported(error, "USB controller model '%s' is not supported", model);
            s = g_string_new(dev);
            if (c->index > 0)
                g_string_append_printf(s, ",id=usb%d", c->index);
            else
                g_string_append(s, ",id=usb");
        } else if (strcmp(c->type, "scsi") == 0) {
            if (!model || strcmp(model, "virtio-scsi") == 0)
                dev = "virtio-scsi-pci";
            else if (strcmp(model, "lsilogic") == 0)
                dev = "lsi53c895a";
            else
                return unsupported(error, "SCSI controller model '%s' is not supported", model);
            s = g_string_new(NULL);
            g_string_append_printf(s, "%s,id=scsi%d", dev, c->index);
        } else if (strcmp(c->type, "virtio-serial") == 0) {
            s = g_string_new(NULL);
            g_string_append_printf(s, "virtio-serial-pci,id=virtio-serial%d", c->index);
        } else {
            return unsupported(error, "controller type '%s' is not supported", c->type);
        }
        add_opt(b->argv, "-device", s);
    }
    return true;
}

static const DomController *
find_controller(const DomDef *def, const char *type, unsigned int index)
{
    for (guint i = 0; def->controllers && i < def->controllers->len; i++) {
        const DomController *c = def->controllers->pdata[i];

        if (strcmp(c->type, type) == 0 && c->index == (int)index)
            return c;
    }
    return NULL;
}

/* ---- disks ---- */

/* "vda" -> 0, "vdz" -> 25, "vdaa" -> 26 (the letters after the prefix);
 * -1 if @dst is not such a name. */
static int
disk_index(const char *dst)
{
    const char *p = dst + strspn(dst, "hsvx") + 1;
    int idx = 0;

    if (p <= dst + 1 || p[-1] != 'd' || !*p)
        return -1;
    for (; *p; p++) {
        if (*p < 'a' || *p > 'z' || idx > 100000)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

static bool
build_disk(Build *b, guint i, GError **error)
{
    const DomDisk *disk = b->def->disks->pdata[i];
    const QemuPrepDisk *pd = prep_item(b->prep->disks, i);
    const char *path = pd && pd->path ? pd->path : disk->src_path;
    const char *format = pd && pd->format ? pd->format : xnode_attr(disk->driver, "type");
    bool cdrom = disk->device == DOM_DISK_DEVICE_CDROM;
    const DomXNode *addr = disk->info.address;
    unsigned int ctrl = xnode_uint_attr(addr, "controller");
    unsigned int bus = xnode_uint_attr(addr, "bus");
    unsigned int target = xnode_uint_attr(addr, "target");
    unsigned int unit = xnode_uint_attr(addr, "unit");
    g_autofree char *alias = NULL;
    GString *drive, *dev;

    if (disk->type != DOM_DISK_TYPE_FILE && disk->type != DOM_DISK_TYPE_BLOCK)
        return unsupported(error, "disk '%s': only file and block sources are supported",
                           disk->dst);
    if (disk->device != DOM_DISK_DEVICE_DISK && !cdrom)
        return unsupported(error, "disk '%s': only disk and cdrom devices are supported",
                           disk->dst);
    if (!path && !cdrom)
        return unsupported(error, "disk '%s' has no source", disk->dst);
    if (!format)
        format = "raw";

    dev = g_string_new(NULL);
    switch (disk->bus) {
    case DOM_DISK_BUS_VIRTIO:
        if (cdrom) {
            g_string_free(dev, TRUE);
            return unsupported(error, "disk '%s': cdrom on bus 'virtio' is not supported",
                               disk->dst);
        }
        if (disk_index(disk->dst) < 0) {
            g_string_free(dev, TRUE);
            return unsupported(error, "disk '%s': unknown disk name", disk->dst);
        }
        alias = g_strdup_printf("virtio-disk%d", disk_index(disk->dst));
        g_string_append(dev, "virtio-blk-pci");
        break;
    case DOM_DISK_BUS_IDE:
        if (machine_is_q35(b->prep->machine) || ctrl > 0 || bus > 1 || unit > 1) {
            g_string_free(dev, TRUE);
            return unsupported(error, "disk '%s': no IDE bus %u.%u unit %u on machine '%s'",
                               disk->dst, ctrl, bus, unit, b->prep->machine);
        }
        alias = g_strdup_printf("ide0-%u-%u", bus, unit);
        g_string_append_printf(dev, "%s,bus=ide.%u,unit=%u", cdrom ? "ide-cd" : "ide-hd", bus,
                               unit);
        break;
    case DOM_DISK_BUS_SATA:
        /* q35's built-in AHCI controller has six ports, named ide.N */
        if (!machine_is_q35(b->prep->machine) || ctrl > 0) {
            g_string_free(dev, TRUE);
            return unsupported(error, "disk '%s': no SATA controller %u on machine '%s'", disk->dst,
                               ctrl, b->prep->machine);
        }
        alias = g_strdup_printf("sata0-0-%u", unit);
        g_string_append_printf(dev, "%s,bus=ide.%u", cdrom ? "ide-cd" : "ide-hd", unit);
        break;
    case DOM_DISK_BUS_SCSI: {
        const DomController *c = find_controller(b->def, "scsi", ctrl);

        if (!c) {
            g_string_free(dev, TRUE);
            return unsupported(error, "disk '%s': no SCSI controller %u", disk->dst, ctrl);
        }
        alias = g_strdup_printf("scsi%u-%u-%u-%u", ctrl, bus, target, unit);
        g_string_append_printf(dev, "%s,bus=scsi%u.0,channel=%u,scsi-id=%u,lun=%u",
                               cdrom ? "scsi-cd" : "scsi-hd", ctrl, bus, target, unit);
        break;
    }
    case DOM_DISK_BUS_FDC:
    case DOM_DISK_BUS_XEN:
    case DOM_DISK_BUS_USB:
    case DOM_DISK_BUS_UML:
    case DOM_DISK_BUS_SD:
    case DOM_DISK_BUS_LAST:
    default:
        g_string_free(dev, TRUE);
        return unsupported(error, "disk '%s': this disk bus is not supported", disk->dst);
    }
    if (disk->readonly && !cdrom && disk->bus != DOM_DISK_BUS_VIRTIO &&
        disk->bus != DOM_DISK_BUS_SCSI) {
        g_string_free(dev, TRUE);
        return unsupported(error, "disk '%s': read-only IDE/SATA disks are not supported",
                           disk->dst);
    }

    drive = g_string_new(NULL);
    if (path) {
        g_string_append(drive, "file=");
        append_escaped(drive, path);
        g_string_append(drive, ",format=");
        append_escaped(drive, format);
        g_string_append_c(drive, ',');
    }
    g_string_append_printf(drive, "if=none,id=drive-%s", alias);
    if (cdrom)
        g_string_append(drive, ",media=cdrom");
    if (cdrom || disk->readonly)
        g_string_append(drive, ",readonly=on");
    add_opt(b->argv, "-drive", drive);

    g_string_append_printf(dev, ",drive=drive-%s,id=%s", alias, alias);
    if (disk->serial) {
        g_string_append(dev, ",serial=");
        append_escaped(dev, disk->serial);
    }
    if (disk->info.boot_order)
        g_string_append_printf(dev, ",bootindex=%u", disk->info.boot_order);
    add_opt(b->argv, "-device", dev);
    return true;
}

/* ---- NICs ---- */

static const char *
nic_device(const char *model)
{
    static const char *const map[][2] = {
        { "virtio", "virtio-net-pci" }, { "e1000", "e1000" },       { "e1000e", "e1000e" },
        { "rtl8139", "rtl8139" },       { "ne2k_pci", "ne2k_pci" }, { "pcnet", "pcnet" },
        { "vmxnet3", "vmxnet3" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(map); i++) {
        if (strcmp(map[i][0], model) == 0)
            return map[i][1];
    }
    return NULL;
}

static bool
build_net(Build *b, guint i, GError **error)
{
    const DomNet *net = b->def->nets->pdata[i];
    const QemuPrepNet *pn = prep_item(b->prep->nets, i);
    const char *model = pn && pn->model ? pn->model : net->model ? net->model : "rtl8139";
    const char *dev = nic_device(model);
    int fd = pn ? pn->fd : -1;
    char mac[MAC_STRING_LEN];
    GString *netdev, *device;

    if (!dev)
        return unsupported(error, "interface %u: model '%s' is not supported", i, model);
    switch (net->type) {
    case DOM_NET_TYPE_NETWORK:
    case DOM_NET_TYPE_BRIDGE:
    case DOM_NET_TYPE_DIRECT:
    case DOM_NET_TYPE_ETHERNET:
        if (fd < 0) {
            g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "interface %u: no tap descriptor was prepared", i);
            return false;
        }
        netdev = g_string_new(NULL);
        /* a macvtap's character device is driven like a tap; never
         * vhost=on: without vhost-net qemu aborts */
        g_string_append_printf(netdev, "tap,id=hostnet%u,fd=%d", i, fd);
        break;
    case DOM_NET_TYPE_USER:
        netdev = g_string_new(NULL);
        g_string_append_printf(netdev, "user,id=hostnet%u", i);
        break;
    case DOM_NET_TYPE_VHOSTUSER:
    case DOM_NET_TYPE_SERVER:
    case DOM_NET_TYPE_CLIENT:
    case DOM_NET_TYPE_MCAST:
    case DOM_NET_TYPE_UDP:
    case DOM_NET_TYPE_INTERNAL:
    case DOM_NET_TYPE_HOSTDEV:
    case DOM_NET_TYPE_VDPA:
    case DOM_NET_TYPE_NULL:
    case DOM_NET_TYPE_VDS:
    case DOM_NET_TYPE_LAST:
    default:
        return unsupported(error, "interface %u: this interface type is not supported", i);
    }
    add_opt(b->argv, "-netdev", netdev);

    mac_format(pn && pn->has_mac ? &pn->mac : &net->mac, mac);
    device = g_string_new(NULL);
    g_string_append_printf(device, "%s,netdev=hostnet%u,id=net%u,mac=%s", dev, i, i, mac);
    if (net->info.boot_order)
        g_string_append_printf(device, ",bootindex=%u", net->info.boot_order);
    add_opt(b->argv, "-device", device);
    return true;
}

/* ---- graphics and video ---- */

static void
append_host(GString *s, const char *address)
{
    if (strchr(address, ':'))
        g_string_append_printf(s, "[%s]", address);
    else
        g_string_append(s, address);
}

static bool
build_graphics(Build *b, guint i, GError **error)
{
    const DomGraphics *gr = b->def->graphics->pdata[i];
    const QemuPrepGraphics *pg = prep_item(b->prep->graphics, i);
    const DomGraphicsListen *l = gr->listens && gr->listens->len ? gr->listens->pdata[0] : NULL;
    DomListenType ltype = l ? l->type : DOM_LISTEN_ADDRESS;
    const char *address = pg && pg->address ? pg->address : l ? l->address : NULL;
    const char *socket = pg && pg->socket ? pg->socket : l ? l->socket : NULL;
    int port = pg && pg->port ? pg->port : gr->port;
    int tls_port = pg && pg->tls_port ? pg->tls_port : gr->tls_port;
    int websocket = pg && pg->websocket ? pg->websocket : gr->websocket;
    GString *s;

    if (gr->listens && gr->listens->len > 1)
        return unsupported(error, "graphics %u: more than one <listen> is not supported", i);
    for (guint j = 0; j < i; j++) {
        const DomGraphics *other = b->def->graphics->pdata[j];

        if (other->type == gr->type)
            return unsupported(error, "graphics %u: only one VNC and one SPICE display", i);
    }
    if (!address)
        address = "127.0.0.1";
    if (ltype == DOM_LISTEN_NETWORK && !(pg && pg->address)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "graphics %u: network '%s' was not resolved to an address", i,
                    l->network ? l->network : "");
        return false;
    }
    if (ltype == DOM_LISTEN_SOCKET && !socket) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "graphics %u: no socket path was prepared", i);
        return false;
    }

    switch (gr->type) {
    case DOM_GRAPHICS_VNC:
        s = g_string_new(NULL);
        if (ltype == DOM_LISTEN_NONE) {
            g_string_append(s, "none");
        } else if (ltype == DOM_LISTEN_SOCKET) {
            g_string_append(s, "unix:");
            append_escaped(s, socket);
        } else {
            if (port < 5900) {
                g_string_free(s, TRUE);
                g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "graphics %u: VNC port %d is below 5900", i, port);
                return false;
            }
            append_host(s, address);
            g_string_append_printf(s, ":%d", port - 5900);
            if (websocket > 0)
                g_string_append_printf(s, ",websocket=%d", websocket);
        }
        /* the password is set through QMP (set_password) after launch */
        if (gr->passwd)
            g_string_append(s, ",password=on");
        add_opt(b->argv, "-vnc", s);
        return true;
    case DOM_GRAPHICS_SPICE:
        if (!b->prep->spice_supported)
            return unsupported(error, "graphics %u: SPICE is not supported by this QEMU binary", i);
        s = g_string_new(NULL);
        if (ltype == DOM_LISTEN_NONE) {
            g_string_free(s, TRUE);
            return unsupported(error, "graphics %u: SPICE with listen type 'none' is not supported",
                               i);
        } else if (ltype == DOM_LISTEN_SOCKET) {
            g_string_append(s, "unix=on,addr=");
            append_escaped(s, socket);
        } else {
            if (port <= 0 && tls_port <= 0) {
                g_string_free(s, TRUE);
                g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                            "graphics %u: no SPICE port was prepared", i);
                return false;
            }
            if (port > 0)
                g_string_append_printf(s, "port=%d,", port);
            if (tls_port > 0) {
                /* qemu refuses a TLS port without certificates */
                if (!b->prep->spice_x509_dir) {
                    g_string_free(s, TRUE);
                    return unsupported(error,
                                       "graphics %u: SPICE TLS port without a certificate "
                                       "directory",
                                       i);
                }
                g_string_append_printf(s, "tls-port=%d,x509-dir=", tls_port);
                append_escaped(s, b->prep->spice_x509_dir);
                g_string_append_c(s, ',');
            }
            g_string_append(s, "addr=");
            g_string_append(s, address);
        }
        /* a password, if any, is set through QMP after launch */
        if (!gr->passwd)
            g_string_append(s, ",disable-ticketing=on");
        add_opt(b->argv, "-spice", s);
        return true;
    case DOM_GRAPHICS_SDL:
    case DOM_GRAPHICS_RDP:
    case DOM_GRAPHICS_DESKTOP:
    case DOM_GRAPHICS_EGL_HEADLESS:
    case DOM_GRAPHICS_DBUS:
    case DOM_GRAPHICS_LAST:
    default:
        return unsupported(error, "graphics %u: only VNC and SPICE graphics are supported", i);
    }
}

static bool
build_video(Build *b, guint i, GError **error)
{
    const DomVideo *v = b->def->videos->pdata[i];
    const char *model = v->model ? v->model : "vga";
    bool primary = i == 0;
    const char *dev = NULL;

    if (strcmp(model, "none") == 0)
        return true;
    if (strcmp(model, "vga") == 0 && primary)
        dev = "VGA";
    else if (strcmp(model, "cirrus") == 0 && primary)
        dev = "cirrus-vga";
    else if (strcmp(model, "bochs") == 0)
        dev = "bochs-display";
    else if (strcmp(model, "virtio") == 0)
        dev = primary ? "virtio-vga" : "virtio-gpu-pci";
    else if (strcmp(model, "qxl") == 0)
        dev = primary ? "qxl-vga" : "qxl";
    if (!dev)
        return unsupported(error, "video %u: model '%s' is not supported here", i, model);
    add_arg(b->argv, "-device");
    add_argf(b->argv, "%s,id=video%u", dev, i);
    return true;
}

/* ---- character devices ---- */

static bool
build_chardev(Build *b, const DomChrSource *src, const char *id, const char *logfile,
              GError **error)
{
    GString *s = g_string_new(NULL);

    switch (src->type) {
    case DOM_CHR_PTY:
        g_string_append_printf(s, "pty,id=%s", id);
        break;
    case DOM_CHR_NULL:
        g_string_append_printf(s, "null,id=%s", id);
        break;
    case DOM_CHR_FILE:
        g_string_append_printf(s, "file,id=%s,path=", id);
        append_escaped(s, src->path);
        if (src->append == XML_TRISTATE_YES)
            g_string_append(s, ",append=on");
        break;
    case DOM_CHR_UNIX:
        g_string_append_printf(s, "socket,id=%s,path=", id);
        append_escaped(s, src->path);
        if (src->listen)
            g_string_append(s, ",server=on,wait=off");
        break;
    case DOM_CHR_TCP:
        if (src->protocol > 1) {
            g_string_free(s, TRUE);
            return unsupported(error, "character device '%s': TLS is not supported", id);
        }
        g_string_append_printf(s, "socket,id=%s,host=", id);
        append_escaped(s, src->host ? src->host : "");
        g_string_append(s, ",port=");
        append_escaped(s, src->service ? src->service : "");
        if (src->protocol == 1)
            g_string_append(s, ",telnet=on");
        if (src->listen)
            g_string_append(s, ",server=on,wait=off");
        break;
    case DOM_CHR_VC:
    case DOM_CHR_DEV:
    case DOM_CHR_PIPE:
    case DOM_CHR_STDIO:
    case DOM_CHR_UDP:
    case DOM_CHR_SPICEVMC:
    case DOM_CHR_SPICEPORT:
    case DOM_CHR_NMDM:
    case DOM_CHR_QEMU_VDAGENT:
    case DOM_CHR_DBUS:
    case DOM_CHR_LAST:
    default:
        g_string_free(s, TRUE);
        return unsupported(error, "character device '%s': this source type is not supported", id);
    }
    if (logfile) {
        g_string_append(s, ",logfile=");
        append_escaped(s, logfile);
        g_string_append(s, ",logappend=on");
    }
    add_opt(b->argv, "-chardev", s);
    return true;
}

static bool
build_serial(Build *b, guint i, GError **error)
{
    const DomChr *chr = b->def->serials->pdata[i];
    const QemuPrepSerial *ps = prep_item(b->prep->serials, i);
    int port = chr->target_port >= 0 ? chr->target_port : (int)i;
    const char *type = chr->target_type ? chr->target_type : "isa-serial";
    g_autofree char *id = g_strdup_printf("charserial%d", port);

    if (strcmp(type, "isa-serial") != 0 && strcmp(type, "pci-serial") != 0)
        return unsupported(error, "serial %d: target type '%s' is not supported", port, type);
    if (!build_chardev(b, &chr->src, id, ps ? ps->logfile : NULL, error))
        return false;
    add_arg(b->argv, "-device");
    if (strcmp(type, "isa-serial") == 0)
        add_argf(b->argv, "isa-serial,chardev=%s,id=serial%d,index=%d", id, port, port);
    else
        add_argf(b->argv, "pci-serial,chardev=%s,id=serial%d", id, port);
    return true;
}

/* A console is the serial port's second name (libvirt lists the first
 * serial as a console too); anything else is a device of its own. */
static bool
check_consoles(const DomDef *def, GError **error)
{
    for (guint i = 0; def->consoles && i < def->consoles->len; i++) {
        const DomChr *c = def->consoles->pdata[i];

        if ((c->target_type && strcmp(c->target_type, "serial") != 0) || !def->serials ||
            def->serials->len == 0)
            return unsupported(error, "console %u: only a console on the serial port is supported",
                               i);
    }
    if (def->parallels && def->parallels->len > 0)
        return unsupported(error, "parallel ports are not supported");
    if (def->channels && def->channels->len > 0)
        return unsupported(error, "channels are not supported");
    return true;
}

/* ---- inputs and other devices ---- */

static bool
build_input(Build *b, guint i, GError **error)
{
    const DomInput *in = b->def->inputs->pdata[i];
    const char *bus = in->bus ? in->bus : "ps2";
    const char *dev = NULL;

    if (strcmp(bus, "ps2") == 0)
        return true; /* the PC's own keyboard controller */
    if (strcmp(bus, "usb") == 0) {
        if (strcmp(in->type, "tablet") == 0)
            dev = "usb-tablet";
        else if (strcmp(in->type, "mouse") == 0)
            dev = "usb-mouse";
        else if (strcmp(in->type, "keyboard") == 0)
            dev = "usb-kbd";
    } else if (strcmp(bus, "virtio") == 0) {
        if (strcmp(in->type, "tablet") == 0)
            dev = "virtio-tablet-pci";
        else if (strcmp(in->type, "mouse") == 0)
            dev = "virtio-mouse-pci";
        else if (strcmp(in->type, "keyboard") == 0)
            dev = "virtio-keyboard-pci";
    }
    if (!dev)
        return unsupported(error, "input %u: type '%s' on bus '%s' is not supported", i, in->type,
                           bus);
    add_arg(b->argv, "-device");
    add_argf(b->argv, "%s,id=input%u", dev, i);
    return true;
}

static bool
build_other(Build *b, guint i, GError **error)
{
    const DomGenericDevice *d = b->def->others->pdata[i];
    const DomXNode *n = d->node;
    const char *model = xnode_attr(n, "model");

    if (strcmp(n->name, "memballoon") == 0) {
        if (model && strcmp(model, "none") == 0)
            return true;
        if (model && strcmp(model, "virtio") != 0)
            return unsupported(error, "memballoon model '%s' is not supported", model);
        add_arg(b->argv, "-device");
        add_arg(b->argv, "virtio-balloon-pci,id=balloon0");
        return true;
    }
    if (strcmp(n->name, "panic") == 0) {
        if (model && strcmp(model, "isa") != 0)
            return unsupported(error, "panic model '%s' is not supported", model);
        add_arg(b->argv, "-device");
        add_arg(b->argv, "pvpanic");
        return true;
    }
    if (strcmp(n->name, "rng") == 0) {
        const DomXNode *backend = xnode_child(n, "backend");
        const char *bmodel = xnode_attr(backend, "model");
        GString *obj;

        if (!model || strcmp(model, "virtio") != 0 || !bmodel || strcmp(bmodel, "random") != 0)
            return unsupported(error, "rng %u: only a virtio rng with a 'random' backend", i);
        obj = g_string_new(NULL);
        g_string_append_printf(obj, "rng-random,id=objrng%u,filename=", i);
        append_escaped(obj, backend->text ? backend->text : "/dev/urandom");
        add_opt(b->argv, "-object", obj);
        add_arg(b->argv, "-device");
        add_argf(b->argv, "virtio-rng-pci,rng=objrng%u,id=rng%u", i, i);
        return true;
    }
    return unsupported(error, "<%s> devices are not supported", n->name);
}

/* ---- the whole command line ---- */

GPtrArray *
qemu_command_build(const DomDef *def, const QemuPrepared *prep, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    Build b = { def, prep, argv };
    char uuid[UUID_STRING_LEN];
    GString *s;

    if (!prep->emulator || !prep->machine || !prep->accel ||
        (!prep->monitor_path && prep->monitor_fd < 0)) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "domain '%s': emulator, machine, accelerator or monitor not prepared",
                    def->name);
        return NULL;
    }
    if (strcmp(prep->accel, "tcg") != 0 && strcmp(prep->accel, "kvm") != 0) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_INTERNAL_ERROR, "unknown accelerator '%s'",
                    prep->accel);
        return NULL;
    }
    if (!def->os_type || strcmp(def->os_type, "hvm") != 0) {
        unsupported(error, "os type '%s' is not supported", def->os_type ? def->os_type : "");
        return NULL;
    }

    add_arg(argv, prep->emulator);
    s = g_string_new("guest=");
    append_escaped(s, def->name);
    g_string_append(s, ",debug-threads=on");
    add_opt(argv, "-name", s);
    uuid_format(def->uuid, uuid);
    add_arg(argv, "-uuid");
    add_arg(argv, uuid);
    if (!build_machine(&b, error) || !build_cpu(&b, error) || !build_memory_smp(&b, error))
        return NULL;
    add_arg(argv, "-nodefaults");
    add_arg(argv, "-no-user-config");
    if (!def->graphics || def->graphics->len == 0) {
        add_arg(argv, "-display");
        add_arg(argv, "none");
    }

    s = g_string_new(NULL);
    if (prep->monitor_fd >= 0) {
        g_string_append_printf(s, "socket,id=charmonitor,fd=%d,server=on,wait=off",
                               prep->monitor_fd);
    } else {
        g_string_append(s, "socket,id=charmonitor,path=");
        append_escaped(s, prep->monitor_path);
        g_string_append(s, ",server=on,wait=off");
    }
    add_opt(argv, "-chardev", s);
    add_arg(argv, "-mon");
    add_arg(argv, "chardev=charmonitor,id=monitor,mode=control");

    if (!build_clock_lifecycle(&b, error) || !build_os(&b, error) ||
        !build_controllers(&b, error) || !check_consoles(def, error))
        return NULL;
    for (guint i = 0; def->disks && i < def->disks->len; i++) {
        if (!build_disk(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->nets && i < def->nets->len; i++) {
        if (!build_net(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->serials && i < def->serials->len; i++) {
        if (!build_serial(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->inputs && i < def->inputs->len; i++) {
        if (!build_input(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->graphics && i < def->graphics->len; i++) {
        if (!build_graphics(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->videos && i < def->videos->len; i++) {
        if (!build_video(&b, i, error))
            return NULL;
    }
    for (guint i = 0; def->others && i < def->others->len; i++) {
        if (!build_other(&b, i, error))
            return NULL;
    }
    add_arg(argv, "-S");
    add_arg(argv, "-msg");
    add_arg(argv, "timestamp=on");
    return g_steal_pointer(&argv);
}
