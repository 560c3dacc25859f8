/*
 * cli-shell.c: the client's own commands (help, echo, quit, connect, ...)
 * and the group table that help walks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli.h"

static void
print_group(CliCtl *ctl, const CliGroup *g)
{
    cli_print(ctl, " %s (help keyword '%s'):\n", g->name, g->keyword);
    for (const CliCmdDef *c = g->cmds; c->name; c++)
        cli_print(ctl, "    %-30s %s\n", c->name, c->summary);
    cli_print(ctl, "\n");
}

static void
print_command_help(CliCtl *ctl, const CliCmdDef *def)
{
    g_autoptr(GString) synopsis = g_string_new(def->name);

    for (const CliOptDef *o = def->opts; o && o->name; o++) {
        switch (o->type) {
        case CLI_OPT_BOOL:
            g_string_append_printf(synopsis, " [--%s]", o->name);
            break;
        case CLI_OPT_DATA:
            g_string_append_printf(synopsis, " <%s>", o->name);
            break;
        case CLI_OPT_STRING:
            g_string_append_printf(synopsis, " [--%s <string>]", o->name);
            break;
        case CLI_OPT_ARGV:
            g_string_append(synopsis, " [<string>]...");
            break;
        }
    }

    cli_print(ctl, "  NAME\n    %s - %s\n\n", def->name, def->summary);
    cli_print(ctl, "  SYNOPSIS\n    %s\n\n", synopsis->str);
    if (def->description)
        cli_print(ctl, "  DESCRIPTION\n    %s\n\n", def->description);
    if (def->opts && def->opts[0].name) {
        cli_print(ctl, "  OPTIONS\n");
        for (const CliOptDef *o = def->opts; o->name; o++) {
            g_autofree char *label = NULL;

            switch (o->type) {
            case CLI_OPT_BOOL:
                label = g_strdup_printf("--%s", o->name);
                break;
            case CLI_OPT_DATA:
                label = g_strdup_printf("[--%s] <string>", o->name);
                break;
            case CLI_OPT_STRING:
                label = g_strdup_printf("--%s <string>", o->name);
                break;
            case CLI_OPT_ARGV:
                label = g_strdup("<string>");
                break;
            }
            cli_print(ctl, "    %-15s  %s\n", label, o->help);
        }
        cli_print(ctl, "\n");
    }
}

static bool
cmd_help(CliCtl *ctl, const CliCmd *cmd)
{
    const char *name = cli_opt_string(cmd, "command");
    const CliCmdDef *def;

    if (!name) {
        cli_print(ctl, "Grouped commands:\n\n");
        for (const CliGroup *g = cli_groups; g->name; g++)
            print_group(ctl, g);
        return true;
    }
    for (const CliGroup *g = cli_groups; g->name; g++) {
        /* "virsh" names this group in virsh; scripts may ask for it */
        if (strcmp(g->keyword, name) == 0 ||
            (g->cmds == cli_shell_cmds && strcmp(name, "virsh") == 0)) {
            print_group(ctl, g);
            return true;
        }
    }
    if ((def = cli_cmd_lookup(name))) {
        print_command_help(ctl, def);
        return true;
    }
    cli_error("command or command group '%s' doesn't exist", name);
    return false;
}

/* Quotes @arg for a POSIX shell when it holds anything special. */
static void
append_shell_quoted(GString *out, const char *arg)
{
    if (*arg && !strpbrk(arg, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~")) {
        g_string_append(out, arg);
        return;
    }
    g_string_append_c(out, '\'');
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(out, "'\\''");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '\'');
}

static void
append_xml_escaped(GString *out, const char *arg)
{
    for (const char *p = arg; *p; p++) {
        switch (*p) {
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '\'':
            g_string_append(out, "&apos;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        default:
            g_string_append_c(out, *p);
        }
    }
}

/* --split: pieces between commas (",," stands for a comma), each ending a line. */
static char *
split_commas(const char *arg)
{
    GString *out = g_string_new(NULL);

    for (const char *p = arg; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(out, ',');
            p++;
        } else if (*p == ',') {
            g_string_append_c(out, '\n');
        } else {
            g_string_append_c(out, *p);
        }
    }
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

static bool
cmd_echo(CliCtl *ctl, const CliCmd *cmd)
{
    bool shell = cli_opt_bool(cmd, "shell");
    bool xml = cli_opt_bool(cmd, "xml");
    bool split = cli_opt_bool(cmd, "split");
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; i < cmd->argv->len; i++) {
        const char *arg = g_ptr_array_index(cmd->argv, i);
        g_autofree char *piece = split ? split_commas(arg) : g_strdup(arg);

        if (i > 0)
            g_string_append_c(out, ' ');
        if (shell)
            append_shell_quoted(out, piece);
        else if (xml)
            append_xml_escaped(out, piece);
        else
            g_string_append(out, piece);
    }
    if (cli_opt_bool(cmd, "err"))
        cli_error("%s", out->str);
    else
        cli_print(ctl, "%s", out->str);
    return true;
}

