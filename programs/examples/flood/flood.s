; Flooding with echo on a mesh, on the firmware library. Node 0 floods a
; FLOOD convergecast to its grid neighbours; a node reached for the first
; time logs (TAG_REACHED, the node it came from), floods on to its other
; neighbours and answers with the number of nodes it reached (itself
; included); a node reached again answers 0 at once. Node 0 logs
; (TAG_COUNT, nodes reached) when every answer is in. The mesh is MESH_W
; nodes wide (mesh-size.s), row-major, nodes / MESH_W rows.
.import "dispatch.s"
.import "cast.s"

.msg FLOOD = 1          ; cast payload [tag]
.const TAG_REACHED = 1
.const TAG_COUNT = 2
.const SLOT = 6
.const SLOTS = 16

.data
table:
    .word 2
    .word FLOOD, 0, on_flood
    .word CAST_REPLY, 0, ccast_on_reply
stash: .space STASH_HDR + SLOT * SLOTS
nbrs: .space 4          ; address words of the grid neighbours
nnbrs: .word 0
seen: .word 0
out: .space 1

.code
.entry main
main:
    call load_neighbours
    nodeid
    jnz .serve
    push 1
    storei seen
    push 1
    push reduce_add
    push report_count
    push 0
    call ccast_begin    ; frame
    push -1
    call flood_on       ; frame: to every neighbour
.serve:
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; add_neighbour ( flag id -- ): appends node `id` when flag is true.
add_neighbour:
    swap
    jz .no
    push ADDR_SHIFT
    shl
    loadi nnbrs
    push nbrs
    add
    store
    loadi nnbrs
    addi 1
    storei nnbrs
    ret
.no:
    drop
    ret

; load_neighbours ( -- ): the grid neighbours of this node, -x, +x, -y, +y.
load_neighbours:
    nodeid
    push MESH_W
    mod
    push 0
    gt
    nodeid
    addi -1
    call add_neighbour
    nodeid
    push MESH_W
    mod
    push MESH_W - 1
    lt
    nodeid
    addi 1
    call add_neighbour
    nodeid
    push MESH_W
    lt
    eqz
    nodeid
    push MESH_W
    sub
    call add_neighbour
    nodeid
    push MESH_W
    add
    nodes
    lt
    nodeid
    push MESH_W
    add
    call add_neighbour
    ret

; flood_on ( frame from -- ): casts FLOOD to every neighbour but node `from`, then ends.
flood_on:
    push 16
    shl                 ; frame skip
    push 0              ; frame skip i
.loop:
    dup
    loadi nnbrs
    lt
    jz .done
    dup
    push nbrs
    add
    load                ; frame skip i addr
    dup
    pick 3
    eq
    jnz .skip
    pick 3
    swap                ; frame skip i frame addr
    push out
    swap
    push 1
    swap
    push FLOOD
    swap                ; frame skip i frame out 1 FLOOD addr
    call ccast_send
    addi 1
    jmp .loop
.skip:
    drop
    addi 1
    jmp .loop
.done:
    drop
    drop
    call ccast_end
    ret

; on_flood ( msg -- ): joins the flood the first time, answers 0 afterwards.
on_flood:
    loadi seen
    jz .first
    push 0
    call ccast_reply
    ret
.first:
    push 1
    storei seen
    dup
    addi 1
    load
    push TAG_REACHED
    emit 1
    dup
    addi 1
    load
    tor                 ; msg          R: from
    push 1
    swap
    push reduce_add
    swap
    push 0
    swap
    call ccast_begin
    fromr
    call flood_on
    ret

report_count:
    push TAG_COUNT
    emit 1
    ret
