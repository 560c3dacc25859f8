/*
 * buf.c: growable text buffer that indents and escapes, for XML output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>

#include "util/buf.h"

Buf *
buf_new(void)
{
    Buf *buf = g_new0(Buf, 1);

    buf->str = g_string_new(NULL);
    return buf;
}

void
buf_free(Buf *buf)
{
    if (!buf)
        return;
    g_string_free(buf->str, TRUE);
    g_free(buf);
}

void
buf_adjust_indent(Buf *buf, int delta)
{
    buf->indent = MAX(0, buf->indent + delta);
}

static bool
buf_at_line_start(const Buf *buf)
{
    return buf->str->len == 0 || buf->str->str[buf->str->len - 1] == '\n';
}

/* Appends @text, indenting every line that starts inside it. */
void
buf_add(Buf *buf, const char *text)
{
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

        if (buf_at_line_start(buf) && *p != '\n')
            g_string_append_printf(buf->str, "%*s", buf->indent, "");
        g_string_append_len(buf->str, p, len);
        p += len;
    }
}

void
buf_addf(Buf *buf, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    buf_add(buf, text);
}

void
buf_add_escaped(Buf *buf, const char *value)
{
    if (buf_at_line_start(buf) && *value)
        g_string_append_printf(buf->str, "%*s", buf->indent, "");
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '<':
            g_string_append(buf->str, "&lt;");
            break;
        case '>':
            g_string_append(buf->str, "&gt;");
            break;
        case '&':
            g_string_append(buf->str, "&amp;");
            break;
        case '\'':
            g_string_append(buf->str, "&apos;");
            break;
        case '"':
            g_string_append(buf->str, "&quot;");
            break;
        default:
            g_string_append_c(buf->str, *p);
        }
    }
}

void
buf_add_attr(Buf *buf, const char *name, const char *fmt, ...)
{
    g_autofree char *value = NULL;
    va_list ap;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_string_append_printf(buf->str, " %s='", name);
    buf_add_escaped(buf, value);
    g_string_append_c(buf->str, '\'');
}

void
buf_add_element(Buf *out, const char *name, Buf *attrs, Buf *children)
{
    const char *a = attrs ? attrs->str->str : "";

    if (!children || buf_is_empty(children)) {
        buf_addf(out, "<%s%s/>\n", name, a);
    } else {
        buf_addf(out, "<%s%s>\n", name, a);
        g_string_append(out->str, children->str->str);
        buf_addf(out, "</%s>\n", name);
    }
    if (attrs)
        g_string_truncate(attrs->str, 0);
    if (children)
        g_string_truncate(children->str, 0);
}

Buf *
buf_new_child(const Buf *parent)
{
    Buf *child = buf_new();

    child->indent = parent->indent + 2;
    return child;
}

bool
buf_is_empty(const Buf *buf)
{
    return buf->str->len == 0;
}

const char *
buf_peek(const Buf *buf)
{
    return buf->str->str;
}

char *
buf_steal(Buf *buf)
{
    char *s = g_string_free(buf->str, FALSE);

    buf->str = g_string_new(NULL);
    return s;
}
