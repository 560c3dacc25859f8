/*
 * agent-log-test.c: util/log: line format, levels, outputs, threads, GLib
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

/* "2026-11-21 07:30:00.123+0000: PID: level : message" */
#define LINE_RE                                                                                    \
    "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000: (\\d+): "                         \
    "(debug|info|warning|error) : (.*)$"

typedef struct {
    char *dir;
    char *a; /* log files */
    char *b;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp("agent-log-XXXXXX", &error);
    g_assert_no_error(error);
    f->a = g_build_filename(f->dir, "a.log", NULL);
    f->b = g_build_filename(f->dir, "b.log", NULL);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    log_shutdown();
    g_unlink(f->a);
    g_unlink(f->b);
    g_rmdir(f->dir);
    g_free(f->a);
    g_free(f->b);
    g_free(f->dir);
}

/* The lines of @path, each checked against the format; returns
 * "level message" strings. */
static GPtrArray *
read_lines(const char *path)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GRegex) re = g_regex_new(LINE_RE, 0, 0, NULL);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *pid = g_strdup_printf("%ld", (long)getpid());

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return out;
    g_assert_true(g_str_has_suffix(text, "\n") || !*text);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] && *lines[i]; i++) {
        g_autoptr(GMatchInfo) m = NULL;
        g_autofree char *p = NULL, *level = NULL, *msg = NULL;

        if (!g_regex_match(re, lines[i], 0, &m))
            g_error("badly formatted log line: '%s'", lines[i]);
        p = g_match_info_fetch(m, 1);
        level = g_match_info_fetch(m, 2);
        msg = g_match_info_fetch(m, 3);
        g_assert_cmpstr(p, ==, pid);
        g_ptr_array_add(out, g_strdup_printf("%s %s", level, msg));
    }
    return out;
}

static void
test_levels(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strdup_printf("file:%s 3:file:%s", f->a, f->b);
    g_autoptr(GPtrArray) a = NULL;
    g_autoptr(GPtrArray) b = NULL;

    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, &error));
    g_assert_no_error(error);
    g_assert_false(log_enabled(LOG_LEVEL_DEBUG));
    g_assert_true(log_enabled(LOG_LEVEL_INFO));
    log_debug("hidden %d", 1);
    log_info("client %d connected", 7);
    log_warn("disk %s is slow\n", "vda"); /* a trailing newline is not doubled */
    log_error("failed: %s", "boom");

    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(a, 0), ==, "info client 7 connected");
    g_assert_cmpstr(g_ptr_array_index(a, 1), ==, "warning disk vda is slow");
    g_assert_cmpstr(g_ptr_array_index(a, 2), ==, "error failed: boom");
    /* the second output only takes warnings and errors */
    b = read_lines(f->b);
    g_assert_cmpuint(b->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(b, 0), ==, "warning disk vda is slow");
}

static void
test_force_level(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strdup_printf("4:file:%s", f->a);
    g_autoptr(GPtrArray) a = NULL;

    /* --verbose: debug everywhere, whatever the outputs' own levels */
    g_assert_true(log_configure(LOG_LEVEL_DEBUG, spec, true, &error));
    log_debug("now visible");
    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(a, 0), ==, "debug now visible");
}

static void
test_append(Fixture *f, gconstpointer data)
{
    g_autofree char *spec = g_strdup_printf("file:%s", f->a);
    g_autoptr(GPtrArray) a = NULL;

    g_assert_true(g_file_set_contents(f->a, "", 0, NULL));
    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, NULL));
    log_info("first");
    /* reconfiguring (SIGHUP) reopens and appends */
    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, NULL));
    log_info("second");
    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(a, 1), ==, "info second");
}

