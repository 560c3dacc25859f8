/*
 * mac.h: Ethernet MAC addresses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#define MAC_LEN 6
#define MAC_STRING_LEN 18 /* with the NUL */

typedef struct MacAddr {
    unsigned char addr[MAC_LEN];
} MacAddr;

/* "52:54:00:AB:cd:01" (1 or 2 hex digits per byte, ':' separated). */
bool mac_parse(const char *text, MacAddr *ret_mac);

/* Lower-case, two digits per byte, as libvirt formats. */
void mac_format(const MacAddr *mac, char ret_text[MAC_STRING_LEN]);

bool mac_is_multicast(const MacAddr *mac);
bool mac_is_null(const MacAddr *mac);
bool mac_equal(const MacAddr *a, const MacAddr *b);

/* Random address under the 3-byte @prefix (52:54:00 for QEMU guests). */
void mac_generate(const unsigned char prefix[3], MacAddr *ret_mac);
