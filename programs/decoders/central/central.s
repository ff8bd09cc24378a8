; The central node of the centralised decoder (entry `central`, or `main`
; when every node runs this program; see main below): it holds the
; whole decoding graph at qec_graph, files every node's QEC_DETECTIONS of a
; shot into a slot, and when all N nodes have reported a shot (in shot order)
; decodes it with the union-find core (uf.s) and sends one QEC_RESULT through
; its output port. Its own detections (if it is a stabilizer node too) are
; filed when its last readout of a shot is handled, as a message from itself
; would be but without queueing behind the backlog of inbox 0. Waiting
; messages are filed before a shot is decoded.
;
; CN_W shots are held at once: a detection for a shot CN_W or more ahead of
; the oldest undecoded one first has the oldest shots decoded, which must be
; complete by then (else QEC_E_WINDOW). Detections wait in inbox 0 while the
; node decodes, so inbox_capacity bounds the backlog.
.import "qec.s"
.import "msg.s"
.import "node.s"
.import "uf.s"

.const QEC_MAX_D = 4096         ; most detectors and edges of a graph this node holds
.const QEC_MAX_E = 8192
.const UF_WORK = 9 * QEC_MAX_D + 3 * QEC_MAX_E
.const CN_W = 4                 ; shot slots (a power of two)
.const CN_SLOT = 3 + QEC_MAX_D  ; a slot: shot, reports, n, fired detectors
.const CN_MSG = 2 + FW_MAX_MINE ; most payload words of a message

.data
qec_graph: .space 3 + 6 * QEC_MAX_E + QEC_MAX_D  ; written by the simulator
uf_work: .space UF_WORK
cn_slots: .space CN_W * CN_SLOT
cn_msg: .space 4 + CN_MSG
cn_res: .space 3 + QEC_MAX_E    ; [shot, mask, k, edges]
cn_next: .word 0                ; the oldest shot not decoded yet

.code
.entry main
.entry central
; main ( -- ): one program for every node: the central node (qec_node word
; QEC_CENTRAL) decodes, the others forward.
main:
    call fw_init
    loadi qec_node + QEC_CENTRAL
    nodeid
    eq
    jz stabilizer.loop
    jmp central.run

central:
    call fw_init
central.run:
    call uf_init
    loadi qec_graph
    push QEC_MAX_D
    le
    assert QEC_E_WORK
.loop:
    push 0
    poll
    jz .decode
    push cn_msg
    push CN_MSG
    push 0
    recv
    drop
    loadi cn_msg
    push QEC_DETECTIONS
    eq
    jz .readout
    call cn_file
    jmp .loop
.readout:               ; the central node's own: filed at once, not sent
    push fw_msg
    push cn_msg
    push 8
    call memcpy
    call fw_note
    jz .loop
    push cn_msg + 4
    push fw_out
    loadi fw_out + 1
    addi 2
    call memcpy
    call cn_file
    push 0
    storei fw_out + 1
    jmp .loop
.decode:
    call cn_slot_of_next        ; slot
    dup
    addi 1
    load
    loadi qec_node + QEC_NODES
    eq
    jz .idle
    call cn_decode
    jmp .loop
.idle:
    drop
    push -1
    wait
    drop
    jmp .loop

; cn_slot_of_next ( -- slot ): the slot of shot cn_next.
cn_slot_of_next:
    loadi cn_next
    push CN_W - 1
    and
    push CN_SLOT
    mul
    push cn_slots
    add
    ret

; cn_file ( -- ): adds the QEC_DETECTIONS at cn_msg to its shot's slot,
; first decoding the oldest shots while the slot is still theirs (their
; detections all came before this one: see the README).
cn_file:
    loadi cn_msg + 4    ; shot
.room:
    dup
    loadi cn_next
    sub
    push CN_W
    ltu
    jnz .fits
    call cn_slot_of_next
    dup
    addi 1
    load
    loadi qec_node + QEC_NODES
    eq
    assert QEC_E_WINDOW ; the oldest shot is complete
    call cn_decode
    jmp .room
.fits:
    dup
    push CN_W - 1
    and
    push CN_SLOT
    mul
    push cn_slots
    add                 ; shot slot
    dup
    load
    pick 2
    eq
    jnz .same
    over
    over
    store               ; slot[0] = shot
    push 0
    over
    addi 1
    store
    push 0
    over
    addi 2
    store
.same:
    nip                 ; slot
    dup
    addi 1
    dup
    load
    addi 1
    swap
    store               ; one more report
    dup
    addi 2
    load                ; slot n
    over
    addi 3
    add                 ; slot dst
    push cn_msg + 6
    loadi cn_msg + 5    ; slot dst src count
    dup
    tor
    call memcpy
    addi 2
    dup
    load
    fromr
    add
    swap
    store               ; n += count
    ret

; cn_decode ( slot -- ): decodes shot cn_next held in slot, outputs its result.
cn_decode:
    loadi cn_next
    storei cn_res
    dup
    addi 3
    over
    addi 2
    load                ; slot syn n
    push cn_res + 1
    call uf_decode
    push cn_res
    call qec_output
    push 0
    over
    addi 1
    store               ; no reports
    push -1
    swap
    store               ; no shot
    loadi cn_next
    addi 1
    storei cn_next
    ret
