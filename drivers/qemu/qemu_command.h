/*
 * qemu_command.h: the qemu command line of a prepared domain
 *
 * qemu_command_build() is pure: it reads the domain definition and what
 * the start phases resolved before launch (QemuPrepared) and returns the
 * argv; it opens no file, probes nothing and reads no global state, so
 * tests pin its output with data files (tests/data/qemu-argv/).
 *
 * Lifecycle actions are mostly the driver's: qemu always runs with
 * -no-shutdown (a guest poweroff stops the vCPUs and emits SHUTDOWN
 * instead of exiting), so the driver applies on_poweroff, and on_reboot
 * when it is not 'restart' (-no-reboot turns a guest reboot into a
 * SHUTDOWN), from the QMP events; a GUEST_PANICKED event (panic device)
 * pauses the guest (-action panic=pause) and the driver applies on_crash.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/domdef.h"
#include "util/mac.h"

/* What the start resolved for def->nets[i]. */
typedef struct QemuPrepNet {
    /* The descriptor number the child has for the NIC's tap or macvtap
     * (passed with fd passing, FD_CLOEXEC cleared); -1: none, which only
     * type 'user' accepts. */
    int fd;
    bool has_mac; /* false: the definition's MAC */
    MacAddr mac;
    char *model; /* NULL: the definition's, else rtl8139 (libvirt's default) */
} QemuPrepNet;

/* What the start resolved for def->graphics[i]. */
typedef struct QemuPrepGraphics {
    /* The address the first listen resolved to: for a 'network' listen the
     * network's address, for an 'address' listen without address the
     * configured default. NULL: the listen's own address, else 127.0.0.1. */
    char *address;
    char *socket;  /* 'socket' listen: the path (NULL: the listen's own) */
    int port;      /* VNC/SPICE port (autoport: the one allocated); 0: the definition's */
    int tls_port;  /* SPICE TLS port; 0: the definition's, none if that is not positive */
    int websocket; /* VNC websocket port; 0: the definition's, none if that is not positive */
} QemuPrepGraphics;

/* What the start resolved for def->disks[i]. */
typedef struct QemuPrepDisk {
    char *path;   /* the checked source path; NULL: the definition's */
    char *format; /* image format; NULL: <driver type=>, else raw */
} QemuPrepDisk;

/* What the start resolved for def->serials[i]. */
typedef struct QemuPrepSerial {
    char *logfile; /* a file qemu copies the device's output to; NULL: none */
} QemuPrepSerial;

/* Everything the start phases resolve before launch. Arrays may be shorter
 * than the definition's (or NULL): missing entries take the defaults above
 * (a NIC then has no fd). */
typedef struct QemuPrepared {
    char *emulator;       /* argv[0]: the qemu-system-* binary */
    char *machine;        /* the definition's machine type or the default chosen */
    char *accel;          /* "tcg" or "kvm" */
    int id;               /* the domain id (for the driver's paths; not in argv) */
    char *monitor_path;   /* QMP socket the agent connects to */
    int monitor_fd;       /* >= 0: an already listening socket passed to the child instead */
    bool spice_supported; /* the emulator was built with SPICE (capabilities) */
    char *spice_x509_dir; /* SPICE TLS certificates; NULL: a TLS port is refused */
    GPtrArray *nets;      /* QemuPrepNet* */
    GPtrArray *graphics;  /* QemuPrepGraphics* */
    GPtrArray *disks;     /* QemuPrepDisk* */
    GPtrArray *serials;   /* QemuPrepSerial* */
} QemuPrepared;

/* An empty QemuPrepared (monitor_fd -1, arrays empty, owning their
 * elements); free with qemu_prepared_free(). */
QemuPrepared *qemu_prepared_new(void);
void qemu_prepared_free(QemuPrepared *prep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuPrepared, qemu_prepared_free)

/* Element i of each array, growing the array with defaults as needed (the
 * element stays owned by @prep). */
QemuPrepNet *qemu_prepared_net(QemuPrepared *prep, guint i);
QemuPrepGraphics *qemu_prepared_graphics(QemuPrepared *prep, guint i);
QemuPrepDisk *qemu_prepared_disk(QemuPrepared *prep, guint i);
QemuPrepSerial *qemu_prepared_serial(QemuPrepared *prep, guint i);

/* The argv (char*, freed with the array; argv[0] = prep->emulator) that
 * starts @def paused (-S) with its QMP monitor on prep->monitor_path.
 * Errors (QEMU_ERROR): a device, listen or option qemu or this builder
 * does not support -> VIR_ERR_CONFIG_UNSUPPORTED naming it; something
 * the start should have resolved and did not (no emulator, machine,
 * monitor, NIC fd, VNC port below 5900) -> VIR_ERR_INTERNAL_ERROR. */
GPtrArray *qemu_command_build(const DomDef *def, const QemuPrepared *prep, GError **error);
