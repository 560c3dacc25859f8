/*
 * agent-daemon-test.c: agent/virtnoded as a process, on temporary roots
 *
 * Starts the built virtnoded with --root in a fresh temporary directory and
 * checks what users and scripts rely on: the tree it creates, socket modes,
 * the pid-file lock (second instance, kill -9 and restart), SIGTERM, SIGHUP,
 * --daemon readiness and NOTIFY_SOCKET, config errors with FILE:LINE, bad
 * clients and max_clients, and the connection log lines with SO_PEERCRED.
 * Needs no privileges. Only processes started here are signalled, every wait
 * has a deadline, and the test is a child subreaper so it reaps the daemons
 * that --daemon detaches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/test-netns.h"

#define WAIT_MS 10000

static char *virtnoded;

typedef struct {
    char *tmp;
    char *root;
    char *etc, *run, *state;
    char *conf;
    char *sock_rw, *sock_ro, *pid_file, *log_file;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->tmp = g_dir_make_tmp("agent-daemon-XXXXXX", &error);
    g_assert_no_error(error);
    f->root = g_build_filename(f->tmp, "root", NULL); /* does not exist yet */
    f->etc = g_build_filename(f->root, "etc", "virtnode", NULL);
    f->run = g_build_filename(f->root, "run", "virtnode", NULL);
    f->state = g_build_filename(f->root, "var", "lib", "virtnode", NULL);
    f->conf = g_build_filename(f->etc, "agent.conf", NULL);
    f->sock_rw = g_build_filename(f->run, "virtnode-sock", NULL);
    f->sock_ro = g_build_filename(f->run, "virtnode-sock-ro", NULL);
    f->pid_file = g_build_filename(f->run, "virtnoded.pid", NULL);
    f->log_file = g_build_filename(f->root, "var", "log", "virtnode", "virtnoded.log", NULL);
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

/* Processes an agent left behind and this subreaper inherited (the
 * dnsmasq of an autostarted network: networks outlive their agent). */
static void
kill_orphans(void)
{
    g_autoptr(GDir) d = g_dir_open("/proc", 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_strdup_printf("/proc/%s/stat", name);
        g_autofree char *stat = NULL;
        const char *p;
        pid_t pid = (pid_t)atoi(name), ppid;

        if (pid <= 0 || !g_file_get_contents(path, &stat, NULL, NULL) ||
            !(p = strrchr(stat, ')')) || sscanf(p + 1, " %*c %d", &ppid) != 1 || ppid != getpid())
            continue;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    kill_orphans();
    rm_rf(f->tmp);
    g_free(f->tmp);
    g_free(f->root);
    g_free(f->etc);
    g_free(f->run);
    g_free(f->state);
    g_free(f->conf);
    g_free(f->sock_rw);
    g_free(f->sock_ro);
    g_free(f->pid_file);
    g_free(f->log_file);
}

/* Starts virtnoded --root ROOT [args...]; stdout and stderr go to @out_path.
 * @env_extra: "NAME=VALUE" or NULL. */
static pid_t
spawn_agent(Fixture *f, const char *out_path, const char *env_extra, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    pid_t pid;

    g_ptr_array_add(argv, virtnoded);
    g_ptr_array_add(argv, (char *)"--root");
    g_ptr_array_add(argv, f->root);
    for (size_t i = 0; args && args[i]; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);

    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd < 0)
            _exit(127);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (env_extra)
            putenv((char *)env_extra);
        else
            unsetenv("NOTIFY_SOCKET");
        execv(virtnoded, (char **)argv->pdata);
        _exit(127);
    }
    return pid;
}

/* Waits for @pid to exit; returns its wait status, or -1 on timeout. */
static int
wait_exit(pid_t pid, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    int status;

    do {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return status;
        g_assert_cmpint(r, ==, 0);
        g_usleep(5000);
    } while (g_get_monotonic_time() < deadline);
    return -1;
}

static void
assert_exit_status(pid_t pid, int code)
{
    int status = wait_exit(pid, WAIT_MS);

    if (status == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        g_error("virtnoded (pid %ld) did not exit in time", (long)pid);
    }
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, code);
}

static void
stop_agent(pid_t pid)
{
    g_assert_cmpint(kill(pid, SIGTERM), ==, 0);
    assert_exit_status(pid, 0);
}

static bool
file_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static bool
wait_for_path(const char *path, bool present, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (file_exists(path) != present) {
        if (g_get_monotonic_time() >= deadline)
            return false;
        g_usleep(2000);
    }
    return true;
}

