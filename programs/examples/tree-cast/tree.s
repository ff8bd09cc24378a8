; Tree size and depth by convergecast (the aether paper's Figure 8) on the
; firmware library. Every node serves TREE_SIZE and TREE_DEPTH casts through
; a dispatch table; the root (node 0) starts both casts at once and logs
; (TAG_SIZE, size) and (TAG_DEPTH, depth) when they complete. The tree comes
; from `tree_first` / `tree_kids` (a data file such as tree-data.s): the
; children of node i are tree_kids[tree_first[i] .. tree_first[i + 1]].
; Depth counts edges: the root is at depth 0. The root starts the depth cast
; when the size cast is done, so a node's inbox holds at most its children's
; replies and one cast from its parent: a node with more children than the
; default inbox (1,024 messages, docs/network.md) has room for faults with
; assertion KIDS_FIT at start instead of losing replies and never answering.
.import "dispatch.s"
.import "cast.s"

.msg TREE_SIZE = 1      ; cast payload [tag]
.msg TREE_DEPTH = 2     ; cast payload [tag, depth of the receiving node]
.const TAG_SIZE = 1
.const TAG_DEPTH = 2
.const INBOX_ROOM = 1024 - 1 ; replies that fit beside one cast from the parent
.const KIDS_FIT = 1     ; assertion: this node's children's replies fit its inbox
.const SLOT = 6         ; a stash slot holds [tag, value] or [tag, depth]
.const SLOTS = 2 * TREE_N + 4

.data
table:
    .word 3
    .word TREE_SIZE, 0, on_size
    .word TREE_DEPTH, 0, on_depth
    .word CAST_REPLY, 0, ccast_on_reply
stash: .space STASH_HDR + SLOT * SLOTS
kids: .space TREE_N     ; address words of this node's children
nkids: .word 0
out: .space 2           ; cast payload being sent

.code
.entry main
main:
    call load_kids
    loadi nkids
    push INBOX_ROOM + 1
    lt
    assert KIDS_FIT
    nodeid
    jnz .serve
    push 1
    push reduce_add
    push report_size
    push 0
    call ccast_begin
    call cast_size
.serve:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; load_kids ( -- ): fills kids / nkids from the tree tables.
load_kids:
    nodeid
    push tree_first
    add
    dup
    load                ; p first
    swap
    addi 1
    load                ; first last
    over
    sub
    dup
    storei nkids        ; first n
    push 0              ; first n j
.loop:
    over
    over
    gt
    jz .done
    pick 2
    over
    add
    push tree_kids
    add
    load
    push 16
    shl                 ; first n j addr
    over
    push kids
    add
    store
    addi 1
    jmp .loop
.done:
    drop
    drop
    drop
    ret

; cast_size ( frame -- ) / cast_depth ( frame -- ): cast to every child, then end.
cast_size:
    dup
    push out
    push 1
    push TREE_SIZE
    push kids
    loadi nkids
    call ccast_send_all
    call ccast_end
    ret
cast_depth:
    dup
    push out
    push 2
    push TREE_DEPTH
    push kids
    loadi nkids
    call ccast_send_all
    call ccast_end
    ret

; on_size ( msg -- ): this subtree's size: 1 + the children's sizes.
on_size:
    push 1
    swap
    push reduce_add
    swap
    push 0
    swap
    call ccast_begin
    call cast_size
    ret

; on_depth ( msg -- ): this subtree's depth: the largest depth below, from
; this node's own depth (payload word 1); children are one deeper.
on_depth:
    dup
    addi 5
    load                ; msg d
    dup
    addi 1
    storei out+1
    swap                ; d msg
    push reduce_max
    swap
    push 0
    swap
    call ccast_begin
    call cast_depth
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
    call cast_depth
    ret
report_depth:
    push TAG_DEPTH
    emit 1
    ret
