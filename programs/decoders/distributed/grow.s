; The growth step (docs/decoders.md): every record of the node gains
; min(w - s, k), k its active ends (this slot, and the far end: a slot of the
; node or a neighbour's detector as last told; never the boundary). Only the
; touched slots' records can have an active end: a live slot, a slot sharing
; an edge with one, or one told a far state. A record that becomes grown
; makes its slot live. ds_gained says whether any record gained.

.data
g_near: .word 0                 ; ds_near: the slots so far

.code
; ds_grow ( -- ): one growth step.
ds_grow:
    push 0
    storei ds_gained
    loadi ds_touched
    push ds_grow_slot
    call ds_each
    ret

; ds_grow_slot ( S -- ): grows slot S's records.
ds_grow_slot:
    dup
    addi S_R1
    load
    over
    addi S_R0
    load                                ; S end r
.rec:
    over
    over
    eq
    jnz .done
    dup
    addi R_SUP
    load
    over
    addi R_W
    load
    eq
    jnz .next                           ; grown already
    pick 2
    addi S_P
    load
    push 1
    and                                 ; S end r k
    over
    addi R_FAR
    load
    dup
    jz .counted                         ; the boundary adds 0
    addi 1
    load
    push 1
    and
.counted:
    add
    dup
    jz .idle
    over
    addi R_SUP
    load
    add                                 ; S end r s+k
    over
    addi R_W
    load                                ; S end r s+k w
    over
    over
    ltu
    jnz .partial
    nip                                 ; grown: s + k >= w
    over
    addi R_SUP
    store
    pick 2
    call ds_liven
    jmp .gained
.partial:
    drop
    over
    addi R_SUP
    store
.gained:
    push 1
    storei ds_gained
    jmp .next
.idle:
    drop
.next:
    addi REC_WORDS
    jmp .rec
.done:
    drop
    drop
    drop
    ret

; ds_liven ( S -- ): slot S has a grown edge: it is live, and the slots it
; shares an edge with are touched.
ds_liven:
    dup
    addi S_BIT
    load
    loadi ds_live
    or
    storei ds_live
    dup
    addi S_BIT
    load
    swap
    addi S_LOCAL
    load
    or
    loadi ds_touched
    or
    storei ds_touched
    ret

; ds_near ( mask -- mask' ): the slots of mask and the slots sharing an edge
; with one of them.
ds_near:
    dup
    storei g_near
    push ds_near_slot
    call ds_each
    loadi g_near
    ret

; ds_near_slot ( S -- ): adds the slots S shares an edge with to g_near.
ds_near_slot:
    addi S_LOCAL
    load
    loadi g_near
    or
    storei g_near
    ret
