/*
 * qemu_status.h: the status record of a running domain (RUN/qemu/NAME.xml)
 *
 * Running state lives only here: what the agent needs to find a guest
 * again after it restarted (the qemu process by pid and start time, its
 * monitor socket) and to undo what its start set up (display ports, guest
 * ports, resolved listen addresses), with the live definition. Written
 * atomically at each change; read back by the reconnect after an agent
 * restart.
 *
 * <domstatus state='running' reason='booted' pid='1234' starttime='98765' id='3'>
 *   <monitor path='/run/virtnode/qemu/web1.monitor'/>
 *   <display port='5900'/>
 *   <nic kind='tap' ifname='vnet0' network='default' mac='52:54:00:..'/>
 *   <nic kind='macvtap' ifname='macvtap0' lower='eth0' mac='52:54:00:..'/>
 *   <listen network='default' address='192.168.122.1'/>
 *   <domain ...>the live definition</domain>
 * </domstatus>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/domdef.h"

/* A guest NIC's host side. */
typedef struct QemuStatusNic {
    char *kind;    /* "tap", "macvtap" */
    char *ifname;  /* the link on the host */
    char *network; /* the network it was plugged into; NULL for types bridge and direct */
    char *mac;     /* the guest's MAC, as text */
    char *lower;   /* a macvtap's lower device; NULL if unknown (older records) */
} QemuStatusNic;

/* A <listen type='network'> as resolved at start. */
typedef struct QemuStatusListen {
    char *network;
    char *address;
} QemuStatusListen;

typedef struct QemuStatus {
    char *state;  /* "running", "paused" (libvirt's state names) */
    char *reason; /* "booted", "user", ... */
    pid_t pid;
    unsigned long long start_time; /* /proc/PID/stat field 22: tells a recycled pid */
    int id;                        /* the domain's id while it runs */
    char *monitor;                 /* QMP socket */
    GArray *display_ports;         /* unsigned int: autoport allocations */
    GPtrArray *nics;               /* QemuStatusNic* */
    GPtrArray *listens;            /* QemuStatusListen* */
    DomDef *def;                   /* the live definition */
} QemuStatus;

QemuStatus *qemu_status_new(void);
void qemu_status_free(QemuStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuStatus, qemu_status_free)

/* Adds a NIC (the record's own copy, returned so that the caller can set
 * what else it knows, such as @lower). */
QemuStatusNic *qemu_status_add_nic(QemuStatus *status, const char *kind, const char *ifname,
                                   const char *network, const char *mac);
void qemu_status_add_listen(QemuStatus *status, const char *network, const char *address);

/* The record as XML (caller frees); NULL if the definition cannot be
 * formatted. */
char *qemu_status_format(const QemuStatus *status, GError **error);

/* Parses a record. Errors: VIR_ERR_XML_ERROR / VIR_ERR_XML_DETAIL
 * (error_quark(VIR_FROM_QEMU)) naming the problem; the definition's own
 * errors as domdef_parse_string() gives them. */
QemuStatus *qemu_status_parse(const char *xml, GError **error);

/* Writes @status to @path atomically (mode 0600). */
bool qemu_status_save(const QemuStatus *status, const char *path, GError **error);
/* Reads @path back. */
QemuStatus *qemu_status_load(const char *path, GError **error);
