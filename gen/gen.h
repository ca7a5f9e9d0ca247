/* Synthetic workloads (internal): the contracts' assembly sources and their
 * ABI constants, shared by the generator (gen/gen.c) and the tests. The
 * public entry points are in include/seer/gen.h. */
#ifndef SEER_GEN_GEN_H
#define SEER_GEN_GEN_H

#include "seer/gen.h"

#include <stddef.h>
#include <stdint.h>

/* Solidity-compatible 4-byte selectors (keccak256 of the signature). */
#define SEER_SEL_TRANSFER      0xa9059cbbu /* transfer(address,uint256) */
#define SEER_SEL_TRANSFER_FROM 0x23b872ddu /* transferFrom(address,address,uint256) */
#define SEER_SEL_APPROVE       0x095ea7b3u /* approve(address,uint256) */
#define SEER_SEL_BALANCE_OF    0x70a08231u /* balanceOf(address) */
#define SEER_SEL_TOTAL_SUPPLY  0x18160dddu /* totalSupply() */
#define SEER_SEL_ALLOWANCE     0xdd62ed3eu /* allowance(address,address) */
#define SEER_SEL_SWAP          0x022c0d9fu /* swap(uint256,uint256,address,bytes) */
#define SEER_SEL_GET_RESERVES  0x0902f1acu /* getReserves() */
#define SEER_SEL_TOKEN0        0x0dfe1681u /* token0() */
#define SEER_SEL_TOKEN1        0xd21220a7u /* token1() */
#define SEER_SEL_SWAP_EXACT_IN 0x10b84623u /* swapExactIn(address,address,uint256,uint256) */
#define SEER_SEL_MINT          0x6a627842u /* mint(address) */
#define SEER_SEL_OWNER_OF      0x6352211eu /* ownerOf(uint256) */
#define SEER_SEL_SET           0x60fe47b1u /* set(uint256) */
#define SEER_SEL_BUMP          0x68110b2fu /* bump() */
#define SEER_SEL_DEPLOY        0xa5e38751u /* deploy(uint256) */
#define SEER_SEL_CYCLE         0x9e048952u /* cycle(uint256) */
#define SEER_SEL_RECORD        0x266cf109u /* record() */
#define SEER_SEL_INCREMENT     0xd09de08au /* increment() */

/* Storage slots, as solc would lay the contracts out. */
#define SEER_ERC20_SLOT_BALANCES  0 /* mapping(address => uint256) */
#define SEER_ERC20_SLOT_ALLOWANCE 1 /* mapping(address => mapping(address => uint256)) */
#define SEER_ERC20_SLOT_SUPPLY    2
#define SEER_PAIR_SLOT_TOKEN0     6
#define SEER_PAIR_SLOT_TOKEN1     7
#define SEER_PAIR_SLOT_RESERVE0   8
#define SEER_PAIR_SLOT_RESERVE1   9
#define SEER_NFT_SLOT_OWNERS      2 /* mapping(uint256 => address) */
#define SEER_NFT_SLOT_BALANCES    3 /* mapping(address => uint256) */
#define SEER_NFT_SLOT_COUNTER     6 /* the last minted id */

/* The runtime sources (assembly for gen/asm.h). */
extern const char seer_gen_src_erc20[];
extern const char seer_gen_src_pair[];
extern const char seer_gen_src_router[];
extern const char seer_gen_src_nft[];
extern const char seer_gen_src_indirect[];
extern const char seer_gen_src_counter[];
extern const char seer_gen_src_child[];
extern const char seer_gen_src_child_ctor[];
extern const char seer_gen_src_coinbase_reader[];
/** The factory's source is a printf format: %u and %u, the length of the
 *  child's initcode (for CODECOPY and CREATE2), then %s, the initcode as
 *  hex without 0x, embedded at the end. */
extern const char seer_gen_src_factory_fmt[];

/** Assembles the CREATE2 child's initcode (constructor + runtime) and the
 *  factory's runtime that embeds it.
 *  Returns: 0 or the assembler's error.
 *  Out:     malloc'd buffers, freed with free(). */
int seer_gen_factory_code(uint8_t **factory, size_t *factory_len, uint8_t **child_init,
                          size_t *child_init_len);

/** The mapping slot keccak256(key . slot) as solc computes it, for an
 *  address key (left-padded to 32 bytes). */
void seer_gen_map_slot_addr(uint8_t out[32], const seer_address *key, uint64_t slot);
/** keccak256(key . slot) for 32-byte words. */
void seer_gen_map_slot(uint8_t out[32], const uint8_t key[32], const uint8_t slot[32]);
/** The ERC-20 allowance slot keccak256(spender . keccak256(owner . 1)). */
void seer_gen_allowance_slot(uint8_t out[32], const seer_address *owner, const seer_address *spender);

#endif
