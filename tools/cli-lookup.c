/*
 * cli-lookup.c: resolving command arguments to domains and networks, and
 * reading XML files, the way virsh does
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli.h"

bool
cli_is_uuid(const char *str)
{
    int ndigits = 0;

    for (const char *p = str; *p; p++) {
        if (*p == '-')
            continue;
        if (!g_ascii_isxdigit(*p))
            return false;
        ndigits++;
    }
    return ndigits == VIR_UUID_BUFLEN * 2;
}

/* A non-negative decimal integer, the whole string. */
static bool
parse_id(const char *str, int *ret_id)
{
    char *end = NULL;
    long v;

    if (!g_ascii_isdigit(*str))
        return false;
    errno = 0;
    v = strtol(str, &end, 10);
    if (errno != 0 || *end || v < 0 || v > G_MAXINT)
        return false;
    *ret_id = (int)v;
    return true;
}

virDomainPtr
cli_lookup_domain(CliCtl *ctl, const CliCmd *cmd, const char *optname, unsigned int flags,
                  const char **ret_name)
{
    const char *arg = cli_opt_string(cmd, optname);
    virDomainPtr dom = NULL;
    int id;

    if (ret_name)
        *ret_name = arg;
    if ((flags & CLI_BY_ID) && parse_id(arg, &id))
        dom = virDomainLookupByID(ctl->conn, id);
    if (!dom && (flags & CLI_BY_UUID) && cli_is_uuid(arg))
        dom = virDomainLookupByUUIDString(ctl->conn, arg);
    if (!dom && (flags & CLI_BY_NAME))
        dom = virDomainLookupByName(ctl->conn, arg);
    if (!dom) {
        /* virsh reports only its own line for domains */
        virResetLastError();
        cli_error("failed to get domain '%s'", arg);
    }
    return dom;
}

virNetworkPtr
cli_lookup_network(CliCtl *ctl, const CliCmd *cmd, const char *optname, unsigned int flags,
                   const char **ret_name)
{
    const char *arg = cli_opt_string(cmd, optname);
    virNetworkPtr net = NULL;

    if (ret_name)
        *ret_name = arg;
    if ((flags & CLI_BY_UUID) && cli_is_uuid(arg))
        net = virNetworkLookupByUUIDString(ctl->conn, arg);
    if (!net && (flags & CLI_BY_NAME))
        net = virNetworkLookupByName(ctl->conn, arg);
    if (!net)
        cli_error("failed to get network '%s'", arg); /* library error follows */
    return net;
}

char *
cli_read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    GString *buf;
    char chunk[4096];
    size_t n;

    if (!f) {
        cli_error("Failed to open file '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    buf = g_string_new(NULL);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        g_string_append_len(buf, chunk, (gssize)n);
    if (ferror(f)) {
        cli_error("Failed to read file '%s': %s", path, g_strerror(errno));
        fclose(f);
        g_string_free(buf, TRUE);
        return NULL;
    }
    fclose(f);
    return g_string_free(buf, FALSE);
}
