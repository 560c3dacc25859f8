/*
 * xmlstore-test.c: util/xmlstore on a temporary directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"
#include "util/xmlstore.h"

typedef struct Fixture {
    char *tmp;     /* the temporary directory */
    char *dir;     /* tmp/store: the store's directory */
    char *logfile; /* tmp/log: warnings go here */
    XmlStore *store;
} Fixture;

static void
rm_rf(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                rm_rf(child);
            else
                g_unlink(child);
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

static void
fixture_setup(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *spec = NULL;

    f->tmp = g_dir_make_tmp("xmlstore-XXXXXX", &err);
    g_assert_no_error(err);
    f->dir = g_build_filename(f->tmp, "store", NULL);
    f->logfile = g_build_filename(f->tmp, "log", NULL);
    spec = g_strdup_printf("file:%s", f->logfile);
    g_assert_true(log_configure(LOG_LEVEL_WARNING, spec, false, &err));
    g_assert_no_error(err);
    f->store = xmlstore_new(f->dir, &err);
    g_assert_no_error(err);
    g_assert_nonnull(f->store);
}

static void
fixture_teardown(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    log_shutdown();
    xmlstore_free(f->store);
    rm_rf(f->tmp);
    g_free(f->tmp);
    g_free(f->dir);
    g_free(f->logfile);
}

static char *
read_log(Fixture *f)
{
    char *text = NULL;

    if (!g_file_get_contents(f->logfile, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_set_contents(path, text, -1, &err));
    g_assert_no_error(err);
}

/* What a caller's parser would check: "<thing name='NAME'/>". */
typedef struct Loaded {
    GHashTable *names; /* name -> "1" if autostart else "0" */
} Loaded;

static bool
load_thing(const char *name, const char *xml, bool autostart, gpointer data, GError **error)
{
    Loaded *loaded = data;
    g_autofree char *want = g_strdup_printf("<thing name='%s'/>", name);

    if (strcmp(xml, want) != 0) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_XML_ERROR, "not a thing named '%s'", name);
        return false;
    }
    g_hash_table_insert(loaded->names, g_strdup(name), g_strdup(autostart ? "1" : "0"));
    return true;
}

static int
load(Fixture *f, Loaded *loaded)
{
    g_autoptr(GError) err = NULL;
    int n;

    if (loaded->names)
        g_hash_table_unref(loaded->names);
    loaded->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    n = xmlstore_load_all(f->store, load_thing, loaded, &err);
    g_assert_no_error(err);
    return n;
}

static void
save_thing(Fixture *f, const char *name)
{
    g_autofree char *xml = g_strdup_printf("<thing name='%s'/>", name);
    g_autoptr(GError) err = NULL;

    g_assert_true(xmlstore_save(f->store, name, xml, &err));
    g_assert_no_error(err);
}

static void
test_save_load(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    Loaded loaded = { NULL };
    g_autofree char *path = NULL;
    g_autofree char *log = NULL;
    g_autofree char *after = NULL;
    struct stat sb;

    save_thing(f, "alpha");
    save_thing(f, "beta");
    path = xmlstore_path(f->store, "alpha");
    g_assert_cmpint(g_stat(path, &sb), ==, 0);
    g_assert_cmpint(sb.st_mode & 0777, ==, 0600);

    /* a corrupt file, a file with another suffix, a stray temporary file */
    write_file(f->dir, "broken.xml", "<thing name='broken'");
    write_file(f->dir, "notes.txt", "not a definition");
    write_file(f->dir, ".alpha.xml.abc123", "<half");

    g_assert_cmpint(load(f, &loaded), ==, 2);
    g_assert_cmpuint(g_hash_table_size(loaded.names), ==, 2);
    g_assert_cmpstr(g_hash_table_lookup(loaded.names, "alpha"), ==, "0");
    g_assert_cmpstr(g_hash_table_lookup(loaded.names, "beta"), ==, "0");

    /* logged with the file and the reason, and left as it was */
    log = read_log(f);
    g_assert_nonnull(strstr(log, "broken.xml: not a thing named 'broken'; skipped"));
    g_assert_null(strstr(log, "notes.txt"));
    g_free(path);
    path = g_build_filename(f->dir, "broken.xml", NULL);
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(after, ==, "<thing name='broken'");

    /* saving again replaces the content */
    g_assert_true(xmlstore_save(f->store, "beta", "<thing name='other'/>", NULL));
    g_assert_cmpint(load(f, &loaded), ==, 1);
    g_hash_table_unref(loaded.names);
}

