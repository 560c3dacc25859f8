/*
 * domdef-types.h: the DomDef structure (included by domdef.h)
 *
 * Fields marked "stable" are used outside conf/ and keep their names.
 *
 * Elements virtnode models are parsed into typed fields; whatever else a
 * element carries (attributes and children virtnode passes through without
 * interpreting, e.g. <cpu> features or a disk's <iotune>) is kept in a
 * DomXNode subtree so it is written back unchanged.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/xmlutil.h"
#include "util/mac.h"

/* A pass-through XML subtree (element name, attributes in order, text,
 * children). Namespaced names keep their prefix ("ns:name") and the
 * declarations are kept as "xmlns:ns" attributes. */
typedef struct DomXNode {
    char *name;
    GPtrArray *attrs;    /* DomXAttr* */
    char *text;          /* NULL when the element holds no text */
    GPtrArray *children; /* DomXNode* */
} DomXNode;

typedef struct DomXAttr {
    char *name;
    char *value;
} DomXAttr;

/* What every device may carry (libvirt's virDomainDeviceInfo). */
typedef struct DomDeviceInfo {
    unsigned int boot_order; /* <boot order=>, 0: none */
    char *boot_loadparm;
    char *alias;       /* <alias name=>: written inactive only for "ua-" user aliases */
    DomXNode *address; /* <address type=...>, NULL: unassigned */
    GPtrArray *extra;  /* <rom>, <acpi>, <master>: DomXNode*, kept as given */
} DomDeviceInfo;

/* ---- disks ---- */
typedef enum {
    DOM_DISK_TYPE_FILE,
    DOM_DISK_TYPE_BLOCK,
    DOM_DISK_TYPE_DIR,
    DOM_DISK_TYPE_NETWORK,
    DOM_DISK_TYPE_VOLUME,
    DOM_DISK_TYPE_NVME,
    DOM_DISK_TYPE_VHOSTUSER,
    DOM_DISK_TYPE_LAST,
} DomDiskType;

typedef enum {
    DOM_DISK_DEVICE_DISK,
    DOM_DISK_DEVICE_CDROM,
    DOM_DISK_DEVICE_FLOPPY,
    DOM_DISK_DEVICE_LUN,
    DOM_DISK_DEVICE_LAST,
} DomDiskDevice;

typedef enum {
    DOM_DISK_BUS_IDE,
    DOM_DISK_BUS_FDC,
    DOM_DISK_BUS_SCSI,
    DOM_DISK_BUS_VIRTIO,
    DOM_DISK_BUS_XEN,
    DOM_DISK_BUS_USB,
    DOM_DISK_BUS_UML,
    DOM_DISK_BUS_SATA,
    DOM_DISK_BUS_SD,
    DOM_DISK_BUS_LAST,
} DomDiskBus;

typedef struct DomDisk {
    DomDiskType type;
    DomDiskDevice device;
    DomXNode *driver;    /* <driver>, NULL if absent */
    DomXNode *disk_auth; /* <auth> written directly under <disk> (old style) */
    DomXNode *source;    /* the rest of <source> (hosts, auth, seclabel...) */
    bool has_source;     /* a <source> element was given */
    char *src_path;      /* file=, dev= or dir= depending on type */
    char *src_protocol;  /* network: nbd, rbd, iscsi, http... */
    char *src_name;      /* network: image / target name */
    char *src_pool;      /* volume */
    char *src_volume;    /* volume */
    DomXNode *backing;   /* <backingStore> */
    DomXNode *geometry;  /* <geometry> */
    DomXNode *blockio;   /* <blockio> */
    char *dst;           /* <target dev=> */
    DomDiskBus bus;      /* <target bus=> (defaulted from dst's prefix) */
    DomXNode *target;    /* other <target> attributes (tray, removable...) */
    DomXNode *iotune;    /* <iotune> */
    bool readonly;
    bool shareable;
    DomXNode *transient; /* <transient> */
    char *serial;
    char *wwn;
    char *vendor;
    char *product;
    DomXNode *encryption; /* <encryption> under <disk> */
    DomXNode *extra;      /* other attributes of <disk> and unknown children */
    DomDeviceInfo info;
} DomDisk;

