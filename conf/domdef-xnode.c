/*
 * domdef-xnode.c: pass-through XML subtrees of the domain model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domdef-priv.h"

static void
domx_attr_free(gpointer p)
{
    DomXAttr *a = p;

    g_free(a->name);
    g_free(a->value);
    g_free(a);
}

static void
domx_free_ptr(gpointer p)
{
    domx_free(p);
}

DomXNode *
domx_new(const char *name)
{
    DomXNode *n = g_new0(DomXNode, 1);

    n->name = g_strdup(name);
    n->attrs = g_ptr_array_new_with_free_func(domx_attr_free);
    n->children = g_ptr_array_new_with_free_func(domx_free_ptr);
    return n;
}

void
domx_free(DomXNode *node)
{
    if (!node)
        return;
    g_free(node->name);
    g_ptr_array_unref(node->attrs);
    g_ptr_array_unref(node->children);
    g_free(node->text);
    g_free(node);
}

static void
domx_append_attr(DomXNode *node, const char *name, const char *value)
{
    DomXAttr *a = g_new0(DomXAttr, 1);

    a->name = g_strdup(name);
    a->value = g_strdup(value);
    g_ptr_array_add(node->attrs, a);
}

static bool
domx_is_blank(const char *s)
{
    for (; *s; s++) {
        if (!g_ascii_isspace(*s))
            return false;
    }
    return true;
}

DomXNode *
domx_from_xml(const xmlNode *node)
{
    g_autofree char *name = NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    DomXNode *n;
    bool has_elements = false;

    if (node->ns && node->ns->prefix)
        name = g_strdup_printf("%s:%s", node->ns->prefix, (const char *)node->name);
    else
        name = g_strdup((const char *)node->name);
    n = domx_new(name);
    for (const xmlNs *ns = node->nsDef; ns; ns = ns->next) {
        g_autofree char *an =
            ns->prefix ? g_strdup_printf("xmlns:%s", ns->prefix) : g_strdup("xmlns");
        domx_append_attr(n, an, (const char *)ns->href);
    }
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
        g_autofree char *an = a->ns && a->ns->prefix
                                  ? g_strdup_printf("%s:%s", a->ns->prefix, (const char *)a->name)
                                  : g_strdup((const char *)a->name);

        domx_append_attr(n, an, v ? (const char *)v : "");
        xmlFree(v);
    }
    for (const xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            has_elements = true;
            g_ptr_array_add(n->children, domx_from_xml(c));
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            g_string_append(text, (const char *)c->content);
        }
    }
    /* Whitespace between child elements is layout, not content. */
    if (text->len && !(has_elements && domx_is_blank(text->str)))
        n->text = g_strdup(text->str);
    return n;
}

DomXNode *
domx_copy(const DomXNode *node)
{
    DomXNode *n;

    if (!node)
        return NULL;
    n = domx_new(node->name);
    for (guint i = 0; i < node->attrs->len; i++) {
        const DomXAttr *a = node->attrs->pdata[i];

        domx_append_attr(n, a->name, a->value);
    }
    n->text = g_strdup(node->text);
    for (guint i = 0; i < node->children->len; i++)
        g_ptr_array_add(n->children, domx_copy(node->children->pdata[i]));
    return n;
}

const char *
domx_attr(const DomXNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (guint i = 0; i < node->attrs->len; i++) {
        const DomXAttr *a = node->attrs->pdata[i];

        if (strcmp(a->name, name) == 0)
            return a->value;
    }
    return NULL;
}

char *
domx_take_attr(DomXNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (guint i = 0; i < node->attrs->len; i++) {
        DomXAttr *a = node->attrs->pdata[i];

        if (strcmp(a->name, name) == 0) {
            char *v = g_steal_pointer(&a->value);

            g_ptr_array_remove_index(node->attrs, i);
            return v;
        }
    }
    return NULL;
}

