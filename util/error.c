/*
 * error.c: GError domains that carry libvirt error codes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

#define QUARK_PREFIX "virtnode-error-"
#define WIRE_QUARK_PREFIX "virtnode-wire-error-"

GQuark
error_quark(int from)
{
    char name[64];

    g_snprintf(name, sizeof(name), QUARK_PREFIX "%d", from);
    return g_quark_from_string(name);
}

GQuark
error_wire_quark(int from)
{
    char name[64];

    g_snprintf(name, sizeof(name), WIRE_QUARK_PREFIX "%d", from);
    return g_quark_from_string(name);
}

int
error_quark_domain(GQuark quark, bool *ret_formatted)
{
    const char *name = g_quark_to_string(quark);
    const char *num = NULL;
    bool formatted = false;

    if (name && g_str_has_prefix(name, QUARK_PREFIX)) {
        num = name + strlen(QUARK_PREFIX);
    } else if (name && g_str_has_prefix(name, WIRE_QUARK_PREFIX)) {
        num = name + strlen(WIRE_QUARK_PREFIX);
        formatted = true;
    }
    if (ret_formatted)
        *ret_formatted = formatted;
    return num ? (int)g_ascii_strtoll(num, NULL, 10) : VIR_FROM_NONE;
}

/* The message text clients see (and scripts match) for each code, exactly
 * as libvirt words it: without detail, and with a "%s" for the detail. */
typedef struct {
    int code;
    const char *bare;
    const char *with_detail;
} ErrorText;

static const ErrorText error_texts[] = {
    { VIR_ERR_INTERNAL_ERROR, "internal error", "internal error: %s" },
    { VIR_ERR_NO_MEMORY, "out of memory", "out of memory: %s" },
    { VIR_ERR_NO_SUPPORT, "this function is not supported by the connection driver",
      "this function is not supported by the connection driver: %s" },
    { VIR_ERR_NO_CONNECT, "no connection driver available",
      "no connection driver available for %s" },
    { VIR_ERR_INVALID_CONN, "invalid connection pointer in", "invalid connection pointer in %s" },
    { VIR_ERR_INVALID_DOMAIN, "invalid domain pointer in", "invalid domain pointer in %s" },
    { VIR_ERR_INVALID_ARG, "invalid argument", "invalid argument: %s" },
    { VIR_ERR_OPERATION_FAILED, "operation failed", "operation failed: %s" },
    { VIR_ERR_OS_TYPE, "unknown OS type", "unknown OS type %s" },
    { VIR_ERR_NO_NAME, "missing name information", "missing name information in %s" },
    { VIR_ERR_NO_SOURCE, "missing source information for device",
      "missing source information for device %s" },
    { VIR_ERR_NO_TARGET, "missing target information for device",
      "missing target information for device %s" },
    { VIR_ERR_CALL_FAILED, "library call failed", "library call failed: %s" },
    { VIR_ERR_XML_ERROR, "XML description is invalid or not well formed", "XML error: %s" },
    { VIR_ERR_DOM_EXIST, "this domain exists already", "domain %s exists already" },
    { VIR_ERR_OPERATION_DENIED, "operation forbidden for read only access",
      "operation forbidden: %s" },
    { VIR_ERR_OPEN_FAILED, "failed to open configuration file",
      "failed to open configuration file %s" },
    { VIR_ERR_READ_FAILED, "failed to read configuration file",
      "failed to read configuration file %s" },
    { VIR_ERR_PARSE_FAILED, "failed to parse configuration file",
      "failed to parse configuration file %s" },
    { VIR_ERR_CONF_SYNTAX, "configuration file syntax error",
      "configuration file syntax error: %s" },
    { VIR_ERR_WRITE_FAILED, "failed to write configuration file",
      "failed to write configuration file: %s" },
    { VIR_ERR_XML_DETAIL, "parser error", "%s" },
    { VIR_ERR_INVALID_NETWORK, "invalid network pointer in", "invalid network pointer in %s" },
    { VIR_ERR_NETWORK_EXIST, "this network exists already", "network %s exists already" },
    { VIR_ERR_SYSTEM_ERROR, "system call error", "%s" },
    { VIR_ERR_RPC, "RPC error", "%s" },
    { VIR_ERR_NO_DOMAIN, "Domain not found", "Domain not found: %s" },
    { VIR_ERR_NO_NETWORK, "Network not found", "Network not found: %s" },
    { VIR_ERR_INVALID_MAC, "invalid MAC address", "invalid MAC address: %s" },
    { VIR_ERR_AUTH_FAILED, "authentication failed", "authentication failed: %s" },
    { VIR_ERR_OPERATION_INVALID, "Requested operation is not valid",
      "Requested operation is not valid: %s" },
    { VIR_ERR_CONFIG_UNSUPPORTED, "unsupported configuration", "unsupported configuration: %s" },
    { VIR_ERR_OPERATION_TIMEOUT, "Timed out during operation", "Timed out during operation: %s" },
    { VIR_ERR_ARGUMENT_UNSUPPORTED, "argument unsupported", "argument unsupported: %s" },
    { VIR_ERR_OPERATION_ABORTED, "operation aborted", "operation aborted: %s" },
    { VIR_ERR_OVERFLOW, "numerical overflow", "numerical overflow: %s" },
    { VIR_ERR_OPERATION_UNSUPPORTED, "Operation not supported", "Operation not supported: %s" },
    { VIR_ERR_RESOURCE_BUSY, "resource busy", "resource busy: %s" },
    { VIR_ERR_ACCESS_DENIED, "access denied", "access denied: %s" },
    { VIR_ERR_XML_INVALID_SCHEMA, "XML document failed to validate against schema",
      "XML document failed to validate against schema: %s" },
    { VIR_ERR_DEVICE_MISSING, "device not found", "device not found: %s" },
    { VIR_ERR_NO_HOSTNAME, "no hostname found", "no hostname found: %s" },
    { VIR_ERR_MULTIPLE_DOMAINS, "multiple matching domains found",
      "multiple matching domains found: %s" },
};

char *
error_format_message(int code, const char *detail)
{
    if (detail && !*detail)
        detail = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(error_texts); i++) {
        if (error_texts[i].code != code)
            continue;
        if (!detail)
            return g_strdup(error_texts[i].bare);
            /* The table holds constant formats with exactly one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        return g_strdup_printf(error_texts[i].with_detail, detail);
#pragma GCC diagnostic pop
    }
    return g_strdup(detail ? detail : "An error occurred, but the cause is unknown");
}

void
error_set_errno(GError **error, GQuark quark, int errnum, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, quark, VIR_ERR_SYSTEM_ERROR, "%s: %s", msg, g_strerror(errnum));
}
