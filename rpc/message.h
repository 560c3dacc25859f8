/*
 * message.h: framing and header codec of libvirt's remote wire protocol
 *
 * A message on the wire is a length word (u32, counting the whole message
 * including itself), a 24-byte header (RpcHeader) and an XDR payload whose
 * type depends on the procedure, the message type and the status. This
 * module turns structs into complete frames and received bodies (everything
 * after the length word) back into structs. It knows nothing about sockets.
 *
 * Payload structs are the rpcgen types of rpc/remote_protocol.x. Decoded
 * payloads own their memory (allocated by XDR with malloc); release them
 * with rpc_payload_free(). Structs filled for encoding may borrow strings.
 *
 * Errors are RPC_ERROR / VIR_ERR_RPC with libvirt's wording where clients
 * show it ("Unable to decode message payload").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "rpc/keepalive_protocol.h"
#include "rpc/remote_protocol.h"

/* Sizes on the wire. */
#define RPC_LEN_WORD_SIZE 4
#define RPC_HEADER_SIZE 24
/* Everything after the length word (libvirt 9.0: 32 MiB). */
#define RPC_MESSAGE_MAX (32 * 1024 * 1024)
#define RPC_FRAME_MIN (RPC_LEN_WORD_SIZE + RPC_HEADER_SIZE)
#define RPC_FRAME_MAX (RPC_LEN_WORD_SIZE + RPC_MESSAGE_MAX)
#define RPC_PAYLOAD_MAX (RPC_MESSAGE_MAX - RPC_HEADER_SIZE)
/* Encoding starts with a buffer this large and grows only if needed. */
#define RPC_BUFFER_INITIAL (64 * 1024)

/* Event MESSAGEs carry serial 1, as libvirtd 9.0 sends them (clients ignore
 * the serial of MESSAGEs); keepalive messages carry 0. */
#define RPC_EVENT_SERIAL 1
#define RPC_KEEPALIVE_SERIAL 0

/* xdr_void as an xdrproc_t (its prototype takes no arguments, so a direct
 * cast trips -Wcast-function-type). Where a payload type is asked for, NULL
 * and RPC_XDR_VOID both mean "no payload". */
#define RPC_XDR_VOID ((xdrproc_t)(void (*)(void))xdr_void)

/* True if @length (a received length word) describes a frame that can hold
 * a header and does not exceed RPC_FRAME_MAX. */
bool rpc_frame_length_valid(guint32 length);

/* Reads the length word at @word and validates it (rpc_frame_length_valid);
 * on success *ret_length is the whole frame length, so length - 4 body
 * bytes follow. Fails with VIR_ERR_RPC. */
bool rpc_frame_length_decode(const guint8 *word, guint32 *ret_length, GError **error);

/* Fills @ret_header for a message of the REMOTE program. */
void rpc_header_init(RpcHeader *ret_header, int procedure, RpcMessageType type, guint32 serial,
                     RpcMessageStatus status);

/* Fills @ret_reply as the reply to @call: same program, version, procedure
 * and serial; type REPLY (STREAM stays STREAM); status @status. */
void rpc_header_init_reply(RpcHeader *ret_reply, const RpcHeader *call, RpcMessageStatus status);

/* Encodes a complete frame: length word, @header, then @payload through
 * @proc (NULL or RPC_XDR_VOID for an empty payload). The buffer starts at
 * RPC_BUFFER_INITIAL and grows up to RPC_FRAME_MAX. Returns the frame, or
 * NULL with VIR_ERR_RPC "Unable to encode message payload" when the payload
 * is invalid (e.g. a list or string over its limit) or too large.
 * libtirpc's char/short encoders store each value back (unchanged) while
 * encoding, so @payload must be writable and not encoded by two threads at
 * once. */
GBytes *rpc_message_encode(const RpcHeader *header, xdrproc_t proc, const void *payload,
                           GError **error);

/* Decodes the header at the start of @body (the @body_len bytes after the
 * length word). Fails with VIR_ERR_RPC "Unable to decode message header" if
 * @body is shorter than a header. Field values are not checked. */
bool rpc_header_decode(const guint8 *body, gsize body_len, RpcHeader *ret_header, GError **error);

/* Decodes the payload that follows the header in @body into @ret_payload
 * (@payload_size bytes, zeroed first) through @proc (NULL or RPC_XDR_VOID: no
 * payload). Trailing bytes are tolerated, as libvirt does. On failure
 * (truncated, over a limit, bad presence word...) everything decoded so far
 * is freed, @ret_payload is zeroed and the error is VIR_ERR_RPC "Unable to
 * decode message payload". On success free with rpc_payload_free(). */
bool rpc_payload_decode(const guint8 *body, gsize body_len, xdrproc_t proc, void *ret_payload,
                        gsize payload_size, GError **error);

/* rpc_header_decode() then rpc_payload_decode(). */
bool rpc_message_decode(const guint8 *body, gsize body_len, RpcHeader *ret_header, xdrproc_t proc,
                        void *ret_payload, gsize payload_size, GError **error);

/* Frees what decoding stored in @payload (not @payload itself) and zeroes
 * the pointers; NULL @proc or RPC_XDR_VOID do nothing. */
void rpc_payload_free(xdrproc_t proc, void *payload);

/* Fills @ret_err for encoding as libvirtd does for a plain error: level
 * ERROR, no domain/network, str1..3 absent, int1 = int2 = -1. The message
 * is the string *@message points to (an optional string on the wire is a
 * pointer to the string pointer); both are borrowed, nothing is allocated,
 * so never rpc_payload_free() @ret_err. */
void rpc_error_init(RpcError *ret_err, int code, int domain, const char **message);

/* Encodes the error reply to @call: header as rpc_header_init_reply() with
 * RPC_STATUS_ERROR, payload an RpcError from @code (virErrorNumber),
 * @domain (virErrorDomain) and @message (a complete, human text; NULL uses
 * libvirt's generic text for @code). */
GBytes *rpc_message_encode_error(const RpcHeader *call, int code, int domain, const char *message,
                                 GError **error);

/* rpc_message_encode_error() for an internal GError: its code is the
 * virErrorNumber, its quark (util/error.h) the virErrorDomain, and its
 * message gets libvirt's per-code prefix unless it came from the wire. */
GBytes *rpc_message_encode_gerror(const RpcHeader *call, const GError *err, GError **error);

/* The error a client should report for a decoded error reply: code and
 * domain as sent, message complete (wire quark of the domain). Caller
 * frees. */
GError *rpc_error_to_gerror(const RpcError *err);

/* Fills @ret_dom for encoding; @name is borrowed, @uuid (16 bytes) copied.
 * @id is the running id, or -1 when the domain is inactive. */
void rpc_domain_init(RpcDomain *ret_dom, const char *name, const unsigned char *uuid, int id);

/* Fills @ret_net for encoding; @name is borrowed, @uuid (16 bytes) copied. */
void rpc_network_init(RpcNetwork *ret_net, const char *name, const unsigned char *uuid);

/* Stores a copy of @text including its terminating NUL as a character
 * list (security model, DOI, label), as the protocol wants; an empty @text
 * gives the one-element list [NUL]. It has to be a copy: XDR's char
 * encoder writes every element back, so a list may never point at
 * read-only text. Free *ret_val with g_free() (or rpc_payload_free() of a
 * struct that owns all its pointers). */
void rpc_charlist_set(u_int *ret_len, char **ret_val, const char *text);

/* The C string held by a received character list (the terminating NUL is
 * optional on the wire; text after an embedded NUL is dropped). Caller
 * frees. */
char *rpc_charlist_dup(u_int len, const char *val);
