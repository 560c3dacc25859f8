/*
 * agent-config-test.c: the agent.conf parser
 *
 * tests/data/agent-conf/good/NAME.conf must parse to the settings listed in
 * good/NAME.out; bad/NAME.conf must be refused with the message in
 * bad/NAME.err (it names the file and line). REGENERATE=1 rewrites the
 * .out and .err files. init/agent.conf, the commented example, must parse,
 * and with every setting uncommented give the built-in defaults.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <string.h>

#include "agent/config.h"
#include "util/error.h"

static char *srcdir;
static char *data_dir;

static char *
read_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read '%s': %s", path, error->message);
    return text;
}

static void
compare_or_regenerate(const char *path, const char *actual)
{
    g_autoptr(GError) error = NULL;

    if (g_strcmp0(g_getenv("REGENERATE"), "1") == 0) {
        if (!g_file_set_contents(path, actual, -1, &error))
            g_error("cannot write '%s': %s", path, error->message);
    } else {
        g_autofree char *expected = read_file(path);

        g_assert_cmpstr(actual, ==, expected);
    }
}

/* Every setting, one per line, in a stable order. */
static char *
config_dump(const AgentConfig *cfg, bool with_strings)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "max_clients %d\n", cfg->max_clients);
    g_string_append_printf(s, "max_client_requests %d\n", cfg->max_client_requests);
    g_string_append_printf(s, "min_workers %d\n", cfg->min_workers);
    g_string_append_printf(s, "max_workers %d\n", cfg->max_workers);
    g_string_append_printf(s, "keepalive_interval %d\n", cfg->keepalive_interval);
    g_string_append_printf(s, "keepalive_count %d\n", cfg->keepalive_count);
    g_string_append_printf(s, "log_level %d\n", (int)cfg->log_level);
    if (with_strings) {
        g_string_append_printf(s, "log_outputs %s\n",
                               cfg->log_outputs ? cfg->log_outputs : "(default)");
        g_string_append_printf(s, "unix_sock_group %s\n",
                               cfg->unix_sock_group ? cfg->unix_sock_group : "(default)");
    }
    g_string_append_printf(s, "unix_sock_ro_perms %04o\n", cfg->unix_sock_ro_perms);
    g_string_append_printf(s, "unix_sock_rw_perms %04o\n", cfg->unix_sock_rw_perms);
    g_string_append_printf(s, "firewall_backend %s\n",
                           agent_firewall_backend_to_string(cfg->firewall_backend));
    g_string_append_printf(s, "firewall_conflict %s\n",
                           cfg->firewall_conflict_fail ? "fail" : "warn");
    g_string_append_printf(s, "remote_display_port_min %d\n", cfg->remote_display_port_min);
    g_string_append_printf(s, "remote_display_port_max %d\n", cfg->remote_display_port_max);
    return g_string_free(s, FALSE);
}

