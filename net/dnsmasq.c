/*
 * dnsmasq.c: one dnsmasq per virtual network, run as the agent's child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/dnsmasq.h"
#include "util/cmd.h"
#include "util/error.h"
#include "util/file.h"
#include "util/installdirs.h"
#include "util/procstat.h"
#include "util/reaper.h"

#define DNSMASQ_READY_TIMEOUT_MS 10000
#define DNSMASQ_POLL_MS 2
#define DNSMASQ_KILL_TIMEOUT_MS 2000

char *
dnsmasq_find_binary(GError **error)
{
    static const char *const dirs[] = { "/usr/local/sbin", "/usr/sbin", "/sbin" };
    const char *forced = g_getenv(DNSMASQ_ENV_BINARY);
    char *path;

    if (forced && *forced)
        return g_strdup(forced); /* dnsmasq_start() reports it if it cannot run */
    path = g_find_program_in_path("dnsmasq");

    for (size_t i = 0; !path && i < G_N_ELEMENTS(dirs); i++) {
        path = g_build_filename(dirs[i], "dnsmasq", NULL);
        if (access(path, X_OK) != 0)
            g_clear_pointer(&path, g_free);
    }
    if (!path)
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot find the dnsmasq program on PATH or in /usr/local/sbin, /usr/sbin, "
                    "/sbin (Debian package dnsmasq-base)");
    return path;
}

char *
dnsmasq_find_helper(GError **error)
{
    const char *env = g_getenv(DNSMASQ_ENV_HELPER);
    g_autofree char *path =
        env && *env ? g_strdup(env) : installdirs_helper("net/virtnode-leaseshelper");

    if (access(path, X_OK) != 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot run the lease helper '%s'", path);
        return NULL;
    }
    return g_steal_pointer(&path);
}

bool
dnsmasq_write_files(const DnsmasqConf *conf, const DnsmasqPaths *paths, GError **error)
{
    const struct {
        const char *path;
        const char *text;
    } files[] = {
        /* hosts files first: the config names them */
        { paths->hosts_file, conf->hostsfile },
        { paths->addnhosts_file, conf->addnhosts },
        { paths->conf_file, conf->conf },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        if (!files[i].path)
            continue;
        if (!file_write_atomic(files[i].path, files[i].text, -1, 0644, error)) {
            g_prefix_error(error, "cannot write dnsmasq file: ");
            return false;
        }
    }
    return true;
}

bool
dnsmasq_proc_start_time(pid_t pid, unsigned long long *ret_start_time)
{
    ProcStat st;

    if (!proc_stat_read(pid, &st))
        return false;
    *ret_start_time = st.start_time;
    return true;
}

bool
dnsmasq_is_alive(pid_t pid, unsigned long long start_time)
{
    ProcStat st;

    return proc_stat_read(pid, &st) && proc_stat_running(&st) && st.start_time == start_time;
}

/* True if the process of @pid and @start_time is gone; reaps it if it is
 * our child and has exited. A pid now used by another process is gone
 * too, and left alone (its zombie may be someone else's to reap). */
static bool
dnsmasq_gone(pid_t pid, unsigned long long start_time)
{
    ProcStat st;

    if (!proc_stat_read(pid, &st) || st.start_time != start_time)
        return true;
    if (proc_stat_running(&st))
        return false;
    /* our zombie (or, after an agent restart, PID 1's to reap) */
    while (waitpid(pid, NULL, WNOHANG) < 0 && errno == EINTR)
        ;
    reaper_forget(pid);
    return true;
}

static bool
dnsmasq_wait_gone(pid_t pid, unsigned long long start_time, unsigned int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    int pidfd autoclose = (int)syscall(SYS_pidfd_open, pid, 0);

    /* A pidfd becomes readable the moment the process exits: no polling
     * delay on every network stop. Opened first, checked second, so it
     * cannot refer to a recycled pid. */
    if (pidfd >= 0) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

        if (dnsmasq_gone(pid, start_time))
            return true;
        for (;;) {
            gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
            int r = poll(&pfd, 1, (int)MAX(left_ms, 0));

            if (r > 0 || left_ms <= 0)
                return dnsmasq_gone(pid, start_time);
            if (r < 0 && errno != EINTR)
                break; /* fall back to polling */
        }
    }
    for (;;) {
        if (dnsmasq_gone(pid, start_time))
            return true;
        if (g_get_monotonic_time() >= deadline)
            return false;
        g_usleep(DNSMASQ_POLL_MS * 1000);
    }
}

