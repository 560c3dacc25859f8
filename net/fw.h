/*
 * fw.h: the firewall of virtual networks, as data
 *
 * fw_build() turns a network definition into the complete, ordered list of
 * rules it needs (IPv4 and IPv6), in chains owned by virtnode that the
 * built-in chains jump to. A backend (libiptc in production, "record" in
 * tests) applies or removes such a list; fw_apply() and fw_remove() drive
 * it, one transaction (and one commit) per family and table, and undo
 * their own work when a step fails (STYLE.md §7). What each forward mode
 * gets and why: docs/firewall.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/netdef.h"

typedef enum {
    FW_TABLE_FILTER,
    FW_TABLE_NAT,
    FW_TABLE_LAST,
} FwTable;

typedef enum {
    FW_PROTO_ANY,
    FW_PROTO_TCP,
    FW_PROTO_UDP,
    FW_PROTO_LAST,
} FwProto;

typedef enum {
    FW_TARGET_ACCEPT,
    FW_TARGET_REJECT, /* icmp(6) port unreachable, as iptables' default */
    FW_TARGET_RETURN,
    FW_TARGET_MASQUERADE, /* optional port range */
    FW_TARGET_SNAT,       /* address range (<nat><address>), optional port range */
    FW_TARGET_JUMP,       /* to the chain in FwRule.jump */
    FW_TARGET_LAST,
} FwTarget;

/* conntrack states matched with "--ctstate" (bit mask; 0: no conntrack match) */
typedef enum {
    FW_CTSTATE_ESTABLISHED = 1 << 0,
    FW_CTSTATE_RELATED = 1 << 1,
} FwCtState;

/* The longest chain name libiptc takes, NUL included (xt_chainlabel). */
#define FW_CHAIN_MAX 32

/* The chains virtnode owns and the built-in chain each is jumped to from. */
#define FW_CHAIN_INPUT "VNODE_INP"       /* filter INPUT: DHCP/DNS/TFTP to the host */
#define FW_CHAIN_OUTPUT "VNODE_OUT"      /* filter OUTPUT: DHCP replies */
#define FW_CHAIN_FWD_X "VNODE_FWX"       /* filter FORWARD: guest <-> guest on one bridge */
#define FW_CHAIN_FWD_IN "VNODE_FWI"      /* filter FORWARD: into a network */
#define FW_CHAIN_FWD_OUT "VNODE_FWO"     /* filter FORWARD: out of a network */
#define FW_CHAIN_POSTROUTING "VNODE_PRT" /* nat POSTROUTING: masquerading */

/* An address prefix; len 0 means "any" (the address is then ignored). */
typedef struct FwPrefix {
    uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
    unsigned int len;
} FwPrefix;

/* One rule. Strings are borrowed: in a FwRuleset they belong to it. */
typedef struct FwRule {
    int family; /* AF_INET or AF_INET6 */
    FwTable table;
    const char *chain;
    const char *in_if, *out_if; /* NULL: any */
    FwPrefix src, dst;
    bool dst_negated; /* "! -d" */
    FwProto proto;
    unsigned int dport;   /* 0: any (needs a proto) */
    unsigned int ctstate; /* FwCtState bits, 0: none */
    FwTarget target;
    const char *jump; /* FW_TARGET_JUMP: the chain jumped to */
    /* FW_TARGET_SNAT: the source address range (IPv4, network order) */
    uint8_t nat_addr_start[4], nat_addr_end[4];
    /* MASQUERADE/SNAT: the source port range, 0/0 when not given */
    unsigned int nat_port_start, nat_port_end;
} FwRule;

/* An owned chain and the built-in chain that jumps to it (one jump, at
 * the top of @parent; foreign rules keep their order after it). */
typedef struct FwChain {
    int family;
    FwTable table;
    const char *name;
    const char *parent;
} FwChain;

/* An ordered list of rules plus the owned chains they live in. */
typedef struct FwRuleset {
    GArray *rules;         /* FwRule, in the order they are added */
    GArray *chains;        /* FwChain: jumps end up in this order per parent */
    GStringChunk *strings; /* what the rules and chains point to */
} FwRuleset;

const char *fw_table_to_string(FwTable table);
int fw_table_from_string(const char *text); /* -1 if unknown */
const char *fw_target_to_string(FwTarget target);
int fw_target_from_string(const char *text); /* -1 if unknown */

/* An empty ruleset; never fails. */
FwRuleset *fw_ruleset_new(void);
/* Frees @rs; accepts NULL. */
void fw_ruleset_free(FwRuleset *rs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FwRuleset, fw_ruleset_free)

/* Appends a copy of @rule (its strings copied into @rs). */
void fw_ruleset_add_rule(FwRuleset *rs, const FwRule *rule);
/* Declares an owned chain (ignored if already declared). */
void fw_ruleset_add_chain(FwRuleset *rs, int family, FwTable table, const char *name,
                          const char *parent);

