; The distributed union-find decoder in sliding windows (docs/decoders.md,
; "Sliding windows (streaming)" and "Streaming"): one program for every
; stabilizer node (entry `main`). The same supersteps as dist.s, run once per
; window of the shot as soon as the window's readouts are filed, on the
; window's records only: a record whose slot or far end lies in an earlier
; layer is absent (grown already towards a dead far state, so it neither
; grows nor sets a key, a parent or a subtree parity), one whose far end lies
; in a later layer is a boundary edge. After a window's fixpoint the node
; commits its parent edges whose lower end lies in the commit region, flips
; its own detectors above that region that they touch (a committed time
; edge carried into the next window), and resets; after the last window it
; sends the shot's QEC_RESULT.
;
; Memory: dist.s's, plus qec_window. Nodes of up to DS_SLOTS / 2 = 16
; detectors (a slot commits at most two edges in a shot: ds_out's room).
.import "qec.s"
.import "shot.s"
.import "tables.s"
.import "readout.s"
.import "exchange.s"
.import "settle.s"
.import "grow.s"
.import "output.s"

.const S_LAYER = 10             ; a slot's layer
.const R_FLAYER = 12            ; a record's far detector's layer, -1 for the boundary
.const R_FAR0 = 13              ; a record's far end as built at boot (R_FAR)
.const SW_WORDS = 2 + DS_SLOTS + DS_WORK / REC_WORDS ; room for qec_window

.data
qec_window: .space SW_WORDS     ; written by the simulator: W, C, the slots' layers, the records' far layers
sw_dead: .word 0xFFFFF000, 0    ; the far state of an absent record: a key no detector's beats, no parent
sw_first: .word 0               ; the window's first layer
sw_end: .word 0                 ; past its last layer
sw_commit: .word 0              ; past its commit region
sw_win: .word 0                 ; its slots, a bit each
sw_need: .word 0                ; the first slot past the window (ds_slot_end: none)
sw_flip: .word 0                ; slots flipped by the shot's committed edges

.code
.entry main
; main ( -- ): as dist.s's, decoding window after window.
main:
    open
    push DS_STEP_INBOX
    eq
    assert QEC_E_WORK
    open
    push DS_BARRIER_REPLY
    eq
    assert QEC_E_WORK
    call ds_boot
    call sw_boot
    call sw_shot
.loop:
    call sw_ready
    jz .idle
    call sw_window
    jmp .loop
.idle:
    call ds_idle
    jmp .loop

; sw_boot ( -- ): each slot's layer and each record's far layer from
; qec_window; a record shared with a neighbour must join one layer
; (QEC_E_WORK: its commit would flip a detector of another node).
sw_boot:
    loadi ds_k
    push DS_SLOTS / 2
    le
    assert QEC_E_WORK
    push qec_window + 2
    push ds_slots                       ; src S
.slot:
    dup
    loadi ds_slot_end
    eq
    jnz .records
    over
    load
    over
    addi S_LAYER
    store
    addi SLOT_WORDS
    swap
    addi 1
    swap
    jmp .slot
.records:
    drop
    loadi ds_rec                        ; src r
.rec:
    dup
    loadi ds_rec_end
    eq
    jnz .done
    over
    load
    over
    addi R_FLAYER
    store
    dup
    addi R_FAR
    load
    over
    addi R_FAR0
    store
    dup
    addi R_NB
    load
    jz .next
    dup
    addi R_FLAYER
    load
    over
    addi R_S
    load
    addi S_LAYER
    load
    eq
    assert QEC_E_WORK                   ; a shared edge joins one layer
.next:
    addi REC_WORDS
    swap
    addi 1
    swap
    jmp .rec
.done:
    drop
    drop
    ret

; sw_shot ( -- ): the start of shot ds_cur: no superstep, no flip, an empty
; result, the first window.
sw_shot:
    push 0
    storei ds_t
    push 0
    storei sw_flip
    loadi ds_cur
    storei ds_out
    push 0
    storei ds_out + 1
    push 0
    storei ds_out + 2
    push 0
    storei sw_first
    call sw_bounds
    ret

; sw_bounds ( -- ): the window from sw_first: its end, commit region, slots
; and the first slot past it.
sw_bounds:
    loadi sw_first
    loadi qec_window
    add
    dup
    loadi qec_node + QEC_LAYERS
    ltu
    jnz .inner
    drop
    loadi qec_node + QEC_LAYERS
    dup
    storei sw_end
    storei sw_commit                    ; the last window commits everything
    jmp .slots
.inner:
    storei sw_end
    loadi sw_first
    loadi qec_window + 1
    add
    storei sw_commit
.slots:
    push 0
    storei sw_win
    loadi ds_slot_end
    storei sw_need
    loadi ds_slot_end                   ; S, from the last slot down
.slot:
    dup
    push ds_slots
    eq
    jnz .done
    addi -SLOT_WORDS
    dup
    addi S_LAYER
    load
    dup
    loadi sw_end
    ltu
    jnz .below_end
    drop
    dup
    storei sw_need
    jmp .slot
.below_end:
    call sw_inside
    jz .slot
    dup
    addi S_BIT
    load
    loadi sw_win
    or
    storei sw_win
    jmp .slot
.done:
    drop
    ret

; sw_inside ( layer -- flag ): the layer is the window's.
sw_inside:
    loadi sw_first
    sub
    loadi sw_end
    loadi sw_first
    sub
    ltu
    ret

; sw_ready ( -- flag ): every readout of the window's layers (and below) of
; shot ds_cur is filed.
sw_ready:
    loadi ds_cur
    loadi rd_shot
    ltu
    jnz .yes
    loadi ds_cur
    loadi rd_shot
    eq
    jz .no
    loadi rd_S
    loadi sw_need
    ltu
    eqz
    ret
.yes:
    push 1
    ret
.no:
    push 0
    ret

; sw_window ( -- ): decodes the window, commits, and moves to the next window
; or, after the last, sends the result and moves to the next shot.
sw_window:
    call sw_setup
    loadi ds_cur
    push DS_DW - 1
    and
    push ds_ring
    add
    load
    loadi sw_flip
    xor
    loadi sw_win
    and
    dup
    storei ds_fired
    dup
    storei ds_live
    call ds_near
    storei ds_touched
    push 1
    storei ds_gained
    call sw_solve
    loadi ds_live
    push sw_commit_slot
    call ds_each
    call ds_reset
    loadi sw_end
    loadi qec_node + QEC_LAYERS
    eq
    jnz .last
    loadi sw_first
    loadi qec_window + 1
    add
    storei sw_first
    call sw_bounds
    ret
.last:
    push ds_out
    call qec_output
    loadi ds_cur
    addi 1
    storei ds_cur
    call sw_shot
    ret

; sw_setup ( -- ): every record as the window sees it: absent (its slot or
; its far end below or above the window's slots, or its far end in the past:
; grown, towards sw_dead), a boundary (the graph's own, or a far end in a
; later layer), or the edge to its far end; no support.
sw_setup:
    loadi ds_rec
.loop:
    dup
    loadi ds_rec_end
    eq
    jnz .done
    push 0
    over
    addi R_SUP
    store
    dup
    addi R_S
    load
    addi S_LAYER
    load
    call sw_inside
    jz .absent
    dup
    addi R_FLAYER
    load
    dup
    loadi sw_first
    ltu
    jnz .past
    call sw_inside
    jz .boundary                        ; the boundary (-1) or the future
    dup
    addi R_FAR0
    load
    over
    addi R_FAR
    store
    jmp .next
.boundary:
    push 0
    over
    addi R_FAR
    store
    jmp .next
.past:
    drop
.absent:
    push sw_dead
    over
    addi R_FAR
    store
    dup
    addi R_W
    load
    over
    addi R_SUP
    store
.next:
    addi REC_WORDS
    jmp .loop
.done:
    drop
    ret

; sw_solve ( -- ): supersteps and growth steps until the barrier says no
; cluster of the window is active anywhere (dist.s's ds_decode loop).
sw_solve:
    call ds_send
    call ds_receive
    call ds_settle
    loadi ds_changed
    loadi ds_active
    push 1
    shl
    or
    loadi ds_gained
    push 2
    shl
    or
    push DS_BARRIER_REPLY
    call qec_barrier
    call ds_release     ; W
    loadi ds_t
    addi 1
    storei ds_t
    dup
    push 1
    and
    jnz .again          ; some node changed: another superstep
    dup
    push 2
    and
    jz .done            ; no cluster active anywhere
    push 4
    and
    assert QEC_E_UNMATCHABLE ; active, and the last growth step grew nothing
    call ds_grow
    jmp sw_solve
.again:
    drop
    jmp sw_solve
.done:
    drop
    ret

; sw_commit_slot ( S -- ): commits slot S's parent edge if its subtree parity
; is odd and its lower end lies in the commit region; flips the edge's ends
; on this node above the region.
sw_commit_slot:
    dup
    addi S_P
    load                                ; S P
    dup
    push 2
    and
    jz .drop2
    push 2
    shr
    dup
    jz .drop2                           ; a root
    addi -1                             ; S e
    dup
    pick 2
    call sw_record                      ; S e r
    pick 2
    addi S_LAYER
    load
    over
    addi R_FLAYER
    load                                ; S e r own far
    over
    over
    ltu
    jz .far_lower
    drop
    jmp .lower
.far_lower:
    nip
.lower:                                 ; S e r lower
    loadi sw_commit
    ltu
    jz .drop3                           ; above the commit region
    dup
    addi R_MASK
    load
    loadi ds_out + 1
    xor
    storei ds_out + 1
    swap
    call ds_insert                      ; S r
    over
    call sw_flip_above
    drop
    dup
    addi R_NB
    load
    jnz .drop2                          ; a neighbour's end: in S's layer
    addi R_FAR0
    load
    dup
    jz .drop2                           ; the boundary
    push S_K
    sub
    call sw_flip_above
    drop
    drop
    ret
.drop3:
    drop
.drop2:
    drop
    drop
    ret

; sw_flip_above ( S -- S ): flips slot S if it lies at or above the commit region.
sw_flip_above:
    dup
    addi S_LAYER
    load
    loadi sw_commit
    ltu
    jnz .below
    dup
    addi S_BIT
    load
    loadi sw_flip
    xor
    storei sw_flip
.below:
    ret

; sw_record ( e S -- r ): slot S's record of edge e.
sw_record:
    addi S_R0
    load
.find:
    dup
    load
    pick 2
    eq
    jnz .found
    addi REC_WORDS
    jmp .find
.found:
    nip
    ret
