/*
 * test-netns.h: moving a test process into network namespaces of its own
 *
 * Tests that bring up bridges, firewall rules or dnsmasq (or start an agent
 * that may autostart networks) call this first, before any thread exists,
 * so that nothing they do reaches the host's namespace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>

/* As root: private network and mount namespaces, with this namespace's
 * /sys, a private /run/netns (so `ip netns add` leaves nothing outside)
 * and lo up. Returns false (and *ret_why says why, a static string) when
 * not root or when a step fails; the process may then be half-way (a
 * caller that gets false must not touch the network). */
bool test_netns_enter(const char **ret_why);

/* True if the environment says CI=true (privileged tests must not skip). */
bool test_netns_in_ci(void);

/* For a privileged test case: true when @why_not is NULL (the namespace is
 * there); else the case is skipped with @why_not, or fails under CI=true
 * (where a skip would hide a missing test). */
bool test_netns_usable(const char *why_not);

/* Runs @script with /bin/sh -e (test set-up: ip, nft, iptables-legacy)
 * and returns its stdout; a failing script aborts the test with its
 * stderr. */
char *test_sh(const char *script);

/* Points XTABLES_LOCKFILE at a lock file in a temporary directory of the
 * test's own: /run/xtables.lock is shared by every namespace, and a test
 * must not wait for (or block) the host's iptables. The directory goes at
 * test_xtables_lock_remove(). */
void test_xtables_lock_private(void);
void test_xtables_lock_remove(void);
