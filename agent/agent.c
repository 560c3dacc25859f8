/*
 * agent.c: virtnoded's life cycle: start-up, signals, reload, shutdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* pipe2 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/notify.h"
#include "agent/pidfile.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define AGENT_ERROR error_quark(VIR_FROM_NONE)

struct Agent {
    AgentOptions opts;
    AgentHooks hooks;
    AgentPaths *paths;
    AgentConfig *cfg;
    AgentPidfile *pidfile;
    AgentServer *server;
    GMainLoop *loop;
    int ready_fd; /* --daemon: the pipe to the waiting parent */
    bool stopping;
    guint signal_ids[3];
};

const AgentPaths *
agent_get_paths(Agent *agent)
{
    return agent->paths;
}

const AgentConfig *
agent_get_config(Agent *agent)
{
    return agent->cfg;
}

AgentServer *
agent_get_server(Agent *agent)
{
    return agent->server;
}

/* The parent of --daemon: waits until the child reports ready or failed.
 * The child writes one NUL byte when its sockets listen, or the error. */
static G_NORETURN void
agent_daemon_parent(int ready_fd, pid_t child)
{
    GString *msg = g_string_new(NULL);
    char buf[512];
    ssize_t n;
    int status;

    while ((n = read(ready_fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        g_string_append_len(msg, buf, n);
    }
    if (msg->len >= 1 && msg->str[0] == '\0')
        _exit(0);
    if (msg->len > 0) {
        fprintf(stderr, "virtnoded: error: %s\n", msg->str);
    } else if (waitpid(child, &status, 0) == child && WIFSIGNALED(status)) {
        fprintf(stderr, "virtnoded: error: the daemon was killed by signal %d during start-up\n",
                WTERMSIG(status));
    } else {
        fprintf(stderr, "virtnoded: error: the daemon exited during start-up\n");
    }
    fflush(stderr);
    _exit(1);
}

/* Forks; the parent never returns. Done before any thread exists. */
static bool
agent_daemonize(Agent *agent, GError **error)
{
    int fds[2];
    pid_t pid;
    int null_fd;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "cannot create the readiness pipe");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "cannot fork the daemon");
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid > 0) {
        close(fds[1]);
        agent_daemon_parent(fds[0], pid);
    }
    close(fds[0]);
    agent->ready_fd = fds[1];
    if (setsid() < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "setsid failed");
        return false;
    }
    if (chdir("/") < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "cannot change to '/'");
        return false;
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "cannot open /dev/null");
        return false;
    }
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO)
        close(null_fd);
    return true;
}

static void
agent_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

static void
agent_report_failure(Agent *agent, const GError *err)
{
    if (agent->ready_fd >= 0) {
        log_error("%s", err->message);
        agent_write_all(agent->ready_fd, err->message, strlen(err->message));
        close(agent->ready_fd);
        agent->ready_fd = -1;
    } else {
        fprintf(stderr, "virtnoded: error: %s\n", err->message);
    }
}

/* Applies the logging part of @cfg (and of --verbose). */
static bool
agent_configure_logging(Agent *agent, const AgentConfig *cfg, GError **error)
{
    g_autofree char *spec = NULL;
    LogLevel level = agent->opts.verbose ? LOG_LEVEL_DEBUG : cfg->log_level;

    if (agent->opts.verbose && !agent->opts.daemon)
        spec = g_strdup("stderr");
    else if (cfg->log_outputs)
        spec = g_strdup(cfg->log_outputs);
    else if (agent->opts.daemon)
        spec = g_strdup_printf("file:%s", agent->paths->log_file);
    else
        spec = g_strdup("stderr");
    return log_configure(level, spec, agent->opts.verbose, error);
}