void
domx_set_attr(DomXNode *node, const char *name, const char *value)
{
    for (guint i = 0; i < node->attrs->len; i++) {
        DomXAttr *a = node->attrs->pdata[i];

        if (strcmp(a->name, name) == 0) {
            g_free(a->value);
            a->value = g_strdup(value);
            return;
        }
    }
    domx_append_attr(node, name, value);
}

void
domx_set_attrf(DomXNode *node, const char *name, const char *fmt, ...)
{
    g_autofree char *v = NULL;
    va_list ap;

    va_start(ap, fmt);
    v = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    domx_set_attr(node, name, v);
}

DomXNode *
domx_child(const DomXNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (guint i = 0; i < node->children->len; i++) {
        DomXNode *c = node->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return c;
    }
    return NULL;
}

DomXNode *
domx_take_child(DomXNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (guint i = 0; i < node->children->len; i++) {
        DomXNode *c = node->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            return g_ptr_array_steal_index(node->children, i);
    }
    return NULL;
}

DomXNode *
domx_take_one(DomXNode *node, const char *name)
{
    DomXNode *first = domx_take_child(node, name), *more;

    while ((more = domx_take_child(node, name)))
        domx_free(more);
    return first;
}

int
domx_compare_uint_attr(gconstpointer a, gconstpointer b, gpointer attr)
{
    const char *x = domx_attr(*(DomXNode *const *)a, attr);
    const char *y = domx_attr(*(DomXNode *const *)b, attr);
    unsigned long xv = strtoul(x ? x : "0", NULL, 10), yv = strtoul(y ? y : "0", NULL, 10);

    return xv < yv ? -1 : xv > yv;
}

unsigned int
domx_count_children(const DomXNode *node, const char *name)
{
    unsigned int n = 0;

    if (!node)
        return 0;
    for (guint i = 0; i < node->children->len; i++) {
        const DomXNode *c = node->children->pdata[i];

        if (strcmp(c->name, name) == 0)
            n++;
    }
    return n;
}

void
domx_add_child(DomXNode *node, DomXNode *child)
{
    g_ptr_array_add(node->children, child);
}

bool
domx_is_empty(const DomXNode *node)
{
    return !node || (node->attrs->len == 0 && node->children->len == 0 && !node->text);
}

void
domx_format_attrs(Buf *buf, const DomXNode *node)
{
    if (!node)
        return;
    for (guint i = 0; i < node->attrs->len; i++) {
        const DomXAttr *a = node->attrs->pdata[i];

        buf_add_attr(buf, a->name, "%s", a->value);
    }
}

void
domx_format_children(Buf *buf, const DomXNode *node)
{
    if (!node)
        return;
    for (guint i = 0; i < node->children->len; i++)
        domx_format(buf, node->children->pdata[i]);
}

static void
domx_escape_raw(GString *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '<')
            g_string_append(out, "&lt;");
        else if (*p == '>')
            g_string_append(out, "&gt;");
        else if (*p == '&')
            g_string_append(out, "&amp;");
        else
            g_string_append_c(out, *p);
    }
}

void
domx_format(Buf *buf, const DomXNode *node)
{
    if (!node)
        return;
    buf_addf(buf, "<%s", node->name);
    domx_format_attrs(buf, node);
    if (node->children->len) {
        buf_add(buf, ">\n");
        buf_adjust_indent(buf, 2);
        domx_format_children(buf, node);
        buf_adjust_indent(buf, -2);
        buf_addf(buf, "</%s>\n", node->name);
    } else if (node->text && *node->text) {
        /* Text is written verbatim (only escaped): <description> keeps its
         * line breaks, so no indentation may be added inside it. */
        g_string_append_c(buf->str, '>');
        domx_escape_raw(buf->str, node->text);
        g_string_append_printf(buf->str, "</%s>\n", node->name);
    } else {
        buf_add(buf, "/>\n");
    }
}
