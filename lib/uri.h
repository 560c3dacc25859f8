/*
 * uri.h: connection URIs (test:///default, qemu:///system,
 * qemu+unix:///system?socket=PATH)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct VirUriParam {
    char *name;
    char *value;
} VirUriParam;

typedef struct VirUri {
    char *scheme;      /* "qemu+unix": driver "qemu", transport "unix" */
    char *driver;      /* the part of the scheme before '+' */
    char *transport;   /* after '+', NULL if none */
    char *server;      /* NULL for local URIs */
    int port;          /* -1 if absent */
    char *path;        /* "/system", "/default" */
    char *query;       /* raw query string, NULL if none */
    GPtrArray *params; /* VirUriParam *, in order */
    char *user;        /* "user" of qemu+ssh://user@host/system, NULL if none */
} VirUri;

/* Splits @text (percent-decoded parts, query split at '&' and ';').
 * A string without a scheme ("default") parses, with scheme and driver
 * NULL. Fails (URI_ERROR, VIR_ERR_INTERNAL_ERROR) when it is no URI at all. */
VirUri *uri_parse(const char *text, GError **error);
void uri_free(VirUri *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VirUri, uri_free)

/* Value of the first query parameter @name, NULL if absent. */
const char *uri_get_param(const VirUri *uri, const char *name);

/* The canonical text of @uri: scheme://[user@]server[:port]path[?query]. */
char *uri_format(const VirUri *uri);

/* The URI without transport and transport parameters (socket, mode, name...)
 * -- what a remote client sends to the server: "qemu+ssh://h/system?x=1"
 * gives "qemu:///system?x=1". A "name" parameter, if given, is returned
 * as is, as libvirt's remote driver does. */
char *uri_format_for_server(const VirUri *uri);