/* ---- controllers ---- */
typedef struct DomController {
    char *type;      /* ide, fdc, scsi, sata, usb, pci, virtio-serial, ccid, xenbus... */
    int index;       /* -1 until assigned */
    char *model;     /* NULL: default */
    DomXNode *extra; /* other attributes and children (<driver>, <target>...) */
    DomDeviceInfo info;
} DomController;

/* ---- interfaces ---- */
typedef enum {
    DOM_NET_TYPE_USER,
    DOM_NET_TYPE_ETHERNET,
    DOM_NET_TYPE_VHOSTUSER,
    DOM_NET_TYPE_SERVER,
    DOM_NET_TYPE_CLIENT,
    DOM_NET_TYPE_MCAST,
    DOM_NET_TYPE_UDP,
    DOM_NET_TYPE_NETWORK,
    DOM_NET_TYPE_BRIDGE,
    DOM_NET_TYPE_INTERNAL,
    DOM_NET_TYPE_DIRECT,
    DOM_NET_TYPE_HOSTDEV,
    DOM_NET_TYPE_VDPA,
    DOM_NET_TYPE_NULL,
    DOM_NET_TYPE_VDS,
    DOM_NET_TYPE_LAST,
} DomNetType;

typedef struct DomNet {
    DomNetType type;
    MacAddr mac;
    bool mac_generated;  /* no <mac> was given: made up as 52:54:00:xx:xx:xx */
    DomXNode *mac_extra; /* other <mac> attributes (type, check) */
    char *network;       /* type network: <source network=> */
    char *bridge;        /* type bridge: <source bridge=> */
    char *dev;           /* type direct: <source dev=> */
    char *direct_mode;   /* type direct: vepa (default), bridge, private, passthrough */
    bool has_source;
    DomXNode *source;   /* the rest of <source> */
    DomXNode *guest_ip; /* guest-side <ip>/<route>: children of a holder node */
    DomXNode *vlan;
    DomXNode *virtualport;
    DomXNode *bandwidth;
    DomXNode *port; /* <port isolated=> */
    char *script;
    char *downscript;
    char *ifname;     /* <target dev=>: host-side name */
    DomXNode *target; /* other <target> attributes (managed) */
    char *model;      /* <model type=>, known models lower-cased */
    DomXNode *driver;
    DomXNode *backend;
    DomXNode *filterref;
    DomXNode *extra; /* other attributes of <interface> and unknown children */
    DomDeviceInfo info;
} DomNet;

/* ---- graphics ---- */
typedef enum {
    DOM_GRAPHICS_SDL,
    DOM_GRAPHICS_VNC,
    DOM_GRAPHICS_RDP,
    DOM_GRAPHICS_DESKTOP,
    DOM_GRAPHICS_SPICE,
    DOM_GRAPHICS_EGL_HEADLESS,
    DOM_GRAPHICS_DBUS,
    DOM_GRAPHICS_LAST,
} DomGraphicsType;

typedef enum {
    DOM_LISTEN_NONE,
    DOM_LISTEN_ADDRESS,
    DOM_LISTEN_NETWORK,
    DOM_LISTEN_SOCKET,
    DOM_LISTEN_LAST,
} DomListenType;

typedef struct DomGraphicsListen {
    DomListenType type;
    /* type address: the configured address (may be NULL: any). Type
     * network: the address the network resolved to, runtime only (the
     * qemu driver fills it in; never written to inactive XML). */
    char *address;
    char *network;       /* type network: the network's name (persistent) */
    char *socket;        /* type socket */
    bool auto_generated; /* socket path made up by the driver: not persistent */
} DomGraphicsListen;

typedef struct DomGraphics {
    DomGraphicsType type;
    /* VNC/SPICE/RDP port. With autoport this is the port chosen at start
     * (0 while not running) and inactive XML shows -1. */
    int port;
    int tls_port; /* SPICE */
    bool autoport;
    int websocket;      /* VNC: 0 none, -1 automatic */
    char *passwd;       /* written only with DOMDEF_FORMAT_SECURE */
    GPtrArray *listens; /* DomGraphicsListen* */
    DomXNode *extra;    /* keymap, sharePolicy, passwdValidTo..., spice children */
} DomGraphics;