/* Waits until both sockets exist; fails the test (killing @pid) if not. */
static void
wait_ready(Fixture *f, pid_t pid)
{
    if (!wait_for_path(f->sock_rw, true, WAIT_MS) || !wait_for_path(f->sock_ro, true, WAIT_MS)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        g_error("virtnoded did not create its sockets in time");
    }
}

static char *
read_text(const char *path)
{
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

static bool
wait_for_text(const char *path, const char *needle, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    for (;;) {
        g_autofree char *text = read_text(path);

        if (strstr(text, needle))
            return true;
        if (g_get_monotonic_time() >= deadline) {
            g_test_message("'%s' not found in %s:\n%s", needle, path, text);
            return false;
        }
        g_usleep(5000);
    }
}

static long
read_pid(const char *path)
{
    g_autofree char *text = read_text(path);

    return strtol(text, NULL, 10);
}

static int
unix_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    return fd;
}

/* True when the agent closed @fd within @ms. */
static bool
closed_by_peer(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char c;

    if (poll(&p, 1, ms) <= 0)
        return false;
    return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

static mode_t
file_mode(const char *path)
{
    struct stat st;

    g_assert_cmpint(lstat(path, &st), ==, 0);
    return st.st_mode;
}

static void
write_conf(Fixture *f, const char *text)
{
    g_assert_cmpint(g_mkdir_with_parents(f->etc, 0755), ==, 0);
    g_assert_true(g_file_set_contents(f->conf, text, -1, NULL));
}

static void
test_start_stop(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *out2 = g_build_filename(f->tmp, "out2", NULL);
    g_autofree char *expect = NULL;
    g_autofree char *text = NULL;
    const char *const verbose[] = { "--verbose", NULL };
    const char *dirs[] = { "etc/virtnode/qemu",          "etc/virtnode/qemu/autostart",
                           "etc/virtnode/qemu/networks", "etc/virtnode/qemu/networks/autostart",
                           "var/lib/virtnode",           "run/virtnode" };
    gint64 t0 = g_get_monotonic_time();
    pid_t pid = spawn_agent(f, out, NULL, verbose);
    pid_t second;
    double ms;

    /* an empty root gets the whole tree; the sockets listen quickly */
    wait_ready(f, pid);
    ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
    g_test_message("sockets listening %.1f ms after exec", ms);
    g_assert_cmpfloat(ms, <, 3000.0);
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *dir = g_build_filename(f->root, dirs[i], NULL);

        g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));
    }
    g_assert_true(S_ISSOCK(file_mode(f->sock_rw)));
    g_assert_cmpint(file_mode(f->sock_rw) & 07777, ==, 0600);
    g_assert_cmpint(file_mode(f->sock_ro) & 07777, ==, 0666);
    g_assert_cmpint(read_pid(f->pid_file), ==, pid);
    g_assert_true(wait_for_text(out, ": info : virtnoded ", WAIT_MS));
    g_assert_true(wait_for_text(out, ": debug : paths: config ", 0)); /* --verbose */

    /* a second agent on the same root refuses, naming the file and the pid */
    second = spawn_agent(f, out2, NULL, NULL);
    assert_exit_status(second, 1);
    text = read_text(out2);
    expect = g_strdup_printf("virtnoded: error: another virtnoded is running (pid %ld): "
                             "pid file '%s' is locked",
                             (long)pid, f->pid_file);
    g_assert_nonnull(strstr(text, expect));
    /* ... and leaves the running agent's files alone */
    g_assert_true(file_exists(f->sock_rw));
    g_assert_cmpint(read_pid(f->pid_file), ==, pid);

    /* SIGTERM: exit 0, sockets and pid file removed */
    stop_agent(pid);
    g_assert_false(file_exists(f->sock_rw));
    g_assert_false(file_exists(f->sock_ro));
    g_assert_false(file_exists(f->pid_file));
    g_assert_true(wait_for_text(out, ": info : shutting down", 0));
    g_assert_true(wait_for_text(out, ": info : stopped", 0));
}

