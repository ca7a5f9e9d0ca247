/* The synthetic workloads' contracts, as assembly for gen/asm.h.
 *
 * No Solidity compiler is available to this project, so the contracts are
 * written by hand, but with solc's conventions wherever a static analyzer
 * would look: the 4-byte selector dispatch on calldata[0:4], mapping slots
 * keccak256(key . slot), nested mappings keccak256(k2 . keccak256(k1 .
 * slot)), address arguments masked to 160 bits, non-payable functions
 * reverting on value, and the standard event topics.
 *
 * Memory conventions: [0, 64) is the keccak scratch for mapping slots;
 * 0x80.. holds a function's arguments; 0x100.. is the outgoing calldata of
 * an external call and 0x200.. its return data. */
#include "gen/gen.h"

#include "common/keccak.h"
#include "common/util.h"
#include "gen/asm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Snippets shared by the sources (C string pasting, so the assembler needs
 * no macro language). */
#define MASK_ADDR " PUSH20 0xffffffffffffffffffffffffffffffffffffffff AND "
/* key on the stack -> keccak256(key . slot) on the stack */
#define MAP(slot)       " PUSH0 MSTORE PUSH " #slot " PUSH 32 MSTORE PUSH 64 PUSH0 KECCAK256 "
#define SELECTOR        " PUSH0 CALLDATALOAD PUSH 0xe0 SHR "
#define ROUTE(sel, lbl) " DUP1 PUSH " #sel " EQ @" #lbl " JUMPI\n"
/* places a selector at 0x100 for an external call */
#define CALL_SEL(sel)  " PUSH " #sel " PUSH 0xe0 SHL PUSH 0x100 MSTORE "
#define RETURN_WORD    " PUSH0 MSTORE PUSH 32 PUSH0 RETURN "
#define NONPAYABLE     " CALLVALUE @fail JUMPI\n"
#define FAIL           "fail: PUSH0 PUSH0 REVERT\n"
#define TOPIC_TRANSFER " PUSH32 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef "
#define TOPIC_APPROVAL " PUSH32 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925 "
#define TOPIC_SYNC     " PUSH32 0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1 "

/* ERC-20.
 * Storage: slot 0 balanceOf (mapping address => uint256), slot 1 allowance
 * (owner => spender => uint256), slot 2 totalSupply.
 * ABI: transfer(address,uint256), transferFrom(address,address,uint256),
 * approve(address,uint256) return true; balanceOf(address),
 * allowance(address,address), totalSupply() return uint256. Transfer and
 * Approval events as ERC-20 specifies. No overflow check on the credit:
 * the supply fits in 256 bits by construction of the pre-state. */
