/*
 * cmd-test.c: util/cmd (the external program runner)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cmd.h"
#include "util/error.h"

/* Arguments arrive unsplit and unexpanded, the environment is only what
 * was set, and both output streams are captured. */
static void
test_run_capture(void)
{
    g_autoptr(Cmd) c = cmd_new("sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;

    cmd_add_args(c, "-c", "printf '%s|' \"$@\"; env | sort; echo oops >&2; exit 3", "sh", NULL);
    cmd_add_arg(c, "two words");
    cmd_add_argf(c, "$HOME-%d", 7);
    cmd_set_env(c, "FOO", "bar baz");
    cmd_set_env(c, "PATH", "/usr/bin:/bin");
    cmd_set_env(c, "FOO", "final");
    cmd_capture_output(c, &out, &err);
    g_assert_true(cmd_run(c, &status, &error));
    g_assert_no_error(error);
    g_assert_cmpint(status, ==, 3);
    /* sh itself may add PWD/SHLVL/_ : check ours and the absence of the parent's */
    g_assert_true(g_str_has_prefix(out, "two words|$HOME-7|"));
    g_assert_nonnull(strstr(out, "FOO=final\n"));
    g_assert_nonnull(strstr(out, "PATH=/usr/bin:/bin\n"));
    g_assert_null(strstr(out, "HOME="));
    g_assert_cmpstr(err, ==, "oops\n");
    g_assert_cmpstr(cmd_get_env(c, "FOO"), ==, "final");
    g_assert_cmpstr(cmd_get_args(c)[3], ==, "two words");
    g_assert_null(cmd_get_args(c)[5]);
}

/* Without a status pointer a failure is an error quoting stderr. */
static void
test_run_failure(void)
{
    g_autoptr(Cmd) c = cmd_new("/bin/sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;

    cmd_add_args(c, "-c", "echo 'no such thing' >&2; exit 2", NULL);
    cmd_capture_output(c, NULL, &err);
    g_assert_false(cmd_run(c, NULL, &error));
    g_assert_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "status 2: no such thing"));
}

static void
test_run_signal(void)
{
    g_autoptr(Cmd) c = cmd_new("sh");
    g_autoptr(GError) error = NULL;
    int status = 0;

    cmd_add_args(c, "-c", "kill -TERM $$", NULL);
    g_assert_true(cmd_run(c, &status, &error));
    g_assert_cmpint(status, ==, 128 + SIGTERM);
}

static void
test_missing_program(void)
{
    g_autoptr(Cmd) a = cmd_new("virtnode-no-such-program");
    g_autoptr(Cmd) b = cmd_new("/nonexistent/prog");
    g_autoptr(GError) error = NULL;
    GPid pid;
    int status;

    g_assert_false(cmd_run(a, &status, &error));
    g_assert_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "cannot find the program 'virtnode-no-such-program'"));
    g_clear_error(&error);
    g_assert_false(cmd_spawn(b, &pid, &error));
    g_assert_error(error, UTIL_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error->message, "/nonexistent/prog"));
}

