/*
 * notify.c: readiness notification to the service manager (sd_notify)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent/notify.h"
#include "util/file.h"

static char *notify_socket;

void
agent_notify_init(void)
{
    const char *env = g_getenv("NOTIFY_SOCKET");

    g_free(notify_socket);
    notify_socket = env && *env ? g_strdup(env) : NULL;
    g_unsetenv("NOTIFY_SOCKET");
}

bool
agent_notify(const char *state)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    size_t len;
    socklen_t addrlen;
    int fd autoclose = -1;

    if (!notify_socket)
        return true;
    len = strlen(notify_socket);
    if ((notify_socket[0] != '/' && notify_socket[0] != '@') || len >= sizeof(addr.sun_path))
        return false;
    memcpy(addr.sun_path, notify_socket, len);
    if (addr.sun_path[0] == '@')
        addr.sun_path[0] = '\0'; /* abstract namespace: no terminating NUL counted */
    addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                          (notify_socket[0] == '/' ? 1 : 0));
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    return sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, addrlen) >= 0;
}