static bool
cmd_quit(CliCtl *ctl, const CliCmd *cmd)
{
    ctl->want_quit = true;
    return true;
}

static bool
cmd_cd(CliCtl *ctl, const CliCmd *cmd)
{
    const char *dir = cli_opt_string(cmd, "dir");

    if (!ctl->imode) {
        cli_error("cd: command valid only in interactive mode");
        return false;
    }
    if (!dir)
        dir = g_get_home_dir();
    if (chdir(dir) < 0) {
        cli_error("cd: %s: %s", g_strerror(errno), dir);
        return false;
    }
    return true;
}

static bool
cmd_pwd(CliCtl *ctl, const CliCmd *cmd)
{
    g_autofree char *cwd = g_get_current_dir();

    cli_print(ctl, "%s\n", cwd);
    return true;
}

static bool
cmd_connect(CliCtl *ctl, const CliCmd *cmd)
{
    const char *name = cli_opt_string(cmd, "name");

    return cli_reconnect(ctl, name ? name : ctl->uri, cli_opt_bool(cmd, "readonly"));
}

static const CliOptDef opts_none[] = { { NULL } };

static const CliOptDef opts_help[] = {
    { "command", CLI_OPT_STRING,
      "Prints global help, command specific help, or help for a group of related commands" },
    { NULL },
};

static const CliOptDef opts_echo[] = {
    { "shell", CLI_OPT_BOOL, "escape for shell use" },
    { "xml", CLI_OPT_BOOL, "escape for XML use" },
    { "split", CLI_OPT_BOOL, "split each argument on ','; ',,' is an escape sequence" },
    { "err", CLI_OPT_BOOL, "output to stderr" },
    { "string", CLI_OPT_ARGV, "arguments to echo" },
    { NULL },
};

static const CliOptDef opts_cd[] = {
    { "dir", CLI_OPT_STRING, "directory to switch to (default: home or else root)" },
    { NULL },
};

static const CliOptDef opts_connect[] = {
    { "name", CLI_OPT_STRING, "hypervisor connection URI" },
    { "readonly", CLI_OPT_BOOL, "read-only connection" },
    { NULL },
};

const CliCmdDef cli_shell_cmds[] = {
    { "cd", cmd_cd, opts_cd, "change the current directory", "Change the current directory.",
      CLI_CMD_NOCONNECT },
    { "echo", cmd_echo, opts_echo, "echo arguments. Used for internal testing.",
      "Echo back arguments, possibly with quoting. Used for internal testing.", CLI_CMD_NOCONNECT },
    { "exit", cmd_quit, opts_none, "quit this interactive terminal", NULL, CLI_CMD_NOCONNECT },
    { "help", cmd_help, opts_help, "print help",
      "Prints global help, command specific help, or help for a group of related commands",
      CLI_CMD_NOCONNECT },
    { "pwd", cmd_pwd, opts_none, "print the current directory", "Print the current directory.",
      CLI_CMD_NOCONNECT },
    { "quit", cmd_quit, opts_none, "quit this interactive terminal", NULL, CLI_CMD_NOCONNECT },
    { "connect", cmd_connect, opts_connect, "(re)connect to hypervisor",
      "Connect to a hypervisor. Without a name, reconnect to the current URI.", CLI_CMD_NOCONNECT },
    { NULL },
};

const CliGroup cli_groups[] = {
    { "Domain Management", "domain", cli_domain_cmds },
    { "Domain Monitoring", "monitor", cli_monitor_cmds },
    { "Host and Hypervisor", "host", cli_host_cmds },
    { "Networking", "network", cli_network_cmds },
    { "Virtnode itself", "virtnode", cli_shell_cmds },
    { NULL },
};
