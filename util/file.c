/*
 * file.c: file helpers (atomic replacement, safe names, descriptors)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"

void
file_close_fdp(int *fdp)
{
    if (*fdp >= 0) {
        int saved = errno;

        close(*fdp);
        errno = saved;
        *fdp = -1;
    }
}

static bool
file_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool
file_write_atomic(const char *path, const char *data, gssize len, mode_t mode, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd autoclose = -1;
    int dirfd autoclose = -1;

    if (len < 0)
        len = (gssize)strlen(data);
    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot create a temporary file in '%s'", dir);
        return false;
    }
    /* mkstemp's mode is filtered by the umask; the caller's mode is the contract. */
    if (fchmod(fd, mode) < 0 || !file_write_all(fd, data, (size_t)len) || fsync(fd) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot write '%s'", tmp);
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        error_set_errno(error, UTIL_ERROR, errno, "cannot write '%s'", tmp);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot rename '%s' to '%s'", tmp, path);
        goto fail;
    }
    /* The rename is durable only once the directory entry is. */
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0)
        (void)fsync(dirfd);
    return true;

fail:
    (void)unlink(tmp);
    return false;
}

bool
file_mkdir_p(const char *path, mode_t mode, GError **error)
{
    if (g_mkdir_with_parents(path, (int)mode) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot create directory '%s'", path);
        return false;
    }
    return true;
}
