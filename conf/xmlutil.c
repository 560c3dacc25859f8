/*
 * xmlutil.c: libxml2 helpers shared by the XML models
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>

#include "conf/xmlutil.h"
#include "util/error.h"
#include "util/init.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNG, xmlRelaxNGFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)

/* libxml2 reports through a callback; keep only the first problem, which is
 * the one that explains the rest. */
typedef struct {
    char *message;
    int line;
} XmlParseProblem;

static void
xml_collect_error(void *opaque, const xmlError *err)
{
    XmlParseProblem *p = opaque;

    if (p->message || !err || !err->message)
        return;
    p->message = g_strchomp(g_strdup(err->message));
    p->line = err->line;
}

static void
xml_silence(void *opaque, const char *fmt, ...)
{
}

void
xml_init(void)
{
    static gsize initialized;

    if (g_once_init_enter(&initialized)) {
        util_init(); /* the models parse numbers with GLib right after */
        xmlInitParser();
        g_once_init_leave(&initialized, 1);
    }
}

xmlDoc *
xml_parse_string(const char *xml, const char *what, const char *root, GQuark quark, GError **error)
{
    g_autoptr(xmlParserCtxt) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    XmlParseProblem problem = { NULL, 0 };
    xmlNode *top;

    xml_init();
    ctxt = xmlNewParserCtxt();

    if (!ctxt) {
        g_set_error(error, quark, VIR_ERR_NO_MEMORY, "cannot create XML parser");
        return NULL;
    }
    /* Errors go to our callback, not to stderr. */
    xmlSetStructuredErrorFunc(&problem, (xmlStructuredErrorFunc)xml_collect_error);
    xmlSetGenericErrorFunc(NULL, xml_silence);
    doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (!doc || problem.message) {
        g_set_error(error, quark, VIR_ERR_XML_DETAIL, "(%s):%d: %s", what, problem.line,
                    problem.message ? problem.message : "document is empty");
        g_free(problem.message);
        return NULL;
    }
    top = xmlDocGetRootElement(doc);
    if (!top || (root && strcmp((const char *)top->name, root) != 0)) {
        g_set_error(error, quark, VIR_ERR_XML_ERROR, "unexpected root element <%s>, expecting <%s>",
                    top ? (const char *)top->name : "", root ? root : "an element");
        return NULL;
    }
    return g_steal_pointer(&doc);
}

static void
xml_collect_rng_error(void *opaque, const xmlError *err)
{
    GString *msgs = opaque;

    if (!err || !err->message)
        return;
    if (msgs->len)
        g_string_append(msgs, "; ");
    g_string_append_printf(msgs, "line %d: %s", err->line, err->message);
    g_strchomp(msgs->str);
    msgs->len = strlen(msgs->str);
}

bool
xml_validate_schema(xmlDoc *doc, const char *schema, GQuark quark, GError **error)
{
    const char *dir = g_getenv("VIRTNODE_SCHEMA_DIR");
    g_autofree char *path =
        g_build_filename(dir ? dir : "/usr/share/libvirt/schemas", schema, NULL);
    g_autoptr(xmlRelaxNGParserCtxt) pctxt = NULL;
    g_autoptr(xmlRelaxNG) rng = NULL;
    g_autoptr(xmlRelaxNGValidCtxt) vctxt = NULL;
    g_autoptr(GString) msgs = g_string_new(NULL);
    int rc;

    xml_init();
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, quark, VIR_ERR_OPERATION_UNSUPPORTED,
                    "cannot validate: schema '%s' is not installed", path);
        return false;
    }
    pctxt = xmlRelaxNGNewParserCtxt(path);
    xmlSetGenericErrorFunc(NULL, xml_silence);
    rng = pctxt ? xmlRelaxNGParse(pctxt) : NULL;
    if (!rng) {
        xmlSetGenericErrorFunc(NULL, NULL);
        g_set_error(error, quark, VIR_ERR_INTERNAL_ERROR, "cannot parse schema '%s'", path);
        return false;
    }
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidStructuredErrors(vctxt, (xmlStructuredErrorFunc)xml_collect_rng_error, msgs);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (rc != 0) {
        g_set_error(error, quark, VIR_ERR_XML_INVALID_SCHEMA, "%s",
                    msgs->len ? msgs->str : "document does not match the schema");
        return false;
    }
    return true;
}

char *
xml_prop(const xmlNode *node, const char *name)
{
    xmlChar *v;
    char *ret;

    if (!node)
        return NULL;
    v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    ret = g_strdup((const char *)v);
    xmlFree(v);
    return ret;
}

char *
xml_text(const xmlNode *node)
{
    xmlChar *v;
    char *ret;

    if (!node)
        return NULL;
    v = xmlNodeGetContent(node);
    ret = g_strdup(v ? (const char *)v : "");
    xmlFree(v);
    return ret;
}

