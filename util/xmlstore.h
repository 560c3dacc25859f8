/*
 * xmlstore.h: a directory of named XML definitions with autostart links
 *
 * Layout (libvirt's): DIR/NAME.xml holds one definition, and
 * DIR/autostart/NAME.xml -> ../NAME.xml marks it for autostart. Writes are
 * atomic (util/file.h) and every name is checked first, so nothing is ever
 * written outside DIR. The store knows nothing of what the XML means: the
 * caller parses it (conf/) and keeps the objects.
 *
 * Not locked: callers serialise the changes they make to one store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

/* Longest name: the temporary file of an atomic write (".NAME.xml.XXXXXX")
 * must still fit in NAME_MAX (255). */
#define XMLSTORE_NAME_MAX 240

typedef struct XmlStore XmlStore;

/* A store on @dir, creating @dir and @dir/autostart (mode 0755) if
 * missing. Errors: VIR_ERR_SYSTEM_ERROR in UTIL_ERROR. */
XmlStore *xmlstore_new(const char *dir, GError **error);
void xmlstore_free(XmlStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmlStore, xmlstore_free)

const char *xmlstore_get_dir(const XmlStore *store);

/* Whether @name can name a file of the store: not empty, no '/', not
 * starting with '.', at most XMLSTORE_NAME_MAX bytes. Sets
 * VIR_ERR_INVALID_ARG (UTIL_ERROR) naming the problem otherwise. */
bool xmlstore_name_valid(const char *name, GError **error);

/* DIR/NAME.xml (no check of @name); caller frees. */
char *xmlstore_path(const XmlStore *store, const char *name);

/* Called by xmlstore_load_all() for each DIR/NAME.xml with its contents
 * and whether a valid autostart link names it. Returns false with *error
 * set to refuse the file: the store logs "FILE: <message>" and goes on. */
typedef bool (*XmlStoreLoadFunc)(const char *name, const char *xml, bool autostart,
                                 gpointer user_data, GError **error);

/* Reads every DIR/NAME.xml (in name order, so results are reproducible)
 * and hands it to @load. Files that cannot be read or have an invalid
 * name, and files @load refuses, are logged (util/log.h, warning) and left
 * untouched; so are autostart links that are dangling or point elsewhere.
 * Returns the number of files @load accepted, or -1 if DIR itself cannot
 * be read (*error: VIR_ERR_SYSTEM_ERROR). */
int xmlstore_load_all(XmlStore *store, XmlStoreLoadFunc load, gpointer user_data, GError **error);

/* Atomically replaces DIR/NAME.xml with @xml (mode 0600, file and
 * directory fsynced). Errors: invalid name (VIR_ERR_INVALID_ARG) or
 * VIR_ERR_SYSTEM_ERROR. */
bool xmlstore_save(XmlStore *store, const char *name, const char *xml, GError **error);

/* Removes the autostart link (first: a crash in between leaves no dangling
 * link) and DIR/NAME.xml; either being absent already is fine. */
bool xmlstore_delete(XmlStore *store, const char *name, GError **error);

/* Creates (atomically: a temporary link renamed over) or removes
 * autostart/NAME.xml -> ../NAME.xml. */
bool xmlstore_set_autostart(XmlStore *store, const char *name, bool autostart, GError **error);

/* Whether autostart/NAME.xml is a link to this store's NAME.xml. A link
 * pointing elsewhere, or whose target does not exist, counts as false. */
bool xmlstore_get_autostart(XmlStore *store, const char *name, bool *ret_autostart, GError **error);
