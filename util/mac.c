/*
 * mac.c: Ethernet MAC addresses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "util/mac.h"

bool
mac_parse(const char *text, MacAddr *ret_mac)
{
    const char *p = text;

    for (size_t i = 0; i < MAC_LEN; i++) {
        int hi, lo;

        hi = g_ascii_xdigit_value(*p);
        if (hi < 0)
            return false;
        p++;
        lo = g_ascii_xdigit_value(*p);
        if (lo >= 0) {
            ret_mac->addr[i] = (unsigned char)(hi << 4 | lo);
            p++;
        } else {
            ret_mac->addr[i] = (unsigned char)hi;
        }
        if (i < MAC_LEN - 1) {
            if (*p != ':')
                return false;
            p++;
        }
    }
    return *p == '\0';
}

void
mac_format(const MacAddr *mac, char ret_text[MAC_STRING_LEN])
{
    const unsigned char *a = mac->addr;

    g_snprintf(ret_text, MAC_STRING_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3],
               a[4], a[5]);
}

bool
mac_is_multicast(const MacAddr *mac)
{
    return mac->addr[0] & 0x01;
}

bool
mac_is_null(const MacAddr *mac)
{
    static const unsigned char zero[MAC_LEN];

    return memcmp(mac->addr, zero, MAC_LEN) == 0;
}

bool
mac_equal(const MacAddr *a, const MacAddr *b)
{
    return memcmp(a->addr, b->addr, MAC_LEN) == 0;
}

void
mac_generate(const unsigned char prefix[3], MacAddr *ret_mac)
{
    memcpy(ret_mac->addr, prefix, 3);
    for (size_t i = 3; i < MAC_LEN; i++)
        ret_mac->addr[i] = (unsigned char)g_random_int_range(0, 256);
}
