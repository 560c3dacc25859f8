/*
 * lib-uri-test.c: connection URI parsing and formatting (lib/uri.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "lib/uri.h"
#include "util/error.h"

typedef struct {
    const char *text;
    const char *scheme, *driver, *transport, *user, *server;
    int port;
    const char *path;
    const char *params;     /* "name=value" joined with '|', "" for none */
    const char *canonical;  /* uri_format() */
    const char *for_server; /* uri_format_for_server() */
} UriCase;

static const UriCase cases[] = {
    { "test:///default", "test", "test", NULL, NULL, NULL, -1, "/default", "", "test:///default",
      "test:///default" },
    { "qemu:///system", "qemu", "qemu", NULL, NULL, NULL, -1, "/system", "", "qemu:///system",
      "qemu:///system" },
    { "qemu:///session", "qemu", "qemu", NULL, NULL, NULL, -1, "/session", "", "qemu:///session",
      "qemu:///session" },
    { "qemu+unix:///system?socket=/run/virtnode/virtnode-sock", "qemu+unix", "qemu", "unix", NULL,
      NULL, -1, "/system", "socket=/run/virtnode/virtnode-sock",
      "qemu+unix:///system?socket=/run/virtnode/virtnode-sock", "qemu:///system" },
    /* escapes are decoded in values; ';' separates like '&' */
    { "qemu+unix:///system?socket=/tmp/a%20b;mode=direct&extra=1", "qemu+unix", "qemu", "unix",
      NULL, NULL, -1, "/system", "socket=/tmp/a b|mode=direct|extra=1",
      "qemu+unix:///system?socket=/tmp/a%20b;mode=direct&extra=1", "qemu:///system?extra=1" },
    /* remote: user, server and port stay on the client side */
    { "qemu+ssh://root@host.example:2222/system?keyfile=/k&foo=bar&no_verify=1&no_tty=1",
      "qemu+ssh", "qemu", "ssh", "root", "host.example", 2222, "/system",
      "keyfile=/k|foo=bar|no_verify=1|no_tty=1",
      "qemu+ssh://root@host.example:2222/system?keyfile=/k&foo=bar&no_verify=1&no_tty=1",
      "qemu:///system?foo=bar" },
    { "qemu+tcp://[::1]:16509/system", "qemu+tcp", "qemu", "tcp", NULL, "::1", 16509, "/system", "",
      "qemu+tcp://[::1]:16509/system", "qemu:///system" },
    /* an explicit name= is what the server gets */
    { "qemu+unix:///system?name=qemu:///session&socket=/s", "qemu+unix", "qemu", "unix", NULL, NULL,
      -1, "/system", "name=qemu:///session|socket=/s",
      "qemu+unix:///system?name=qemu:///session&socket=/s", "qemu:///session" },
    /* a parameter without a value, and an empty segment */
    { "test:///default?flag&&x=", "test", "test", NULL, NULL, NULL, -1, "/default",
      "flag=|x=", "test:///default?flag&&x=", "test:///default?flag=&x=" },
    /* no scheme: parses, but names no driver */
    { "default", NULL, NULL, NULL, NULL, NULL, -1, "default", "", "default", "default" },
};

static char *
join_params(const VirUri *uri)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < uri->params->len; i++) {
        const VirUriParam *p = g_ptr_array_index(uri->params, i);

        g_string_append_printf(out, "%s%s=%s", i ? "|" : "", p->name, p->value);
    }
    return g_string_free(out, FALSE);
}

static void
test_parse(gconstpointer data)
{
    const UriCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(VirUri) uri = uri_parse(c->text, &error);
    g_autofree char *params = NULL;
    g_autofree char *canonical = NULL;
    g_autofree char *for_server = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(uri);
    g_assert_cmpstr(uri->scheme, ==, c->scheme);
    g_assert_cmpstr(uri->driver, ==, c->driver);
    g_assert_cmpstr(uri->transport, ==, c->transport);
    g_assert_cmpstr(uri->user, ==, c->user);
    g_assert_cmpstr(uri->server, ==, c->server);
    g_assert_cmpint(uri->port, ==, c->port);
    g_assert_cmpstr(uri->path, ==, c->path);
    params = join_params(uri);
    g_assert_cmpstr(params, ==, c->params);
    canonical = uri_format(uri);
    g_assert_cmpstr(canonical, ==, c->canonical);
    for_server = uri_format_for_server(uri);
    g_assert_cmpstr(for_server, ==, c->for_server);
}

static void
test_get_param(void)
{
    g_autoptr(VirUri) uri = uri_parse("qemu+unix:///system?a=1&socket=/x&a=2", NULL);

    g_assert_nonnull(uri);
    g_assert_cmpstr(uri_get_param(uri, "a"), ==, "1"); /* the first one */
    g_assert_cmpstr(uri_get_param(uri, "socket"), ==, "/x");
    g_assert_null(uri_get_param(uri, "mode"));
}

static void
test_bad(gconstpointer data)
{
    const char *text = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(VirUri) uri = uri_parse(text, &error);
    g_autofree char *expected = g_strdup_printf("Unable to parse URI %s", text);

    g_assert_null(uri);
    g_assert_error(error, URI_ERROR, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(error->message, ==, expected);
}

int
main(int argc, char **argv)
{
    static const char *const bad[] = {
        "qemu://host:port/system",  /* port not a number */
        "qemu://[::1/system",       /* unterminated IPv6 literal */
        "qemu://host:99999/system", /* port out of range */
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = g_strdup_printf("/lib/uri/parse/%zu", i);

        g_test_add_data_func(name, &cases[i], test_parse);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *name = g_strdup_printf("/lib/uri/bad/%zu", i);

        g_test_add_data_func(name, bad[i], test_bad);
    }
    g_test_add_func("/lib/uri/get-param", test_get_param);
    return g_test_run();
}
