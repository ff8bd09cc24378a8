; The distributed union-find decoder (docs/decoders.md, "The distributed
; decoder"): one program for every stabilizer node (entry `main`). Each node
; holds its slice of the decoding graph (qec_node), files its readouts, and
; decodes every shot with its neighbours in supersteps separated by the
; barrier wire: send each neighbour the changed states of the shared edges'
; ends (exchange.s), settle the node's detectors to a local fixpoint
; (settle.s), contribute `changed | active << 1 | gained << 2` to the wire,
; and on its release go on, grow (grow.s) or report (output.s).
;
; Memory: qec_node (DS_NODE_WORDS), the readout ring (readout.s), the slot
; table and the work space the boot tables are cut from (tables.s): about
; 12,000 words, within the default 16,384.
.import "qec.s"
.import "tables.s"
.import "readout.s"
.import "exchange.s"
.import "settle.s"
.import "grow.s"
.import "output.s"

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
.entry main
; main ( -- ): opens inbox 1 (QEC_STEP) and inbox 2 (barrier releases) first,
; so that a neighbour's QEC_STEP waits there while this node builds its
; tables, then decodes shot after shot, filing readouts meanwhile.
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
.loop:
    loadi ds_cur
    loadi rd_shot
    ltu
    jz .idle
    call ds_decode
    jmp .loop
.idle:
    call ds_idle
    jmp .loop

; ds_decode ( -- ): decodes shot ds_cur, whose readouts are all filed: supersteps
; until the barrier says the fixpoint holds everywhere with no active cluster,
; a growth step whenever it holds with one; then the result and the reset.
ds_decode:
    loadi ds_cur
    push DS_DW - 1
    and
    push ds_ring
    add
    load
    dup
    storei ds_fired
    dup
    storei ds_live
    call ds_near
    storei ds_touched
    push 0
    storei ds_t
    push 1
    storei ds_gained
.step:
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
    jmp .step
.again:
    drop
    jmp .step
.done:
    drop
    call ds_output
    call ds_reset
    loadi ds_cur
    addi 1
    storei ds_cur
    ret

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
