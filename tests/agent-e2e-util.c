/*
 * agent-e2e-util.c: a virtnoded of its own for end-to-end test programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "tests/agent-e2e-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ABS_TOP_BUILDDIR
#error ABS_TOP_BUILDDIR must be defined
#endif
#ifndef ABS_TOP_SRCDIR
#error ABS_TOP_SRCDIR must be defined
#endif

E2eAgent *
e2e_agent_new(const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", name);
    E2eAgent *a = g_new0(E2eAgent, 1);
    g_autofree char *run = NULL;

    a->tmp = g_dir_make_tmp(tmpl, &err);
    g_assert_no_error(err);
    a->root = g_build_filename(a->tmp, "root", NULL);
    run = g_build_filename(a->root, "run", "virtnode", NULL);
    a->sock = g_build_filename(run, "virtnode-sock", NULL);
    a->sock_ro = g_build_filename(run, "virtnode-sock-ro", NULL);
    a->uri = g_strdup_printf("qemu+unix:///system?socket=%s", a->sock);
    a->uri_ro = g_strdup_printf("qemu+unix:///system?socket=%s", a->sock_ro);
    a->log = g_build_filename(a->tmp, "virtnoded.log", NULL);
    return a;
}

/* Not root: mutating calls on the rw socket need the configured group, so
 * the agent gets our own group as its socket group (root passes anyway). */
static void
write_config(E2eAgent *a)
{
    g_autofree char *etc = g_build_filename(a->root, "etc", "virtnode", NULL);
    g_autofree char *conf = g_build_filename(etc, "agent.conf", NULL);
    g_autofree char *text = NULL;

    g_autofree char *networks = g_build_filename(etc, "qemu", "networks", NULL);

    /* An existing network directory: not a first run, so the agent defines
     * no default network and the test starts from nothing. */
    g_assert_cmpint(g_mkdir_with_parents(networks, 0755), ==, 0);
    if (getuid() == 0 || g_file_test(conf, G_FILE_TEST_EXISTS))
        return;
    text = g_strdup_printf("unix_sock_group = \"%ld\"\n", (long)getgid());
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
}

bool
e2e_agent_start(E2eAgent *a)
{
    g_autofree char *virtnoded = g_build_filename(ABS_TOP_BUILDDIR, "agent", "virtnoded", NULL);
    g_autofree char *ready = NULL;
    gint64 deadline;
    pid_t pid;

    g_assert_cmpint(a->pid, ==, 0);
    write_config(a);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int fd = open(a->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        /* a failed assertion aborts the test: the agent must not outlive it */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
            _exit(127);
        if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        /* the same answers on every host: KVM never counts as usable */
        setenv("VIRTNODE_FORCE_TCG", "1", 1);
        execl(virtnoded, virtnoded, "--root", a->root, (char *)NULL);
        _exit(127);
    }
    a->pid = pid;
    ready = g_strdup_printf("ready (pid %ld)", (long)pid);
    deadline = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        g_autofree char *log = NULL;
        int status;

        if (waitpid(pid, &status, WNOHANG) == pid) {
            a->pid = 0;
            break;
        }
        if (g_file_get_contents(a->log, &log, NULL, NULL) && strstr(log, ready) &&
            g_file_test(a->sock, G_FILE_TEST_EXISTS) && g_file_test(a->sock_ro, G_FILE_TEST_EXISTS))
            return true;
        g_usleep(20 * 1000);
    }
    {
        g_autofree char *log = e2e_agent_log_from(a, 0);

        g_test_message("virtnoded did not become ready; its log:\n%s", log);
    }
    return false;
}

int
e2e_agent_stop(E2eAgent *a)
{
    gint64 deadline;
    int status;

    if (a->pid <= 0)
        return -1;
    kill(a->pid, SIGTERM);
    deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        pid_t r = waitpid(a->pid, &status, WNOHANG);

        if (r == a->pid) {
            a->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        g_usleep(10 * 1000);
    }
    kill(a->pid, SIGKILL);
    waitpid(a->pid, &status, 0);
    a->pid = 0;
    return -1;
}

bool
e2e_agent_alive(E2eAgent *a)
{
    int status;

    if (a->pid <= 0)
        return false;
    if (waitpid(a->pid, &status, WNOHANG) == a->pid) {
        g_test_message("virtnoded exited: %s %d", WIFEXITED(status) ? "status" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        a->pid = 0;
        return false;
    }
    return kill(a->pid, 0) == 0;
}

static void
rm_rf(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *sub = g_build_filename(path, name, NULL);

            rm_rf(sub);
        }
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void
e2e_agent_free(E2eAgent *a)
{
    if (!a)
        return;
    if (a->pid > 0)
        e2e_agent_stop(a);
    rm_rf(a->tmp);
    g_free(a->tmp);
    g_free(a->root);
    g_free(a->sock);
    g_free(a->sock_ro);
    g_free(a->uri);
    g_free(a->uri_ro);
    g_free(a->log);
    g_free(a);
}

char *
e2e_agent_log_from(E2eAgent *a, gsize offset)
{
    g_autofree char *log = NULL;
    gsize len = 0;

    if (!g_file_get_contents(a->log, &log, &len, NULL) || offset >= len)
        return g_strdup("");
    return g_strdup(log + offset);
}

gsize
e2e_agent_log_size(E2eAgent *a)
{
    struct stat st;

    return stat(a->log, &st) == 0 ? (gsize)st.st_size : 0;
}

int
e2e_fd_count(pid_t pid)
{
    g_autofree char *dir = g_strdup_printf("/proc/%ld/fd", (long)pid);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    int n = 0;

    if (!d)
        return -1;
    while (g_dir_read_name(d))
        n++;
    return n;
}

char *
e2e_loaded_libvirt(void)
{
    g_autofree char *maps = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
        return NULL;
    lines = g_strsplit(maps, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        const char *path = strchr(lines[i], '/');

        if (path && strstr(path, "libvirt.so.0"))
            return g_strdup(path);
    }
    return NULL;
}

char *
e2e_data(const char *name)
{
    g_autofree char *path =
        g_build_filename(ABS_TOP_SRCDIR, "tests", "data", "interop", name, NULL);
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    g_file_get_contents(path, &text, NULL, &err);
    g_assert_no_error(err);
    return text;
}

char *
e2e_expected_xml(const char *name)
{
    g_autofree char *rel = g_build_filename("cli", name, NULL);
    g_autofree char *text = e2e_data(rel);
    char *end = strstr(text, "\n--- stderr");

    g_assert_nonnull(end);
    /* virsh prints the XML, then an empty line */
    while (end > text && end[-1] == '\n')
        end--;
    return g_strdup_printf("%.*s\n", (int)(end - text), text);
}
