/*
 * fw-nft.h: the nftables firewall backend (libnftables, in process)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "net/fw.h"

/* The table virtnode owns in each nf_tables family ("ip" and "ip6"). */
#define FW_NFT_TABLE "virtnode"

/* The nftables backend: the owned chains of a ruleset are regular chains
 * of "table ip virtnode" / "table ip6 virtnode", jumped to from base
 * chains of that table named after the parent (INPUT, OUTPUT, FORWARD:
 * type filter, priority filter; POSTROUTING: type nat, priority srcnat,
 * all with policy accept). Base chains and the table are created on
 * first need and deleted when nothing is left in them. Each rule carries
 * the comment fw_nft_rule_comment(), by which it is found again. A
 * transaction reads the table once at begin() and sends everything at
 * commit() in one nft_run_cmd_from_buffer() call (one nf_tables batch:
 * atomic). The netlink socket belongs to the network namespace current at
 * begin(). Never fails to create. */
FwBackend *fw_nft_new(void);

/* The comment that identifies @rule in the owned table: "vn:" and 16 hex
 * digits of the SHA-256 of fw_ruleset_format_line(@rule). Caller frees. */
char *fw_nft_rule_comment(const FwRule *rule);