const char seer_gen_src_erc20[] = NONPAYABLE SELECTOR "\n" ROUTE(0xa9059cbb, transfer)
    ROUTE(0x23b872dd, transferFrom) ROUTE(0x095ea7b3, approve) ROUTE(0x70a08231, balanceOf)
        ROUTE(0xdd62ed3e, allowance) ROUTE(0x18160ddd, totalSupply) FAIL
    "transfer:\n"
    "  CALLER PUSH 0x80 MSTORE\n"
    "  PUSH 4 CALLDATALOAD" MASK_ADDR "PUSH 0xa0 MSTORE\n"
    "  PUSH 36 CALLDATALOAD PUSH 0xc0 MSTORE\n"
    "  @ret_true @move JUMP\n"
    "transferFrom:\n"
    "  PUSH 4 CALLDATALOAD" MASK_ADDR "PUSH 0x80 MSTORE\n"
    "  PUSH 36 CALLDATALOAD" MASK_ADDR "PUSH 0xa0 MSTORE\n"
    "  PUSH 68 CALLDATALOAD PUSH 0xc0 MSTORE\n"
    "  ; allowance[from][caller] -= amount (reverts when short)\n"
    "  PUSH 0x80 MLOAD" MAP(
        1) "PUSH 32 MSTORE CALLER PUSH0 MSTORE PUSH 64 PUSH0 KECCAK256\n"
           "  DUP1 SLOAD PUSH 0xc0 MLOAD DUP1 DUP3 LT @fail JUMPI\n"
           "  SWAP1 SUB SWAP1 SSTORE\n"
           "  @ret_true @move JUMP\n"
           "approve:\n"
           "  CALLER" MAP(
               1) "PUSH 32 MSTORE\n"
                  "  PUSH 4 CALLDATALOAD" MASK_ADDR
                  "DUP1 PUSH 0xa0 MSTORE PUSH0 MSTORE PUSH 64 PUSH0 KECCAK256\n"
                  "  PUSH 36 CALLDATALOAD SWAP1 SSTORE\n"
                  "  PUSH 36 CALLDATALOAD PUSH0 MSTORE\n"
                  "  PUSH 0xa0 MLOAD CALLER" TOPIC_APPROVAL "PUSH 32 PUSH0 LOG3\n"
                  "ret_true:\n"
                  "  PUSH 1" RETURN_WORD "\n"
                  "balanceOf:\n"
                  "  PUSH 4 CALLDATALOAD" MASK_ADDR MAP(
                      0) "SLOAD" RETURN_WORD "\n"
                         "allowance:\n"
                         "  PUSH 4 CALLDATALOAD" MASK_ADDR MAP(
                             1) "PUSH 32 MSTORE\n"
                                "  PUSH 36 CALLDATALOAD" MASK_ADDR
                                "PUSH0 MSTORE PUSH 64 PUSH0 KECCAK256 SLOAD" RETURN_WORD "\n"
                                "totalSupply:\n"
                                "  PUSH 2 SLOAD" RETURN_WORD "\n"
                                "; move: balance[m80] -= m[c0] (reverts when short), balance[ma0] += m[c0],\n"
                                "; emits Transfer(m80, ma0, m[c0]); stack in: [ret]\n"
                                "move:\n"
                                "  PUSH 0x80 MLOAD" MAP(
                                    0) "DUP1 SLOAD PUSH 0xc0 MLOAD DUP1 DUP3 LT @fail JUMPI\n"
                                       "  SWAP1 SUB SWAP1 SSTORE\n"
                                       "  PUSH 0xa0 MLOAD" MAP(
                                           0) "DUP1 SLOAD PUSH 0xc0 MLOAD ADD SWAP1 SSTORE\n"
                                              "  PUSH 0xc0 MLOAD PUSH0 MSTORE\n"
                                              "  PUSH 0xa0 MLOAD PUSH 0x80 MLOAD" TOPIC_TRANSFER
                                              "PUSH 32 PUSH0 LOG3\n"
                                              "  JUMP\n";

/* Uniswap-V2-style pair.
 * Storage: slot 6 token0, slot 7 token1 (as UniswapV2Pair), slot 8
 * reserve0, slot 9 reserve1 (V2 packs both reserves and a timestamp into
 * slot 8; here they are two words, so a swap writes two keys).
 * ABI: token0(), token1(), getReserves() -> (uint112, uint112, uint32),
 * swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)
 * (data ignored: no flash-swap callback). As V2, the input has been
 * transferred to the pair before swap() is called; swap sends the outputs,
 * reads both balances back from the tokens (STATICCALL balanceOf), requires
 * balance0 * balance1 >= reserve0 * reserve1 (the router prices in V2's
 * 0.3% fee, so the product grows) and stores the balances as the new
 * reserves, emitting Sync(reserve0, reserve1). */
