/*
 * bridge.h: Linux bridges for virtual networks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "net/netlink.h"
#include "util/mac.h"

/* The RTM_NEWLINK request bridge_create() sends (NLM_F_CREATE|NLM_F_EXCL,
 * the name, @mac if not NULL, and IFLA_INFO_DATA with IFLA_BR_FORWARD_DELAY
 * in centiseconds followed by IFLA_BR_STP_STATE). The MTU is not in it: see
 * bridge_create(). */
NetlinkMsg *bridge_create_msg(const char *name, const MacAddr *mac, bool stp, unsigned delay_ms);

/* Creates bridge @name, down, with @mac (may be NULL: random, and then the
 * kernel makes the bridge follow its ports' addresses; give one so it stays
 * stable), @mtu (0: the kernel's default; set after creation so that the
 * bridge keeps it when ports come and go), STP and a forward delay of
 * @delay_ms (rounded down to centiseconds).
 *
 * The kernel applies IFLA_BR_FORWARD_DELAY before IFLA_BR_STP_STATE within
 * one request, and a new bridge starts with STP off, so a delay under 2 s
 * (which the kernel refuses while STP is on) is accepted with STP on, as
 * libvirt's default network asks (<bridge stp='on' delay='0'/>). Starting
 * STP then raises the delay to the kernel's 2 s minimum (the same happens
 * under libvirtd): new ports forward after listening + learning, 4 s. A
 * caller that wants ports forwarding at once passes @stp false (HOST-NOTES
 * suggests STP off, delay 0 for NAT networks).
 *
 * Errors: a link named @name already exists -> VIR_ERR_OPERATION_FAILED
 * "bridge 'x' already exists" (or "interface 'x' already exists" when it is
 * not a bridge; nothing was changed); an invalid name -> VIR_ERR_INVALID_ARG;
 * kernel failures -> VIR_ERR_SYSTEM_ERROR with errno and extack text. On
 * failure nothing is left behind. */
bool bridge_create(Netlink *nl, const char *name, const MacAddr *mac, unsigned mtu, bool stp,
                   unsigned delay_ms, GError **error);

/* Deletes bridge @name (its ports are released by the kernel, not deleted).
 * A link of another kind is VIR_ERR_OPERATION_FAILED and is left alone; a
 * missing one is VIR_ERR_OPERATION_FAILED "bridge 'x' does not exist". */
bool bridge_delete(Netlink *nl, const char *name, GError **error);

/* Checks an interface name: 1..15 bytes, no '/', ':' or white space, not
 * "." or ".." (what the kernel accepts). VIR_ERR_INVALID_ARG otherwise. */
bool bridge_check_ifname(const char *name, GError **error);