static void
test_good(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *file = g_strconcat(name, ".conf", NULL);
    g_autofree char *in_path = g_build_filename(data_dir, "good", file, NULL);
    g_autofree char *out_name = g_strconcat(name, ".out", NULL);
    g_autofree char *out_path = g_build_filename(data_dir, "good", out_name, NULL);
    g_autofree char *text = read_file(in_path);
    g_autofree char *label = g_strconcat("good/", file, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(AgentConfig) cfg = agent_config_parse(text, -1, label, &error);
    g_autofree char *dump = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(cfg);
    dump = config_dump(cfg, true);
    compare_or_regenerate(out_path, dump);
}

static void
test_bad(gconstpointer opaque)
{
    const char *name = opaque;
    g_autofree char *file = g_strconcat(name, ".conf", NULL);
    g_autofree char *in_path = g_build_filename(data_dir, "bad", file, NULL);
    g_autofree char *err_name = g_strconcat(name, ".err", NULL);
    g_autofree char *err_path = g_build_filename(data_dir, "bad", err_name, NULL);
    g_autofree char *label = g_strconcat("bad/", file, NULL);
    g_autofree char *text = read_file(in_path);
    g_autoptr(GError) error = NULL;
    g_autoptr(AgentConfig) cfg = agent_config_parse(text, -1, label, &error);
    g_autofree char *message = NULL;

    g_assert_null(cfg);
    g_assert_error(error, error_quark(VIR_FROM_CONF), VIR_ERR_CONF_SYNTAX);
    /* every message says where: FILE: or FILE:LINE: */
    g_assert_true(g_str_has_prefix(error->message, label));
    message = g_strconcat(error->message, "\n", NULL);
    compare_or_regenerate(err_path, message);
}

static void
test_load(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("agent-config-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "agent.conf", NULL);
    g_autoptr(AgentConfig) defaults = agent_config_new();
    g_autoptr(AgentConfig) cfg = NULL;
    g_autofree char *d1 = config_dump(defaults, true);
    g_autofree char *d2 = NULL;

    g_assert_no_error(error);
    /* absent file: the defaults, unless the file was asked for (--config) */
    cfg = agent_config_load(path, false, &error);
    g_assert_no_error(error);
    d2 = config_dump(cfg, true);
    g_assert_cmpstr(d1, ==, d2);
    g_clear_pointer(&cfg, agent_config_free);
    cfg = agent_config_load(path, true, &error);
    g_assert_null(cfg);
    g_assert_error(error, error_quark(VIR_FROM_CONF), VIR_ERR_CONF_SYNTAX);
    g_assert_nonnull(strstr(error->message, path));
    g_clear_error(&error);

    /* a real file: errors carry its path and the line */
    g_assert_true(g_file_set_contents(path, "max_clients = 3\n\nbogus = 1\n", -1, NULL));
    cfg = agent_config_load(path, false, &error);
    g_assert_null(cfg);
    g_assert_nonnull(error);
    {
        g_autofree char *want = g_strdup_printf("%s:3: unknown key 'bogus'", path);

        g_assert_cmpstr(error->message, ==, want);
    }
    g_clear_error(&error);
    g_assert_true(g_file_set_contents(path, "max_clients = 3\n", -1, NULL));
    cfg = agent_config_load(path, true, &error);
    g_assert_no_error(error);
    g_assert_cmpint(cfg->max_clients, ==, 3);

    /* a NUL byte inside the file is refused, not silently truncated */
    g_clear_pointer(&cfg, agent_config_free);
    cfg = agent_config_parse("max_clients = 3\n\0bogus", 22, "nul.conf", &error);
    g_assert_null(cfg);
    g_assert_error(error, error_quark(VIR_FROM_CONF), VIR_ERR_CONF_SYNTAX);
    g_clear_error(&error);

    g_unlink(path);
    g_rmdir(dir);
}

/* The shipped example documents the defaults: uncommented, it gives them. */
static void
test_example(void)
{
    g_autofree char *path = g_build_filename(srcdir, "init", "agent.conf", NULL);
    g_autofree char *text = read_file(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(AgentConfig) as_shipped = agent_config_parse(text, -1, path, &error);
    g_autoptr(AgentConfig) defaults = agent_config_new();
    g_autoptr(AgentConfig) uncommented = NULL;
    g_autoptr(GRegex) re = g_regex_new("^#([a-z_]+ = )", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *active = g_regex_replace(re, text, -1, 0, "\\1", 0, NULL);
    g_autofree char *d_default = config_dump(defaults, false);
    g_autofree char *d_shipped = NULL, *d_uncommented = NULL;
    guint keys = 0;

    g_assert_no_error(error);
    d_shipped = config_dump(as_shipped, true);
    {
        g_autofree char *full = config_dump(defaults, true);

        g_assert_cmpstr(d_shipped, ==, full);
    }
    uncommented = agent_config_parse(active, -1, path, &error);
    g_assert_no_error(error);
    d_uncommented = config_dump(uncommented, false);
    g_assert_cmpstr(d_uncommented, ==, d_default);
    /* and every key is in the example */
    {
        g_autoptr(GRegex) key_re = g_regex_new("^[a-z_]+ = ", G_REGEX_MULTILINE, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;

        for (g_regex_match(key_re, active, 0, &m); g_match_info_matches(m);
             g_match_info_next(m, NULL))
            keys++;
    }
    {
        g_autofree char *all = config_dump(defaults, true);
        g_auto(GStrv) lines = g_strsplit(g_strchomp(all), "\n", -1);

        g_assert_cmpuint(keys, ==, g_strv_length(lines));
    }
}

static void
test_firewall_names(void)
{
    for (int i = 0; i < AGENT_FIREWALL_LAST; i++) {
        const char *name = agent_firewall_backend_to_string((AgentFirewallBackend)i);

        g_assert_nonnull(name);
        g_assert_cmpint(agent_firewall_backend_from_string(name), ==, i);
    }
    g_assert_null(agent_firewall_backend_to_string(AGENT_FIREWALL_LAST));
    g_assert_cmpint(agent_firewall_backend_from_string("pf"), ==, -1);
    g_assert_cmpint(agent_firewall_backend_from_string(NULL), ==, -1);
}

static void
add_cases(const char *sub, GTestDataFunc func)
{
    g_autofree char *dir = g_build_filename(data_dir, sub, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    const char *entry;

    g_assert_no_error(error);
    while ((entry = g_dir_read_name(d))) {
        if (g_str_has_suffix(entry, ".conf"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 5));
    }
    g_assert_cmpuint(names->len, >, 0);
    g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *test =
            g_strdup_printf("/agent-config/%s/%s", sub, (char *)g_ptr_array_index(names, i));

        /* the name is owned by the test for the whole run */
        g_test_add_data_func_full(test, g_ptr_array_index(names, i), func, g_free);
    }
}

int
main(int argc, char **argv)
{
    const char *env = g_getenv("abs_top_srcdir");
    int ret;

    g_test_init(&argc, &argv, NULL);
    srcdir = g_strdup(env ? env : ABS_TOP_SRCDIR);
    data_dir = g_build_filename(srcdir, "tests", "data", "agent-conf", NULL);
    add_cases("good", test_good);
    add_cases("bad", test_bad);
    g_test_add_func("/agent-config/load", test_load);
    g_test_add_func("/agent-config/example", test_example);
    g_test_add_func("/agent-config/firewall-names", test_firewall_names);
    ret = g_test_run();
    g_free(data_dir);
    g_free(srcdir);
    return ret;
}
