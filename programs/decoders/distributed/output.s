; The end of a shot: the node's QEC_RESULT (its slots' parent edges whose
; subtree parity is odd, ascending, and the XOR of their observable masks),
; then every touched slot and its records back to the initial state.

.data
ds_out: .space 3 + DS_SLOTS     ; [shot, mask, n, edges]

.code
; ds_output ( -- ): sends the shot's QEC_RESULT.
ds_output:
    loadi ds_cur
    storei ds_out
    push 0
    storei ds_out + 1
    push 0
    storei ds_out + 2
    loadi ds_live
    push ds_output_slot
    call ds_each
    push ds_out
    call qec_output
    ret

; ds_output_slot ( S -- ): adds slot S's parent edge to ds_out if its subtree
; parity is odd.
ds_output_slot:
    dup
    addi S_P
    load                                ; S P
    dup
    push 2
    and
    jz .even
    push 2
    shr
    dup
    jz .even                            ; a root
    addi -1
    swap
    call ds_mask_of                     ; e mask
    loadi ds_out + 1
    xor
    storei ds_out + 1
    call ds_insert
    ret
.even:
    drop
    drop
    ret

; ds_mask_of ( e S -- e mask ): the observable mask of slot S's edge e.
ds_mask_of:
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
    addi R_MASK
    load
    ret

; ds_insert ( e -- ): adds edge e to ds_out's edges, keeping them ascending.
ds_insert:
    loadi ds_out + 2
    dup
    addi 1
    storei ds_out + 2
    push ds_out + 3
    add                                 ; e at
.shift:
    dup
    push ds_out + 3
    eq
    jnz .here
    dup
    addi -1
    load                                ; e at prev
    dup
    pick 3
    gtu
    jz .stop
    over
    store
    addi -1
    jmp .shift
.stop:
    drop
.here:
    store
    ret

; ds_reset ( -- ): every touched slot and its records as at the start of a shot.
ds_reset:
    loadi ds_touched
    push ds_reset_slot
    call ds_each
    push 0
    storei ds_live
    push 0
    storei ds_touched
    push 0
    storei ds_dirty
    ret

; ds_reset_slot ( S -- ): slot S and its records in their initial state.
ds_reset_slot:
    dup
    addi S_INIT
    load
    dup
    pick 2
    addi S_K
    store
    over
    addi S_SK
    store
    push 0
    over
    addi S_P
    store
    push 0
    over
    addi S_SP
    store
    dup
    addi S_R1
    load
    swap
    addi S_R0
    load                                ; end r
.rec:
    over
    over
    eq
    jnz .done
    push 0
    over
    addi R_SUP
    store
    dup
    addi R_NB
    load
    jz .next
    dup
    addi R_FINIT
    load
    over
    addi R_FK
    store
    push 0
    over
    addi R_FP
    store
.next:
    addi REC_WORDS
    jmp .rec
.done:
    drop
    drop
    ret
