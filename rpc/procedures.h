/*
 * procedures.h: what the dispatcher and the client need to know about each
 * procedure of the REMOTE and keepalive programs
 *
 * Pure data: payload types and sizes, and the access class used by the
 * read-only socket and by the pre-CONNECT_OPEN state. Dispatch lives with
 * the agent; this table only says how to (de)serialise and who may call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "rpc/message.h"

typedef enum {
    /* Changes host state (define, start, autostart...): refused on a
     * read-only connection with VIR_ERR_OPERATION_DENIED. */
    RPC_PROC_FLAG_MUTATES = 1 << 0,
    /* Allowed before CONNECT_OPEN. CONNECT_SUPPORTS_FEATURE carries it but
     * only feature 10 (keepalive) may be asked that early; the dispatcher
     * checks the argument. */
    RPC_PROC_FLAG_BEFORE_OPEN = 1 << 1,
    /* An event the server sends as a MESSAGE; never a CALL. Its body is
     * described by args_proc. */
    RPC_PROC_FLAG_EVENT = 1 << 2,
} RpcProcedureFlags;

typedef struct RpcProcedure {
    int number;
    const char *name;    /* "CONNECT_OPEN": the procedure name without prefix */
    xdrproc_t args_proc; /* CALL payload (or MESSAGE body of an event); NULL: void */
    gsize args_size;     /* sizeof the args struct; 0 when void */
    xdrproc_t ret_proc;  /* REPLY payload with status OK; NULL: void */
    gsize ret_size;      /* 0 when void */
    unsigned int flags;  /* RpcProcedureFlags */
} RpcProcedure;

/* The entry for @number of the REMOTE program, NULL if virtnode does not
 * know it (answer "unknown procedure"). */
const RpcProcedure *rpc_remote_procedure(int number);

/* The entry for @number of the keepalive program (PING, PONG), or NULL. */
const RpcProcedure *rpc_keepalive_procedure(int number);

/* The entry for @procedure of program @prog version @vers, or NULL for an
 * unknown program, version or procedure. */
const RpcProcedure *rpc_procedure_lookup(guint32 prog, guint32 vers, int procedure);

/* The whole table of @prog (sorted by number) and its length in
 * *ret_count; NULL and 0 for an unknown program. For iteration (tests,
 * logging). */
const RpcProcedure *rpc_procedure_table(guint32 prog, gsize *ret_count);
