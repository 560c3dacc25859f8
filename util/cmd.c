/*
 * cmd.c: the one way the agent runs an external program
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cmd.h"
#include "util/reaper.h"
#include "util/error.h"

struct Cmd {
    char *prog;
    GPtrArray *args;      /* char*, NULL-terminated */
    GHashTable *env;      /* name -> value */
    GPtrArray *env_order; /* names in the order first set, for stable output */
    int stdio_fd[3];      /* -1: /dev/null */
    char **ret_stdout;    /* capture targets of cmd_run(), may be NULL */
    char **ret_stderr;
    GArray *pass_src; /* int */
    GArray *pass_dst; /* int */
};

struct CmdHookToken {
    CmdHookFunc fn;
    gpointer opaque;
};

static GMutex hook_lock;
static CmdHookToken *hook_current;

/* Where a bare program name is looked for after PATH: the agent may run
 * with a PATH that lacks the sbin directories (dnsmasq lives there). */
static const char *const cmd_extra_dirs[] = { "/usr/local/sbin", "/usr/sbin", "/sbin" };

Cmd *
cmd_new(const char *prog)
{
    Cmd *c = g_new0(Cmd, 1);

    c->prog = g_strdup(prog);
    c->args = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(c->args, NULL);
    c->env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    c->env_order = g_ptr_array_new_with_free_func(g_free);
    c->stdio_fd[0] = c->stdio_fd[1] = c->stdio_fd[2] = -1;
    c->pass_src = g_array_new(FALSE, FALSE, sizeof(int));
    c->pass_dst = g_array_new(FALSE, FALSE, sizeof(int));
    return c;
}

void
cmd_free(Cmd *c)
{
    if (!c)
        return;
    g_free(c->prog);
    g_ptr_array_unref(c->args);
    g_hash_table_unref(c->env);
    g_ptr_array_unref(c->env_order);
    for (int i = 0; i < 3; i++)
        if (c->stdio_fd[i] >= 0)
            close(c->stdio_fd[i]);
    for (guint i = 0; i < c->pass_src->len; i++)
        if (g_array_index(c->pass_src, int, i) >= 0)
            close(g_array_index(c->pass_src, int, i));
    g_array_unref(c->pass_src);
    g_array_unref(c->pass_dst);
    g_free(c);
}

void
cmd_add_arg(Cmd *c, const char *arg)
{
    /* keep the trailing NULL last */
    c->args->pdata[c->args->len - 1] = g_strdup(arg);
    g_ptr_array_add(c->args, NULL);
}

void
cmd_add_argf(Cmd *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    c->args->pdata[c->args->len - 1] = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(c->args, NULL);
}

void
cmd_add_args(Cmd *c, ...)
{
    va_list ap;
    const char *arg;

    va_start(ap, c);
    while ((arg = va_arg(ap, const char *)))
        cmd_add_arg(c, arg);
    va_end(ap);
}

void
cmd_set_env(Cmd *c, const char *name, const char *value)
{
    if (!g_hash_table_contains(c->env, name))
        g_ptr_array_add(c->env_order, g_strdup(name));
    g_hash_table_insert(c->env, g_strdup(name), g_strdup(value));
}

void
cmd_pass_env(Cmd *c, const char *name)
{
    const char *value = g_getenv(name);

    if (value)
        cmd_set_env(c, name, value);
}

static void
cmd_set_stdio(Cmd *c, int which, int fd)
{
    if (c->stdio_fd[which] >= 0)
        close(c->stdio_fd[which]);
    c->stdio_fd[which] = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
}

void
cmd_set_stdin_fd(Cmd *c, int fd)
{
    cmd_set_stdio(c, 0, fd);
}

void
cmd_set_stdout_fd(Cmd *c, int fd)
{
    cmd_set_stdio(c, 1, fd);
}

void
cmd_set_stderr_fd(Cmd *c, int fd)
{
    cmd_set_stdio(c, 2, fd);
}

void
cmd_capture_output(Cmd *c, char **ret_stdout, char **ret_stderr)
{
    c->ret_stdout = ret_stdout;
    c->ret_stderr = ret_stderr;
}

void
cmd_pass_fd(Cmd *c, int fd, int target_fd)
{
    /* A private duplicate: the caller may close its own at once. A failed
     * dup shows up as -1, which g_spawn rejects in cmd_run(). */
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

    g_array_append_val(c->pass_src, dup_fd);
    g_array_append_val(c->pass_dst, target_fd);
}

const char *
cmd_get_prog(const Cmd *c)
{
    return c->prog;
}

const char *const *
cmd_get_args(const Cmd *c)
{
    return (const char *const *)c->args->pdata;
}