/* ---- character devices ---- */
typedef enum {
    DOM_CHR_DEV_SERIAL,
    DOM_CHR_DEV_PARALLEL,
    DOM_CHR_DEV_CONSOLE,
    DOM_CHR_DEV_CHANNEL,
    DOM_CHR_DEV_LAST,
} DomChrDeviceType;

typedef enum {
    DOM_CHR_NULL,
    DOM_CHR_VC,
    DOM_CHR_PTY,
    DOM_CHR_DEV,
    DOM_CHR_FILE,
    DOM_CHR_PIPE,
    DOM_CHR_STDIO,
    DOM_CHR_UDP,
    DOM_CHR_TCP,
    DOM_CHR_UNIX,
    DOM_CHR_SPICEVMC,
    DOM_CHR_SPICEPORT,
    DOM_CHR_NMDM,
    DOM_CHR_QEMU_VDAGENT,
    DOM_CHR_DBUS,
    DOM_CHR_LAST,
} DomChrType;

/* The host side of a character device (also used by <rng> backends). */
typedef struct DomChrSource {
    DomChrType type;
    char *path;         /* pty (runtime), dev, file, pipe, unix; nmdm master */
    char *slave;        /* nmdm */
    XmlTristate append; /* file */
    char *host;         /* tcp; udp connect host */
    char *service;      /* tcp; udp connect service */
    char *bind_host;    /* udp */
    char *bind_service; /* udp */
    bool listen;        /* tcp/unix mode='bind' */
    int protocol;       /* tcp: 0 raw, 1 telnet, 2 telnets, 3 tls */
    XmlTristate tls;    /* tcp <source tls=> */
    XmlTristate reconnect;
    unsigned int reconnect_timeout;
    char *channel;   /* spiceport; spicevmc/dbus name */
    DomXNode *extra; /* other <source> content (seclabel) and <log> */
} DomChrSource;

typedef struct DomChr {
    DomChrDeviceType devtype;
    DomChrSource src;
    char *target_type;  /* serial: isa-serial, usb-serial...; console: serial, virtio...;
                         * channel: virtio, guestfwd, xen; NULL: unset */
    int target_port;    /* serial/parallel/console port, -1 unset */
    char *target_name;  /* channel virtio/xen name */
    char *target_state; /* channel virtio state: runtime only */
    DomXNode *target;   /* other <target> attributes (guestfwd address/port) and children */
    DomXNode *extra;    /* unknown children */
    DomDeviceInfo info;
} DomChr;

/* ---- simpler devices ---- */
typedef struct DomVideo {
    char *model;                                   /* <model type=>; NULL: no <model> */
    unsigned int ram, vram, vram64, vgamem, heads; /* 0: unset */
    bool primary;
    DomXNode *model_extra; /* other <model> attributes and children (<acceleration>) */
    DomXNode *extra;       /* <driver> etc. */
    DomDeviceInfo info;
} DomVideo;

typedef struct DomInput {
    char *type; /* mouse, tablet, keyboard, passthrough, evdev */
    char *bus;  /* ps2, usb, xen, virtio...: defaulted */
    DomXNode *extra;
    DomDeviceInfo info;
} DomInput;

typedef struct DomMemory {
    char *model;                 /* dimm, nvdimm, virtio-pmem, virtio-mem, sgx-epc */
    unsigned long long size_kib; /* <target><size> */
    int target_node;             /* <target><node>, -1 unset */
    DomXNode *node;              /* the element as given, sizes normalised to KiB */
    DomDeviceInfo info;
} DomMemory;

/* Any other device, kept as given (sound, memballoon, rng, hostdev, watchdog,
 * panic, shmem, hub, redirdev, smartcard, tpm, audio...). The position of
 * the element name in the device order decides where it is written. */
typedef struct DomGenericDevice {
    DomXNode *node;
    DomDeviceInfo info;
} DomGenericDevice;

/* ---- top level ---- */
typedef enum {
    DOM_LIFECYCLE_DESTROY,
    DOM_LIFECYCLE_RESTART,
    DOM_LIFECYCLE_RESTART_RENAME,
    DOM_LIFECYCLE_PRESERVE,
    DOM_LIFECYCLE_COREDUMP_DESTROY,
    DOM_LIFECYCLE_COREDUMP_RESTART,
    DOM_LIFECYCLE_LAST,
} DomLifecycleAction;

