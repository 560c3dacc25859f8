/*
 * qemu_ports.c: TCP port ranges handed out to guests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/qemu/qemu_ports.h"
#include "util/error.h"

struct PortRange {
    char *name;
    unsigned int first, last;
    GMutex lock;
    GHashTable *used; /* GUINT_TO_POINTER(port) */
};

PortRange *
port_range_new(const char *name, unsigned int first, unsigned int last)
{
    PortRange *range = g_new0(PortRange, 1);

    g_return_val_if_fail(first >= 1 && first <= last && last <= 65535, NULL);
    range->name = g_strdup(name);
    range->first = first;
    range->last = last;
    g_mutex_init(&range->lock);
    range->used = g_hash_table_new(g_direct_hash, g_direct_equal);
    return range;
}

void
port_range_set_bounds(PortRange *range, unsigned int first, unsigned int last)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&range->lock);

    g_return_if_fail(first >= 1 && first <= last && last <= 65535);
    range->first = first;
    range->last = last;
}

void
port_range_free(PortRange *range)
{
    if (!range)
        return;
    g_hash_table_unref(range->used);
    g_mutex_clear(&range->lock);
    g_free(range->name);
    g_free(range);
}

/* Whether something listens on (or holds) TCP @port on the wildcard
 * address of @family. A family the kernel lacks counts as free. */
static bool
port_taken(int family, unsigned int port)
{
    struct sockaddr_storage ss = { 0 };
    socklen_t len;
    int one = 1, fd;
    bool taken;

    if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return false;
    /* the same test a display server's own bind makes (it sets
     * SO_REUSEADDR too): a port in TIME_WAIT is free */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

        /* the IPv4 test covers IPv4; this one only IPv6 */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        a->sin6_addr = in6addr_any;
        len = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;

        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        a->sin_addr.s_addr = htonl(INADDR_ANY);
        len = sizeof(*a);
    }
    taken = bind(fd, (struct sockaddr *)&ss, len) < 0 && errno == EADDRINUSE;
    close(fd);
    return taken;
}

bool
port_range_acquire(PortRange *range, unsigned int *ret_port, GError **error)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&range->lock);

    for (unsigned int port = range->first; port <= range->last; port++) {
        if (g_hash_table_contains(range->used, GUINT_TO_POINTER(port)) ||
            port_taken(AF_INET, port) || port_taken(AF_INET6, port))
            continue;
        g_hash_table_add(range->used, GUINT_TO_POINTER(port));
        *ret_port = port;
        return true;
    }
    g_set_error(error, error_quark(VIR_FROM_QEMU), VIR_ERR_INTERNAL_ERROR,
                "Unable to find an unused port in range '%s' (%u-%u)", range->name, range->first,
                range->last);
    return false;
}

bool
port_range_reserve(PortRange *range, unsigned int port)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&range->lock);

    if (port < range->first || port > range->last)
        return false;
    return g_hash_table_add(range->used, GUINT_TO_POINTER(port));
}

void
port_range_release(PortRange *range, unsigned int port)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&range->lock);

    g_hash_table_remove(range->used, GUINT_TO_POINTER(port));
}

bool
port_range_in_use(PortRange *range, unsigned int port)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&range->lock);

    return g_hash_table_contains(range->used, GUINT_TO_POINTER(port));
}
