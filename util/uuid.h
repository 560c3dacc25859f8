/*
 * uuid.h: binary and text UUIDs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#define UUID_LEN 16
#define UUID_STRING_LEN 37 /* with the NUL */

/* Random (version 4) UUID. */
void uuid_generate(unsigned char ret_uuid[UUID_LEN]);

/* Accepts 32 hex digits, optionally separated by '-' between byte pairs and
 * surrounded by blanks, as libvirt does. */
bool uuid_parse(const char *text, unsigned char ret_uuid[UUID_LEN]);

void uuid_format(const unsigned char uuid[UUID_LEN], char ret_text[UUID_STRING_LEN]);

/* True if every byte is the same (libvirt rejects such UUIDs). */
bool uuid_is_degenerate(const unsigned char uuid[UUID_LEN]);
