/*
 * qemu_driver.h: the agent's local driver, type "QEMU": the
 * HypervisorDriver the dispatcher calls for every client's virConnect
 *
 * Domain members live in drivers/qemu/qemu_domain.c, network members in
 * net/network_driver.c; this table points at both. Definitions are kept
 * under ETC/qemu (domains) and ETC/qemu/networks (networks).
 *
 * Life cycle, from the agent's hooks (agent/agent.h):
 *   startup:  qemu_driver_init(ETC/qemu, STATE, RUN, &error)
 *             (loads domains, then networks from ETC/qemu/networks)
 *   SIGHUP:   qemu_driver_reload(&error) (log the error; the old
 *             definitions stay)
 *   shutdown: qemu_driver_shutdown(), after every connection was closed
 * connect_open fails with VIR_ERR_INTERNAL_ERROR before init.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "lib/driver.h"

extern const HypervisorDriver qemu_driver;

/* Loads the domain definitions from @config_dir (ETC/qemu) and, through
 * network_driver_init(), the network definitions from
 * @config_dir/networks; creates those directories and their autostart/
 * subdirectories if missing. @state_dir and @run_dir are kept for the
 * running state to come (not touched yet). Unparseable or invalid files
 * are logged (util/log.h) and skipped, left untouched. No emulator is run.
 * Errors: a directory cannot be created or read (VIR_ERR_SYSTEM_ERROR),
 * already initialised (VIR_ERR_INTERNAL_ERROR); nothing stays loaded. */
bool qemu_driver_init(const char *config_dir, const char *state_dir, const char *run_dir,
                      GError **error);

/* SIGHUP: re-reads both directories (new definitions appear, removed ones
 * go, changed ones are replaced; lifecycle events for each) and forgets
 * the cached capabilities and QEMU version. Both parts are tried; *error
 * holds the first failure (the part that failed kept its definitions). */
bool qemu_driver_reload(GError **error);

/* Frees every definition (the files stay). Call once no connection is
 * open any more. Safe without init. */
void qemu_driver_shutdown(void);

/* Directories given to qemu_driver_init(); NULL before it and after
 * qemu_driver_shutdown(). */
const char *qemu_driver_get_state_dir(void);
const char *qemu_driver_get_run_dir(void);