/* The complete rule set of network @def whose bridge is @bridge (the
 * name the network runs with; may differ from def->bridge), for IPv4 and
 * IPv6, in the order it must be applied. Pure: reads nothing but its
 * arguments. Modes without rules (open, bridge, direct, hostdev) give an
 * empty set. Errors (NET_ERROR): no bridge name for a mode that needs one
 * (VIR_ERR_INTERNAL_ERROR), an interface name too long for the kernel
 * (VIR_ERR_CONFIG_UNSUPPORTED), an address that does not parse
 * (VIR_ERR_INTERNAL_ERROR). */
FwRuleset *fw_build(const NetDef *def, const char *bridge, GError **error);

/* One rule as the record backend writes it, iptables-save-like:
 * "nat VNODE_PRT -s 192.168.122.0/24 ! -d 192.168.122.0/24 -p tcp -j MASQUERADE
 * --to-ports 1024-65535"; IPv6 rules start with "-6 " (iptables-restore's
 * family marker). Everything after the chain name is valid iptables
 * syntax. Caller frees. */
char *fw_ruleset_format_line(const FwRule *rule);
/* An owned chain: "[-6 ]TABLE :NAME PARENT". Caller frees. */
char *fw_chain_format_line(const FwChain *chain);
/* All chains, then all rules, one line each. Caller frees. */
char *fw_ruleset_format(const FwRuleset *rs);

/* A firewall backend. Work happens in transactions on one table of one
 * family: begin(), then chain and rule operations, then commit() (the one
 * atomic change of that table) or abort() (nothing changes). Backends
 * embed this struct first and fill the members. */
typedef struct FwBackend FwBackend;
struct FwBackend {
    const char *name;
    bool (*begin)(FwBackend *be, int family, FwTable table, GError **error);
    /* Creates the chain unless it exists and puts the jump from its parent
     * at the top unless there is one; *ret_created tells whether anything
     * was created (and must be undone). */
    bool (*add_chain)(FwBackend *be, const FwChain *chain, bool *ret_created, GError **error);
    /* Deletes the chain and its jump if the chain holds no rule; a chain
     * still in use (another network's rules) or absent is no error. */
    bool (*remove_chain)(FwBackend *be, const FwChain *chain, GError **error);
    /* Appends the rule to its chain unless an identical one is there
     * (*ret_added false then). */
    bool (*add)(FwBackend *be, const FwRule *rule, bool *ret_added, GError **error);
    /* Deletes one rule identical to @rule; absent is no error. */
    bool (*remove)(FwBackend *be, const FwRule *rule, GError **error);
    bool (*commit)(FwBackend *be, GError **error); /* ends the transaction either way */
    void (*abort)(FwBackend *be);
    void (*free)(FwBackend *be);
};

/* Frees a backend; accepts NULL. */
void fw_backend_free(FwBackend *be);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FwBackend, fw_backend_free)

/* Adds @rs through @be: per family and table (IPv4 filter, IPv4 nat,
 * IPv6 filter, IPv6 nat) the chains, then the rules in order, then one
 * commit. On failure everything this call added is removed again, in
 * reverse (rules and chains that were there before stay), and *error
 * holds the first error. */
bool fw_apply(FwBackend *be, const FwRuleset *rs, GError **error);

/* Removes exactly the rules of @rs (absent ones are skipped), then the
 * owned chains left empty and their jumps; one commit per table. Goes
 * on after an error; *error holds the first. */
bool fw_remove(FwBackend *be, const FwRuleset *rs, GError **error);

/* The test-only backend: applies rules to an in-memory model of the
 * tables (so duplicates, chain use and undo behave as in the kernel) and,
 * at each commit, appends what changed to @out (borrowed; must outlive
 * the backend), one line per operation: added chains and rules as
 * fw_chain_format_line()/fw_ruleset_format_line(), removals prefixed
 * "del ", then "[-6 ]TABLE COMMIT". */
FwBackend *fw_record_new(GString *out);
/* Makes the @nth (1-based) later call of add (rules only) or commit fail
 * with VIR_ERR_SYSTEM_ERROR, for testing undo; 0 disables. */
void fw_record_fail_add(FwBackend *be, unsigned int nth);
void fw_record_fail_commit(FwBackend *be, unsigned int nth);
/* The model's current rules, as "[-6 ]TABLE CHAIN ..." lines in chain
 * order (chains in creation order, then rules in order). Caller frees. */
char *fw_record_dump(FwBackend *be);

/* The libiptc backend (libip4tc/libip6tc). The xtables lock
 * (XTABLES_LOCKFILE, else /run/xtables.lock) is held from begin() to
 * commit()/abort(); a commit racing with another writer (EAGAIN) is
 * redone on a fresh copy of the table. Sockets belong to the network
 * namespace current at begin(). Never fails to create. */
FwBackend *fw_iptc_new(void);
