; The state a distributed decoding node keeps per shot, shared by the
; whole-shot decoder (dist.s) and the streaming one (stream.s), and the wait
; for a barrier release.

.const DS_NODE_WORDS = 2048     ; room for qec_node
.const DS_STEP_INBOX = 1        ; QEC_STEP messages (the first inbox opened)
.const DS_BARRIER_REPLY = 2     ; the barrier's releases (the second)

.data
qec_node: .space DS_NODE_WORDS  ; written by the simulator (docs/decoders.md)
ds_cur: .word 0                 ; the shot being decoded (or the next one)
ds_t: .word 0                   ; its superstep
ds_epoch: .word 0               ; the barrier epoch of this node's next contribution
ds_fired: .word 0               ; the shot's fired slots, a bit per slot
ds_live: .word 0                ; slots fired or with a grown edge
ds_touched: .word 0             ; slots whose records may change: live, next to live, or told a far state
ds_dirty: .word 0               ; slots written since their state was last sent
ds_changed: .word 0             ; some slot's state differs from the one last sent
ds_active: .word 0              ; some slot is active
ds_gained: .word 0              ; the last growth step added support to some record
ds_bar: .space 4 + 2            ; a barrier release: header, [epoch, W]

.code
; ds_release ( -- W ): waits for the release of this node's last contribution,
; filing readouts meanwhile; checks its epoch.
ds_release:
.loop:
    push DS_BARRIER_REPLY
    poll
    jnz .got
    push 0
    poll
    jz .wait
    call ds_file
    jmp .loop
.wait:
    push -1
    wait
    drop
    jmp .loop
.got:
    push ds_bar
    push 2
    push DS_BARRIER_REPLY
    recv
    drop
    loadi ds_bar
    push QEC_BARRIER
    eq
    assert QEC_E_MESSAGE
    loadi ds_bar + 4
    loadi ds_epoch
    eq
    assert QEC_E_MESSAGE ; the epoch of this node's last contribution
    loadi ds_epoch
    addi 1
    storei ds_epoch
    loadi ds_bar + 5
    ret
