/*
 * cmd.h: the one way the agent runs an external program
 *
 * A Cmd is built with calls that never fail (errors surface in cmd_run()
 * or cmd_spawn()), runs from an argv (no shell) with an explicit
 * environment (empty unless cmd_set_env() or cmd_pass_env() add to it),
 * and is executed with g_spawn_async_with_pipes_and_fds(). Tests install a
 * hook that sees every command instead of executing it; freeing the hook's
 * token restores real execution (libvirt's dry-run token).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct Cmd Cmd;

/* A command running @prog: an absolute or relative path (used as is) or a
 * bare name looked up on the agent's PATH, then in /usr/sbin and /sbin. */
Cmd *cmd_new(const char *prog);
/* Frees @c (accepts NULL). Does not touch a child started by cmd_spawn(). */
void cmd_free(Cmd *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Cmd, cmd_free)

void cmd_add_arg(Cmd *c, const char *arg);
void cmd_add_argf(Cmd *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Appends each argument up to the terminating NULL. */
void cmd_add_args(Cmd *c, ...) G_GNUC_NULL_TERMINATED;
/* Sets NAME=VALUE in the child's environment (replacing an earlier value). */
void cmd_set_env(Cmd *c, const char *name, const char *value);
/* Copies @name from the agent's own environment, if it is set there. */
void cmd_pass_env(Cmd *c, const char *name);
/* The child's stdin/stdout/stderr is @fd (duplicated; the caller keeps
 * its own). By default all three are /dev/null. */
void cmd_set_stdin_fd(Cmd *c, int fd);
void cmd_set_stdout_fd(Cmd *c, int fd);
void cmd_set_stderr_fd(Cmd *c, int fd);
/* cmd_run() collects the child's stdout / stderr into *ret_stdout /
 * *ret_stderr (NUL-terminated; caller frees), overriding a fd set above.
 * Either may be NULL. */
void cmd_capture_output(Cmd *c, char **ret_stdout, char **ret_stderr);
/* Passes the caller's descriptor @fd to the child as descriptor @target_fd
 * (close-on-exec cleared there); @fd stays the caller's. */
void cmd_pass_fd(Cmd *c, int fd, int target_fd);

/* The program as given to cmd_new() and the arguments after it. */
const char *cmd_get_prog(const Cmd *c);
/* argv without the program: NULL-terminated, owned by @c. */
const char *const *cmd_get_args(const Cmd *c);
/* The value cmd_set_env()/cmd_pass_env() gave @name, or NULL. */
const char *cmd_get_env(const Cmd *c, const char *name);
/* "NAME=VALUE ... prog arg ..." with shell quoting where needed, for
 * logs and test expectations; caller frees. */
char *cmd_to_string(const Cmd *c);

/* Runs @c and waits for it. Returns false (VIR_ERR_OPERATION_FAILED in
 * UTIL_ERROR) if it cannot be started; otherwise true with the exit status
 * in *ret_status. With @ret_status NULL, a non-zero exit or a signal is an
 * error too (VIR_ERR_OPERATION_FAILED, naming the command and quoting its
 * captured stderr if any). A child killed by a signal has status 128 + N. */
bool cmd_run(Cmd *c, int *ret_status, GError **error);

/* Starts @c without waiting; *ret_pid is the child, which the caller must
 * reap (waitpid() or a child watch). Under a test hook that handles the
 * command, *ret_pid is 0. Errors as cmd_run(). */
bool cmd_spawn(Cmd *c, GPid *ret_pid, GError **error);

/* Test seam. While a hook is installed, every cmd_run()/cmd_spawn() calls
 * it first. A hook returning true handled the command (nothing executes;
 * cmd_run() reports *ret_status, which starts at 0); false lets it run
 * for real. One hook at a time; for tests only. */
typedef bool (*CmdHookFunc)(const Cmd *cmd, int *ret_status, gpointer opaque);
typedef struct CmdHookToken CmdHookToken;
CmdHookToken *cmd_hook_install(CmdHookFunc fn, gpointer opaque);
/* Removes the hook (accepts NULL). */
void cmd_hook_token_free(CmdHookToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CmdHookToken, cmd_hook_token_free)
