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
    char *scheme;    /* "qemu+unix": driver "qemu", transport "unix" */
    char *driver;    /* the part of the scheme before '+' */
    char *transport; /* after '+', NULL if none */
    char *server;    /* NULL for local URIs */
    int port;        /* -1 if absent */
    char *path;      /* "/system", "/default" */
    char *query;     /* raw query string, NULL if none */
    GPtrArray *params; /* VirUriParam *, in order */
} VirUri;

VirUri *uri_parse(const char *text, GError **error);
void uri_free(VirUri *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VirUri, uri_free)

/* Value of the first query parameter @name, NULL if absent. */
const char *uri_get_param(const VirUri *uri, const char *name);

/* The URI without transport and transport parameters (socket, mode, name...)
 * -- what a remote client sends to the server. */
char *uri_format_for_server(const VirUri *uri);
