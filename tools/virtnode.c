/*
 * virtnode.c: the virtnode command-line client, a virsh work-alike
 *
 * One-shot mode runs the command given on the command line (one argument is
 * a command string that may hold several ';'-separated commands); without a
 * command it is an interactive shell reading stdin. Output, messages and
 * exit codes follow virsh so scripts written for virsh keep working.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef WITH_LIBEDIT
#include <editline/readline.h>
#endif

#include "tools/cli.h"

/* Errors are reported by the command that hit them, not by the library's
 * default handler (which would print each one a second time). */
static void
silent_error_handler(void *opaque, virErrorPtr err)
{
}

bool
cli_reconnect(CliCtl *ctl, const char *uri, bool readonly)
{
    virConnectPtr conn;

    conn = readonly ? virConnectOpenReadOnly(uri) : virConnectOpen(uri);
    if (!conn) {
        cli_error("failed to connect to the hypervisor");
        cli_report_libvirt_error();
        return false;
    }
    if (ctl->conn)
        virConnectClose(ctl->conn);
    ctl->conn = conn;
    if (uri != ctl->uri) {
        g_free(ctl->uri);
        ctl->uri = g_strdup(uri);
    }
    ctl->readonly = readonly;
    return true;
}

bool
cli_connect(CliCtl *ctl)
{
    if (ctl->conn)
        return true;
    return cli_reconnect(ctl, ctl->uri, ctl->readonly);
}

/* Runs one parsed command; false when it failed (errors printed). */
static bool
run_command(CliCtl *ctl, const CliCmd *cmd)
{
    const CliCmdDef *def = cmd->def;
    bool ok = true;

    cli_reset_error();
    if (!(def->flags & CLI_CMD_NOCONNECT) && !cli_connect(ctl))
        ok = false;
    for (int i = 0; ok && def->opts[i].name; i++) {
        if (cmd->values[i] && !cmd->values[i][0] && def->opts[i].type != CLI_OPT_BOOL) {
            cli_error("Failed to get option '%s': Option argument is empty", def->opts[i].name);
            ok = false;
        }
    }
    if (ok)
        ok = def->handler(ctl, cmd);
    if (!ok)
        cli_report_libvirt_error();
    cli_reset_error();
    /* virsh ends every command's output with an empty line, except under -q */
    if (!ctl->quiet && !ctl->want_quit)
        cli_print(ctl, "\n");
    fflush(stdout);
    return ok;
}

/* Runs the commands of one line in order, stopping at quit. Returns the
 * result of the last command run. */
static bool
run_commands(CliCtl *ctl, GPtrArray *cmds)
{
    bool ok = true;

    for (guint i = 0; i < cmds->len && !ctl->want_quit; i++)
        ok = run_command(ctl, g_ptr_array_index(cmds, i));
    return ok;
}

/* Reads one line for the shell; NULL at end of input. */
static char *
read_line(CliCtl *ctl, const char *prompt)
{
    g_autoptr(GString) line = NULL;
    int c;

#ifdef WITH_LIBEDIT
    if (isatty(STDIN_FILENO)) {
        char *l = readline(prompt);
        char *ret;

        if (!l)
            return NULL;
        if (*l)
            add_history(l);
        ret = g_strdup(l);
        free(l); /* libedit's malloc */
        return ret;
    }
#endif
    fputs(prompt, stdout);
    fflush(stdout);
    line = g_string_new(NULL);
    while ((c = getchar()) != EOF && c != '\n')
        g_string_append_c(line, (char)c);
    if (c == EOF && line->len == 0)
        return NULL;
    /* Not a terminal: show what was read, as readline does, so a transcript
     * of a piped session reads like the terminal one. */
    if (!isatty(STDIN_FILENO))
        printf("%s\n", line->str);
    return g_string_free(g_steal_pointer(&line), FALSE);
}

static void
run_shell(CliCtl *ctl)
{
    ctl->imode = true;
    if (!ctl->quiet) {
        cli_print(ctl, "Welcome to %s, the virtualization interactive terminal.\n\n", PACKAGE);
        cli_print(ctl, "Type:  'help' for help with commands\n"
                       "       'quit' to quit\n\n");
    }
    while (!ctl->want_quit) {
        g_autofree char *line = read_line(ctl, ctl->readonly ? PACKAGE " > " : PACKAGE " # ");
        g_autoptr(GPtrArray) cmds = NULL;

        if (!line)
            break;
        if ((cmds = cli_parse_line(line)))
            run_commands(ctl, cmds);
    }
    cli_print(ctl, "\n");
}

