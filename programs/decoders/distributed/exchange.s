; Steps 1 and 2 of a superstep: every neighbour gets one QEC_STEP
; [shot, t, c, (pos, K, P) x c] with the shared edges whose end on this node
; changed state since it was last sent (built from the dirty slots only), and
; one QEC_STEP of this shot and superstep is taken from every neighbour, its
; triples filed as the far ends' states. A QEC_STEP of another type, shot or
; superstep, from a node that is not a neighbour, a second one from the same
; neighbour, or with a position or length out of range faults with
; QEC_E_MESSAGE.

.code
; ds_send ( -- ): step 1.
ds_send:
    loadi ds_dirty
    push ds_send_slot
    call ds_each
    push 0
    storei ds_dirty
    loadi ds_nb
.nb:
    dup
    loadi ds_nb_end
    eq
    jnz .done
    dup
    addi N_BUF
    load                                ; D buf
    loadi ds_cur
    over
    store
    loadi ds_t
    over
    addi 1
    store
    dup
    dup
    addi 2
    load
    push 3
    mul
    addi 3                              ; D buf buf len
    push QEC_STEP
    pick 4
    addi N_ADDR
    load
    push -1
    send                                ; D buf
    push 0
    swap
    addi 2
    store                               ; no triple yet for the next one
    addi NB_WORDS
    jmp .nb
.done:
    drop
    ret

; ds_send_slot ( S -- ): if slot S changed since it was last sent, adds a
; triple for each of its shared edges to that neighbour's QEC_STEP and notes
; the state as sent.
ds_send_slot:
    dup
    call ds_differs
    jz .same
    dup
    addi S_K
    load
    over
    addi S_SK
    store
    dup
    addi S_P
    load
    over
    addi S_SP
    store
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
    addi R_NB
    load
    dup
    jz .unshared                        ; S end r D
    addi N_BUF
    load                                ; S end r buf
    dup
    addi 2
    load                                ; S end r buf c
    dup
    addi 1
    pick 2
    addi 2
    store
    push 3
    mul
    add
    addi 3                              ; S end r dst
    over
    addi R_POS
    load
    over
    store
    pick 3
    addi S_K
    load
    over
    addi 1
    store
    pick 3
    addi S_P
    load
    swap
    addi 2
    store
    jmp .next
.unshared:
    drop
.next:
    addi REC_WORDS
    jmp .rec
.done:
    drop
    drop
    drop
    ret
.same:
    drop
    ret

; ds_receive ( -- ): step 2: one QEC_STEP from every neighbour, filing
; readouts while waiting.
ds_receive:
    loadi ds_nbs                        ; left
.loop:
    dup
    jz .done
    push DS_STEP_INBOX
    poll
    jnz .step
    push 0
    poll
    jnz .readout
    push DS_BARRIER_REPLY
    poll
    eqz
    assert QEC_E_MESSAGE                ; no release before this node contributed
    push -1
    wait
    drop
    jmp .loop
.readout:
    call ds_file
    jmp .loop
.step:
    call ds_take
    addi -1
    jmp .loop
.done:
    drop
    ret

; ds_take ( -- ): takes the QEC_STEP waiting in inbox 1 and files its triples.
ds_take:
    push ds_rb
    push DS_RMAX
    push DS_STEP_INBOX
    recv                                ; len
    loadi ds_rb
    push QEC_STEP
    xor
    loadi ds_rb + 4
    loadi ds_cur
    xor
    or
    loadi ds_rb + 5
    loadi ds_t
    xor
    or
    eqz
    assert QEC_E_MESSAGE                ; a QEC_STEP of this shot and superstep
    loadi ds_rb + 1
    loadi nb_base
    sub
    dup
    loadi nb_span
    ltu
    assert QEC_E_MESSAGE
    loadi nb_lut
    add
    load                                ; len D
    dup
    assert QEC_E_MESSAGE                ; from a neighbour
    dup
    addi N_SEEN
    load
    loadi ds_epoch
    ne
    assert QEC_E_MESSAGE                ; the first from it in this superstep
    loadi ds_epoch
    over
    addi N_SEEN
    store
    loadi ds_rb + 6                     ; len D c
    dup
    pick 2
    addi N_CNT
    load
    gtu
    eqz
    assert QEC_E_MESSAGE                ; c <= shared edges
    rot
    over
    push 3
    mul
    addi 3
    eq
    assert QEC_E_MESSAGE                ; len = 3 + 3 c
    push ds_rb + 7                      ; D c p
.triple:
    over
    jz .done
    dup
    load                                ; D c p pos
    dup
    pick 4
    addi N_CNT
    load
    ltu
    assert QEC_E_MESSAGE
    pick 3
    addi N_POS
    load
    add
    load                                ; D c p r
    over
    addi 1
    load
    over
    addi R_FK
    store
    over
    addi 2
    load
    over
    addi R_FP
    store
    addi R_S
    load
    addi S_BIT
    load
    loadi ds_touched
    or
    storei ds_touched
    addi 3
    swap
    addi -1
    swap
    jmp .triple
.done:
    drop
    drop
    drop
    ret