/* cmd_spawn() returns at once; the caller reaps. Output goes to the fd. */
static void
test_spawn_fds(void)
{
    g_autoptr(Cmd) c = cmd_new("sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *tmp = NULL, *text = NULL;
    int fd, pfd[2], wstatus;
    GPid pid;

    fd = g_file_open_tmp("cmd-test-XXXXXX", &tmp, &error);
    g_assert_no_error(error);
    g_assert_cmpint(pipe(pfd), ==, 0);
    cmd_add_args(c, "-c", "echo out; echo err >&2; echo passed >&5", NULL);
    cmd_set_stdout_fd(c, fd);
    cmd_set_stderr_fd(c, fd);
    cmd_pass_fd(c, pfd[1], 5);
    close(pfd[1]);
    close(fd);
    g_assert_true(cmd_spawn(c, &pid, &error));
    g_assert_no_error(error);
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(waitpid(pid, &wstatus, 0), ==, pid);
    g_assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    cmd_free(g_steal_pointer(&c)); /* closes our copy of the write end */
    {
        char buf[64] = "";
        ssize_t n = read(pfd[0], buf, sizeof(buf) - 1);

        g_assert_cmpint(n, ==, 7);
        g_assert_cmpstr(buf, ==, "passed\n");
    }
    close(pfd[0]);
    g_assert_true(g_file_get_contents(tmp, &text, NULL, &error));
    g_assert_cmpstr(text, ==, "out\nerr\n");
    unlink(tmp);
}

static void
test_to_string(void)
{
    g_autoptr(Cmd) c = cmd_new("dnsmasq");
    g_autofree char *s = NULL;

    cmd_set_env(c, "VAR", "a b");
    cmd_add_arg(c, "--conf-file=/x/y.conf");
    cmd_add_arg(c, "it's");
    cmd_add_arg(c, "");
    s = cmd_to_string(c);
    g_assert_cmpstr(s, ==, "'VAR=a b' dnsmasq --conf-file=/x/y.conf 'it'\\''s' ''");
}

/* Signals the agent blocks or ignores are not inherited. */
static void
test_signal_mask(void)
{
    g_autoptr(Cmd) c = cmd_new("sh");
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    sigset_t block, old;

    sigemptyset(&block);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGUSR1);
    g_assert_cmpint(pthread_sigmask(SIG_BLOCK, &block, &old), ==, 0);
    cmd_add_args(c, "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status", NULL);
    cmd_capture_output(c, &out, NULL);
    g_assert_true(cmd_run(c, NULL, &error));
    g_assert_cmpint(pthread_sigmask(SIG_SETMASK, &old, NULL), ==, 0);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(out, "SigBlk:\t0000000000000000\n"));
}

typedef struct HookLog {
    GPtrArray *seen;
    bool handle;
} HookLog;

static bool
hook_record(const Cmd *c, int *ret_status, gpointer opaque)
{
    HookLog *log = opaque;

    g_ptr_array_add(log->seen, cmd_to_string(c));
    *ret_status = 42;
    return log->handle;
}

/* With a hook nothing executes; freeing the token restores execution. */
static void
test_hook(void)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func(g_free);
    HookLog log = { seen, true };
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_strdup_printf("%s/cmd-test-hook-%d", g_get_tmp_dir(), getpid());
    g_autoptr(Cmd) touch = cmd_new("touch");
    g_autoptr(Cmd) touch2 = cmd_new("touch");
    g_autoptr(Cmd) spawned = cmd_new("touch");
    int status = -1;
    GPid pid = -1;
    CmdHookToken *token;

    cmd_add_arg(touch, path);
    cmd_add_arg(spawned, path);
    cmd_add_arg(touch2, path);
    token = cmd_hook_install(hook_record, &log);
    g_assert_true(cmd_run(touch, &status, &error));
    g_assert_cmpint(status, ==, 42);
    g_assert_true(cmd_spawn(spawned, &pid, &error));
    g_assert_cmpint(pid, ==, 0);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(seen->len, ==, 2);
    g_assert_true(g_str_has_prefix(seen->pdata[0], "touch /"));
    /* a hook that declines lets the command run */
    log.handle = false;
    g_assert_true(cmd_run(touch2, &status, &error));
    g_assert_cmpint(status, ==, 0);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    unlink(path);
    cmd_hook_token_free(token);
    g_assert_true(cmd_run(touch2, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(seen->len, ==, 3);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    unlink(path);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cmd/run-capture", test_run_capture);
    g_test_add_func("/cmd/run-failure", test_run_failure);
    g_test_add_func("/cmd/run-signal", test_run_signal);
    g_test_add_func("/cmd/missing-program", test_missing_program);
    g_test_add_func("/cmd/spawn-fds", test_spawn_fds);
    g_test_add_func("/cmd/to-string", test_to_string);
    g_test_add_func("/cmd/hook", test_hook);
    g_test_add_func("/cmd/signal-mask", test_signal_mask);
    return g_test_run();
}