static void
test_kill9_restart(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *ready = NULL;
    pid_t pid = spawn_agent(f, out, NULL, NULL);
    int status;

    wait_ready(f, pid);
    kill(pid, SIGKILL);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    /* what a killed agent leaves behind */
    g_assert_true(file_exists(f->sock_rw));
    g_assert_true(file_exists(f->sock_ro));
    g_assert_true(file_exists(f->pid_file));

    pid = spawn_agent(f, out, NULL, NULL);
    ready = g_strdup_printf("ready (pid %ld)", (long)pid);
    g_assert_true(wait_for_text(out, ready, WAIT_MS));
    wait_ready(f, pid);
    g_assert_cmpint(read_pid(f->pid_file), ==, pid);
    g_assert_true(wait_for_text(out, "removed stale socket", 0));
    /* and the new sockets answer */
    close(unix_connect(f->sock_rw));
    close(unix_connect(f->sock_ro));
    stop_agent(pid);
    g_assert_false(file_exists(f->pid_file));
}

static void
test_daemon(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *out2 = g_build_filename(f->tmp, "out2", NULL);
    g_autofree char *notify_path = g_build_filename(f->tmp, "notify", NULL);
    g_autofree char *env = g_strdup_printf("NOTIFY_SOCKET=%s", notify_path);
    g_autofree char *expect = NULL;
    g_autofree char *text = NULL;
    const char *const args[] = { "--daemon", NULL };
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct pollfd p = { .fd = nfd, .events = POLLIN };
    char msg[256];
    ssize_t n;
    pid_t parent, daemon_pid, second;

    g_strlcpy(addr.sun_path, notify_path, sizeof(addr.sun_path));
    g_assert_cmpint(bind(nfd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);

    /* the command returns only when the daemon listens, with its pid written */
    parent = spawn_agent(f, out, env, args);
    assert_exit_status(parent, 0);
    g_assert_true(S_ISSOCK(file_mode(f->sock_rw)));
    g_assert_true(S_ISSOCK(file_mode(f->sock_ro)));
    daemon_pid = (pid_t)read_pid(f->pid_file);
    g_assert_cmpint(daemon_pid, >, 0);
    g_assert_cmpint(daemon_pid, !=, parent);
    g_assert_cmpint(kill(daemon_pid, 0), ==, 0);
    g_assert_cmpint(getsid(daemon_pid), ==, daemon_pid); /* its own session */

    /* sd_notify readiness, from the daemon itself */
    g_assert_cmpint(poll(&p, 1, WAIT_MS), ==, 1);
    n = recv(nfd, msg, sizeof(msg) - 1, 0);
    g_assert_cmpint(n, >, 0);
    msg[n] = '\0';
    expect = g_strdup_printf("READY=1\nMAINPID=%ld", (long)daemon_pid);
    g_assert_cmpstr(msg, ==, expect);

    /* stdout/stderr are gone: the log goes to the log file */
    g_assert_true(wait_for_text(f->log_file, "ready (pid", WAIT_MS));
    text = read_text(out);
    g_assert_cmpstr(text, ==, "");

    /* a second --daemon reports the failure through the waiting parent */
    second = spawn_agent(f, out2, NULL, args);
    assert_exit_status(second, 1);
    g_assert_true(wait_for_text(out2, "pid file '", 0));
    g_assert_true(wait_for_text(out2, "is locked", 0));

    /* we are the subreaper of the detached daemon: stop and reap it */
    stop_agent(daemon_pid);
    g_assert_false(file_exists(f->sock_rw));
    g_assert_false(file_exists(f->pid_file));
    /* STOPPING=1 followed READY=1 */
    g_assert_cmpint(poll(&p, 1, WAIT_MS), ==, 1);
    n = recv(nfd, msg, sizeof(msg) - 1, 0);
    g_assert_cmpint(n, >, 0);
    msg[n] = '\0';
    g_assert_cmpstr(msg, ==, "STOPPING=1");
    close(nfd);
}

static void
test_bad_config(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *out2 = g_build_filename(f->tmp, "out2", NULL);
    g_autofree char *out3 = g_build_filename(f->tmp, "out3", NULL);
    g_autofree char *missing = g_build_filename(f->tmp, "missing.conf", NULL);
    g_autofree char *expect = NULL;
    const char *const daemon_args[] = { "--daemon", NULL };
    const char *const config_args[] = { "--config", missing, NULL };
    pid_t pid;

    write_conf(f, "# agent.conf\nmax_clients = 10\nbogus = 1\n");
    pid = spawn_agent(f, out, NULL, NULL);
    assert_exit_status(pid, 1);
    expect = g_strdup_printf("virtnoded: error: %s:3: unknown key 'bogus'", f->conf);
    g_assert_true(wait_for_text(out, expect, 0));
    g_assert_false(file_exists(f->sock_rw));
    g_assert_false(file_exists(f->pid_file));

    /* the same with --daemon: the error still reaches the caller */
    write_conf(f, "max_clients = 10\nlog_level = 9\n");
    pid = spawn_agent(f, out2, NULL, daemon_args);
    assert_exit_status(pid, 1);
    g_clear_pointer(&expect, g_free);
    expect = g_strdup_printf("%s:2: 'log_level' = 9 is out of range (1 to 4)", f->conf);
    g_assert_true(wait_for_text(out2, expect, 0));

    /* --config names a file that must exist */
    pid = spawn_agent(f, out3, NULL, config_args);
    assert_exit_status(pid, 1);
    g_assert_true(wait_for_text(out3, "cannot read config file", 0));
    g_assert_true(wait_for_text(out3, "missing.conf", 0));
}

static void
test_clients(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *line = NULL;
    pid_t pid;
    int a, b, c, d;
    guint32 garbage = 0xffffffffu;

    write_conf(f, "max_clients = 2\nlog_level = 2\n");
    pid = spawn_agent(f, out, NULL, NULL);
    wait_ready(f, pid);

    /* every connection is logged with its peer credentials */
    a = unix_connect(f->sock_rw);
    line = g_strdup_printf("client 1 connected: pid %ld uid %ld gid %ld on rw socket",
                           (long)getpid(), (long)getuid(), (long)getgid());
    g_assert_true(wait_for_text(out, line, WAIT_MS));
    b = unix_connect(f->sock_ro);
    g_clear_pointer(&line, g_free);
    line = g_strdup_printf("client 2 connected: pid %ld uid %ld gid %ld on ro socket",
                           (long)getpid(), (long)getuid(), (long)getgid());
    g_assert_true(wait_for_text(out, line, WAIT_MS));

    /* max_clients: the third connection is closed at once */
    c = unix_connect(f->sock_rw);
    g_assert_true(closed_by_peer(c, WAIT_MS));
    close(c);
    g_assert_true(wait_for_text(out, "client connection refused: max_clients (2) reached", 0));

    /* a freed slot takes a new client, which sends a garbage length word */
    close(b);
    g_assert_true(wait_for_text(out, "client 2 disconnected: pid", WAIT_MS));
    d = unix_connect(f->sock_rw);
    g_assert_cmpint(send(d, &garbage, 4, MSG_NOSIGNAL), ==, 4);
    g_assert_true(closed_by_peer(d, WAIT_MS));
    close(d);
    g_assert_true(wait_for_text(out, "invalid message length 4294967295", 0));
    /* the other client stays connected */
    g_assert_false(closed_by_peer(a, 100));
    {
        g_autofree char *text = read_text(out);

        g_assert_null(strstr(text, "client 1 disconnected"));
    }
    close(a);
    g_assert_true(wait_for_text(out, "client 1 disconnected", WAIT_MS));
    stop_agent(pid);
}

static void
test_sighup(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *expect = NULL;
    pid_t pid;
    int a, b;

    write_conf(f, "max_clients = 1\n");
    pid = spawn_agent(f, out, NULL, NULL);
    wait_ready(f, pid);
    a = unix_connect(f->sock_rw);
    b = unix_connect(f->sock_rw);
    g_assert_true(closed_by_peer(b, WAIT_MS));
    close(b);

    /* a bad file: the agent keeps running with what it had */
    write_conf(f, "max_clients = 2\nmax_workers = 0\n");
    kill(pid, SIGHUP);
    expect = g_strdup_printf("reload failed, keeping the previous configuration: %s:2:", f->conf);
    g_assert_true(wait_for_text(out, expect, WAIT_MS));
    b = unix_connect(f->sock_rw);
    g_assert_true(closed_by_peer(b, WAIT_MS));
    close(b);

    /* a good file takes effect */
    write_conf(f, "max_clients = 2\n");
    kill(pid, SIGHUP);
    g_assert_true(wait_for_text(out, "configuration reloaded", WAIT_MS));
    b = unix_connect(f->sock_rw);
    g_assert_false(closed_by_peer(b, 200));
    close(a);
    close(b);
    g_assert_cmpint(waitpid(pid, NULL, WNOHANG), ==, 0);
    stop_agent(pid);
}

static void
test_socket_perms(Fixture *f, gconstpointer data)
{
    g_autofree char *out = g_build_filename(f->tmp, "out", NULL);
    g_autofree char *out2 = g_build_filename(f->tmp, "out2", NULL);
    g_autofree char *conf = g_strdup_printf("unix_sock_group = \"%ld\"\n"
                                            "unix_sock_ro_perms = \"0640\"\n"
                                            "unix_sock_rw_perms = \"0660\"\n",
                                            (long)getgid());
    struct stat st;
    pid_t pid;

    write_conf(f, conf);
    pid = spawn_agent(f, out, NULL, NULL);
    wait_ready(f, pid);
    g_assert_cmpint(file_mode(f->sock_ro) & 07777, ==, 0640);
    g_assert_cmpint(file_mode(f->sock_rw) & 07777, ==, 0660);
    g_assert_cmpint(lstat(f->sock_rw, &st), ==, 0);
    g_assert_cmpint(st.st_gid, ==, getgid());
    stop_agent(pid);

    /* an unknown group stops the start-up and leaves nothing behind */
    write_conf(f, "unix_sock_group = \"no-such-group-virtnode\"\n");
    pid = spawn_agent(f, out2, NULL, NULL);
    assert_exit_status(pid, 1);
    g_assert_true(
        wait_for_text(out2, "unix_sock_group 'no-such-group-virtnode': no such group", 0));
    g_assert_false(file_exists(f->sock_rw));
    g_assert_false(file_exists(f->pid_file));
}

static void
test_usage(void)
{
    g_autofree char *outbuf = NULL, *errbuf = NULL;
    const char *help[] = { virtnoded, "--help", NULL };
    const char *version[] = { virtnoded, "--version", NULL };
    const char *bad[] = { virtnoded, "--bogus", NULL };
    const char *extra[] = { virtnoded, "stray", NULL };
    int status;

    g_assert_true(g_spawn_sync(NULL, (char **)help, NULL, G_SPAWN_DEFAULT, NULL, NULL, &outbuf,
                               &errbuf, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    for (const char *const *o =
             (const char *const[]){ "--root=DIR", "--config=FILE", "--pidfile=FILE", "--daemon",
                                    "--verbose", NULL };
         *o; o++)
        g_assert_nonnull(strstr(outbuf, *o));
    g_clear_pointer(&outbuf, g_free);
    g_clear_pointer(&errbuf, g_free);
    g_assert_true(g_spawn_sync(NULL, (char **)version, NULL, G_SPAWN_DEFAULT, NULL, NULL, &outbuf,
                               &errbuf, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_assert_true(g_str_has_prefix(outbuf, "virtnoded (virtnode) " PACKAGE_VERSION));
    for (int i = 0; i < 2; i++) {
        g_clear_pointer(&outbuf, g_free);
        g_clear_pointer(&errbuf, g_free);
        g_assert_true(g_spawn_sync(NULL, (char **)(i ? extra : bad), NULL, G_SPAWN_DEFAULT, NULL,
                                   NULL, &outbuf, &errbuf, &status, NULL));
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 1);
        g_assert_true(g_str_has_prefix(errbuf, "virtnoded: error: "));
    }
}

int
main(int argc, char **argv)
{
    const char *builddir = g_getenv("abs_top_builddir");
    const char *why = NULL;
    int ret;

    /* A fresh root is a first run: the agent defines the default network
     * and starts it. As root that happens in namespaces of our own (before
     * any thread: unshare(CLONE_NEWNS) needs that); elsewhere it fails
     * for lack of privileges, which the agent only logs. */
    if (geteuid() == 0 && !test_netns_enter(&why))
        g_error("cannot move into a network namespace of our own: %s", why);
    g_test_init(&argc, &argv, NULL);
    virtnoded =
        g_build_filename(builddir ? builddir : ABS_TOP_BUILDDIR, "agent", "virtnoded", NULL);
    /* detached daemons become our children, so we can reap them */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        g_error("prctl(PR_SET_CHILD_SUBREAPER): %s", g_strerror(errno));
    signal(SIGPIPE, SIG_IGN);

    g_test_add_func("/agent-daemon/usage", test_usage);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/agent-daemon/start-stop", test_start_stop);
    ADD("/agent-daemon/kill9-restart", test_kill9_restart);
    ADD("/agent-daemon/daemon", test_daemon);
    ADD("/agent-daemon/bad-config", test_bad_config);
    ADD("/agent-daemon/clients", test_clients);
    ADD("/agent-daemon/sighup", test_sighup);
    ADD("/agent-daemon/socket-perms", test_socket_perms);
    ret = g_test_run();
    g_free(virtnoded);
    return ret;
}
