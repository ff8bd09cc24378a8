; Randomized 3-colouring of a line (the aether paper's Figure 7) on the
; firmware library. Node i of N has neighbours i - 1 and i + 1. Process 0
; answers COLOUR_QUERY requests with this node's current colour through a
; dispatch table; a subordinate process (spawned, so that it may wait for
; answers while process 0 keeps serving) repeats rounds: pick a colour with
; `rand`, ask every neighbour for its colour at once with rpc_gather (the
; paper's send-message-batch and with-replies), and stop when no neighbour
; has the same one. It then logs (TAG_COLOUR, colour, rounds).
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
nbrs: .space 2          ; address words of the neighbours
nn: .word 0
req: .space 1
replies: .space 2 * 2 + 6 ; rpc_gather's answers and work space

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

; add_neighbour ( flag id -- ): appends node `id`'s inbox 0 to `nbrs` when flag holds.
add_neighbour:
    swap
    jz .no
    push ADDR_SHIFT
    shl
    loadi nn
    push nbrs
    add
    store
    loadi nn
    addi 1
    storei nn
    ret
.no:
    drop
    ret

; colourer ( arg -- ): rounds until no neighbour shares the colour, then exits.
colourer:
    drop
    nodeid
    push 0
    gt
    nodeid
    addi -1
    call add_neighbour
    nodeid
    addi 1
    nodes
    lt
    nodeid
    addi 1
    call add_neighbour
.round:
    loadi rounds
    addi 1
    storei rounds
    rand
    push 3
    modu
    storei colour
    push req
    push 1
    push COLOUR_QUERY
    push nbrs
    loadi nn
    push replies
    push -1
    call rpc_gather     ; answers
    loadi nn
    eq
    assert 1            ; fault code 1: a neighbour did not answer (cannot happen without faults)
    push 0              ; i
.check:
    dup
    loadi nn
    lt
    jz .proper
    dup
    push replies
    add
    load
    loadi colour
    eq
    jnz .clash
    addi 1
    jmp .check
.clash:
    drop
    jmp .round
.proper:
    drop
    loadi colour
    loadi rounds
    push TAG_COLOUR
    emit 2
    exit