const char seer_gen_src_pair[] = NONPAYABLE SELECTOR "\n" ROUTE(0x022c0d9f, swap)
    ROUTE(0x0902f1ac, getReserves) ROUTE(0x0dfe1681, token0) ROUTE(0xd21220a7, token1) FAIL
    "token0: PUSH 6 SLOAD" RETURN_WORD "\n"
    "token1: PUSH 7 SLOAD" RETURN_WORD "\n"
    "getReserves:\n"
    "  PUSH 8 SLOAD PUSH0 MSTORE PUSH 9 SLOAD PUSH 32 MSTORE PUSH0 PUSH 64 MSTORE PUSH 96 PUSH0 RETURN\n"
    "swap:\n"
    "  PUSH 4 CALLDATALOAD DUP1 ISZERO @skip0 JUMPI\n"
    "  ; token0.transfer(to, amount0Out)\n"
    "  " CALL_SEL(
        0xa9059cbb) "PUSH 68 CALLDATALOAD" MASK_ADDR "PUSH 0x104 MSTORE DUP1 PUSH 0x124 MSTORE\n"
                    "  PUSH 32 PUSH0 PUSH 0x44 PUSH 0x100 PUSH0 PUSH 6 SLOAD GAS CALL ISZERO @fail JUMPI\n"
                    "skip0:\n"
                    "  POP PUSH 36 CALLDATALOAD DUP1 ISZERO @skip1 JUMPI\n"
                    "  " CALL_SEL(
                        0xa9059cbb) "PUSH 68 CALLDATALOAD" MASK_ADDR
                                    "PUSH 0x104 MSTORE DUP1 PUSH 0x124 MSTORE\n"
                                    "  PUSH 32 PUSH0 PUSH 0x44 PUSH 0x100 PUSH0 PUSH 7 SLOAD GAS CALL ISZERO "
                                    "@fail JUMPI\n"
                                    "skip1:\n"
                                    "  POP\n"
                                    "  ; balance0 -> m[0x200], balance1 -> m[0x220]\n"
                                    "  " CALL_SEL(
                                        0x70a08231) "ADDRESS PUSH 0x104 MSTORE\n"
                                                    "  PUSH 32 PUSH 0x200 PUSH 0x24 PUSH 0x100 PUSH 6 SLOAD "
                                                    "GAS STATICCALL ISZERO @fail JUMPI\n"
                                                    "  PUSH 32 PUSH 0x220 PUSH 0x24 PUSH 0x100 PUSH 7 SLOAD "
                                                    "GAS STATICCALL ISZERO @fail JUMPI\n"
                                                    "  ; the constant-product check: balance0 * balance1 >= "
                                                    "reserve0 * reserve1\n"
                                                    "  PUSH 8 SLOAD PUSH 9 SLOAD MUL PUSH 0x200 MLOAD PUSH "
                                                    "0x220 MLOAD MUL LT @fail JUMPI\n"
                                                    "  PUSH 0x200 MLOAD PUSH 8 SSTORE PUSH 0x220 MLOAD PUSH "
                                                    "9 SSTORE\n"
                                                    "  " TOPIC_SYNC "PUSH 64 PUSH 0x200 LOG1\n"
                                                    "  STOP\n";

/* Router (stateless, like UniswapV2Router02 but with a one-pair path).
 * ABI: swapExactIn(address pair, address tokenIn, uint256 amountIn,
 * uint256 amountOutMin) -> uint256 amountOut. Reads the pair's reserves
 * and token0, prices the output as V2's getAmountOut (0.3% fee:
 * in*997*rOut / (rIn*1000 + in*997)), reverts below amountOutMin, pulls
 * the input from the caller into the pair with tokenIn.transferFrom (the
 * caller must have approved the router), then calls pair.swap with the
 * output going to the caller. */
