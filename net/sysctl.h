/*
 * sysctl.h: per-namespace network sysctls
 *
 * Read and written through /proc/sys/net, which follows the network
 * namespace of the calling thread (unlike /sys/class/net after setns).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* @path is relative to /proc/sys and starts with "net/", with '/' as the
 * separator ("net/ipv4/ip_forward", "net/ipv6/conf/virbr0/accept_ra"; dots
 * are not separators since interface names may contain them). Anything
 * else (absolute, "..", outside net/) is VIR_ERR_INVALID_ARG. */

/* Writes @value (a newline is added). */
bool sysctl_set(const char *path, const char *value, GError **error);

/* The value with trailing white space removed; NULL with *error set. */
char *sysctl_get(const char *path, GError **error);

/* net/ipv4/ip_forward, net/ipv6/conf/all/forwarding. */
#define SYSCTL_IPV4_FORWARD "net/ipv4/ip_forward"
#define SYSCTL_IPV6_FORWARD "net/ipv6/conf/all/forwarding"
/* net/ipv6/conf/@ifname/@key (accept_ra, disable_ipv6, ...); caller frees. */
char *sysctl_ipv6_conf_path(const char *ifname, const char *key);