xmlNode *
xml_child(const xmlNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

GPtrArray *
xml_children(const xmlNode *node, const char *name)
{
    GPtrArray *ret = g_ptr_array_new();

    if (!node)
        return ret;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!name || strcmp((const char *)c->name, name) == 0)
            g_ptr_array_add(ret, c);
    }
    return ret;
}

char *
xml_child_text(const xmlNode *node, const char *name)
{
    return xml_text(xml_child(node, name));
}

/* libvirt's wording, so scripts that match on it keep working. */
static bool
xml_bad_value(const xmlNode *node, const char *name, const char *value, const char *expected,
              GQuark quark, GError **error)
{
    g_set_error(error, quark, VIR_ERR_XML_ERROR,
                "Invalid value for attribute '%s' in element '%s': '%s'. Expected %s", name,
                (const char *)node->name, value, expected);
    return false;
}

bool
xml_prop_ullong(const xmlNode *node, const char *name, unsigned long long *ret, bool *ret_present,
                GQuark quark, GError **error)
{
    g_autofree char *v = xml_prop(node, name);
    guint64 n;

    if (ret_present)
        *ret_present = v != NULL;
    if (!v)
        return true;
    if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &n, NULL))
        return xml_bad_value(node, name, v, "integer value", quark, error);
    *ret = n;
    return true;
}

bool
xml_prop_uint(const xmlNode *node, const char *name, unsigned int *ret, bool *ret_present,
              GQuark quark, GError **error)
{
    g_autofree char *v = xml_prop(node, name);
    guint64 n;

    if (ret_present)
        *ret_present = v != NULL;
    if (!v)
        return true;
    if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT, &n, NULL))
        return xml_bad_value(node, name, v, "integer value", quark, error);
    *ret = (unsigned int)n;
    return true;
}

bool
xml_prop_int(const xmlNode *node, const char *name, int *ret, bool *ret_present, GQuark quark,
             GError **error)
{
    g_autofree char *v = xml_prop(node, name);
    gint64 n;

    if (ret_present)
        *ret_present = v != NULL;
    if (!v)
        return true;
    if (!g_ascii_string_to_signed(v, 10, G_MININT, G_MAXINT, &n, NULL))
        return xml_bad_value(node, name, v, "integer value", quark, error);
    *ret = (int)n;
    return true;
}

static bool
xml_prop_two_words(const xmlNode *node, const char *name, const char *yes, const char *no,
                   XmlTristate *ret, GQuark quark, GError **error)
{
    g_autofree char *v = xml_prop(node, name);

    *ret = XML_TRISTATE_ABSENT;
    if (!v)
        return true;
    if (strcmp(v, yes) == 0)
        *ret = XML_TRISTATE_YES;
    else if (strcmp(v, no) == 0)
        *ret = XML_TRISTATE_NO;
    else
        return xml_bad_value(node, name, v,
                             strcmp(yes, "yes") == 0 ? "'yes' or 'no'" : "'on' or 'off'", quark,
                             error);
    return true;
}

bool
xml_prop_yesno(const xmlNode *node, const char *name, XmlTristate *ret, GQuark quark,
               GError **error)
{
    return xml_prop_two_words(node, name, "yes", "no", ret, quark, error);
}

bool
xml_prop_onoff(const xmlNode *node, const char *name, XmlTristate *ret, GQuark quark,
               GError **error)
{
    return xml_prop_two_words(node, name, "on", "off", ret, quark, error);
}

const char *
xml_tristate_yesno(XmlTristate t)
{
    return t == XML_TRISTATE_YES ? "yes" : t == XML_TRISTATE_NO ? "no" : NULL;
}

const char *
xml_tristate_onoff(XmlTristate t)
{
    return t == XML_TRISTATE_YES ? "on" : t == XML_TRISTATE_NO ? "off" : NULL;
}

bool
xml_prop_enum(const xmlNode *node, const char *name, const char *const *table, int *ret,
              GQuark quark, GError **error)
{
    g_autofree char *v = xml_prop(node, name);

    *ret = -1;
    if (!v)
        return true;
    for (int i = 0; table[i]; i++) {
        if (strcmp(table[i], v) == 0) {
            *ret = i;
            return true;
        }
    }
    g_set_error(error, quark, VIR_ERR_XML_ERROR, "unknown %s '%s' in element '%s'", name, v,
                (const char *)node->name);
    return false;
}

char *
xml_node_to_string(xmlNode *node)
{
    xmlBuffer *xbuf = xmlBufferCreate();
    char *ret;

    xmlNodeDump(xbuf, node->doc, node, 0, 0);
    ret = g_strdup((const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
    return ret;
}

long
xml_line(const xmlNode *node)
{
    return xmlGetLineNo(node);
}