const char seer_gen_src_router[] = NONPAYABLE SELECTOR "\n" ROUTE(0x10b84623, swapExactIn) FAIL
    "swapExactIn:\n"
    "  " CALL_SEL(
        0x0902f1ac) "\n"
                    "  PUSH 96 PUSH 0x200 PUSH 4 PUSH 0x100 PUSH 4 CALLDATALOAD" MASK_ADDR
                    "GAS STATICCALL ISZERO @fail JUMPI\n"
                    "  " CALL_SEL(
                        0x0dfe1681) "\n"
                                    "  PUSH 32 PUSH 0x260 PUSH 4 PUSH 0x100 PUSH 4 CALLDATALOAD" MASK_ADDR
                                    "GAS STATICCALL ISZERO @fail JUMPI\n"
                                    "  ; m[0x280] = zeroForOne (tokenIn is token0)\n"
                                    "  PUSH 36 CALLDATALOAD" MASK_ADDR
                                    "PUSH 0x260 MLOAD EQ DUP1 PUSH 0x280 MSTORE @in0 JUMPI\n"
                                    "  PUSH 0x220 MLOAD PUSH 0x200 MLOAD @priced JUMP\n"
                                    "in0:\n"
                                    "  PUSH 0x200 MLOAD PUSH 0x220 MLOAD\n"
                                    "priced: ; [rIn, rOut]\n"
                                    "  PUSH 68 CALLDATALOAD PUSH 997 MUL DUP1 SWAP2 MUL SWAP2 PUSH 1000 MUL "
                                    "ADD SWAP1 DIV\n"
                                    "  ; [amountOut]\n"
                                    "  DUP1 PUSH 100 CALLDATALOAD GT @fail JUMPI DUP1 ISZERO @fail JUMPI\n"
                                    "  PUSH 0x2a0 MSTORE\n"
                                    "  ; tokenIn.transferFrom(caller, pair, amountIn)\n"
                                    "  " CALL_SEL(
                                        0x23b872dd) "CALLER PUSH 0x104 MSTORE\n"
                                                    "  PUSH 4 CALLDATALOAD" MASK_ADDR
                                                    "PUSH 0x124 MSTORE PUSH 68 CALLDATALOAD PUSH 0x144 "
                                                    "MSTORE\n"
                                                    "  PUSH 32 PUSH0 PUSH 0x64 PUSH 0x100 PUSH0 PUSH 36 "
                                                    "CALLDATALOAD" MASK_ADDR "GAS CALL ISZERO @fail JUMPI\n"
                                                    "  ; pair.swap(amount0Out, amount1Out, caller, \"\")\n"
                                                    "  " CALL_SEL(
                                                        0x022c0d9f) "PUSH 0x280 MLOAD @out1 JUMPI\n"
                                                                    "  PUSH 0x2a0 MLOAD PUSH 0x104 MSTORE "
                                                                    "PUSH0 PUSH 0x124 MSTORE @args JUMP\n"
                                                                    "out1:\n"
                                                                    "  PUSH0 PUSH 0x104 MSTORE PUSH 0x2a0 "
                                                                    "MLOAD PUSH 0x124 MSTORE\n"
                                                                    "args:\n"
                                                                    "  CALLER PUSH 0x144 MSTORE PUSH 0x80 "
                                                                    "PUSH 0x164 MSTORE PUSH0 PUSH 0x184 "
                                                                    "MSTORE\n"
                                                                    "  PUSH0 PUSH0 PUSH 0xa4 PUSH 0x100 "
                                                                    "PUSH0 PUSH 4 CALLDATALOAD" MASK_ADDR
                                                                    "GAS CALL ISZERO @fail JUMPI\n"
                                                                    "  PUSH 0x2a0 MLOAD" RETURN_WORD "\n";

/* NFT (ERC-721-ish, minting only, OpenZeppelin's layout).
 * Storage: slot 2 _owners (mapping uint256 => address), slot 3 _balances
 * (mapping address => uint256), slot 6 the last minted id (a counter, so
 * every mint of one collection writes the same key: a natural hot key).
 * ABI: mint(address to) -> uint256 id (ids start at 1), ownerOf(uint256),
 * balanceOf(address). Emits Transfer(0, to, id) with the id indexed. */
