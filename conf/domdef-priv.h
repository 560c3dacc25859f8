/*
 * domdef-priv.h: shared internals of the domain XML model (conf/domdef*.c)
 *
 * Parsing works on a DomXNode copy of the document: each part "takes" the
 * attributes and children it understands out of its node, and what is left
 * over is written back unchanged, so elements virtnode does not interpret
 * survive a define / dump round trip.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/domdef.h"
#include "util/buf.h"
#include "util/error.h"

/* ---- DomXNode (domdef-xnode.c) ---- */
DomXNode *domx_new(const char *name);
DomXNode *domx_from_xml(const xmlNode *node);
DomXNode *domx_copy(const DomXNode *node);
void domx_free(DomXNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomXNode, domx_free)

const char *domx_attr(const DomXNode *node, const char *name);
/* Removes attribute @name and returns its value (caller frees), NULL if absent. */
char *domx_take_attr(DomXNode *node, const char *name);
void domx_set_attr(DomXNode *node, const char *name, const char *value);
void domx_set_attrf(DomXNode *node, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
DomXNode *domx_child(const DomXNode *node, const char *name);
/* Removes the first child @name and returns it (caller frees), NULL if none. */
DomXNode *domx_take_child(DomXNode *node, const char *name);
/* For elements that occur once: the first child @name, with any repeats
 * dropped (libvirt reads the first only), so none is written back as a
 * leftover that a second parse would read instead. */
DomXNode *domx_take_one(DomXNode *node, const char *name);
/* GCompareDataFunc for arrays of DomXNode*: by the unsigned attribute named
 * by @attr (absent counts as 0). */
int domx_compare_uint_attr(gconstpointer a, gconstpointer b, gpointer attr);
unsigned int domx_count_children(const DomXNode *node, const char *name);
void domx_add_child(DomXNode *node, DomXNode *child); /* takes @child */
bool domx_is_empty(const DomXNode *node);             /* no attributes, text or children */

/* Writes <name attrs>children</name>. */
void domx_format(Buf *buf, const DomXNode *node);
/* Writes only @node's attributes (for an element whose start tag the caller writes). */
void domx_format_attrs(Buf *buf, const DomXNode *node);
/* Writes only @node's children. */
void domx_format_children(Buf *buf, const DomXNode *node);

/* ---- helpers (domdef.c) ---- */
#define DOMDEF_ERROR CONF_DOMAIN_ERROR

/* Scaled integer in KiB from a value and a libvirt unit (b, KB, KiB, MiB...). */
bool domdef_scale_kib(const char *value, const char *unit, const char *what,
                      unsigned long long *ret_kib, GError **error);
/* Normalises a libvirt cpuset/nodeset ("1-3,^2,8") to its canonical form
 * ("1,3,8"). @ret_bits (may be NULL) receives the set. */
bool domdef_bitmap_normalise(const char *text, char **ret_text, GArray **ret_bits, GError **error);
int domdef_enum_lookup(const char *const *table, const char *value);

/* Device info: takes <boot>, <alias>, <address>, <rom>, <acpi>, <master>. */
bool domdef_info_parse(DomXNode *node, DomDeviceInfo *info, GError **error);
void domdef_info_format(Buf *buf, const DomDeviceInfo *info, unsigned int flags);
void domdef_info_clear(DomDeviceInfo *info);

/* ---- per device family ---- */
extern const char *const domdef_disk_bus_names[];
DomDisk *domdef_disk_parse(DomXNode *node, unsigned int flags, GError **error);
void domdef_disk_format(Buf *buf, const DomDisk *disk, unsigned int flags);
void domdef_disk_free(DomDisk *disk);
void domdef_disk_insert(GPtrArray *disks, DomDisk *disk);
bool domdef_disk_assign_address(DomDisk *disk, GError **error);
bool domdef_disk_drive_address(const DomDisk *disk, unsigned int ret_addr[4]);

DomController *domdef_controller_parse(DomXNode *node, GError **error);
void domdef_controller_format(Buf *buf, const DomController *ctrl, unsigned int flags);
void domdef_controller_free(DomController *ctrl);

DomNet *domdef_net_parse(DomXNode *node, unsigned int flags, GError **error);
void domdef_net_format(Buf *buf, const DomNet *net, unsigned int flags);
void domdef_net_free(DomNet *net);

DomGraphics *domdef_graphics_parse(DomXNode *node, unsigned int flags, GError **error);
void domdef_graphics_format(Buf *buf, const DomGraphics *gr, unsigned int flags);
void domdef_graphics_free(DomGraphics *gr);

DomChr *domdef_chr_parse(DomXNode *node, DomChrDeviceType devtype, unsigned int flags,
                         GError **error);
void domdef_chr_format(Buf *buf, const DomChr *chr, unsigned int flags);
void domdef_chr_free(DomChr *chr);
DomChr *domdef_chr_copy(const DomChr *chr);
bool domdef_chr_source_parse(DomXNode *node, DomChrSource *src, DomChrDeviceType devtype,
                             GError **error);
void domdef_chr_source_format(Buf *buf, const DomChrSource *src, unsigned int flags);
void domdef_chr_source_clear(DomChrSource *src);
bool domdef_chr_source_validate(const DomChrSource *src, const DomChr *chr, GError **error);

DomVideo *domdef_video_parse(DomXNode *node, GError **error);
void domdef_video_format(Buf *buf, const DomVideo *video, unsigned int flags);
void domdef_video_free(DomVideo *video);

DomInput *domdef_input_parse(DomXNode *node, const DomDef *def, GError **error);
void domdef_input_format(Buf *buf, const DomInput *input, unsigned int flags);
void domdef_input_free(DomInput *input);

DomMemory *domdef_memory_parse(DomXNode *node, GError **error);
void domdef_memory_format(Buf *buf, const DomMemory *mem, unsigned int flags);
void domdef_memory_free(DomMemory *mem);

DomGenericDevice *domdef_generic_parse(DomXNode *node, GError **error);
void domdef_generic_format(Buf *buf, const DomGenericDevice *dev, unsigned int flags);
void domdef_generic_free(DomGenericDevice *dev);
/* Position of a device element in libvirt's <devices> order, -1 if unknown. */
int domdef_device_order(const char *name);

/* ---- post-parse defaults and checks ---- */
bool domdef_post_parse(DomDef *def, unsigned int flags, GError **error);
