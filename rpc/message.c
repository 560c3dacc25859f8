/*
 * message.c: framing and header codec of libvirt's remote wire protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "rpc/message.h"
#include "util/error.h"

bool
rpc_frame_length_valid(guint32 length)
{
    return length >= RPC_FRAME_MIN && length <= RPC_FRAME_MAX;
}

bool
rpc_frame_length_decode(const guint8 *word, guint32 *ret_length, GError **error)
{
    guint32 length;

    memcpy(&length, word, sizeof(length));
    length = GUINT32_FROM_BE(length);
    if (!rpc_frame_length_valid(length)) {
        g_set_error(error, RPC_ERROR, VIR_ERR_RPC,
                    "message length %u is out of range (%u to %u bytes)", length, RPC_FRAME_MIN,
                    RPC_FRAME_MAX);
        return false;
    }
    *ret_length = length;
    return true;
}

void
rpc_header_init(RpcHeader *ret_header, int procedure, RpcMessageType type, guint32 serial,
                RpcMessageStatus status)
{
    ret_header->prog = RPC_REMOTE_PROGRAM;
    ret_header->vers = RPC_REMOTE_VERSION;
    ret_header->procedure = procedure;
    ret_header->type = type;
    ret_header->serial = serial;
    ret_header->status = status;
}

void
rpc_header_init_reply(RpcHeader *ret_reply, const RpcHeader *call, RpcMessageStatus status)
{
    *ret_reply = *call;
    /* The client matches replies by program, version, procedure and serial;
     * only streams answer in kind. */
    if (call->type != RPC_TYPE_STREAM)
        ret_reply->type = RPC_TYPE_REPLY;
    ret_reply->status = status;
}

static bool
proc_is_void(xdrproc_t proc)
{
    return !proc || proc == RPC_XDR_VOID;
}

/* One encoding attempt into @buf; *ret_len is the frame length. */
static bool
encode_into(guint8 *buf, guint size, const RpcHeader *header, xdrproc_t proc, const void *payload,
            guint *ret_len)
{
    XDR xdr;
    u_int placeholder = 0;
    bool ok;

    xdrmem_create(&xdr, (char *)buf, size, XDR_ENCODE);
    /* XDR only reads the header and payload when encoding. */
    ok = xdr_u_int(&xdr, &placeholder) && xdr_RpcHeader(&xdr, (RpcHeader *)header) &&
         (proc_is_void(proc) || proc(&xdr, (void *)payload));
    if (ok)
        *ret_len = xdr_getpos(&xdr);
    xdr_destroy(&xdr);
    return ok;
}

GBytes *
rpc_message_encode(const RpcHeader *header, xdrproc_t proc, const void *payload, GError **error)
{
    g_autofree guint8 *buf = g_malloc(RPC_BUFFER_INITIAL);
    guint len = 0;
    guint32 word;

    if (!encode_into(buf, RPC_BUFFER_INITIAL, header, proc, payload, &len)) {
        /* Either the payload does not fit or it is invalid. Rather than
         * retrying with ever larger buffers, ask XDR for the exact size: 0
         * means the payload cannot be encoded at all. */
        unsigned long need = proc_is_void(proc) ? 0 : xdr_sizeof(proc, (void *)payload);

        if (need == 0 || need > RPC_PAYLOAD_MAX) {
            g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to encode message payload");
            return NULL;
        }
        need += RPC_FRAME_MIN;
        g_free(buf);
        buf = g_malloc(need);
        if (!encode_into(buf, need, header, proc, payload, &len)) {
            g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to encode message payload");
            return NULL;
        }
    }
    word = GUINT32_TO_BE(len);
    memcpy(buf, &word, sizeof(word));
    /* Queued messages should not pin the whole initial buffer. */
    buf = g_realloc(buf, len);
    return g_bytes_new_take(g_steal_pointer(&buf), len);
}

bool
rpc_header_decode(const guint8 *body, gsize body_len, RpcHeader *ret_header, GError **error)
{
    XDR xdr;
    bool ok;

    memset(ret_header, 0, sizeof(*ret_header));
    if (body_len < RPC_HEADER_SIZE) {
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to decode message header");
        return false;
    }
    xdrmem_create(&xdr, (char *)body, RPC_HEADER_SIZE, XDR_DECODE);
    ok = xdr_RpcHeader(&xdr, ret_header);
    xdr_destroy(&xdr);
    if (!ok) {
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to decode message header");
        return false;
    }
    return true;
}

