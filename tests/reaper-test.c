/*
 * reaper-test.c: orphans of a child subreaper are reaped, watched
 * children are left to their owner
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/procstat.h"
#include "util/reaper.h"

static char
state_of(pid_t pid)
{
    ProcStat st;

    return proc_stat_read(pid, &st) ? st.state : 0;
}

/* A child that forks a grandchild (which waits on a pipe) and exits: the
 * grandchild is orphaned to us. Returns the grandchild's pid. */
static pid_t
make_orphan(int *ret_release_fd)
{
    int fds[2], pidpipe[2];
    pid_t child, grandchild = 0;

    g_assert_cmpint(pipe(fds), ==, 0);
    g_assert_cmpint(pipe(pidpipe), ==, 0);
    child = fork();
    g_assert_cmpint(child, >=, 0);
    if (child == 0) {
        pid_t g = fork();

        if (g == 0) {
            char c;

            close(fds[1]);
            while (read(fds[0], &c, 1) < 0)
                ;
            _exit(0);
        }
        if (write(pidpipe[1], &g, sizeof(g)) != sizeof(g))
            _exit(1);
        _exit(0);
    }
    close(fds[0]);
    close(pidpipe[1]);
    g_assert_cmpint(read(pidpipe[0], &grandchild, sizeof(grandchild)), ==, sizeof(grandchild));
    close(pidpipe[0]);
    g_assert_cmpint(waitpid(child, NULL, 0), ==, child);
    *ret_release_fd = fds[1];
    return grandchild;
}

static void
wait_zombie(pid_t pid)
{
    for (int i = 0; i < 200 && state_of(pid) != 'Z'; i++)
        g_usleep(10 * 1000);
    g_assert_cmpint(state_of(pid), ==, 'Z');
}

static void
test_orphan(void)
{
    int release;
    pid_t orphan = make_orphan(&release);

    close(release); /* the orphan exits: our zombie now */
    wait_zombie(orphan);
    /* first sight: it might be a child whose owner is about to watch it */
    reaper_sweep();
    g_assert_cmpint(state_of(orphan), ==, 'Z');
    g_assert_cmpuint(reaper_sweep(), >=, 1);
    g_assert_cmpint(state_of(orphan), ==, 0);
}

static void
test_watched(void)
{
    pid_t child = fork();

    g_assert_cmpint(child, >=, 0);
    if (child == 0)
        _exit(3);
    reaper_watch(child);
    wait_zombie(child);
    reaper_sweep();
    reaper_sweep();
    /* its owner reaps it, with its status */
    g_assert_cmpint(state_of(child), ==, 'Z');
    {
        int status = 0;

        g_assert_cmpint(waitpid(child, &status, 0), ==, child);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    }
    reaper_forget(child);
    g_assert_false(reaper_is_watched(child));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        g_error("prctl(PR_SET_CHILD_SUBREAPER) failed");
    g_test_add_func("/reaper/orphan", test_orphan);
    g_test_add_func("/reaper/watched", test_watched);
    return g_test_run();
}