static void
print_usage(CliCtl *ctl)
{
    cli_print(ctl,
              "\n"
              "%s [options]... [<command_string>]\n"
              "%s [options]... <command> [args...]\n"
              "\n"
              "  options:\n"
              "    -c | --connect=URI      hypervisor connection URI\n"
              "    -h | --help             this help\n"
              "    -q | --quiet            quiet mode\n"
              "    -r | --readonly         connect readonly\n"
              "    -v                      short version\n"
              "    -V                      long version\n"
              "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
              "  commands (non interactive mode):\n"
              "\n",
              PACKAGE, PACKAGE);
    for (const CliGroup *g = cli_groups; g->name; g++) {
        cli_print(ctl, " %s (help keyword '%s')\n", g->name, g->keyword);
        for (const CliCmdDef *c = g->cmds; c->name; c++)
            cli_print(ctl, "    %-30s %s\n", c->name, c->summary);
        cli_print(ctl, "\n");
    }
    cli_print(ctl, "\n"
                   "  (specify help <group> for details about the commands in the group)\n"
                   "\n"
                   "  (specify help <command> for details about the command)\n"
                   "\n");
}

/* -v prints the libvirt API level, as `virsh -v` prints its libvirt version:
 * that is what scripts compare. */
static void
print_version(CliCtl *ctl, bool longer)
{
    unsigned long v = LIBVIR_VERSION_NUMBER;

    if (!longer) {
        cli_print(ctl, "%lu.%lu.%lu\n", v / 1000000, (v / 1000) % 1000, v % 1000);
        return;
    }
    cli_print(ctl, "%s command line tool of %s %s (libvirt API %lu.%lu.%lu)\n", PACKAGE, PACKAGE,
              PACKAGE_VERSION, v / 1000000, (v / 1000) % 1000, v % 1000);
}

int
main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "connect", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { "quiet", no_argument, NULL, 'q' },         { "readonly", no_argument, NULL, 'r' },
        { "version", optional_argument, NULL, 'O' }, { NULL, 0, NULL, 0 },
    };
    CliCtl ctl = { 0 };
    bool uri_given = false;
    bool ok = true;
    int c;

    setlocale(LC_ALL, "");
    if (virInitialize() < 0) {
        fprintf(stderr, "%s: initialization failed\n", PACKAGE);
        return EXIT_FAILURE;
    }

    virSetErrorFunc(NULL, silent_error_handler);

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:hqrvV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            g_free(ctl.uri);
            ctl.uri = g_strdup(optarg);
            uri_given = true;
            break;
        case 'h':
            print_usage(&ctl);
            return EXIT_SUCCESS;
        case 'q':
            ctl.quiet = true;
            break;
        case 'r':
            ctl.readonly = true;
            break;
        case 'v':
            print_version(&ctl, false);
            return EXIT_SUCCESS;
        case 'V':
            print_version(&ctl, true);
            return EXIT_SUCCESS;
        case 'O':
            if (!optarg || strcmp(optarg, "short") == 0) {
                print_version(&ctl, false);
            } else if (strcmp(optarg, "long") == 0) {
                print_version(&ctl, true);
            } else {
                cli_error("unknown version type '%s'", optarg);
                return EXIT_FAILURE;
            }
            return EXIT_SUCCESS;
        case ':':
            if (optopt == 'c')
                cli_error("option '-c'/'--connect' requires an argument");
            else
                cli_error("option '%s' requires an argument", argv[optind - 1]);
            return EXIT_FAILURE;
        default:
            if (optopt)
                cli_error("unsupported option '-%c'. See --help.", optopt);
            else
                cli_error("unsupported option '%s'. See --help.", argv[optind - 1]);
            return EXIT_FAILURE;
        }
    }

    /* As virsh: an explicit URI connects at once, the default one (maybe
     * from LIBVIRT_DEFAULT_URI) only when a command needs it. */
    if (uri_given && !cli_connect(&ctl)) {
        g_free(ctl.uri);
        return EXIT_FAILURE;
    }

    if (optind < argc) {
        if (argc - optind == 1) {
            g_autoptr(GPtrArray) cmds = cli_parse_line(argv[optind]);

            ok = cmds && run_commands(&ctl, cmds);
        } else {
            g_autoptr(CliCmd) cmd = cli_parse_words(argv + optind, (gsize)(argc - optind));

            ok = cmd && run_command(&ctl, cmd);
        }
    } else {
        run_shell(&ctl);
    }

    if (ctl.conn)
        virConnectClose(ctl.conn);
    g_free(ctl.uri);
    fflush(stdout);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