bool
rpc_payload_decode(const guint8 *body, gsize body_len, xdrproc_t proc, void *ret_payload,
                   gsize payload_size, GError **error)
{
    XDR xdr;
    bool ok;

    if (payload_size)
        memset(ret_payload, 0, payload_size);
    if (body_len < RPC_HEADER_SIZE || body_len > RPC_MESSAGE_MAX) {
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to decode message payload");
        return false;
    }
    if (proc_is_void(proc))
        return true;

    /* XDR never writes to a stream it decodes. */
    xdrmem_create(&xdr, (char *)body + RPC_HEADER_SIZE, body_len - RPC_HEADER_SIZE, XDR_DECODE);
    ok = proc(&xdr, ret_payload);
    xdr_destroy(&xdr);
    if (!ok) {
        xdr_free(proc, ret_payload);
        if (payload_size)
            memset(ret_payload, 0, payload_size);
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_RPC, "Unable to decode message payload");
        return false;
    }
    return true;
}

bool
rpc_message_decode(const guint8 *body, gsize body_len, RpcHeader *ret_header, xdrproc_t proc,
                   void *ret_payload, gsize payload_size, GError **error)
{
    if (!rpc_header_decode(body, body_len, ret_header, error)) {
        if (payload_size)
            memset(ret_payload, 0, payload_size);
        return false;
    }
    return rpc_payload_decode(body, body_len, proc, ret_payload, payload_size, error);
}

void
rpc_payload_free(xdrproc_t proc, void *payload)
{
    if (!payload || proc_is_void(proc))
        return;
    xdr_free(proc, payload);
}

void
rpc_error_init(RpcError *ret_err, int code, int domain, const char **message)
{
    memset(ret_err, 0, sizeof(*ret_err));
    ret_err->code = code;
    ret_err->domain = domain;
    ret_err->level = VIR_ERR_ERROR;
    ret_err->message = (RpcStr *)message;
    ret_err->int1 = -1;
    ret_err->int2 = -1;
}

GBytes *
rpc_message_encode_error(const RpcHeader *call, int code, int domain, const char *message,
                         GError **error)
{
    g_autofree char *fallback = NULL;
    RpcHeader header;
    RpcError err;

    /* virsh prints the message after "error: ", so always send one. */
    if (!message || !*message)
        message = fallback = error_format_message(code, NULL);
    rpc_header_init_reply(&header, call, RPC_STATUS_ERROR);
    rpc_error_init(&err, code, domain, &message);
    return rpc_message_encode(&header, (xdrproc_t)xdr_RpcError, &err, error);
}

GBytes *
rpc_message_encode_gerror(const RpcHeader *call, const GError *err, GError **error)
{
    bool formatted = false;
    int domain = error_quark_domain(err->domain, &formatted);
    g_autofree char *message =
        formatted ? g_strdup(err->message) : error_format_message(err->code, err->message);

    return rpc_message_encode_error(call, err->code, domain, message, error);
}

GError *
rpc_error_to_gerror(const RpcError *err)
{
    const char *message = err->message && *err->message ? *err->message : NULL;
    g_autofree char *fallback = NULL;

    if (!message)
        message = fallback = error_format_message(err->code, NULL);
    return g_error_new_literal(error_wire_quark(err->domain), err->code, message);
}

void
rpc_domain_init(RpcDomain *ret_dom, const char *name, const unsigned char *uuid, int id)
{
    ret_dom->name = (char *)name;
    memcpy(ret_dom->uuid, uuid, RPC_UUID_LEN);
    ret_dom->id = id;
}

void
rpc_network_init(RpcNetwork *ret_net, const char *name, const unsigned char *uuid)
{
    ret_net->name = (char *)name;
    memcpy(ret_net->uuid, uuid, RPC_UUID_LEN);
}

void
rpc_charlist_set(u_int *ret_len, char **ret_val, const char *text)
{
    *ret_len = strlen(text) + 1;
    *ret_val = g_memdup2(text, *ret_len);
}

char *
rpc_charlist_dup(u_int len, const char *val)
{
    return g_strndup(val ? val : "", val ? len : 0);
}
