/*
 * dhcp-release.c: releasing a guest's DHCPv4 lease on its behalf
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/dhcp-release.h"
#include "util/error.h"
#include "util/file.h"

/* RFC 2131 section 2 and RFC 2132: the fixed BOOTP fields, then options. */
#define BOOTP_OP_REQUEST 1
#define BOOTP_HTYPE_ETHER 1
#define BOOTP_OFF_OP 0
#define BOOTP_OFF_HTYPE 1
#define BOOTP_OFF_HLEN 2
#define BOOTP_OFF_XID 4
#define BOOTP_OFF_CIADDR 12
#define BOOTP_OFF_CHADDR 28
#define BOOTP_OFF_COOKIE 236 /* after sname (64) and file (128) */
#define BOOTP_OFF_OPTIONS 240

#define DHCP_OPT_MESSAGE_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_CLIENT_ID 61
#define DHCP_OPT_END 255
#define DHCP_MSG_RELEASE 7
#define DHCP_SERVER_PORT 67

static const unsigned char dhcp_magic_cookie[4] = { 99, 130, 83, 99 };

/* "01:52:54:00:aa:bb:cc" -> bytes; false if it does not parse. */
static bool
dhcp_parse_client_id(const char *text, unsigned char *out, size_t max, size_t *ret_len)
{
    size_t n = 0;
    const char *p = text;

    while (*p) {
        int hi, lo;

        if (n == max || (hi = g_ascii_xdigit_value(p[0])) < 0)
            return false;
        /* one or two hex digits per byte */
        if ((lo = g_ascii_xdigit_value(p[1])) >= 0) {
            out[n++] = (unsigned char)(hi << 4 | lo);
            p += 2;
        } else {
            out[n++] = (unsigned char)hi;
            p += 1;
        }
        if (*p == ':')
            p++;
        else if (*p)
            return false;
    }
    *ret_len = n;
    return n > 0 && p[-1] != ':';
}

bool
dhcp_release_build(const MacAddr *mac, const char *client_ip, const char *server_ip,
                   const char *client_id, guint32 xid, unsigned char buf[DHCP_RELEASE_PACKET_LEN],
                   GError **error)
{
    struct in_addr ciaddr, server;
    unsigned char clid[255];
    size_t clid_len = 0, pos = BOOTP_OFF_OPTIONS;
    guint32 xid_be = htonl(xid);

    if (inet_pton(AF_INET, client_ip, &ciaddr) != 1 ||
        inet_pton(AF_INET, server_ip, &server) != 1) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG,
                    "cannot release lease '%s' at server '%s': not IPv4 addresses", client_ip,
                    server_ip);
        return false;
    }
    if (client_id && *client_id &&
        !dhcp_parse_client_id(client_id, clid, sizeof(clid), &clid_len)) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG,
                    "cannot release lease '%s': invalid client id '%s'", client_ip, client_id);
        return false;
    }
    /* fixed part 240 + type 3 + server 6 + client id 2+255 + end 1 > 300:
     * the client id is what may need the room */
    if (BOOTP_OFF_OPTIONS + 3 + 6 + (clid_len ? 2 + clid_len : 0) + 1 > DHCP_RELEASE_PACKET_LEN) {
        g_set_error(error, NET_ERROR, VIR_ERR_INVALID_ARG,
                    "cannot release lease '%s': client id '%s' is too long", client_ip, client_id);
        return false;
    }
    memset(buf, 0, DHCP_RELEASE_PACKET_LEN);
    buf[BOOTP_OFF_OP] = BOOTP_OP_REQUEST;
    buf[BOOTP_OFF_HTYPE] = BOOTP_HTYPE_ETHER;
    buf[BOOTP_OFF_HLEN] = MAC_LEN;
    memcpy(buf + BOOTP_OFF_XID, &xid_be, 4);
    memcpy(buf + BOOTP_OFF_CIADDR, &ciaddr, 4);
    memcpy(buf + BOOTP_OFF_CHADDR, mac->addr, MAC_LEN);
    memcpy(buf + BOOTP_OFF_COOKIE, dhcp_magic_cookie, 4);
    buf[pos++] = DHCP_OPT_MESSAGE_TYPE;
    buf[pos++] = 1;
    buf[pos++] = DHCP_MSG_RELEASE;
    /* dnsmasq ignores a release whose server identifier is not its own */
    buf[pos++] = DHCP_OPT_SERVER_ID;
    buf[pos++] = 4;
    memcpy(buf + pos, &server, 4);
    pos += 4;
    /* a lease taken with a client id is found by it, not by the MAC */
    if (clid_len) {
        buf[pos++] = DHCP_OPT_CLIENT_ID;
        buf[pos++] = (unsigned char)clid_len;
        memcpy(buf + pos, clid, clid_len);
        pos += clid_len;
    }
    buf[pos] = DHCP_OPT_END;
    return true;
}

bool
dhcp_release_send(const char *ifname, const MacAddr *mac, const char *client_ip,
                  const char *server_ip, const char *client_id, GError **error)
{
    unsigned char packet[DHCP_RELEASE_PACKET_LEN];
    struct sockaddr_in dest = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT) };
    autoclose int fd = -1;

    if (!dhcp_release_build(mac, client_ip, server_ip, client_id, g_random_int(), packet, error))
        return false;
    inet_pton(AF_INET, server_ip, &dest.sin_addr);
    if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot release lease '%s': socket", client_ip);
        return false;
    }
    /* The server's address is local, so the packet travels over lo; bound
     * to the bridge, it still arrives with the bridge as its incoming
     * interface, which is what dnsmasq (bound to the bridge) accepts. */
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0) {
        error_set_errno(error, NET_ERROR, errno, "cannot release lease '%s': cannot bind to '%s'",
                        client_ip, ifname);
        return false;
    }
    if (sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&dest, sizeof(dest)) < 0) {
        error_set_errno(error, NET_ERROR, errno,
                        "cannot send the DHCPRELEASE of lease '%s' to %s on '%s'", client_ip,
                        server_ip, ifname);
        return false;
    }
    return true;
}