const char seer_gen_src_nft[] =
    NONPAYABLE SELECTOR "\n" ROUTE(0x6a627842, mint) ROUTE(0x6352211e, ownerOf) ROUTE(0x70a08231, balanceOf)
        FAIL "mint:\n"
             "  PUSH 6 SLOAD PUSH 1 ADD DUP1 PUSH 6 SSTORE\n"
             "  PUSH 4 CALLDATALOAD" MASK_ADDR "DUP1 PUSH 0x80 MSTORE\n"
             "  DUP2" MAP(2) "SSTORE\n"
                             "  PUSH 0x80 MLOAD" MAP(
                                 3) "DUP1 SLOAD PUSH 1 ADD SWAP1 SSTORE\n"
                                    "  PUSH 0x80 MLOAD PUSH0" TOPIC_TRANSFER "PUSH0 PUSH0 LOG4\n"
                                    "  PUSH 6 SLOAD" RETURN_WORD "\n"
                                    "ownerOf:\n"
                                    "  PUSH 4 CALLDATALOAD" MAP(
                                        2) "SLOAD DUP1 ISZERO @fail JUMPI" RETURN_WORD "\n"
                                           "balanceOf:\n"
                                           "  PUSH 4 CALLDATALOAD" MASK_ADDR MAP(3) "SLOAD" RETURN_WORD "\n";

/* Adversarial: a key that depends on storage written earlier in the block.
 * Storage: slot 0 holds a pointer p; bump() increments storage[p].
 * ABI: set(uint256 p), bump(). A static summary of bump() can only say
 * "storage[sload(0)]"; resolved against the pre-block state it names the
 * wrong slot as soon as an earlier transaction of the block called set(). */
const char seer_gen_src_indirect[] = NONPAYABLE SELECTOR "\n" ROUTE(0x60fe47b1, set) ROUTE(0x68110b2f, bump)
    FAIL "set: PUSH 4 CALLDATALOAD PUSH0 SSTORE STOP\n"
         "bump: PUSH0 SLOAD DUP1 SLOAD PUSH 1 ADD SWAP1 SSTORE STOP\n";

/* Adversarial: one hot key. Storage: slot 0 a counter. ABI: increment(). */
const char seer_gen_src_counter[] = NONPAYABLE SELECTOR "\n" ROUTE(0xd09de08a, increment) FAIL
    "increment: PUSH0 SLOAD PUSH 1 ADD PUSH0 SSTORE STOP\n";

/* The CREATE2 child. Storage: slot 0 a counter (the constructor sets 1).
 * Called with empty calldata it increments the counter; with any calldata
 * it self-destructs to the caller, which under EIP-6780 (Cancun) deletes
 * it only in the transaction that created it. */
const char seer_gen_src_child[] = "CALLDATASIZE @kill JUMPI\n"
                                  "PUSH0 SLOAD PUSH 1 ADD PUSH0 SSTORE STOP\n"
                                  "kill: CALLER SELFDESTRUCT\n";
const char seer_gen_src_child_ctor[] = "PUSH 1 PUSH0 SSTORE\n";

/* Adversarial: code that appears during the block. Storage: storage[salt]
 * = the child's address. ABI: deploy(uint256 salt) creates the child with
 * CREATE2 (so later transactions of the block call an address that has no
 * code in the pre-block state); cycle(uint256 salt) creates it and makes it
 * self-destruct in the same transaction (EIP-6780: it is deleted), so a
 * later deploy(salt) recreates it at the same address. The child's
 * initcode is embedded after the code (.child) and copied with CODECOPY. */
