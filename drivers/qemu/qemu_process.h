/*
 * qemu_process.h: one running guest: start in phases, stop, monitor events
 *
 * qemu_process_start() runs the phases of a start in order, each undone
 * when a later one fails (nothing is left behind):
 *   1. prepare the domain: live definition, emulator and machine (from the
 *      capabilities when the XML names none), accelerator, display ports
 *      (autoport), listen addresses of <listen type='network'> (net/);
 *   2. prepare the host: guest ports (net/: taps on network bridges or host
 *      bridges), the monitor socket path, the log file;
 *   3. launch qemu (argv from qemu_command_build(), NICs by fd passing, -S)
 *      as the agent's own child, connect QMP, "cont";
 *   4. write the status record RUN/qemu/NAME.xml.
 * qemu_process_stop() undoes all of it: the process (SIGTERM, a grace
 * period, SIGKILL; reaped), ports unplugged, display ports freed, files
 * removed.
 *
 * Events from the monitor (guest shutdown, qemu gone, stop/resume) reach
 * the caller's callback on the agent's main loop, never on the monitor's
 * reader thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/domdef.h"
#include "drivers/qemu/qemu_ports.h"
#include "drivers/qemu/qemu_status.h"

typedef struct QemuProcess QemuProcess;

/* What happened to a running guest (the caller maps it to libvirt's
 * states and events). */
typedef enum {
    QEMU_PROCESS_EVENT_SHUTDOWN,      /* the guest powered off (qemu waits, -no-shutdown) */
    QEMU_PROCESS_EVENT_SHUTDOWN_HOST, /* the same, asked by the host (a signal to qemu, quit) */
    QEMU_PROCESS_EVENT_REBOOT,  /* the guest rebooted under -no-reboot (on_reboot != restart) */
    QEMU_PROCESS_EVENT_RESET,   /* the guest rebooted */
    QEMU_PROCESS_EVENT_STOP,    /* paused */
    QEMU_PROCESS_EVENT_RESUME,  /* running again */
    QEMU_PROCESS_EVENT_CRASHED, /* GUEST_PANICKED */
    QEMU_PROCESS_EVENT_GONE,    /* qemu exited or its monitor closed */
} QemuProcessEvent;

/* Called on the main loop with the domain's name. */
/* @pid: the qemu that reported it (an event may arrive after its guest
 * was stopped and started again: it is not the new qemu's) */
typedef void (*QemuProcessEventFunc)(const char *name, GPid pid, QemuProcessEvent event,
                                     gpointer data);

typedef struct QemuProcessConfig {
    const char *run_dir; /* RUN/qemu: monitor sockets, status records */
    const char *log_dir; /* LOG/qemu: qemu's output per domain */
    PortRange *display_ports;
    QemuProcessEventFunc event_cb;
    gpointer event_data;
} QemuProcessConfig;

/* Starts @def as domain id @id. Errors name the domain and the step:
 * a missing emulator or KVM (VIR_ERR_CONFIG_UNSUPPORTED), a network that
 * is unknown, inactive or without an address (the network driver's
 * errors), display ports exhausted, qemu refusing to start (its own words
 * from the log, VIR_ERR_OPERATION_FAILED). */
QemuProcess *qemu_process_start(const QemuProcessConfig *cfg, const DomDef *def, int id,
                                GError **error);

/* Stops and undoes; frees @proc. *error holds the first problem (the rest
 * goes on). */
bool qemu_process_stop(const QemuProcessConfig *cfg, QemuProcess *proc, GError **error);

/* After an agent restart: reads RUN/qemu/@name.xml, checks the qemu it
 * names is the same process (pid and start time) and re-attaches its
 * monitor. A qemu that is gone is cleaned up after (ports unplugged,
 * leases released, files removed): NULL with *ret_cleaned true. The guest
 * is never killed because the agent could not rebuild its own state,
 * unless its qemu no longer answers on its monitor. */
QemuProcess *qemu_process_adopt(const QemuProcessConfig *cfg, const char *name, bool *ret_cleaned,
                                GError **error);

/* Asks qemu whether the guest runs (else it is paused). */
bool qemu_process_query_running(QemuProcess *proc, bool *ret_running, GError **error);

/* The record of the running guest (live definition, pid, ports...). */
const QemuStatus *qemu_process_status(const QemuProcess *proc);

/* Guest operations through the monitor. */
bool qemu_process_powerdown(QemuProcess *proc, GError **error);
bool qemu_process_reset(QemuProcess *proc, GError **error);
/* Writes the guest's memory to @path (an ELF core, mode 0600) through
 * the monitor; a failed dump leaves no file. */
bool qemu_process_dump(QemuProcess *proc, const char *path, GError **error);
bool qemu_process_pause(QemuProcess *proc, GError **error);
bool qemu_process_resume(QemuProcess *proc, GError **error);

/* CPU time used by the guest's qemu, in nanoseconds (/proc/PID/stat). */
unsigned long long qemu_process_cpu_time(const QemuProcess *proc);
