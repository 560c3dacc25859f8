/*
 * driver-registry.h: the connection drivers virConnectOpen tries, in order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>

#include "lib/driver.h"

/* The drivers in the order they are tried; *ret_count is set. */
const HypervisorDriver *const *driver_registry_list(size_t *ret_count);