static void
test_autostart(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    Loaded loaded = { NULL };
    g_autofree char *link = g_build_filename(f->dir, "autostart", "alpha.xml", NULL);
    g_autofree char *target = NULL;
    g_autofree char *autostart_dir = g_build_filename(f->dir, "autostart", NULL);
    g_autofree char *ghost = g_build_filename(autostart_dir, "ghost.xml", NULL);
    g_autofree char *foreign = g_build_filename(autostart_dir, "beta.xml", NULL);
    g_autofree char *log = NULL;
    g_autoptr(GError) err = NULL;
    bool on = true;

    save_thing(f, "alpha");
    save_thing(f, "beta");
    g_assert_true(xmlstore_get_autostart(f->store, "alpha", &on, &err));
    g_assert_false(on);

    g_assert_true(xmlstore_set_autostart(f->store, "alpha", true, &err));
    g_assert_no_error(err);
    target = g_file_read_link(link, NULL);
    g_assert_cmpstr(target, ==, "../alpha.xml");
    g_assert_true(xmlstore_get_autostart(f->store, "alpha", &on, &err));
    g_assert_true(on);
    /* setting it twice is fine (the link is replaced) */
    g_assert_true(xmlstore_set_autostart(f->store, "alpha", true, &err));

    /* a dangling link and a link pointing elsewhere are reported, not used */
    g_assert_cmpint(symlink("../ghost.xml", ghost), ==, 0);
    g_assert_cmpint(symlink("/etc/hostname", foreign), ==, 0);
    g_assert_cmpint(load(f, &loaded), ==, 2);
    g_assert_cmpstr(g_hash_table_lookup(loaded.names, "alpha"), ==, "1");
    g_assert_cmpstr(g_hash_table_lookup(loaded.names, "beta"), ==, "0");
    g_assert_true(xmlstore_get_autostart(f->store, "beta", &on, &err));
    g_assert_false(on);
    log = read_log(f);
    g_assert_nonnull(strstr(log, "ghost.xml' is dangling"));
    g_assert_nonnull(strstr(log, "points to '/etc/hostname'"));
    g_assert_true(g_file_test(ghost, G_FILE_TEST_IS_SYMLINK));

    /* libvirt's absolute links count too */
    g_unlink(foreign);
    g_free(target);
    target = xmlstore_path(f->store, "beta");
    g_assert_cmpint(symlink(target, foreign), ==, 0);
    g_assert_true(xmlstore_get_autostart(f->store, "beta", &on, &err));
    g_assert_true(on);

    g_assert_true(xmlstore_set_autostart(f->store, "alpha", false, &err));
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_assert_true(xmlstore_get_autostart(f->store, "alpha", &on, &err));
    g_assert_false(on);
    /* removing an absent link is fine */
    g_assert_true(xmlstore_set_autostart(f->store, "alpha", false, &err));
    g_assert_no_error(err);
    g_hash_table_unref(loaded.names);
}

static void
test_delete(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autofree char *path = NULL;
    g_autofree char *link = g_build_filename(f->dir, "autostart", "alpha.xml", NULL);
    g_autoptr(GError) err = NULL;

    save_thing(f, "alpha");
    g_assert_true(xmlstore_set_autostart(f->store, "alpha", true, &err));
    path = xmlstore_path(f->store, "alpha");
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));

    g_assert_true(xmlstore_delete(f->store, "alpha", &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    /* twice: nothing left to remove, still fine */
    g_assert_true(xmlstore_delete(f->store, "alpha", &err));
    g_assert_no_error(err);
}

static const char *const bad_names[] = {
    "", "a/b", "../escape", "/etc/passwd", ".hidden", ".", "..",
};

static void
test_bad_names(Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
    g_autofree char *long_name = g_strnfill(XMLSTORE_NAME_MAX + 1, 'x');
    g_autofree char *max_name = g_strnfill(XMLSTORE_NAME_MAX, 'y');
    g_autoptr(GDir) dir = NULL;
    guint entries = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(bad_names) + 1; i++) {
        const char *name = i < G_N_ELEMENTS(bad_names) ? bad_names[i] : long_name;
        g_autoptr(GError) err = NULL;
        bool on;

        g_assert_false(xmlstore_name_valid(name, &err));
        g_assert_error(err, UTIL_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
        g_assert_false(xmlstore_save(f->store, name, "<x/>", &err));
        g_assert_error(err, UTIL_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
        g_assert_false(xmlstore_set_autostart(f->store, name, true, &err));
        g_assert_error(err, UTIL_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
        g_assert_false(xmlstore_get_autostart(f->store, name, &on, &err));
        g_assert_error(err, UTIL_ERROR, VIR_ERR_INVALID_ARG);
        g_clear_error(&err);
        g_assert_false(xmlstore_delete(f->store, name, &err));
        g_assert_error(err, UTIL_ERROR, VIR_ERR_INVALID_ARG);
    }
    /* the longest name works (its temporary file fits NAME_MAX too) */
    save_thing(f, max_name);
    g_assert_true(xmlstore_set_autostart(f->store, max_name, true, NULL));

    /* nothing was written next to the store, or outside it */
    dir = g_dir_open(f->tmp, 0, NULL);
    for (const char *name; (name = g_dir_read_name(dir));)
        entries += strcmp(name, "log") != 0;
    g_assert_cmpuint(entries, ==, 1); /* store/ */
}

static void
test_missing_dir(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(XmlStore) store = xmlstore_new("/proc/no/such/dir", &err);

    g_assert_null(store);
    g_assert_error(err, UTIL_ERROR, VIR_ERR_SYSTEM_ERROR);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/xmlstore/save-load", Fixture, NULL, fixture_setup, test_save_load,
               fixture_teardown);
    g_test_add("/xmlstore/autostart", Fixture, NULL, fixture_setup, test_autostart,
               fixture_teardown);
    g_test_add("/xmlstore/delete", Fixture, NULL, fixture_setup, test_delete, fixture_teardown);
    g_test_add("/xmlstore/bad-names", Fixture, NULL, fixture_setup, test_bad_names,
               fixture_teardown);
    g_test_add_func("/xmlstore/missing-dir", test_missing_dir);
    return g_test_run();
}
