/*
 * redefine.h: libvirt's rule for defining an object (domain, network) next
 * to the ones a driver already has
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/uuid.h"

/* The same name must keep its UUID and the same UUID its name; anything
 * else is VIR_ERR_OPERATION_FAILED in @quark, worded as libvirt does.
 * @name/@uuid: the new definition; @by_name_uuid: the UUID of the object
 * that already has @name (NULL: none); @by_uuid_name: the name of the
 * object that already has @uuid (NULL: none). @kind: "domain", "network". */
bool redefine_check(const char *kind, const char *name, const unsigned char *uuid,
                    const unsigned char *by_name_uuid, const char *by_uuid_name, GQuark quark,
                    GError **error);
