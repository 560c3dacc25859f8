/*
 * paths.c: every file and directory the agent uses, computed once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "agent/paths.h"
#include "util/file.h"

static char *
agent_paths_absolute(const char *name)
{
    return g_canonicalize_filename(name, NULL);
}

AgentPaths *
agent_paths_new(const char *root, const char *config_file, const char *pid_file)
{
    AgentPaths *p = g_new0(AgentPaths, 1);
    const char *base;

    p->root = root ? agent_paths_absolute(root) : NULL;
    base = p->root ? p->root : "/";
    p->config_dir = g_build_filename(base, "etc", "virtnode", NULL);
    p->config_explicit = config_file != NULL;
    p->config_file = config_file ? agent_paths_absolute(config_file)
                                 : g_build_filename(p->config_dir, "agent.conf", NULL);
    p->qemu_dir = g_build_filename(p->config_dir, "qemu", NULL);
    p->qemu_autostart_dir = g_build_filename(p->qemu_dir, "autostart", NULL);
    p->network_dir = g_build_filename(p->qemu_dir, "networks", NULL);
    p->network_autostart_dir = g_build_filename(p->network_dir, "autostart", NULL);
    /* Read before agent_paths_create_dirs() makes it. */
    p->first_run = !g_file_test(p->network_dir, G_FILE_TEST_IS_DIR);
    p->state_dir = g_build_filename(base, "var", "lib", "virtnode", NULL);
    p->run_dir = g_build_filename(base, "run", "virtnode", NULL);
    p->sock_rw = g_build_filename(p->run_dir, "virtnode-sock", NULL);
    p->sock_ro = g_build_filename(p->run_dir, "virtnode-sock-ro", NULL);
    p->pid_file = pid_file ? agent_paths_absolute(pid_file)
                           : g_build_filename(p->run_dir, "virtnoded.pid", NULL);
    p->log_dir = g_build_filename(base, "var", "log", "virtnode", NULL);
    p->log_file = g_build_filename(p->log_dir, "virtnoded.log", NULL);
    return p;
}

void
agent_paths_free(AgentPaths *p)
{
    if (!p)
        return;
    g_free(p->root);
    g_free(p->config_dir);
    g_free(p->config_file);
    g_free(p->qemu_dir);
    g_free(p->qemu_autostart_dir);
    g_free(p->network_dir);
    g_free(p->network_autostart_dir);
    g_free(p->state_dir);
    g_free(p->run_dir);
    g_free(p->sock_rw);
    g_free(p->sock_ro);
    g_free(p->pid_file);
    g_free(p->log_dir);
    g_free(p->log_file);
    g_free(p);
}

bool
agent_paths_create_dirs(const AgentPaths *p, GError **error)
{
    const struct {
        const char *dir;
        mode_t mode;
    } dirs[] = {
        { p->config_dir, 0755 },
        { p->qemu_dir, 0755 },
        { p->qemu_autostart_dir, 0755 },
        { p->network_dir, 0755 },
        { p->network_autostart_dir, 0755 },
        { p->state_dir, 0755 },
        { p->run_dir, 0755 },
        { p->log_dir, 0700 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (!file_mkdir_p(dirs[i].dir, dirs[i].mode, error))
            return false;
    }
    return true;
}
