#!/bin/sh
# net-e2e-nft.sh: tests/net-e2e.sh with the nftables firewall backend
#
# SPDX-License-Identifier: LGPL-2.1-or-later
FW_BACKEND=nftables
export FW_BACKEND
exec /bin/sh "$(dirname "$0")/net-e2e.sh" "$@"
