/*
 * redefine.c: libvirt's rule for defining an object next to existing ones
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "conf/redefine.h"
#include "util/error.h"

bool
redefine_check(const char *kind, const char *name, const unsigned char *uuid,
               const unsigned char *by_name_uuid, const char *by_uuid_name, GQuark quark,
               GError **error)
{
    char uuidstr[UUID_STRING_LEN];

    if (by_name_uuid && memcmp(by_name_uuid, uuid, UUID_LEN) != 0) {
        uuid_format(by_name_uuid, uuidstr);
        g_set_error(error, quark, VIR_ERR_OPERATION_FAILED, "%s '%s' already exists with uuid %s",
                    kind, name, uuidstr);
        return false;
    }
    if (by_uuid_name && strcmp(by_uuid_name, name) != 0) {
        uuid_format(uuid, uuidstr);
        g_set_error(error, quark, VIR_ERR_OPERATION_FAILED,
                    "%s '%s' is already defined with uuid %s", kind, by_uuid_name, uuidstr);
        return false;
    }
    return true;
}
