/*
 * xmlstore.c: a directory of named XML definitions with autostart links
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xmlstore.h"

#define XML_SUFFIX ".xml"

struct XmlStore {
    char *dir;
    char *autostart_dir;
    int dirfd; /* @dir, kept open: every save writes through it */
};

/* fsync of a directory, so a rename or unlink in it is durable. */
static void
sync_dir(const char *dir)
{
    int fd autoclose = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0)
        (void)fsync(fd);
}

XmlStore *
xmlstore_new(const char *dir, GError **error)
{
    g_autoptr(XmlStore) store = g_new0(XmlStore, 1);

    store->dir = g_strdup(dir);
    store->autostart_dir = g_build_filename(dir, "autostart", NULL);
    store->dirfd = -1;
    if (!file_mkdir_p(store->autostart_dir, 0755, error))
        return NULL;
    store->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (store->dirfd < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot open directory '%s'", dir);
        return NULL;
    }
    return g_steal_pointer(&store);
}

void
xmlstore_free(XmlStore *store)
{
    if (!store)
        return;
    if (store->dirfd >= 0)
        close(store->dirfd);
    g_free(store->dir);
    g_free(store->autostart_dir);
    g_free(store);
}

const char *
xmlstore_get_dir(const XmlStore *store)
{
    return store->dir;
}

bool
xmlstore_name_valid(const char *name, GError **error)
{
    if (!name || !*name) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_INVALID_ARG, "name must not be empty");
        return false;
    }
    if (strchr(name, '/')) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_INVALID_ARG, "name '%s' cannot contain '/'", name);
        return false;
    }
    if (name[0] == '.') {
        /* also keeps "." and ".." out, and our own temporary files */
        g_set_error(error, UTIL_ERROR, VIR_ERR_INVALID_ARG, "name '%s' cannot start with '.'",
                    name);
        return false;
    }
    if (strlen(name) > XMLSTORE_NAME_MAX) {
        g_set_error(error, UTIL_ERROR, VIR_ERR_INVALID_ARG,
                    "name '%.32s...' is longer than %d characters", name, XMLSTORE_NAME_MAX);
        return false;
    }
    return true;
}

char *
xmlstore_path(const XmlStore *store, const char *name)
{
    return g_strdup_printf("%s/%s" XML_SUFFIX, store->dir, name);
}

static char *
autostart_path(const XmlStore *store, const char *name)
{
    return g_strdup_printf("%s/%s" XML_SUFFIX, store->autostart_dir, name);
}

/* NAME out of "NAME.xml"; NULL for other files and dot files. */
static char *
name_of_entry(const char *entry)
{
    size_t len = strlen(entry);
    size_t slen = strlen(XML_SUFFIX);

    if (entry[0] == '.' || len <= slen || strcmp(entry + len - slen, XML_SUFFIX) != 0)
        return NULL;
    return g_strndup(entry, len - slen);
}

/* Whether the link text @target names NAME.xml of this store: the relative
 * form we write, or the absolute one libvirt writes. */
static bool
link_points_to(const XmlStore *store, const char *target, const char *name)
{
    g_autofree char *rel = g_strdup_printf("../%s" XML_SUFFIX, name);
    g_autofree char *abs = NULL;

    if (strcmp(target, rel) == 0)
        return true;
    abs = xmlstore_path(store, name);
    return strcmp(target, abs) == 0;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIR's *.xml entries, sorted. */
static GPtrArray *
list_names(const char *dir, GError **error)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    DIR *d = opendir(dir);
    struct dirent *ent;

    if (!d) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot read directory '%s'", dir);
        return NULL;
    }
    while ((errno = 0, ent = readdir(d))) {
        char *name;

        if (ent->d_type == DT_DIR)
            continue;
        if ((name = name_of_entry(ent->d_name)))
            g_ptr_array_add(names, name);
    }
    if (errno != 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot read directory '%s'", dir);
        closedir(d);
        return NULL;
    }
    closedir(d);
    g_ptr_array_sort(names, compare_names);
    return g_steal_pointer(&names);
}

/* The names whose autostart link is valid; logs the others. @files holds
 * the names that have a definition. */
static GHashTable *
load_autostart(XmlStore *store, GHashTable *files)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) links = list_names(store->autostart_dir, &err);

    if (!links) {
        /* a missing autostart directory just means no autostart */
        if (g_file_test(store->autostart_dir, G_FILE_TEST_EXISTS))
            log_warn("%s", err->message);
        return set;
    }
    for (guint i = 0; i < links->len; i++) {
        const char *name = g_ptr_array_index(links, i);
        g_autofree char *path = autostart_path(store, name);
        g_autofree char *target = g_file_read_link(path, NULL);

        if (!target)
            log_warn("autostart entry '%s' is not a symbolic link; ignored", path);
        else if (!link_points_to(store, target, name))
            log_warn("autostart link '%s' points to '%s', not to '%s" XML_SUFFIX "'; ignored", path,
                     target, name);
        else if (!g_hash_table_contains(files, name))
            log_warn("autostart link '%s' is dangling: no definition '%s'; ignored", path, name);
        else
            g_hash_table_add(set, g_strdup(name));
    }
    return set;
}

