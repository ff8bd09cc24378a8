; Randomized 3-colouring of a line (the aether paper's Figure 7) on the
; firmware library. Node i of N has neighbours i - 1 and i + 1. Process 0
; answers COLOUR_QUERY requests with this node's current colour through a
; dispatch table; a subordinate process (spawned, so that it may wait for
; answers while process 0 keeps serving) repeats rounds: pick a colour with
; `rand`, ask every neighbour for its colour with rpc_call, and stop when no
; neighbour has the same one. It then logs (TAG_COLOUR, colour, rounds).
.import "dispatch.s"
.import "rpc.s"

.msg COLOUR_QUERY = 1   ; request: payload [tag]; answered with RPC_DONE [tag, colour]
.const TAG_COLOUR = 1
.const SLOT = 6
.const SLOTS = 8

.data
table:
    .word 1
    .word COLOUR_QUERY, 0, on_query
stash: .space STASH_HDR + SLOT * SLOTS
colour: .word 0
rounds: .word 0
clash: .word 0
req: .space 1
rep: .space 6

.code
.entry main
main:
    push colourer
    push 0
    spawn
    drop
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; on_query ( msg -- ): answers with the current colour.
on_query:
    loadi colour
    call rpc_reply
    ret

; ask ( flag id -- ): when flag holds, asks node `id` for its colour and
; notes a clash when it equals ours.
ask:
    swap
    jz .skip
    push 16
    shl
    tor
    push req
    push 1
    push COLOUR_QUERY
    fromr
    push rep
    push 2
    push -1
    call rpc_call
    push 1
    eq
    assert 1            ; fault code 1: no answer (cannot happen without faults)
    loadi rep+5
    loadi colour
    eq
    loadi clash
    or
    storei clash
    ret
.skip:
    drop
    ret

; colourer ( arg -- ): rounds until no neighbour shares the colour, then exits.
colourer:
    drop
.round:
    loadi rounds
    addi 1
    storei rounds
    rand
    push 3
    modu
    storei colour
    push 0
    storei clash
    nodeid
    push 0
    gt
    nodeid
    addi -1
    call ask
    nodeid
    addi 1
    nodes
    lt
    nodeid
    addi 1
    call ask
    loadi clash
    jnz .round
    loadi colour
    loadi rounds
    push TAG_COLOUR
    emit 2
    exit
