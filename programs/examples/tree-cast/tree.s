; Tree size and depth by convergecast (the aether paper's Figure 8) on the
; firmware library. Every node serves TREE_SIZE and TREE_DEPTH casts through
; a dispatch table; the root (node 0) starts the size cast, then the depth
; cast when the size is known, and logs (TAG_SIZE, size) and (TAG_DEPTH,
; depth) when they complete. Depth counts edges: the root is at depth 0.
; Each node holds only its own children, given as per-node data by the
; scenario (tree.nodes, docs/scenario.md "Per-node data"): their number at
; `nkids` and their ids at `kids`; tree-data.s gives the tree's size TREE_N
; and the largest number of children TREE_MAXKIDS.
; A node casts to at most WINDOW children at a time and to the next one as
; each reply comes in, so its inbox never holds more than WINDOW replies and
; one cast from its parent, whatever the number of children: any tree fits
; the default inbox (1,024 messages, docs/network.md), and the stash holds
; WINDOW + 4 messages. A node casts one cast at a time (the depth cast
; starts when the size cast is done), so the paced cast's state is one
; record (cur_frame .. cur_type) and the cast it answers another (parent,
; ptag). A node answers its parent itself (`answer`, the frame's done
; routine) with its own inbox as reply-to, so that a reply an inbox had no
; room for (an inbox_capacity below WINDOW + 1) comes back and faults the
; node with assertion REPLY_LOST instead of leaving the root without an
; answer and the run with exit 0.
.import "dispatch.s"
.import "cast.s"

.msg TREE_SIZE = 1      ; cast payload [tag]
.msg TREE_DEPTH = 2     ; cast payload [tag, depth of the receiving node]
.const TAG_SIZE = 1
.const TAG_DEPTH = 2
.const REPLY_LOST = 1   ; assertion: a reply came back, its parent's inbox was full
.const WINDOW = 16      ; casts a node has out at once: replies its inbox may hold
.const SLOT = 6         ; a stash slot holds [tag, value] or [tag, depth]
.const SLOTS = WINDOW + 4

.data
table:
    .word 4
    .word TREE_SIZE, 0, on_size
    .word TREE_DEPTH, 0, on_depth
    .word CAST_REPLY, 0, on_reply
    .word CAST_REPLY | RETURNED_BIT, 0, on_lost
stash: .space STASH_HDR + SLOT * SLOTS
nkids: .word 0          ; per-node data: the number of this node's children
kids: .space TREE_MAXKIDS ; and their ids
out: .space 2           ; cast payload being sent
cur_frame: .word 0      ; the running cast: its frame,
cur_next: .word 0       ; the next child to cast to,
cur_len: .word 0        ; the payload's length
cur_type: .word 0       ; and the cast's type
parent: .word 0         ; the cast being answered: its reply-to address
ptag: .word 0           ; and its tag
answer_out: .space 2    ; the [tag, value] answer

.code
.entry main
main:
    nodeid
    jnz .serve
    push 1
    push reduce_add
    push report_size
    push 0
    call ccast_begin
    push 1
    push TREE_SIZE
    call cast_start
.serve:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; cast_start ( frame len type -- ): casts `len` words of `out` as `type` to
; the first WINDOW children for `frame`; a node without children ends the
; frame at once.
cast_start:
    storei cur_type
    storei cur_len
    storei cur_frame
    push 0
    storei cur_next
    loadi nkids
    jnz .kids
    loadi cur_frame
    call ccast_end
    ret
.kids:
    loadi nkids
    push WINDOW
    over
    over
    gt
    jz .fewer
    swap
.fewer:
    drop                ; min(nkids, WINDOW)
.loop:
    call cast_next
    addi -1
    dup
    jnz .loop
    drop
    ret

; cast_next ( -- ): casts to the next child, if one is left, and ends the
; frame once the last child has its cast.
cast_next:
    loadi cur_next
    dup
    loadi nkids
    lt
    jz .none
    dup
    addi 1
    storei cur_next
    push kids
    add
    load
    push ADDR_SHIFT
    shl                 ; the child's inbox 0
    tor
    loadi cur_frame
    push out
    loadi cur_len
    loadi cur_type
    fromr
    call ccast_send
    loadi cur_next
    loadi nkids
    eq
    jz .more
    loadi cur_frame
    call ccast_end
.more:
    ret
.none:
    drop
    ret

; on_reply ( msg -- ): a child answered: cast to the next child, then fold
; the answer into the frame (the library's handler).
on_reply:
    call cast_next
    jmp ccast_on_reply

; on_lost ( msg -- ): one of this node's answers came back.
on_lost:
    drop
    push 0
    assert REPLY_LOST

; take_parent ( msg -- ): keeps the cast's reply-to address and tag for `answer`.
take_parent:
    dup
    addi 2
    load
    storei parent
    addi 4
    load
    storei ptag
    ret

; answer ( result -- ): the frame's done routine: replies [tag, result] to
; the parent, reply-to this node's inbox 0.
answer:
    storei answer_out+1
    loadi ptag
    storei answer_out
    push answer_out
    push 2
    push CAST_REPLY
    loadi parent
    push 0
    call my_addr
    send
    ret

; on_size ( msg -- ): this subtree's size: 1 + the children's sizes.
on_size:
    call take_parent
    push 1
    push reduce_add
    push answer
    push 0
    call ccast_begin
    push 1
    push TREE_SIZE
    call cast_start
    ret

; on_depth ( msg -- ): this subtree's depth: the largest depth below, from
; this node's own depth (payload word 1); children are one deeper.
on_depth:
    dup
    call take_parent
    addi 5
    load                ; d
    dup
    addi 1
    storei out+1
    push reduce_max
    push answer
    push 0
    call ccast_begin
    push 2
    push TREE_DEPTH
    call cast_start
    ret

report_size:
    push TAG_SIZE
    emit 1
    push 0              ; then the depth cast
    push reduce_max
    push report_depth
    push 0
    call ccast_begin
    push 1
    storei out+1
    push 2
    push TREE_DEPTH
    call cast_start
    ret
report_depth:
    push TAG_DEPTH
    emit 1
    ret
