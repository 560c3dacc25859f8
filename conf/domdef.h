/*
 * domdef.h: libvirt domain XML: parse -> DomDef -> format (pure: no
 * kernel, files or globals)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "util/uuid.h"

typedef struct DomDef DomDef; /* defined in domdef-types.h */

/* Flags of domdef_parse_string() */
typedef enum {
    DOMDEF_PARSE_VALIDATE = 1 << 0, /* also validate against libvirt's RNG schema */
    DOMDEF_PARSE_INACTIVE = 1 << 1, /* ignore live-only state (id, runtime ports) */
} DomDefParseFlags;

/* Flags of domdef_format() */
typedef enum {
    DOMDEF_FORMAT_INACTIVE = 1 << 0, /* persistent config only, as VIR_DOMAIN_XML_INACTIVE */
    DOMDEF_FORMAT_SECURE = 1 << 1,   /* include secrets (passwords), VIR_DOMAIN_XML_SECURE */
} DomDefFormatFlags;

/* Parses and validates (domdef_validate()) one <domain>. Errors:
 * VIR_ERR_XML_ERROR (malformed, unknown values; message names the line,
 * element and attribute), VIR_ERR_CONFIG_UNSUPPORTED, VIR_ERR_INVALID_ARG,
 * in the CONF_DOMAIN_ERROR domain. A missing UUID is generated, missing
 * interface MACs become 52:54:00:xx:xx:xx. */
DomDef *domdef_parse_string(const char *xml, unsigned int flags, GError **error);

/* @id > 0 writes <domain id='ID'> (a running domain's live XML). */
char *domdef_format(const DomDef *def, int id, unsigned int flags, GError **error);
bool domdef_validate(const DomDef *def, GError **error);
DomDef *domdef_copy(const DomDef *def);
void domdef_free(DomDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomDef, domdef_free)

#include "conf/domdef-types.h"