static bool
agent_resolve_group(const char *name, gid_t *ret_gid, GError **error)
{
    struct group grp, *found = NULL;
    char buf[4096];
    char *end = NULL;
    guint64 num;
    int r;

    if (!name) {
        *ret_gid = (gid_t)-1;
        return true;
    }
    num = g_ascii_strtoull(name, &end, 10);
    if (end != name && !*end && num < G_MAXUINT32) {
        *ret_gid = (gid_t)num;
        return true;
    }
    r = getgrnam_r(name, &grp, buf, sizeof(buf), &found);
    if (r != 0 || !found) {
        g_set_error(error, AGENT_ERROR, VIR_ERR_CONF_SYNTAX, "unix_sock_group '%s': %s", name,
                    r ? g_strerror(r) : "no such group");
        return false;
    }
    *ret_gid = found->gr_gid;
    return true;
}

/* Removes a socket left by an agent that died. Only called with the pid
 * file locked: no live agent can own it then. */
static bool
agent_remove_stale_socket(const char *path, GError **error)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return true;
    if (!S_ISSOCK(st.st_mode)) {
        g_set_error(error, AGENT_ERROR, VIR_ERR_OPERATION_INVALID,
                    "'%s' exists and is not a socket", path);
        return false;
    }
    if (unlink(path) < 0) {
        error_set_errno(error, AGENT_ERROR, errno, "cannot remove stale socket '%s'", path);
        return false;
    }
    log_info("removed stale socket '%s'", path);
    return true;
}

static void
agent_reload(Agent *agent)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(AgentConfig) cfg = NULL;

    log_info("SIGHUP: re-reading '%s'", agent->paths->config_file);
    cfg = agent_config_load(agent->paths->config_file, agent->paths->config_explicit, &err);
    if (!cfg || !agent_configure_logging(agent, cfg, &err)) {
        log_error("reload failed, keeping the previous configuration: %s", err->message);
        return;
    }
    if (cfg->unix_sock_ro_perms != agent->cfg->unix_sock_ro_perms ||
        cfg->unix_sock_rw_perms != agent->cfg->unix_sock_rw_perms ||
        g_strcmp0(cfg->unix_sock_group, agent->cfg->unix_sock_group) != 0)
        log_warn("socket permissions and group changes take effect at the next start");
    agent_server_apply_config(agent->server, cfg);
    agent_config_free(agent->cfg);
    agent->cfg = g_steal_pointer(&cfg);
    if (agent->hooks.reload)
        agent->hooks.reload(agent, agent->hooks.data);
    log_info("configuration reloaded");
}

static gboolean
agent_on_sighup(gpointer data)
{
    agent_reload(data);
    return G_SOURCE_CONTINUE;
}

static gboolean
agent_on_term(gpointer data)
{
    Agent *agent = data;

    if (agent->stopping) {
        log_warn("second termination signal: not waiting for calls in flight");
        agent_server_abort_drain(agent->server);
        return G_SOURCE_CONTINUE;
    }
    agent->stopping = true;
    g_main_loop_quit(agent->loop);
    return G_SOURCE_CONTINUE;
}

static bool
agent_start(Agent *agent, GError **error)
{
    const AgentConfig *cfg = agent->cfg;
    const AgentPaths *p = agent->paths;
    gid_t gid;

    if (!agent_paths_create_dirs(p, error))
        return false;
    if (agent->opts.pid_file) {
        g_autofree char *dir = g_path_get_dirname(p->pid_file);

        if (!file_mkdir_p(dir, 0755, error))
            return false;
    }
    if (!agent_configure_logging(agent, cfg, error))
        return false;
    log_install_glib_writer();
    log_debug("paths: config '%s', state '%s', runtime '%s', pid file '%s'", p->config_file,
              p->state_dir, p->run_dir, p->pid_file);
    /* Orphaned helpers (a daemonizing dnsmasq, qemu after a crash) become
     * our children instead of waiting for PID 1 to reap them (HOST-NOTES). */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        log_warn("cannot become a child subreaper: %s", g_strerror(errno));

    if (!(agent->pidfile = agent_pidfile_acquire(p->pid_file, error)))
        return false;
    if (!agent_remove_stale_socket(p->sock_rw, error) ||
        !agent_remove_stale_socket(p->sock_ro, error))
        return false;
    if (!agent_resolve_group(cfg->unix_sock_group, &gid, error))
        return false;

    if (!(agent->server = agent_server_new(cfg, NULL, error)))
        return false;
    agent_server_set_hooks(agent->server, &agent->hooks.server);
    if (!agent->hooks.server.dispatch)
        log_warn("the RPC protocol is not implemented yet: connections are closed at their "
                 "first message");
    if (agent->hooks.startup && !agent->hooks.startup(agent, agent->hooks.data, error))
        return false;

    /* Handlers before the sockets appear: whoever sees them may signal us. */
    agent->loop = g_main_loop_new(NULL, FALSE);
    agent->signal_ids[0] = g_unix_signal_add(SIGTERM, agent_on_term, agent);
    agent->signal_ids[1] = g_unix_signal_add(SIGINT, agent_on_term, agent);
    agent->signal_ids[2] = g_unix_signal_add(SIGHUP, agent_on_sighup, agent);
    if (!agent_server_listen(agent->server, p->sock_rw, false, cfg->unix_sock_rw_perms, gid,
                             error) ||
        !agent_server_listen(agent->server, p->sock_ro, true, cfg->unix_sock_ro_perms, gid, error))
        return false;

    return true;
}

