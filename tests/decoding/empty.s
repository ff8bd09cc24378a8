; A stand-in decoder for the workload's tests (tests/tests/qec_workload.rs): every
; node waits for its readouts and, on the readout of its last detector of a shot
; (qec_node[QEC_MINE + k], the last by layer), reports the correction `res` (an
; empty one, or edge 0 when WRONG = 1) to its output port. Right only for shots
; without detection events.
.import "qec.s"
.data
buf: .space 8               ; type, src, reply-to, len, shot, layer, detector, fired
res: .word 0, 0, WRONG, 0   ; shot, mask, n, edge 0
qec_node: .space 512
.code
.entry main
main:
    push -1
    wait
    drop
    push buf
    push 8
    push 0
    recv
    drop
    loadi buf + 6
    loadi qec_node + QEC_MINE
    push qec_node + QEC_MINE
    add
    load
    eq
    jz main
    loadi buf + 4
    storei res
    push res
    call qec_output
    jmp main
