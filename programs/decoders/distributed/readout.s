; Readout filing: each QEC_READOUT [shot, layer, detector, fired] of inbox 0
; sets its slot's bit in its shot's word of a ring of DS_DW shots, also while
; an older shot decodes. A node gets one readout per slot per shot, in slot
; (layer) order, shot after shot: anything else is an unexpected message
; (QEC_E_MESSAGE), and a shot DS_DW or more ahead of the one being decoded
; faults with QEC_E_WINDOW.

.const DS_DW = 1024             ; shots filed ahead (a power of two): QEC_DW
.const DS_POLL = 64             ; cycles between looks while a neighbour's QEC_STEP waits for its shot

.data
ds_ring: .space DS_DW           ; per shot: its fired slots, a bit each
ds_rd: .space 4 + 4             ; a readout: header, [shot, layer, detector, fired]
rd_shot: .word 0                ; the shot being read (every older one is filed)
rd_S: .word ds_slots            ; the slot its next readout is for

.code
; ds_file ( -- ): files the readout waiting in inbox 0.
ds_file:
    push ds_rd
    push 4
    push 0
    recv
    drop
    loadi ds_rd
    push QEC_READOUT
    eq
    assert QEC_E_MESSAGE
    loadi ds_rd + 4
    loadi rd_shot
    eq
    assert QEC_E_MESSAGE                ; the shot being read
    loadi ds_rd + 4
    loadi ds_cur
    sub
    push DS_DW
    ltu
    assert QEC_E_WINDOW
    loadi rd_S
    addi S_DET
    load
    loadi ds_rd + 6
    eq
    assert QEC_E_MESSAGE                ; its next detector
    loadi ds_rd + 4
    push DS_DW - 1
    and
    push ds_ring
    add                                 ; cell
    loadi rd_S
    push ds_slots
    eq
    jz .kept
    push 0
    over
    store                               ; the shot's first readout
.kept:
    loadi ds_rd + 7
    jz .unfired
    dup
    load
    loadi rd_S
    addi S_BIT
    load
    or
    swap
    store
    jmp .filed
.unfired:
    drop
.filed:
    loadi rd_S
    addi SLOT_WORDS
    dup
    storei rd_S
    loadi ds_slot_end
    eq
    jz .ret
    push ds_slots
    storei rd_S
    loadi rd_shot
    addi 1
    storei rd_shot
.ret:
    ret

; ds_idle ( -- ): between shots: files a readout, or waits for one. A
; neighbour's QEC_STEP for the next shot may wait in inbox 1 (it finished its
; readouts first): `wait` would return at once, so the node then sleeps
; DS_POLL cycles between looks. A barrier release is unexpected here.
ds_idle:
    push 0
    poll
    jnz .file
    push DS_BARRIER_REPLY
    poll
    eqz
    assert QEC_E_MESSAGE
    push DS_STEP_INBOX
    poll
    jnz .sleep
    push -1
    wait
    drop
    ret
.sleep:
    push DS_POLL
    sleep
    ret
.file:
    call ds_file
    ret