const char *
cmd_get_env(const Cmd *c, const char *name)
{
    return g_hash_table_lookup(c->env, name);
}

static void
cmd_append_quoted(GString *s, const char *word)
{
    bool plain = *word != '\0';

    for (const char *p = word; *p && plain; p++)
        plain = g_ascii_isalnum(*p) || strchr("_./:=,@+-%", *p);
    if (plain) {
        g_string_append(s, word);
    } else {
        g_autofree char *q = g_shell_quote(word);

        g_string_append(s, q);
    }
}

char *
cmd_to_string(const Cmd *c)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < c->env_order->len; i++) {
        const char *name = c->env_order->pdata[i];
        g_autofree char *pair =
            g_strdup_printf("%s=%s", name, (const char *)g_hash_table_lookup(c->env, name));

        cmd_append_quoted(s, pair);
        g_string_append_c(s, ' ');
    }
    cmd_append_quoted(s, c->prog);
    for (guint i = 0; i + 1 < c->args->len; i++) {
        g_string_append_c(s, ' ');
        cmd_append_quoted(s, c->args->pdata[i]);
    }
    return g_string_free(s, FALSE);
}

/* Lets an installed hook take the command; true if it did. */
static bool
cmd_hook_take(const Cmd *c, int *ret_status)
{
    bool handled = false;

    g_mutex_lock(&hook_lock);
    if (hook_current) {
        *ret_status = 0;
        handled = hook_current->fn(c, ret_status, hook_current->opaque);
    }
    g_mutex_unlock(&hook_lock);
    return handled;
}

static char *
cmd_resolve(const char *prog, GError **error)
{
    char *path;

    if (strchr(prog, '/'))
        return g_strdup(prog);
    if ((path = g_find_program_in_path(prog)))
        return path;
    for (size_t i = 0; i < G_N_ELEMENTS(cmd_extra_dirs); i++) {
        path = g_build_filename(cmd_extra_dirs[i], prog, NULL);
        if (access(path, X_OK) == 0)
            return path;
        g_free(path);
    }
    g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED,
                "cannot find the program '%s' on PATH or in /usr/local/sbin, /usr/sbin, /sbin",
                prog);
    return NULL;
}

/* Runs in the child between fork and exec (async-signal-safe calls only):
 * a daemon must not inherit the agent's blocked signals (dnsmasq would
 * never see SIGHUP) or ignored ones. */
static void
cmd_child_setup(gpointer opaque)
{
    sigset_t none;

    (void)opaque;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

/* Starts the child; with @capture, the pipe ends go to *ret_out and *ret_err. */
static bool
cmd_start(Cmd *c, bool capture, GPid *ret_pid, int *ret_out, int *ret_err, GError **error)
{
    g_autofree char *path = NULL;
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GPtrArray) envp = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) spawn_error = NULL;
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_FILE_AND_ARGV_ZERO;
    bool want_out = capture && c->ret_stdout;
    bool want_err = capture && c->ret_stderr;

    if (!(path = cmd_resolve(c->prog, error)))
        return false;
    /* argv[0] stays the name the caller gave (what ps shows) */
    g_ptr_array_add(argv, c->prog);
    for (guint i = 0; i < c->args->len; i++)
        g_ptr_array_add(argv, c->args->pdata[i]);
    for (guint i = 0; i < c->env_order->len; i++) {
        const char *name = c->env_order->pdata[i];

        g_ptr_array_add(
            envp, g_strdup_printf("%s=%s", name, (const char *)g_hash_table_lookup(c->env, name)));
    }
    g_ptr_array_add(envp, NULL);

    if (c->stdio_fd[1] < 0 && !want_out)
        flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
    if (c->stdio_fd[2] < 0 && !want_err)
        flags |= G_SPAWN_STDERR_TO_DEV_NULL;

    {
        /* g_spawn wants argv[0] = the file to run, then the real argv */
        g_autoptr(GPtrArray) full = g_ptr_array_new();

        g_ptr_array_add(full, path);
        for (guint i = 0; i < argv->len; i++)
            g_ptr_array_add(full, argv->pdata[i]);

        if (!g_spawn_async_with_pipes_and_fds(
                NULL, (const char *const *)full->pdata, (const char *const *)envp->pdata, flags,
                cmd_child_setup, NULL, c->stdio_fd[0], want_out ? -1 : c->stdio_fd[1],
                want_err ? -1 : c->stdio_fd[2], (const int *)(void *)c->pass_src->data,
                (const int *)(void *)c->pass_dst->data, c->pass_src->len, ret_pid, NULL,
                want_out ? ret_out : NULL, want_err ? ret_err : NULL, &spawn_error)) {
            g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED, "cannot execute '%s': %s",
                        path, spawn_error->message);
            return false;
        }
        /* its owner waits for it, not the orphan sweep */
        reaper_watch(*ret_pid);
    }
    return true;
}