/* What dnsmasq wrote to its output since @offset, for error messages. */
static char *
dnsmasq_read_output(int fd, off_t offset)
{
    char buf[2048];
    ssize_t n;

    if (fd < 0)
        return g_strdup("");
    n = pread(fd, buf, sizeof(buf) - 1, offset);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    return g_strdup(g_strstrip(buf));
}

static bool
dnsmasq_pidfile_is(const char *path, pid_t pid)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    return g_ascii_strtoll(g_strstrip(text), NULL, 10) == pid;
}

/* The prefix lengths the helper records: those of the DHCP <ip>s. */
static void
dnsmasq_set_prefix_env(Cmd *cmd, const NetDef *def)
{
    bool v4 = false, v6 = false;

    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const NetIpDef *ip = def->ips->pdata[i];
        bool *done = ip->family == AF_INET ? &v4 : &v6;
        g_autofree char *prefix = g_strdup_printf("%u", ip->prefix);

        if (!netdef_ip_has_dhcp(ip) || *done)
            continue;
        *done = true;
        cmd_set_env(cmd, ip->family == AF_INET ? DNSMASQ_ENV_PREFIX_V4 : DNSMASQ_ENV_PREFIX_V6,
                    prefix);
    }
}

bool
dnsmasq_start(const NetDef *def, const DnsmasqPaths *paths, DnsmasqProc *ret_proc, GError **error)
{
    g_autoptr(DnsmasqConf) conf = NULL;
    g_autoptr(Cmd) cmd = NULL;
    g_autofree char *binary = NULL;
    int out_fd autoclose = -1;
    off_t out_start = 0;
    GPid pid;
    gint64 deadline;
    unsigned long long start_time = 0;

    g_return_val_if_fail(paths->conf_file && paths->pid_file, false);
    *ret_proc = (DnsmasqProc){ 0 };
    if (!(conf = dnsmasq_conf_build(def, paths, error)))
        return false;
    if (!(binary = paths->binary ? g_strdup(paths->binary) : dnsmasq_find_binary(error))) {
        g_prefix_error(error, "network '%s': ", def->name);
        return false;
    }
    if (access(binary, X_OK) != 0) {
        error_set_errno(error, NET_ERROR, errno, "network '%s': cannot run dnsmasq '%s'", def->name,
                        binary);
        return false;
    }
    if (!dnsmasq_write_files(conf, paths, error))
        return false;
    /* a stale pid file would pass for readiness */
    if (unlink(paths->pid_file) < 0 && errno != ENOENT) {
        error_set_errno(error, NET_ERROR, errno, "cannot remove '%s'", paths->pid_file);
        return false;
    }

    /* dnsmasq's own output: the log file, or an anonymous file kept just
     * long enough to quote a startup failure */
    if (paths->log_file) {
        out_fd = open(paths->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out_fd < 0) {
            error_set_errno(error, NET_ERROR, errno, "cannot open '%s'", paths->log_file);
            return false;
        }
        out_start = lseek(out_fd, 0, SEEK_END);
        close(out_fd);
        out_fd = open(paths->log_file, O_RDWR | O_APPEND | O_CLOEXEC);
    } else {
        g_autofree char *tmp = NULL;

        /* unlinked at once: it lives as long as a descriptor does */
        if ((out_fd = g_file_open_tmp("virtnode-dnsmasq-XXXXXX", &tmp, NULL)) >= 0)
            unlink(tmp);
    }

    cmd = cmd_new(binary);
    cmd_add_argf(cmd, "--conf-file=%s", paths->conf_file);
    /* the agent stays the parent and reaps it */
    cmd_add_arg(cmd, "--keep-in-foreground");
    if (paths->status_file)
        cmd_set_env(cmd, DNSMASQ_ENV_LEASES_FILE, paths->status_file);
    dnsmasq_set_prefix_env(cmd, def);
    if (out_fd >= 0) {
        cmd_set_stdout_fd(cmd, out_fd);
        cmd_set_stderr_fd(cmd, out_fd);
    }
    if (!cmd_spawn(cmd, &pid, error)) {
        g_prefix_error(error, "network '%s': ", def->name);
        return false;
    }
    if (pid == 0) /* a test hook took the command */
        return true;

    deadline = g_get_monotonic_time() + DNSMASQ_READY_TIMEOUT_MS * 1000;
    for (;;) {
        int wstatus = 0;
        pid_t r = waitpid(pid, &wstatus, WNOHANG);

        if (r == pid) {
            g_autofree char *said = dnsmasq_read_output(out_fd, out_start);

            reaper_forget(pid);
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_FAILED,
                        "dnsmasq for network '%s' exited with status %d%s%s", def->name,
                        WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus),
                        *said ? ": " : "", said);
            return false;
        }
        if (dnsmasq_pidfile_is(paths->pid_file, pid) && dnsmasq_proc_start_time(pid, &start_time))
            break;
        if (g_get_monotonic_time() >= deadline) {
            g_autofree char *said = dnsmasq_read_output(out_fd, out_start);

            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            reaper_forget(pid);
            g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "dnsmasq for network '%s' did not start within %d s%s%s", def->name,
                        DNSMASQ_READY_TIMEOUT_MS / 1000, *said ? ": " : "", said);
            return false;
        }
        g_usleep(DNSMASQ_POLL_MS * 1000);
    }
    ret_proc->pid = pid;
    ret_proc->start_time = start_time;
    return true;
}

