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
file_write_atomic_at(int dirfd, const char *dir, const char *name, const char *data, gssize len,
                     mode_t mode, GError **error)
{
    g_autofree char *tmp = NULL;
    int fd autoclose = -1;

    if (len < 0)
        len = (gssize)strlen(data);
    /* A fresh name next to the target, made exclusively (as mkstemp would,
     * but relative to @dirfd). */
    for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
        g_free(tmp);
        tmp = g_strdup_printf(".%s.%08x", name, g_random_int());
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot create a temporary file in '%s'", dir);
        return false;
    }
    /* The umask filters open's mode; the caller's mode is the contract. */
    if (fchmod(fd, mode) < 0 || !file_write_all(fd, data, (size_t)len) || fsync(fd) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot write '%s/%s'", dir, tmp);
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        error_set_errno(error, UTIL_ERROR, errno, "cannot write '%s/%s'", dir, tmp);
        goto fail;
    }
    fd = -1;
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot rename '%s/%s' to '%s/%s'", dir, tmp, dir,
                        name);
        goto fail;
    }
    /* The rename is durable only once the directory entry is. */
    (void)fsync(dirfd);
    return true;

fail:
    (void)unlinkat(dirfd, tmp, 0);
    return false;
}

bool
file_write_atomic(const char *path, const char *data, gssize len, mode_t mode, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    int dirfd autoclose = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dirfd < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot open directory '%s'", dir);
        return false;
    }
    return file_write_atomic_at(dirfd, dir, base, data, len, mode, error);
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
