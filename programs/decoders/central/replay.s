; Replays a list of syndromes through the union-find core (uf.s) and logs
; every result: the core's acceptance test without the simulator's readout.
; A data file linked after this one defines qec_graph (docs/decoders.md,
; "Per-node data"), the constant UF_WORK (9 D + 3 E words), uf_work, and
; `syndromes`: the number of shots, then per shot n and its n fired detectors.
; Logs per shot (TAG_RESULT, shot, observable mask, k), then (TAG_EDGE, shot,
; edge) for each of its k correction edges, ascending.
.import "uf.s"

.const TAG_RESULT = 1
.const TAG_EDGE = 2

.data
rp_shot: .word 0
rp_at: .word 0          ; the next shot's n in syndromes
rp_k: .word 0
rp_out: .space 2 + 4096 ; mask, k, edges

.code
main:
    call uf_init
    push syndromes + 1
    storei rp_at
.shot:
    loadi rp_shot
    loadi syndromes
    lt
    jz .end
    loadi rp_at
    dup
    addi 1
    swap
    load                ; syn n
    push rp_out
    call uf_decode
    loadi rp_shot
    loadi rp_out
    loadi rp_out + 1
    push TAG_RESULT
    emit 3
    push 0
    storei rp_k
.edge:
    loadi rp_k
    loadi rp_out + 1
    lt
    jz .edges_done
    loadi rp_shot
    loadi rp_k
    push rp_out + 2
    add
    load
    push TAG_EDGE
    emit 2
    loadi rp_k
    addi 1
    storei rp_k
    jmp .edge
.edges_done:
    loadi rp_at
    dup
    load
    add
    addi 1
    storei rp_at
    loadi rp_shot
    addi 1
    storei rp_shot
    jmp .shot
.end:
    halt
