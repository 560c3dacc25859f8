/*
 * cli-parse.c: command-line splitting and option parsing (virsh syntax)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "tools/cli.h"

const CliCmdDef *
cli_cmd_lookup(const char *name)
{
    for (const CliGroup *g = cli_groups; g->name; g++) {
        for (const CliCmdDef *c = g->cmds; c->name; c++) {
            if (strcmp(c->name, name) == 0)
                return c;
        }
    }
    return NULL;
}

void
cli_cmd_free(CliCmd *cmd)
{
    gsize n = 0;

    if (!cmd)
        return;
    for (const CliOptDef *o = cmd->def->opts; o && o->name; o++)
        n++;
    for (gsize i = 0; i < n; i++)
        g_free(cmd->values[i]);
    g_free(cmd->values);
    if (cmd->argv)
        g_ptr_array_unref(cmd->argv);
    g_free(cmd);
}

static int
opt_index(const CliCmdDef *def, const char *name)
{
    int i = 0;

    for (const CliOptDef *o = def->opts; o && o->name; o++, i++) {
        if (strcmp(o->name, name) == 0)
            return i;
    }
    return -1;
}

bool
cli_opt_bool(const CliCmd *cmd, const char *name)
{
    int i = opt_index(cmd->def, name);

    g_assert(i >= 0);
    return cmd->values[i] != NULL;
}

const char *
cli_opt_string(const CliCmd *cmd, const char *name)
{
    int i = opt_index(cmd->def, name);

    g_assert(i >= 0);
    return cmd->values[i];
}

/* Parses the words of one command (the first word is its name). */
CliCmd *
cli_parse_words(char **words, gsize nwords)
{
    const CliCmdDef *def;
    g_autoptr(CliCmd) cmd = NULL;
    gsize nopts = 0;
    bool only_data = false;

    g_assert(nwords > 0);
    if (!(def = cli_cmd_lookup(words[0]))) {
        cli_error("unknown command: '%s'", words[0]);
        return NULL;
    }
    for (const CliOptDef *o = def->opts; o && o->name; o++)
        nopts++;
    cmd = g_new0(CliCmd, 1);
    cmd->def = def;
    cmd->values = g_new0(char *, nopts + 1);
    cmd->argv = g_ptr_array_new_with_free_func(g_free);

    for (gsize w = 1; w < nwords; w++) {
        const char *word = words[w];

        if (!only_data && strcmp(word, "--") == 0) {
            only_data = true;
            continue;
        }
        if (!only_data && g_str_has_prefix(word, "--") && word[2]) {
            g_autofree char *name = g_strdup(word + 2);
            char *eq = strchr(name, '=');
            const char *value = NULL;
            int i;

            if (eq) {
                *eq = '\0';
                value = eq + 1;
            }
            i = opt_index(def, name);
            if (i < 0 || def->opts[i].type == CLI_OPT_ARGV) {
                cli_error("command '%s' doesn't support option --%s", def->name, name);
                return NULL;
            }
            if (cmd->values[i]) {
                cli_error("option --%s already seen", name);
                return NULL;
            }
            if (def->opts[i].type == CLI_OPT_BOOL) {
                if (value) {
                    cli_error("invalid '=' after option --%s", name);
                    return NULL;
                }
                cmd->values[i] = g_strdup("");
                continue;
            }
            if (!value) {
                if (w + 1 >= nwords) {
                    cli_error("expected syntax: --%s <string>", name);
                    return NULL;
                }
                value = words[++w];
            }
            cmd->values[i] = g_strdup(value);
            continue;
        }

        /* Positional: the next value option not given yet, in declaration
         * order (virsh fills optional string options this way too). */
        {
            bool used = false;

            for (gsize i = 0; i < nopts; i++) {
                CliOptType t = def->opts[i].type;

                if (t == CLI_OPT_BOOL || cmd->values[i])
                    continue;
                if (t == CLI_OPT_ARGV) {
                    g_ptr_array_add(cmd->argv, g_strdup(word));
                    used = true;
                    break;
                }
                cmd->values[i] = g_strdup(word);
                used = true;
                break;
            }
            if (!used) {
                cli_error("unexpected data '%s'", word);
                return NULL;
            }
        }
    }

    for (gsize i = 0; i < nopts; i++) {
        if (def->opts[i].type == CLI_OPT_DATA && !cmd->values[i]) {
            cli_error("command '%s' requires <%s> option", def->name, def->opts[i].name);
            return NULL;
        }
    }
    return g_steal_pointer(&cmd);
}

/* Splits @line into words and commands. Returns false (error printed) on an
 * unterminated quote. Each command is a GPtrArray of words. */
static bool
split_line(const char *line, GPtrArray *commands)
{
    const char *p = line;
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);

    for (;;) {
        GString *word;

        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
        }
        if (!*p || *p == ';' || *p == '\n') {
            if (words->len > 0) {
                g_ptr_array_add(commands, words);
                words = g_ptr_array_new_with_free_func(g_free);
            }
            if (!*p)
                break;
            p++;
            continue;
        }

        word = g_string_new(NULL);
        while (*p && *p != ' ' && *p != '\t' && *p != ';' && *p != '\n') {
            if (*p == '\\' && p[1]) {
                g_string_append_c(word, p[1]);
                p += 2;
            } else if (*p == '\'' || *p == '"') {
                char q = *p++;

                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && p[1])
                        p++;
                    g_string_append_c(word, *p++);
                }
                if (!*p) {
                    cli_error("missing %c", q);
                    g_string_free(word, TRUE);
                    g_ptr_array_unref(words);
                    return false;
                }
                p++;
            } else {
                g_string_append_c(word, *p++);
            }
        }
        g_ptr_array_add(words, g_string_free(word, FALSE));
    }
    g_ptr_array_unref(words);
    return true;
}

GPtrArray *
cli_parse_line(const char *line)
{
    g_autoptr(GPtrArray) commands =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func((GDestroyNotify)cli_cmd_free);

    if (!split_line(line, commands))
        return NULL;
    for (guint i = 0; i < commands->len; i++) {
        GPtrArray *words = g_ptr_array_index(commands, i);
        CliCmd *cmd = cli_parse_words((char **)words->pdata, words->len);

        if (!cmd)
            return NULL;
        g_ptr_array_add(parsed, cmd);
    }
    return g_steal_pointer(&parsed);
}
