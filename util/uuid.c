/*
 * uuid.c: binary and text UUIDs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "util/uuid.h"

void
uuid_generate(unsigned char ret_uuid[UUID_LEN])
{
    g_autofree char *text = g_uuid_string_random();
    bool ok = uuid_parse(text, ret_uuid);

    g_assert(ok);
}

bool
uuid_parse(const char *text, unsigned char ret_uuid[UUID_LEN])
{
    const char *p = text;
    size_t i = 0;

    while (g_ascii_isspace(*p))
        p++;
    while (i < UUID_LEN) {
        int hi, lo;

        if (*p == '-') {
            p++;
            continue;
        }
        hi = g_ascii_xdigit_value(p[0]);
        if (hi < 0)
            return false;
        lo = g_ascii_xdigit_value(p[1]);
        if (lo < 0)
            return false;
        ret_uuid[i++] = (unsigned char)(hi << 4 | lo);
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p == '\0';
}

void
uuid_format(const unsigned char uuid[UUID_LEN], char ret_text[UUID_STRING_LEN])
{
    g_snprintf(ret_text, UUID_STRING_LEN,
               "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
               uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
               uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

bool
uuid_is_degenerate(const unsigned char uuid[UUID_LEN])
{
    for (size_t i = 1; i < UUID_LEN; i++) {
        if (uuid[i] != uuid[0])
            return false;
    }
    return true;
}