static void
test_bad_specs(Fixture *f, gconstpointer data)
{
    static const char *const bad[] = {
        "",      "   ",     "syslog",          "0:stderr", "5:stderr",
        "file:", "3:file:", "stderr journald", "stdout",
    };
    g_autofree char *good = g_strdup_printf("file:%s", f->a);
    g_autofree char *missing = g_strdup_printf("file:%s/no/such/dir/x.log", f->dir);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) a = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(log_outputs_validate(bad[i], &error));
        g_assert_error(error, error_quark(VIR_FROM_NONE), VIR_ERR_CONF_SYNTAX);
        g_clear_error(&error);
    }
    g_assert_true(log_outputs_validate("1:stderr  2:file:/x/y.log", &error));
    g_assert_no_error(error);

    /* a failed reconfiguration keeps the outputs in place */
    g_assert_true(log_configure(LOG_LEVEL_INFO, good, false, NULL));
    g_assert_false(log_configure(LOG_LEVEL_DEBUG, missing, false, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "no/such/dir"));
    g_clear_error(&error);
    g_assert_false(log_configure((LogLevel)9, good, false, &error));
    g_clear_error(&error);
    log_debug("still not wanted");
    log_info("still here");
    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(a, 0), ==, "info still here");
}

#define THREADS 8
#define LINES 300

static gpointer
writer_thread(gpointer data)
{
    int n = GPOINTER_TO_INT(data);

    for (int i = 0; i < LINES; i++)
        log_info("thread %d line %d %s", n, i, "padding padding padding padding padding");
    return NULL;
}

static void
test_threads(Fixture *f, gconstpointer data)
{
    g_autofree char *spec = g_strdup_printf("file:%s", f->a);
    GThread *threads[THREADS];
    g_autoptr(GPtrArray) a = NULL;
    int next[THREADS] = { 0 };

    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, NULL));
    for (int i = 0; i < THREADS; i++)
        threads[i] = g_thread_new("writer", writer_thread, GINT_TO_POINTER(i));
    for (int i = 0; i < THREADS; i++)
        g_thread_join(threads[i]);
    /* every line whole (read_lines checks the format), none lost, each
     * thread's lines in its own order */
    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, THREADS * LINES);
    for (guint i = 0; i < a->len; i++) {
        int t, l;

        g_assert_cmpint(sscanf(g_ptr_array_index(a, i), "info thread %d line %d", &t, &l), ==, 2);
        g_assert_cmpint(t, >=, 0);
        g_assert_cmpint(t, <, THREADS);
        g_assert_cmpint(l, ==, next[t]);
        next[t]++;
    }
}

static void
test_glib_writer(Fixture *f, gconstpointer data)
{
    g_autofree char *spec = g_strdup_printf("file:%s", f->a);
    g_autoptr(GPtrArray) a = NULL;

    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, NULL));
    log_install_glib_writer();
    g_log("TestDomain", G_LOG_LEVEL_MESSAGE, "from glib %d", 42);
    g_log("TestDomain", G_LOG_LEVEL_DEBUG, "glib debug, filtered");
    a = read_lines(f->a);
    g_assert_cmpuint(a->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(a, 0), ==, "info TestDomain: from glib 42");
}

static void
test_names(void)
{
    g_assert_cmpstr(log_level_to_string(LOG_LEVEL_DEBUG), ==, "debug");
    g_assert_cmpstr(log_level_to_string(LOG_LEVEL_INFO), ==, "info");
    g_assert_cmpstr(log_level_to_string(LOG_LEVEL_WARNING), ==, "warning");
    g_assert_cmpstr(log_level_to_string(LOG_LEVEL_ERROR), ==, "error");
    g_assert_null(log_level_to_string((LogLevel)0));
    g_assert_null(log_level_to_string((LogLevel)5));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/agent-log/names", test_names);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/agent-log/levels", test_levels);
    ADD("/agent-log/force-level", test_force_level);
    ADD("/agent-log/append", test_append);
    ADD("/agent-log/bad-specs", test_bad_specs);
    ADD("/agent-log/threads", test_threads);
    ADD("/agent-log/glib-writer", test_glib_writer);
    return g_test_run();
}
