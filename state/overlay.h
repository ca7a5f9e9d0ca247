/* A block overlay (internal): an in-memory layer of changes over a base
 * seer_state_reader, itself a seer_state_reader.
 *
 * A block runs on it: each transaction's change set is applied in block
 * order, later reads see the earlier transactions' effects, and at the end
 * the merged change set of the whole block (sorted, as seer_lmdb_commit
 * and seer_memstore_apply expect) is committed to the store in one step.
 * Nothing reaches the base until then, so a discarded block leaves no
 * trace.
 *
 * Caveats:
 * - Single writer. seer_overlay_apply and seer_overlay_changeset must not
 *   run while any other call on the overlay runs. Reads through the reader
 *   may run from many threads at once while no apply runs, provided the
 *   base reader allows it (the LMDB snapshot and the memstore do).
 * - A deleted account (exists=false) and storage_cleared hide every slot
 *   of the base; slots written since then are kept.
 * - has_storage: when the overlay holds no non-zero slot of an account
 *   whose storage was not cleared, the base's answer is returned, even if
 *   the overlay has zeroed every slot the base holds (the reader interface
 *   cannot list the base's slots). The EIP-7610 check this serves looks at
 *   accounts at creation time, where this does not arise in practice.
 * - Code bytes given to apply are copied; code pointers handed out live
 *   until seer_overlay_free (or seer_overlay_reset). */
#ifndef SEER_STATE_OVERLAY_H
#define SEER_STATE_OVERLAY_H

#include "common/state_iface.h"
#include "seer/common.h"

#include <stddef.h>

typedef struct seer_overlay seer_overlay;

/** Creates an empty overlay over `base` (which must outlive it).
 *  Returns: 0, SEER_EINVAL (out NULL or base without a vtable),
 *           SEER_ENOMEM.
 *  Out:     *out: freed with seer_overlay_free. */
int seer_overlay_new(seer_overlay **out, seer_state_reader base);

/** Frees the overlay (NULL is a no-op). */
void seer_overlay_free(seer_overlay *ov);

/** Drops every change (the overlay reads as its base again). Borrowed
 *  pointers from it become invalid. */
void seer_overlay_reset(seer_overlay *ov);

/** Returns a reader over base + changes, valid until seer_overlay_free. */
seer_state_reader seer_overlay_reader(seer_overlay *ov);

/** Applies a change set on top of the overlay, with the semantics of
 *  seer_memstore_apply (exists=false deletes the account and its storage;
 *  storage_cleared wipes before the slots apply; zero values delete).
 *  Returns: 0, SEER_EINVAL (NULL argument, NULL code with a non-zero
 *           length), SEER_ENOMEM (the overlay then holds part of the
 *           change set: discard it). */
int seer_overlay_apply(seer_overlay *ov, const seer_changeset *cs);

/** Produces the merged change set of everything applied: accounts sorted
 *  by address, slots sorted by key, a deleted account as exists=false with
 *  storage_cleared, zero-valued slots kept where they must delete a base
 *  slot.
 *  Returns: 0, SEER_EINVAL, SEER_ENOMEM.
 *  Out:     *out: borrowed from the overlay, valid until the next apply,
 *           changeset, reset or free. */
int seer_overlay_changeset(seer_overlay *ov, seer_changeset *out);

/** Returns the number of accounts the overlay holds changes for. */
size_t seer_overlay_account_count(const seer_overlay *ov);

#endif