bool
dnsmasq_reload(const NetDef *def, const DnsmasqPaths *paths, const DnsmasqProc *proc,
               GError **error)
{
    g_autoptr(DnsmasqConf) conf = NULL;

    if (!(conf = dnsmasq_conf_build(def, paths, error)))
        return false;
    if (!dnsmasq_write_files(conf, paths, error))
        return false;
    if (!dnsmasq_is_alive(proc->pid, proc->start_time)) {
        g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_INVALID,
                    "dnsmasq of network '%s' (pid %d) is not running", def->name, (int)proc->pid);
        return false;
    }
    if (kill(proc->pid, SIGHUP) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot signal dnsmasq of network '%s'",
                        def->name);
        return false;
    }
    return true;
}

void
dnsmasq_terminate(const DnsmasqProc *proc)
{
    if (proc->pid > 0 && dnsmasq_is_alive(proc->pid, proc->start_time))
        kill(proc->pid, SIGTERM);
}

bool
dnsmasq_stop(const DnsmasqProc *proc, const DnsmasqPaths *paths, unsigned int timeout_ms,
             GError **error)
{
    pid_t pid = proc->pid;

    if (pid > 0 && !dnsmasq_gone(pid, proc->start_time)) {
        /* re-checked right before each signal: never hit a recycled pid */
        if (dnsmasq_is_alive(pid, proc->start_time))
            kill(pid, SIGTERM);
        if (!dnsmasq_wait_gone(pid, proc->start_time, timeout_ms)) {
            if (dnsmasq_is_alive(pid, proc->start_time))
                kill(pid, SIGKILL);
            if (!dnsmasq_wait_gone(pid, proc->start_time, DNSMASQ_KILL_TIMEOUT_MS)) {
                g_set_error(error, NET_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                            "dnsmasq (pid %d) did not exit after SIGKILL", (int)pid);
                return false;
            }
        }
    }
    if (paths && paths->pid_file)
        unlink(paths->pid_file);
    return true;
}

void
dnsmasq_remove_files(const DnsmasqPaths *paths)
{
    const char *files[] = { paths->conf_file, paths->hosts_file, paths->addnhosts_file,
                            paths->pid_file };

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        if (files[i])
            unlink(files[i]);
}