typedef enum {
    DOM_CLOCK_UTC,
    DOM_CLOCK_LOCALTIME,
    DOM_CLOCK_VARIABLE,
    DOM_CLOCK_TIMEZONE,
    DOM_CLOCK_ABSOLUTE,
    DOM_CLOCK_LAST,
} DomClockOffset;

struct DomDef {
    char *virt_type;                   /* stable: <domain type=>: "qemu", "kvm", "test" */
    char *name;                        /* stable */
    unsigned char uuid[UUID_LEN];      /* stable */
    unsigned long long max_memory_kib; /* stable: <memory>, KiB */
    unsigned long long cur_memory_kib; /* stable: <currentMemory>, KiB */
    unsigned int vcpus_max;            /* stable: <vcpu> */
    unsigned int vcpus_current;        /* stable: <vcpu current=>, else vcpus_max */
    char *os_type;                     /* stable: <os><type>: "hvm", "linux", "xen" */

    /* general */
    DomXNode *root_extra; /* other attributes of <domain> and unknown top-level elements */
    DomXNode *genid;
    char *title;
    char *description;
    DomXNode *metadata;

    /* memory */
    unsigned long long hotplug_memory_kib; /* <maxMemory>, 0: none */
    unsigned int memory_slots;
    XmlTristate dump_core; /* <memory dumpCore=> */
    DomXNode *blkiotune;
    unsigned long long hard_limit_kib, soft_limit_kib, swap_hard_limit_kib, min_guarantee_kib;
    bool has_hard_limit, has_soft_limit, has_swap_hard_limit, has_min_guarantee;
    DomXNode *memory_backing;

    /* cpus */
    bool placement_auto;
    char *cpuset;           /* <vcpu cpuset=>, normalised */
    DomXNode *vcpus_detail; /* <vcpus> */
    unsigned int iothreads;
    DomXNode *iothreadids;
    DomXNode *cputune;  /* ordered; <vcpusched>/<iothreadsched> expanded per id */
    DomXNode *numatune; /* normalised */
    DomXNode *resource;
    DomXNode *sysinfo;
    DomXNode *cpu;
    unsigned int numa_cells;            /* <cpu><numa><cell> count */
    unsigned long long numa_memory_kib; /* their total */

    /* os */
    char *os_arch;
    char *os_machine;
    char *os_firmware;          /* <os firmware=> */
    DomXNode *os_firmware_info; /* <os><firmware> feature list */
    DomXNode *os_loader;
    DomXNode *os_nvram;
    char *os_kernel, *os_initrd, *os_cmdline, *os_dtb, *os_root;
    GPtrArray *os_boot_devs; /* char*: hd, fd, cdrom, network */
    DomXNode *os_bootmenu;
    DomXNode *os_smbios;
    DomXNode *os_bios;
    DomXNode *os_extra; /* init*, acpi tables and other children */
    char *bootloader;
    char *bootloader_args;

    DomXNode *features; /* ordered, defaults filled in */
    DomClockOffset clock_offset;
    DomXNode *clock; /* other <clock> attributes and <timer> children */
    DomLifecycleAction on_poweroff, on_reboot, on_crash;
    char *on_lockfailure;
    DomXNode *pm;
    DomXNode *perf;

    /* devices */
    char *emulator;
    GPtrArray *disks;       /* DomDisk* */
    GPtrArray *controllers; /* DomController* */
    GPtrArray *nets;        /* DomNet* */
    GPtrArray *serials;     /* DomChr* */
    GPtrArray *parallels;   /* DomChr* */
    GPtrArray *consoles;    /* DomChr* */
    GPtrArray *channels;    /* DomChr* */
    GPtrArray *inputs;      /* DomInput* */
    GPtrArray *graphics;    /* DomGraphics* */
    GPtrArray *videos;      /* DomVideo* */
    GPtrArray *memories;    /* DomMemory* */
    GPtrArray *others;      /* DomGenericDevice*: everything else */
    DomXNode *trailing;     /* seclabel, keywrap, launchSecurity, qemu:commandline... */
};
