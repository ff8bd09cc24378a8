; Step 3 of a superstep: the node's slots settle to their fixpoint, each
; slot recomputed in place (its key and parent word from the node's slots and
; the far ends last told). A sweep in layer order recomputes every live slot
; (fired or with a grown edge; every other slot keeps its initial state);
; each later sweep only the live slots next to one that changed in the sweep
; before, until none changed. (Recomputing a slot whose inputs did not change
; changes nothing, so this is the fixpoint that passes over every slot until
; one changes nothing reach, in fewer recomputations: a subtree parity
; travelling down the layers needs no pass over the whole node per step.)
; Then ds_changed (a slot differs from its state last sent) and ds_active (a
; slot is active).
;
; A slot v (docs/decoders.md): K = min(K, init, K(u) + 1 over grown detector
; edges (v, u)), init 1 with a grown boundary edge; parent: none at depth 0,
; the first grown boundary edge at K = 1, else the first grown edge to a u
; with K(u) = K - 1; sub = fired XOR sub(u) of the children u (parent edge
; (v, u)); active = 0 on the boundary's cluster, sub at a root, else the
; parent's. A far key of depth 4095 faults with QEC_E_WORK (no deeper key).

.const DEPTH_MASK = 0xFFF       ; key bits of the depth
.const LABEL_SHIFT = 12

.data
u_key: .word 0                  ; ds_update: the key
u_best: .word 0                 ; the smallest K(u) + 1 over grown detector edges
u_bestr: .word 0                ; the first record giving it
u_bnd: .word 0                  ; the first grown boundary record, 0 if none
u_sub: .word 0                  ; the subtree parity
u_par: .word 0                  ; the parent record, 0 if none
u_end: .word 0                  ; past the slot's last record
st_todo: .word 0                ; ds_settle: the slots to recompute in the next sweep

.code
; ds_settle ( -- ): step 3.
ds_settle:
    loadi ds_live
.sweep:
    dup
    jz .settled
    push 0
    storei st_todo
    push ds_settle_slot
    call ds_each
    loadi st_todo
    jmp .sweep
.settled:
    drop
    push 0
    storei ds_changed
    push 0
    storei ds_active
    loadi ds_live
    push ds_flag_slot
    call ds_each
    ret

; ds_settle_slot ( S -- ): recomputes slot S; if it changed, notes it in
; ds_dirty and puts the live slots it shares an edge with in st_todo.
ds_settle_slot:
    dup
    call ds_update                      ; S K P
    pick 2
    addi S_P
    load
    over
    ne
    pick 3
    addi S_K
    load
    pick 3
    ne
    or
    jz .same
    pick 2
    addi S_P
    store
    over
    addi S_K
    store
    dup
    addi S_BIT
    load
    loadi ds_dirty
    or
    storei ds_dirty
    addi S_LOCAL
    load
    loadi ds_live
    and
    loadi st_todo
    or
    storei st_todo
    ret
.same:
    drop
    drop
    drop
    ret

; ds_flag_slot ( S -- ): adds slot S to ds_active and ds_changed.
ds_flag_slot:
    dup
    addi S_P
    load
    push 1
    and
    loadi ds_active
    or
    storei ds_active
    dup
    call ds_differs
    loadi ds_changed
    or
    storei ds_changed
    drop
    ret

; ds_differs ( S -- flag ): slot S's state differs from the one last sent.
ds_differs:
    dup
    addi S_K
    load
    over
    addi S_SK
    load
    ne
    over
    addi S_P
    load
    pick 2
    addi S_SP
    load
    ne
    or
    nip
    ret

; ds_update ( S -- K P ): slot S's key and parent word from the current states.
ds_update:
    push -1
    storei u_best
    push 0
    storei u_bnd
    dup
    addi S_BIT
    load
    loadi ds_fired
    and
    push 0
    ne
    storei u_sub
    dup
    addi S_R1
    load
    storei u_end
    dup
    addi S_R0
    load                                ; S r
.rec:
    dup
    loadi u_end
    eq
    jnz .keyed
    dup
    addi R_SUP
    load
    over
    addi R_W
    load
    eq
    jz .next                            ; not grown
    dup
    addi R_FAR
    load                                ; S r far
    dup
    jz .boundary
    dup
    load                                ; S r far fk
    dup
    push DEPTH_MASK
    and
    push DEPTH_MASK
    ne
    assert QEC_E_WORK
    addi 1
    dup
    loadi u_best
    ltu
    jz .notless
    storei u_best                       ; the first record with the smallest K(u) + 1
    over
    storei u_bestr
    jmp .keyed_edge
.notless:
    drop
.keyed_edge:
    addi 1
    load                                ; S r fp
    dup
    push 2
    shr
    pick 2
    load
    addi 1
    eq
    jz .notchild                        ; the far end's parent is this edge
    push 1
    shr
    push 1
    and
    loadi u_sub
    xor
    storei u_sub
    jmp .next
.notchild:
    drop
    jmp .next
.boundary:
    drop
    loadi u_bnd
    jnz .next
    dup
    storei u_bnd
.next:
    addi REC_WORDS
    jmp .rec
.keyed:
    drop                                ; S
    push 0
    storei u_par
    loadi u_bnd
    jz .inner
    push 1
    storei u_key                        ; (B, 1): no key is smaller
    loadi u_bnd
    storei u_par
    jmp .parented
.inner:
    dup
    addi S_K
    load
    dup
    loadi u_best
    ltu
    jnz .kept                           ; K stays below every K(u) + 1
    drop
    loadi u_best
.kept:
    storei u_key
    loadi u_key
    push DEPTH_MASK
    and
    jz .parented                        ; a root
    loadi u_key
    loadi u_best
    eq
    jz .parented                        ; no u with K(u) = K - 1 (not at a fixpoint)
    loadi u_bestr
    storei u_par
.parented:                              ; S
    loadi u_key
    push LABEL_SHIFT
    shr
    jz .passive                         ; the boundary's cluster
    loadi u_key
    push DEPTH_MASK
    and
    jnz .below
    loadi u_sub                         ; a root: its cluster's parity
    jmp .active
.below:
    loadi u_par
    dup
    jz .active                          ; no parent yet: 0
    addi R_FAR
    load
    addi 1
    load
    push 1
    and
    jmp .active
.passive:
    push 0
.active:                                ; S a
    loadi u_sub
    push 1
    shl
    or
    loadi u_par
    dup
    jz .pword
    load
    addi 1
.pword:
    push 2
    shl
    or                                  ; S P
    nip
    loadi u_key
    swap
    ret