static void
agent_report_ready(Agent *agent)
{
    g_autofree char *state = g_strdup_printf("READY=1\nMAINPID=%ld", (long)getpid());

    if (agent->ready_fd >= 0) {
        agent_write_all(agent->ready_fd, "", 1);
        close(agent->ready_fd);
        agent->ready_fd = -1;
    }
    if (!agent_notify(state))
        log_warn("cannot notify the service manager: %s", g_strerror(errno));
    log_info("virtnoded " PACKAGE_VERSION " ready (pid %ld): listening on '%s' and '%s'",
             (long)getpid(), agent->paths->sock_rw, agent->paths->sock_ro);
}

/* Undoes agent_start() in reverse; safe on a partial start. */
static void
agent_stop(Agent *agent)
{
    if (agent->server) {
        agent_server_stop_accepting(agent->server);
        if (!agent_server_drain(agent->server, AGENT_SHUTDOWN_TIMEOUT_MS))
            log_warn("calls still in flight after the shutdown timeout; closing the clients");
        if (agent->hooks.shutdown)
            agent->hooks.shutdown(agent, agent->hooks.data);
        agent_server_free(agent->server);
        agent->server = NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(agent->signal_ids); i++) {
        if (agent->signal_ids[i])
            g_source_remove(agent->signal_ids[i]);
        agent->signal_ids[i] = 0;
    }
    g_clear_pointer(&agent->loop, g_main_loop_unref);
    agent_pidfile_release(agent->pidfile);
    agent->pidfile = NULL;
}

int
agent_run(const AgentOptions *opts, const AgentHooks *hooks)
{
    Agent agent = { .opts = *opts, .ready_fd = -1 };
    g_autoptr(GError) err = NULL;
    int ret = 1;

    if (hooks)
        agent.hooks = *hooks;
    signal(SIGPIPE, SIG_IGN);
    agent_notify_init();
    agent.paths = agent_paths_new(opts->root, opts->config_file, opts->pid_file);
    agent.cfg = agent_config_load(agent.paths->config_file, agent.paths->config_explicit, &err);
    if (!agent.cfg) {
        agent_report_failure(&agent, err);
        goto out;
    }
    if (opts->daemon && !agent_daemonize(&agent, &err)) {
        agent_report_failure(&agent, err);
        goto out;
    }
    if (!agent_start(&agent, &err)) {
        agent_report_failure(&agent, err);
        agent_stop(&agent);
        goto out;
    }
    agent_report_ready(&agent);

    g_main_loop_run(agent.loop);

    log_info("shutting down");
    agent_notify("STOPPING=1");
    agent_stop(&agent);
    log_info("stopped");
    ret = 0;
out:
    log_shutdown();
    agent_config_free(agent.cfg);
    agent_paths_free(agent.paths);
    return ret;
}
