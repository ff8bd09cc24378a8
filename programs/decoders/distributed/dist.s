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
.import "shot.s"
.import "tables.s"
.import "readout.s"
.import "exchange.s"
.import "settle.s"
.import "grow.s"
.import "output.s"

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
