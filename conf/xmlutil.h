/*
 * xmlutil.h: libxml2 helpers shared by the XML models (parsing with useful
 * errors, attribute access with typed conversion, schema validation)
 *
 * All strings returned are GLib-allocated (g_free), never xmlChar*.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdbool.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)

/* libxml2 sets up its global tables on first use without a lock, so a
 * process whose first parses run on several threads at once can corrupt
 * them; libxml2 asks for xmlInitParser() first. Idempotent and thread-safe;
 * the functions below call it, and a multi-threaded program calls it from
 * its main thread before starting threads. */
void xml_init(void);

/* Parses @xml (no network, no entity expansion) and checks that the root
 * element is @root (NULL: any element). @what names the document in messages, as libvirt does
 * ("network_definition"). Malformed XML: VIR_ERR_XML_DETAIL in @quark with
 * "(what):LINE: problem"; wrong root: VIR_ERR_XML_ERROR. */
xmlDoc *xml_parse_string(const char *xml, const char *what, const char *root, GQuark quark,
                         GError **error);

/* Validates @doc against libvirt's RNG schema @schema ("network.rng") from
 * $VIRTNODE_SCHEMA_DIR or /usr/share/libvirt/schemas. No schema installed:
 * VIR_ERR_OPERATION_UNSUPPORTED. Invalid: VIR_ERR_XML_INVALID_SCHEMA. */
bool xml_validate_schema(xmlDoc *doc, const char *schema, GQuark quark, GError **error);

/* Attribute @name of @node, NULL if absent. */
char *xml_prop(const xmlNode *node, const char *name);
/* Text content of @node, NULL if @node is NULL. */
char *xml_text(const xmlNode *node);

/* First element child of @node named @name, NULL if none. */
xmlNode *xml_child(const xmlNode *node, const char *name);
/* Element children of @node named @name (all elements if @name is NULL);
 * the array does not own the nodes. */
GPtrArray *xml_children(const xmlNode *node, const char *name);
/* Text of the first child element @name, NULL if absent. */
char *xml_child_text(const xmlNode *node, const char *name);

/* Typed attributes. Absent: returns true and leaves *ret unchanged with
 * *ret_present = false (ret_present may be NULL). Present but invalid:
 * VIR_ERR_XML_ERROR naming the attribute, the element and the value. */
bool xml_prop_uint(const xmlNode *node, const char *name, unsigned int *ret, bool *ret_present,
                   GQuark quark, GError **error);
bool xml_prop_int(const xmlNode *node, const char *name, int *ret, bool *ret_present, GQuark quark,
                  GError **error);
bool xml_prop_ullong(const xmlNode *node, const char *name, unsigned long long *ret,
                     bool *ret_present, GQuark quark, GError **error);

/* A libvirt tristate attribute: absent -> XML_TRISTATE_ABSENT. @kind chooses
 * the words: "yes"/"no" or "on"/"off". */
typedef enum {
    XML_TRISTATE_ABSENT = 0,
    XML_TRISTATE_YES,
    XML_TRISTATE_NO,
} XmlTristate;
bool xml_prop_yesno(const xmlNode *node, const char *name, XmlTristate *ret, GQuark quark,
                    GError **error);
bool xml_prop_onoff(const xmlNode *node, const char *name, XmlTristate *ret, GQuark quark,
                    GError **error);
const char *xml_tristate_yesno(XmlTristate t); /* NULL for ABSENT */
const char *xml_tristate_onoff(XmlTristate t);

/* Looks up attribute @name in a NULL-terminated table of names; absent
 * leaves *ret at -1. Unknown value: VIR_ERR_XML_ERROR naming element,
 * attribute and value. */
bool xml_prop_enum(const xmlNode *node, const char *name, const char *const *table, int *ret,
                   GQuark quark, GError **error);

/* Serialises @node and its subtree (for pass-through elements such as
 * <metadata> children), without a trailing newline. */
char *xml_node_to_string(xmlNode *node);

/* Line of @node in its document, for messages. */
long xml_line(const xmlNode *node);
