/*
 * sysctl.c: per-namespace network sysctls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "net/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"

static char *
sysctl_full_path(const char *path, GError **error)
{
    g_auto(GStrv) parts = NULL;

    if (!g_str_has_prefix(path, "net/")) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid network sysctl '%s'", path);
        return NULL;
    }
    parts = g_strsplit(path, "/", -1);
    for (size_t i = 0; parts[i]; i++) {
        if (!*parts[i] || g_str_equal(parts[i], ".") || g_str_equal(parts[i], "..")) {
            g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG, "invalid network sysctl '%s'", path);
            return NULL;
        }
    }
    return g_strconcat("/proc/sys/", path, NULL);
}

bool
sysctl_set(const char *path, const char *value, GError **error)
{
    g_autofree char *full = sysctl_full_path(path, error);
    g_autofree char *text = NULL;
    autoclose int fd = -1;
    size_t len;
    ssize_t n;

    if (!full)
        return false;
    text = g_strconcat(value, "\n", NULL);
    len = strlen(text);
    /* One write: /proc/sys parses the value per write call. Not an atomic
     * rename: /proc cannot do that. */
    if ((fd = open(full, O_WRONLY | O_CLOEXEC)) < 0 || (n = write(fd, text, len)) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot set '%s' to '%s'", full, value);
        return false;
    }
    if ((size_t)n != len) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot set '%s' to '%s': short write",
                    full, value);
        return false;
    }
    return true;
}

char *
sysctl_get(const char *path, GError **error)
{
    g_autofree char *full = sysctl_full_path(path, error);
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;

    if (!full)
        return NULL;
    if (!g_file_get_contents(full, &text, NULL, &local)) {
        g_set_error(error, NET_ERROR, VIR_ERR_SYSTEM_ERROR, "cannot read '%s': %s", full,
                    local->message);
        return NULL;
    }
    return g_strchomp(g_steal_pointer(&text));
}

char *
sysctl_ipv6_conf_path(const char *ifname, const char *key)
{
    return g_strdup_printf("net/ipv6/conf/%s/%s", ifname, key);
}
