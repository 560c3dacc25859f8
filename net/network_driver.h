/*
 * network_driver.h: the agent's virtual network definitions
 * (ETC/qemu/networks/NAME.xml) and the network members of the QEMU
 * driver's HypervisorDriver table
 *
 * Same model as drivers/qemu/qemu_domain.h: one process-wide state, hash
 * tables by name and UUID, a mutex serialising changes (file I/O
 * included) and a reader/writer lock for the instant they are put in.
 *
 * As libvirt's network driver, a network in a bridge-backed mode (none,
 * nat, route, open) without <bridge name=> gets the first free virbrN at
 * define (or load) time, and one without <mac address=> a random
 * 52:54:00:xx:xx:xx; both are saved with the definition.
 *
 * Running networks (net/netrun.h) are started and stopped under the same
 * mutex; their records come back after an agent restart from the status
 * files (network_driver_init() adopts them, changing nothing on the host).
 * A process that never called network_driver_configure() only manages
 * definitions: starting a network answers VIR_ERR_NO_SUPPORT.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "lib/driver.h"
#include "net/netrun.h"
#include "net/port.h"

/* Lets networks run, with @cfg (owned by the driver from now on; freed by
 * network_driver_shutdown()). Call before network_driver_init(), which
 * then adopts the networks left running by an earlier agent. */
void network_driver_configure(NetRunConfig *cfg);

/* Loads every @dir/NAME.xml (@dir is ETC/qemu/networks; created if
 * missing). Bad files are logged and skipped; loaded networks lacking a
 * bridge name or MAC get one, saved back. qemu_driver_init() calls this;
 * it is separate for tests and for an agent without domains. Errors:
 * @dir cannot be created or read (VIR_ERR_SYSTEM_ERROR), already
 * initialised (VIR_ERR_INTERNAL_ERROR). */
bool network_driver_init(const char *dir, GError **error);
/* Re-reads the directory: new files appear (DEFINED), removed ones go
 * (UNDEFINED), changed ones are replaced. On error nothing changed. */
bool network_driver_reload(GError **error);
/* Starts every autostart network that is not running (in name order);
 * each failure is logged with the network's name. False if any failed. */
bool network_driver_autostart(void);

/* The address a graphics server of a domain on network @name listens on
 * (netrun_listen_address()). Errors: no such network
 * (VIR_ERR_NO_NETWORK), not active (VIR_ERR_OPERATION_INVALID), no
 * address of @family (VIR_ERR_OPERATION_FAILED). */
char *network_driver_listen_address(const char *name, int family, GError **error);

/* A guest NIC's port on running network @name (net/port.h: a tap on its
 * bridge, a macvtap on its device pool), serialised with starts and stops.
 * No such network: VIR_ERR_NO_NETWORK; not active:
 * VIR_ERR_OPERATION_INVALID. */
NetPort *network_driver_port_plug(const char *name, const MacAddr *mac, const char *ifname,
                                  unsigned mtu, GError **error);
/* Unplugs @port (its network may have stopped meanwhile) and releases the
 * guest's DHCP leases; @port is freed. */
bool network_driver_port_unplug(NetPort *port, GError **error);

/* Frees the state (running networks keep running); no connection may be
 * open any more. */
void network_driver_shutdown(void);
bool network_driver_is_initialised(void);

/* Connections that receive network events (the QEMU driver's
 * connect_open / connect_close call these). */
void network_driver_attach_conn(virConnectPtr conn);
void network_driver_detach_conn(virConnectPtr conn);

/* The table members: netdrv_ + the member name of lib/driver.h. */
int netdrv_connect_num_of_networks(virConnectPtr conn, GError **error);
int netdrv_connect_list_networks(virConnectPtr conn, char **names, int maxnames, GError **error);
int netdrv_connect_num_of_defined_networks(virConnectPtr conn, GError **error);
int netdrv_connect_list_defined_networks(virConnectPtr conn, char **names, int maxnames,
                                         GError **error);
int netdrv_connect_list_all_networks(virConnectPtr conn, virNetworkPtr **ret_networks,
                                     unsigned int flags, GError **error);
virNetworkPtr netdrv_lookup_by_name(virConnectPtr conn, const char *name, GError **error);
virNetworkPtr netdrv_lookup_by_uuid(virConnectPtr conn, const unsigned char *uuid, GError **error);
virNetworkPtr netdrv_define_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                GError **error);
virNetworkPtr netdrv_create_xml(virConnectPtr conn, const char *xml, unsigned int flags,
                                GError **error);
bool netdrv_undefine(virNetworkPtr net, GError **error);
bool netdrv_create(virNetworkPtr net, GError **error);
bool netdrv_destroy(virNetworkPtr net, GError **error);
char *netdrv_get_xml_desc(virNetworkPtr net, unsigned int flags, GError **error);
char *netdrv_get_bridge_name(virNetworkPtr net, GError **error);
bool netdrv_get_autostart(virNetworkPtr net, int *ret_autostart, GError **error);
bool netdrv_set_autostart(virNetworkPtr net, int autostart, GError **error);
bool netdrv_update(virNetworkPtr net, unsigned int command, unsigned int section, int parent_index,
                   const char *xml, unsigned int flags, GError **error);
int netdrv_is_active(virNetworkPtr net, GError **error);
int netdrv_is_persistent(virNetworkPtr net, GError **error);
int netdrv_get_dhcp_leases(virNetworkPtr net, const char *mac, virNetworkDHCPLeasePtr **ret_leases,
                           unsigned int flags, GError **error);