const char seer_gen_src_factory_fmt[] = NONPAYABLE SELECTOR "\n" ROUTE(0xa5e38751, deploy)
    ROUTE(0x9e048952, cycle) FAIL "deploy: PUSH0 @create JUMP\n"
                                  "cycle: PUSH 1\n"
                                  "create:\n"
                                  "  PUSH %u @child PUSH0 CODECOPY\n"
                                  "  PUSH 4 CALLDATALOAD PUSH %u PUSH0 PUSH0 CREATE2\n"
                                  "  DUP1 ISZERO @fail JUMPI DUP1 PUSH 4 CALLDATALOAD SSTORE\n"
                                  "  SWAP1 ISZERO @done JUMPI\n"
                                  "  ; one byte of calldata makes the child self-destruct\n"
                                  "  PUSH0 PUSH0 PUSH 1 PUSH0 PUSH0 DUP6 GAS CALL ISZERO @fail JUMPI\n"
                                  "done: STOP\n"
                                  ".child:\n"
                                  "  db 0x%s\n";

/* Adversarial: reads the coinbase balance, which every earlier
 * transaction's fee credit changes (DESIGN.md: fees are deltas only until
 * someone reads them). Storage: storage[caller] = balance(coinbase).
 * ABI: record(). */
const char seer_gen_src_coinbase_reader[] =
    NONPAYABLE SELECTOR "\n" ROUTE(0x266cf109, record) FAIL "record: COINBASE BALANCE CALLER SSTORE STOP\n";

int seer_gen_factory_code(uint8_t **factory, size_t *factory_len, uint8_t **child_init,
                          size_t *child_init_len)
{
    uint8_t *rt = NULL, *ctor = NULL, *init = NULL, *fac = NULL;
    size_t rt_len, ctor_len, init_len, fac_len;
    char *src = NULL, *hex = NULL;
    int rc;
    if ((rc = seer_asm_assemble(&rt, &rt_len, seer_gen_src_child)) < 0 ||
        (rc = seer_asm_assemble(&ctor, &ctor_len, seer_gen_src_child_ctor)) < 0 ||
        (rc = seer_asm_initcode_with(&init, &init_len, ctor, ctor_len, rt, rt_len)) < 0)
        goto cleanup;
    hex = malloc(2 * init_len + 1);
    size_t cap = sizeof seer_gen_src_factory_fmt + 2 * init_len + 64;
    src = malloc(cap);
    if (!hex || !src) {
        rc = seer_err(SEER_ENOMEM, "factory source");
        goto cleanup;
    }
    for (size_t i = 0; i < init_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", init[i]);
    snprintf(src, cap, seer_gen_src_factory_fmt, (unsigned)init_len, (unsigned)init_len, hex);
    if ((rc = seer_asm_assemble(&fac, &fac_len, src)) < 0)
        goto cleanup;
    *factory = fac;
    *factory_len = fac_len;
    *child_init = init;
    *child_init_len = init_len;
    fac = init = NULL;
cleanup:
    free(rt);
    free(ctor);
    free(init);
    free(fac);
    free(src);
    free(hex);
    return rc;
}

void seer_gen_map_slot(uint8_t out[32], const uint8_t key[32], const uint8_t slot[32])
{
    uint8_t buf[64];
    memcpy(buf, key, 32);
    memcpy(buf + 32, slot, 32);
    seer_keccak256(out, buf, 64);
}

void seer_gen_map_slot_addr(uint8_t out[32], const seer_address *key, uint64_t slot)
{
    uint8_t k[32] = {0}, s[32] = {0};
    memcpy(k + 12, key->bytes, 20);
    for (int i = 0; i < 8; i++)
        s[31 - i] = (uint8_t)(slot >> (8 * i));
    seer_gen_map_slot(out, k, s);
}

void seer_gen_allowance_slot(uint8_t out[32], const seer_address *owner, const seer_address *spender)
{
    uint8_t inner[32], k[32] = {0};
    seer_gen_map_slot_addr(inner, owner, SEER_ERC20_SLOT_ALLOWANCE);
    memcpy(k + 12, spender->bytes, 20);
    seer_gen_map_slot(out, k, inner);
}
