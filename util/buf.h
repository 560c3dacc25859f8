/*
 * buf.h: growable text buffer that indents and escapes, for XML output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct Buf {
    GString *str;
    int indent; /* spaces written at the start of each line */
} Buf;

Buf *buf_new(void);
void buf_free(Buf *buf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Buf, buf_free)

/* Changes the indentation of lines started from now on (may be negative). */
void buf_adjust_indent(Buf *buf, int delta);

/* Appends formatted text; each new line starts with the current indent. */
void buf_addf(Buf *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void buf_add(Buf *buf, const char *text);

/* Appends @value escaped for XML text or attribute content. */
void buf_add_escaped(Buf *buf, const char *value);

/* Appends " name='VALUE'" with VALUE formatted, then escaped. */
void buf_add_attr(Buf *buf, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Writes <name ATTRS/> when @children is empty, else <name ATTRS>, the
 * children and </name>. @attrs holds " a='1' b='2'" (may be NULL); @children
 * must have been built with an indent two deeper than @out's. Both are
 * emptied. */
void buf_add_element(Buf *out, const char *name, Buf *attrs, Buf *children);

/* A child buffer indented two spaces deeper than @parent. */
Buf *buf_new_child(const Buf *parent);

bool buf_is_empty(const Buf *buf);
const char *buf_peek(const Buf *buf);
char *buf_steal(Buf *buf);
