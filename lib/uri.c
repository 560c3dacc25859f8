/*
 * uri.c: connection URIs, split with GLib's GUri
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "lib/uri.h"
#include "util/error.h"

/* Parameters that only tell the client how to reach the server (libvirt's
 * remote driver consumes them); the server never sees them. */
static const char *const transport_params[] = {
    "name",         "command",
    "socket",       "auth",
    "sshauth",      "netcat",
    "keyfile",      "mode",
    "proxy",        "no_verify",
    "no_tty",       "pkipath",
    "known_hosts",  "known_hosts_verify",
    "tls_priority", "tls",
    "no_sanity",
};

/* Characters left as they are when a part is written back. */
#define PATH_ALLOWED "/!$&'()*+,;=:@"
#define USER_ALLOWED "!$&'()*+,;=:"
#define PARAM_ALLOWED "/:@!$'()*+,"

static void
param_free(gpointer data)
{
    VirUriParam *param = data;

    g_free(param->name);
    g_free(param->value);
    g_free(param);
}

/* Decoded @len bytes of @text; the raw text if it holds a bad escape. */
static char *
unescape_part(const char *text, size_t len)
{
    g_autofree char *raw = g_strndup(text, len);
    char *decoded = g_uri_unescape_string(raw, NULL);

    return decoded ? decoded : g_steal_pointer(&raw);
}

static void
parse_params(VirUri *uri)
{
    const char *p = uri->query;

    while (p && *p) {
        size_t len = strcspn(p, "&;");
        const char *eq = memchr(p, '=', len);
        VirUriParam *param;

        if (len > 0) {
            param = g_new0(VirUriParam, 1);
            if (eq) {
                param->name = unescape_part(p, eq - p);
                param->value = unescape_part(eq + 1, len - (eq + 1 - p));
            } else {
                param->name = unescape_part(p, len);
                param->value = g_strdup("");
            }
            g_ptr_array_add(uri->params, param);
        }
        p += len;
        if (*p)
            p++;
    }
}

VirUri *
uri_parse(const char *text, GError **error)
{
    g_autoptr(VirUri) uri = g_new0(VirUri, 1);
    g_autoptr(GError) local = NULL;
    g_autofree char *host = NULL;
    g_autofree char *path = NULL;
    g_autofree char *userinfo = NULL;
    const char *plus;

    uri->params = g_ptr_array_new_with_free_func(param_free);
    if (!g_uri_split(text, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &uri->scheme, &userinfo,
                     &host, &uri->port, &path, &uri->query, NULL, &local)) {
        g_set_error(error, URI_ERROR, VIR_ERR_INTERNAL_ERROR, "Unable to parse URI %s", text);
        return NULL;
    }
    if (uri->scheme) {
        plus = strchr(uri->scheme, '+');
        uri->driver = plus ? g_strndup(uri->scheme, plus - uri->scheme) : g_strdup(uri->scheme);
        uri->transport = plus ? g_strdup(plus + 1) : NULL;
    }
    if (host && *host)
        uri->server = g_steal_pointer(&host);
    if (userinfo && *userinfo)
        uri->user = g_steal_pointer(&userinfo);
    /* Never NULL: drivers compare it without checking. */
    uri->path = path ? g_steal_pointer(&path) : g_strdup("");
    parse_params(uri);
    return g_steal_pointer(&uri);
}

void
uri_free(VirUri *uri)
{
    if (!uri)
        return;
    g_free(uri->scheme);
    g_free(uri->driver);
    g_free(uri->transport);
    g_free(uri->server);
    g_free(uri->path);
    g_free(uri->query);
    g_free(uri->user);
    if (uri->params)
        g_ptr_array_unref(uri->params);
    g_free(uri);
}

const char *
uri_get_param(const VirUri *uri, const char *name)
{
    for (guint i = 0; i < uri->params->len; i++) {
        const VirUriParam *param = g_ptr_array_index(uri->params, i);

        if (strcmp(param->name, name) == 0)
            return param->value;
    }
    return NULL;
}

static void
append_escaped(GString *out, const char *text, const char *allowed)
{
    g_autofree char *escaped = g_uri_escape_string(text, allowed, TRUE);

    g_string_append(out, escaped);
}

/* scheme://[user@]server[:port] */
static void
append_authority(GString *out, const char *scheme, const VirUri *uri)
{
    g_string_append_printf(out, "%s://", scheme);
    if (uri->user) {
        append_escaped(out, uri->user, USER_ALLOWED);
        g_string_append_c(out, '@');
    }
    if (uri->server) {
        if (strchr(uri->server, ':'))
            g_string_append_printf(out, "[%s]", uri->server);
        else
            g_string_append(out, uri->server);
    }
    if (uri->port >= 0)
        g_string_append_printf(out, ":%d", uri->port);
}

char *
uri_format(const VirUri *uri)
{
    GString *out = g_string_new(NULL);

    if (uri->scheme)
        append_authority(out, uri->scheme, uri);
    append_escaped(out, uri->path, PATH_ALLOWED);
    if (uri->query)
        g_string_append_printf(out, "?%s", uri->query);
    return g_string_free(out, FALSE);
}

static bool
is_transport_param(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(transport_params); i++) {
        if (g_ascii_strcasecmp(name, transport_params[i]) == 0)
            return true;
    }
    return false;
}

char *
uri_format_for_server(const VirUri *uri)
{
    const char *name = uri_get_param(uri, "name");
    GString *out;
    bool first = true;

    if (name)
        return g_strdup(name);

    out = g_string_new(NULL);
    if (uri->driver)
        g_string_append_printf(out, "%s://", uri->driver);
    append_escaped(out, uri->path, PATH_ALLOWED);
    for (guint i = 0; i < uri->params->len; i++) {
        const VirUriParam *param = g_ptr_array_index(uri->params, i);

        if (is_transport_param(param->name))
            continue;
        g_string_append_c(out, first ? '?' : '&');
        first = false;
        append_escaped(out, param->name, PARAM_ALLOWED);
        g_string_append_c(out, '=');
        append_escaped(out, param->value, PARAM_ALLOWED);
    }
    return g_string_free(out, FALSE);
}