int
xmlstore_load_all(XmlStore *store, XmlStoreLoadFunc load, gpointer user_data, GError **error)
{
    g_autoptr(GPtrArray) names = list_names(store->dir, error);
    g_autoptr(GHashTable) files = NULL;
    g_autoptr(GHashTable) autostart = NULL;
    int loaded = 0;

    if (!names)
        return -1;
    files = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < names->len; i++)
        g_hash_table_add(files, g_ptr_array_index(names, i));
    autostart = load_autostart(store, files);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = xmlstore_path(store, name);
        g_autofree char *xml = NULL;
        g_autoptr(GError) err = NULL;

        if (!xmlstore_name_valid(name, &err) || !g_file_get_contents(path, &xml, NULL, &err) ||
            !load(name, xml, g_hash_table_contains(autostart, name), user_data, &err)) {
            log_warn("%s: %s; skipped", path, err ? err->message : "refused");
            continue;
        }
        loaded++;
    }
    return loaded;
}

bool
xmlstore_save(XmlStore *store, const char *name, const char *xml, GError **error)
{
    g_autofree char *file = NULL;

    if (!xmlstore_name_valid(name, error))
        return false;
    file = g_strconcat(name, XML_SUFFIX, NULL);
    return file_write_atomic_at(store->dirfd, store->dir, file, xml, -1, 0600, error);
}

/* unlink(2) where an absent file is success. */
static bool
remove_file(const char *path, GError **error)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot remove '%s'", path);
        return false;
    }
    return true;
}

bool
xmlstore_delete(XmlStore *store, const char *name, GError **error)
{
    g_autofree char *path = NULL;

    if (!xmlstore_set_autostart(store, name, false, error))
        return false;
    path = xmlstore_path(store, name);
    if (!remove_file(path, error))
        return false;
    sync_dir(store->dir);
    return true;
}

bool
xmlstore_set_autostart(XmlStore *store, const char *name, bool autostart, GError **error)
{
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    g_autofree char *tmp = NULL;

    if (!xmlstore_name_valid(name, error))
        return false;
    link = autostart_path(store, name);
    if (!autostart) {
        if (!remove_file(link, error))
            return false;
        sync_dir(store->autostart_dir);
        return true;
    }
    if (!file_mkdir_p(store->autostart_dir, 0755, error))
        return false;
    /* symlink(2) fails on an existing name: make a fresh link and rename it
     * over, so the entry is never missing nor half-made */
    target = g_strdup_printf("../%s" XML_SUFFIX, name);
    for (unsigned attempt = 0;; attempt++) {
        g_free(tmp);
        tmp = g_strdup_printf("%s/.%s.%08x", store->autostart_dir, name, g_random_int());
        if (symlink(target, tmp) == 0)
            break;
        if (errno != EEXIST || attempt >= 16) {
            error_set_errno(error, UTIL_ERROR, errno, "cannot create symlink '%s'", tmp);
            return false;
        }
    }
    if (rename(tmp, link) < 0) {
        error_set_errno(error, UTIL_ERROR, errno, "cannot rename '%s' to '%s'", tmp, link);
        (void)unlink(tmp);
        return false;
    }
    sync_dir(store->autostart_dir);
    return true;
}

bool
xmlstore_get_autostart(XmlStore *store, const char *name, bool *ret_autostart, GError **error)
{
    g_autofree char *link = NULL;
    g_autofree char *target = NULL;
    g_autofree char *path = NULL;
    GError *err = NULL;

    if (!xmlstore_name_valid(name, error))
        return false;
    link = autostart_path(store, name);
    *ret_autostart = false;
    if (!(target = g_file_read_link(link, &err))) {
        /* no entry, or an entry that is not a link: no autostart */
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
            g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_INVAL)) {
            g_clear_error(&err);
            return true;
        }
        g_set_error(error, UTIL_ERROR, VIR_ERR_SYSTEM_ERROR, "%s", err->message);
        g_clear_error(&err);
        return false;
    }
    path = xmlstore_path(store, name);
    *ret_autostart = link_points_to(store, target, name) && g_file_test(path, G_FILE_TEST_EXISTS);
    return true;
}
