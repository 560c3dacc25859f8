/*
 * qemu_domain.h: the QEMU driver's domain definitions (ETC/qemu/NAME.xml)
 * and its domain members of the HypervisorDriver table
 *
 * One process-wide state: the persistent definitions, kept in memory in
 * hash tables by name and by UUID, mirrored on disk by util/xmlstore.
 * Locking: a mutex serialises every change (define, undefine, autostart,
 * reload) including its file I/O, so disk and memory change in the same
 * order; a reader/writer lock guards the tables, taken for writing only
 * for the instant a finished change is put in, so lookups never wait on
 * an fsync. Starting and stopping a guest's qemu runs with the mutex
 * released and the domain marked busy: other domains change meanwhile,
 * changes to that one wait for it (up to 30 s, then
 * VIR_ERR_OPERATION_TIMEOUT).
 *
 * Running guests: drivers/qemu/qemu_process.h, once
 * qemu_domain_set_runtime() gave the directories (the agent does; a
 * process without it only keeps definitions, and starting answers
 * VIR_ERR_NO_SUPPORT).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "lib/driver.h"

/* Loads every ETC/qemu/NAME.xml (@dir is ETC/qemu; created if missing).
 * Bad files are logged and skipped. Errors: @dir cannot be created or
 * read (VIR_ERR_SYSTEM_ERROR), or the state is already initialised
 * (VIR_ERR_INTERNAL_ERROR). */
bool qemu_domain_state_init(const char *dir, GError **error);
/* Re-reads the directory: new files appear (DEFINED/ADDED), removed ones
 * go (UNDEFINED/REMOVED), changed ones are replaced (DEFINED/UPDATED),
 * autostart links are re-read. On error nothing changed. */
bool qemu_domain_state_reload(GError **error);
/* Lets domains run: qemu's monitor sockets and status records go under
 * @run_dir (RUN/qemu), its output under @log_dir, on_crash coredump-*
 * memory dumps under @dump_dir (STATE/qemu/dump; NULL: none). */
void qemu_domain_set_runtime(const char *run_dir, const char *log_dir, const char *dump_dir);
/* The autoport range of VNC/SPICE servers (agent.conf's
 * remote_display_port_min/max; 5900-65535 unless set). */
void qemu_domain_set_display_ports(unsigned int first, unsigned int last);

/* After the definitions loaded: re-attaches to the guests an earlier agent
 * left running (RUN/qemu/NAME.xml); guests whose qemu is gone are cleaned
 * up and shut off (crashed). Never kills a guest. */
void qemu_domain_reconnect(void);

/* Starts every autostart domain that is not running, a few at a time (in
 * name order); each failure is logged with the domain's name and the
 * others go on. Returns when all were tried: true, or false if
 * qemu_domain_autostart_cancel() made it skip the rest. */
bool qemu_domain_autostart(void);
/* The agent is stopping: autostarts not begun yet are skipped (any thread). */
void qemu_domain_autostart_cancel(void);

/* Frees the state; no connection may be open any more. */
void qemu_domain_state_shutdown(void);
bool qemu_domain_state_is_initialised(void);

/* Connections that receive domain events (connect_open / connect_close). */
void qemu_domain_attach_conn(virConnectPtr conn);
void qemu_domain_detach_conn(virConnectPtr conn);

/* The table members (named after lib/driver.h). */
int qemu_connect_num_of_domains(virConnectPtr conn, GError **error);
int qemu_connect_list_domains(virConnectPtr conn, int *ids, int maxids, GError **error);
int qemu_connect_num_of_defined_domains(virConnectPtr conn, GError **error);
int qemu_connect_list_defined_domains(virConnectPtr conn, char **names, int maxnames,
                                      GError **error);
int qemu_connect_list_all_domains(virConnectPtr conn, virDomainPtr **ret_domains,
                                  unsigned int flags, GError **error);
virDomainPtr qemu_domain_lookup_by_id(virConnectPtr conn, int id, GError **error);
virDomainPtr qemu_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error);
virDomainPtr qemu_domain_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid,
                                        GError **error);

virDomainPtr qemu_domain_define_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                    GError **error);
bool qemu_domain_undefine(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_create(virDomainPtr dom, unsigned int flags, GError **error);
virDomainPtr qemu_domain_create_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                    GError **error);
bool qemu_domain_destroy(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_shutdown(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_reboot(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_reset(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_suspend(virDomainPtr dom, GError **error);
bool qemu_domain_resume(virDomainPtr dom, GError **error);

bool qemu_domain_get_info(virDomainPtr dom, virDomainInfoPtr info, GError **error);
bool qemu_domain_get_state(virDomainPtr dom, int *ret_state, int *ret_reason, unsigned int flags,
                           GError **error);
char *qemu_domain_get_xml_desc(virDomainPtr dom, unsigned int flags, GError **error);
char *qemu_domain_get_os_type(virDomainPtr dom, GError **error);
bool qemu_domain_get_max_memory(virDomainPtr dom, unsigned long long *ret_kib, GError **error);
int qemu_domain_get_vcpus_flags(virDomainPtr dom, unsigned int flags, GError **error);
bool qemu_domain_get_autostart(virDomainPtr dom, int *ret_autostart, GError **error);
bool qemu_domain_set_autostart(virDomainPtr dom, int autostart, GError **error);
int qemu_domain_is_active(virDomainPtr dom, GError **error);
int qemu_domain_is_persistent(virDomainPtr dom, GError **error);
