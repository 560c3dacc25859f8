/*
 * driver-registry.c: the one list of connection drivers (STYLE.md §2: no
 * constructors, no dlsym)
 *
 * Kept out of libvncore so that unit tests can link the core against a
 * registry of their own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "lib/driver-registry.h"

/* Order matters: each driver declines the URIs that are not its own, and
 * the first one that does not decline owns the connection. */
static const HypervisorDriver *const drivers[] = {
    &test_driver,
    /* last: like libvirt's, it takes the URIs the in-process drivers
     * declined (those whose driver it serves: qemu) */
    &remote_driver,
};

const HypervisorDriver *const *
driver_registry_list(size_t *ret_count)
{
    *ret_count = G_N_ELEMENTS(drivers);
    return drivers;
}