typedef struct CmdWait {
    GString *out, *err;
    int out_fd, err_fd;
    bool exited;
    int wait_status;
} CmdWait;

static void
cmd_wait_child(GPid pid, gint wait_status, gpointer opaque)
{
    CmdWait *w = opaque;

    (void)pid;
    w->exited = true;
    w->wait_status = wait_status;
}

static gboolean
cmd_wait_read(gint fd, GIOCondition cond, gpointer opaque)
{
    CmdWait *w = opaque;
    GString *dest = fd == w->out_fd ? w->out : w->err;
    char buf[4096];
    ssize_t n;

    (void)cond;
    n = read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        close(fd);
        if (fd == w->out_fd)
            w->out_fd = -1;
        else
            w->err_fd = -1;
        return G_SOURCE_REMOVE;
    }
    g_string_append_len(dest, buf, n);
    return G_SOURCE_CONTINUE;
}

static void
cmd_watch_fd(GMainContext *ctx, int fd, CmdWait *w)
{
    g_autoptr(GSource) src = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);

    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    g_source_set_callback(src, G_SOURCE_FUNC(cmd_wait_read), w, NULL);
    g_source_attach(src, ctx);
}

static int
cmd_status_from_wait(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return 255;
}

bool
cmd_run(Cmd *c, int *ret_status, GError **error)
{
    g_autoptr(GMainContext) ctx = NULL;
    g_autoptr(GSource) child = NULL;
    CmdWait w = { .out_fd = -1, .err_fd = -1 };
    GPid pid;
    int status = 0;

    if (cmd_hook_take(c, &status)) {
        if (c->ret_stdout)
            *c->ret_stdout = g_strdup("");
        if (c->ret_stderr)
            *c->ret_stderr = g_strdup("");
    } else {
        if (!cmd_start(c, true, &pid, &w.out_fd, &w.err_fd, error))
            return false;
        /* A private context: cmd_run() may be called from any thread,
         * whatever the agent's main loop is doing. */
        ctx = g_main_context_new();
        w.out = g_string_new(NULL);
        w.err = g_string_new(NULL);
        if (w.out_fd >= 0)
            cmd_watch_fd(ctx, w.out_fd, &w);
        if (w.err_fd >= 0)
            cmd_watch_fd(ctx, w.err_fd, &w);
        child = g_child_watch_source_new(pid);
        g_source_set_callback(child, G_SOURCE_FUNC(cmd_wait_child), &w, NULL);
        g_source_attach(child, ctx);
        while (!w.exited || w.out_fd >= 0 || w.err_fd >= 0)
            g_main_context_iteration(ctx, TRUE);
        g_source_destroy(child);
        g_spawn_close_pid(pid);
        reaper_forget(pid);
        status = cmd_status_from_wait(w.wait_status);
        if (c->ret_stdout)
            *c->ret_stdout = g_strdup(w.out->str);
        if (c->ret_stderr)
            *c->ret_stderr = g_strdup(w.err->str);
    }

    if (!ret_status && status != 0) {
        g_autofree char *text = cmd_to_string(c);
        const char *err = w.err ? g_strstrip(w.err->str) : "";

        g_set_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED,
                    "command '%s' failed with status %d%s%s", text, status, *err ? ": " : "", err);
    }
    if (w.out)
        g_string_free(w.out, TRUE);
    if (w.err)
        g_string_free(w.err, TRUE);
    if (ret_status)
        *ret_status = status;
    return ret_status || status == 0;
}

bool
cmd_spawn(Cmd *c, GPid *ret_pid, GError **error)
{
    int status;

    if (cmd_hook_take(c, &status)) {
        *ret_pid = 0;
        return true;
    }
    return cmd_start(c, false, ret_pid, NULL, NULL, error);
}

CmdHookToken *
cmd_hook_install(CmdHookFunc fn, gpointer opaque)
{
    CmdHookToken *token = g_new0(CmdHookToken, 1);

    token->fn = fn;
    token->opaque = opaque;
    g_mutex_lock(&hook_lock);
    g_assert(!hook_current);
    hook_current = token;
    g_mutex_unlock(&hook_lock);
    return token;
}

void
cmd_hook_token_free(CmdHookToken *token)
{
    if (!token)
        return;
    g_mutex_lock(&hook_lock);
    if (hook_current == token)
        hook_current = NULL;
    g_mutex_unlock(&hook_lock);
    g_free(token);
}
