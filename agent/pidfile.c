/*
 * pidfile.c: the agent's pid file, locked for the process lifetime
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/pidfile.h"
#include "util/error.h"
#include "util/file.h"

struct AgentPidfile {
    char *path;
    int fd;
};

pid_t
agent_pidfile_read(const char *path)
{
    g_autofree char *text = NULL;
    gint64 pid;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    pid = g_ascii_strtoll(g_strstrip(text), NULL, 10);
    return pid > 0 && pid <= G_MAXINT ? (pid_t)pid : 0;
}

static bool
agent_pidfile_write(int fd, const char *path, GError **error)
{
    char text[32];
    int len = g_snprintf(text, sizeof(text), "%ld\n", (long)getpid());

    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot write pid file '%s'", path);
        return false;
    }
    return true;
}

AgentPidfile *
agent_pidfile_acquire(const char *path, GError **error)
{
    /* Someone who just released the file unlinks it before unlocking: if we
     * locked an unlinked inode, start over with the new file. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd autoclose = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        struct stat fst, pst;
        AgentPidfile *pf;

        if (fd < 0) {
            error_set_errno(error, UTIL_ERROR, errno, "cannot open pid file '%s'", path);
            return NULL;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            if (errno == EWOULDBLOCK) {
                pid_t other = agent_pidfile_read(path);

                if (other > 0)
                    g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_INVALID,
                                "another virtnoded is running (pid %ld): pid file '%s' is locked",
                                (long)other, path);
                else
                    g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_INVALID,
                                "another virtnoded is running: pid file '%s' is locked", path);
            } else {
                error_set_errno(error, UTIL_ERROR, errno, "cannot lock pid file '%s'", path);
            }
            return NULL;
        }
        if (fstat(fd, &fst) < 0 || stat(path, &pst) < 0 || fst.st_ino != pst.st_ino ||
            fst.st_dev != pst.st_dev)
            continue;
        if (!agent_pidfile_write(fd, path, error))
            return NULL;
        pf = g_new0(AgentPidfile, 1);
        pf->path = g_strdup(path);
        pf->fd = fd;
        fd = -1;
        return pf;
    }
    g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED, "pid file '%s' keeps being replaced",
                path);
    return NULL;
}

bool
agent_pidfile_update(AgentPidfile *pf, GError **error)
{
    return agent_pidfile_write(pf->fd, pf->path, error);
}

void
agent_pidfile_free(AgentPidfile *pf)
{
    if (!pf)
        return;
    if (pf->fd >= 0)
        close(pf->fd);
    g_free(pf->path);
    g_free(pf);
}

void
agent_pidfile_release(AgentPidfile *pf)
{
    if (!pf)
        return;
    unlink(pf->path);
    agent_pidfile_free(pf);
}
