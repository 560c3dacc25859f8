/*
 * test-netns.c: moving a test process into network namespaces of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* unshare() */
#endif
#include <config.h>

#include <glib.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/test-netns.h"

/* A new namespace has lo down: traffic to its own addresses would hang. */
static bool
test_netns_lo_up(void)
{
    struct ifreq ifr = { 0 };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return false;
    g_strlcpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
    ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP;
    ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    close(fd);
    return ok;
}

bool
test_netns_enter(const char **ret_why)
{
    if (geteuid() != 0) {
        *ret_why = "needs root (network namespaces)";
        return false;
    }
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        *ret_why = "unshare(CLONE_NEWNET|CLONE_NEWNS) failed";
        return false;
    }
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) < 0 ||
        g_mkdir_with_parents("/run/netns", 0755) < 0 ||
        mount("tmpfs", "/run/netns", "tmpfs", 0, "mode=0755") < 0) {
        *ret_why = "cannot set up a private /sys and /run/netns";
        return false;
    }
    if (!test_netns_lo_up()) {
        *ret_why = "cannot bring lo up in the new namespace";
        return false;
    }
    return true;
}

bool
test_netns_in_ci(void)
{
    return g_strcmp0(g_getenv("CI"), "true") == 0;
}

bool
test_netns_usable(const char *why_not)
{
    if (!why_not)
        return true;
    if (test_netns_in_ci())
        g_test_fail_printf("CI=true but this test cannot run: %s", why_not);
    else
        g_test_skip(why_not);
    return false;
}

char *
test_sh(const char *script)
{
    const char *argv[] = { "/bin/sh", "-ec", script, NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;
    char *out = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &error))
        g_error("cannot run sh: %s", error->message);
    if (!g_spawn_check_wait_status(status, &error))
        g_error("script failed (%s):\n%s\n%s", error->message, script, err);
    return out;
}

static char *xtables_lock_dir;

void
test_xtables_lock_private(void)
{
    g_autofree char *lock = NULL;

    xtables_lock_dir = g_dir_make_tmp("vntest-xtables-XXXXXX", NULL);
    g_assert_nonnull(xtables_lock_dir);
    lock = g_build_filename(xtables_lock_dir, "xtables.lock", NULL);
    g_setenv("XTABLES_LOCKFILE", lock, TRUE);
}

void
test_xtables_lock_remove(void)
{
    g_autofree char *lock = NULL;

    if (!xtables_lock_dir)
        return;
    lock = g_build_filename(xtables_lock_dir, "xtables.lock", NULL);
    unlink(lock);
    rmdir(xtables_lock_dir);
    g_clear_pointer(&xtables_lock_dir, g_free);
}
