; The Gallager-Humblet-Spira minimum spanning tree (the aether paper's
; Appendix A) on the firmware library. Every node wakes up at once and then
; serves the GHS messages through a dispatch table; the paper's "place the
; message on the end of the queue" is a dispatch guard (the message waits in
; the stash until its guard holds). When the two core nodes find no outgoing
; edge, the one with the lower id floods FINISH over the tree; every node
; then logs (TAG_BRANCH, neighbour, weight) for each of its tree edges.
; Each node holds only its own edges, given as per-node data by the scenario
; (graph.nodes, docs/scenario.md "Per-node data"): deg, then its neighbours
; in nbr_tab and their weights in wt_tab; graph.s gives the graph's maximum
; degree G_MAXDEG. Weights are below INF and may repeat: edges are ordered by
; the key (weight, smaller id, larger id), GHS's standard tie-break, so the
; minimum spanning tree is unique and a fragment's name (the key of its core
; edge) names one fragment. A key is two words, the weight and the pair word
; (smaller id << 16) | larger id (node ids are 16 bits, as in an address),
; compared lexicographically, the pair unsigned (key_lt). Sections refer to the
; GHS paper's appendix. A run whose node count is not the graph's G_N faults
; every node with assertion NODE_COUNT before anything is sent.
.import "dispatch.s"

.msg CONNECT = 1        ; [level]
.msg INITIATE = 2       ; [level, fragment key (2 words), state]
.msg TEST = 3           ; [level, fragment key (2 words)]
.msg ACCEPT = 4         ; []
.msg REJECT = 5         ; []
.msg REPORT = 6         ; [best key (2 words)]
.msg CHANGE_ROOT = 7    ; []
.msg FINISH = 8         ; [] (not part of GHS: tells every node to log its tree edges)
.const TAG_BRANCH = 1
.const INF = 0x7FFFFFFF
.const FIND = 1         ; node states (sleeping is never seen: all wake at once)
.const FOUND = 2
.const BASIC = 0        ; edge states
.const BRANCH = 1
.const REJECTED = 2
.const SLOT = 8         ; a stashed message: 4 header words and INITIATE's 4
.const NODE_COUNT = 1   ; assertion: the run has exactly the graph's G_N nodes
.const SLOTS = 4 * G_MAXDEG + 16

.data
table:
    .word 8
    .word CONNECT, connect_ok, on_connect
    .word INITIATE, 0, on_initiate
    .word TEST, test_ok, on_test
    .word ACCEPT, 0, on_accept
    .word REJECT, 0, on_reject
    .word REPORT, report_ok, on_report
    .word CHANGE_ROOT, 0, on_change_root
    .word FINISH, 0, on_finish
stash: .space STASH_HDR + SLOT * SLOTS
se: .space G_MAXDEG     ; state of each edge of this node
sn: .word 0
ln: .word 0
fn: .word 0, 0          ; fragment name: the key of the core edge
best_edge: .word -1
best_wt: .word INF      ; best key: weight,
best_pr: .word -1       ; pair word
test_edge: .word -1
in_branch: .word -1
find_count: .word 0
deg: .word 0            ; per-node data: this node's edges,
nbr_tab: .space G_MAXDEG ; their far nodes
wt_tab: .space G_MAXDEG  ; and their weights
pr_tab: .space G_MAXDEG ; each edge's pair word, set up by main
mb_j: .word 0           ; min_basic's running minimum
mb_w: .word 0
mb_p: .word 0
out: .space 4           ; payload being sent

.code
.entry main
main:
    nodes               ; a node the graph does not know would never finish
    push G_N
    eq
    assert NODE_COUNT
    push 0
.pairs:
    dup
    loadi deg
    lt
    jz .paired
    dup
    call nbr
    nodeid
    call pair
    over
    push pr_tab
    add
    store
    addi 1
    jmp .pairs
.paired:
    drop
    call wakeup
    push table
    push stash
    push SLOT
    push SLOTS
    call dispatch_run

; nbr ( j -- id ), wt ( j -- w ): the far node and the weight of edge j.
nbr:
    push nbr_tab
    add
    load
    ret
wt:
    push wt_tab
    add
    load
    ret

; pair ( a b -- p ): the pair word of the edge between nodes a and b,
; (smaller << 16) | larger.
pair:
    over
    over
    gt
    jz .ordered
    swap
.ordered:
    swap
    push ADDR_SHIFT
    shl
    or
    ret

; key ( j -- w p ): the key of edge j, its weight and pair word.
key:
    dup
    call wt
    swap
    push pr_tab
    add
    load
    ret

; key_lt ( wa pa wb pb -- flag ): key a is below key b: wa < wb, or wa = wb
; and pa < pb unsigned.
key_lt:
    rot
    swap
    ltu                 ; wa wb plt
    tor
    over
    over
    eq
    fromr
    and                 ; wa wb tie
    tor
    lt
    fromr
    or
    ret

; se_get ( j -- s ), se_set ( s j -- ): the state of edge j.
se_get:
    push se
    add
    load
    ret
se_set:
    push se
    add
    store
    ret

; edge_of ( node -- j ): the edge leading to `node`.
edge_of:
    push 0
.loop:
    dup
    call nbr
    pick 2
    eq
    jnz .found
    addi 1
    jmp .loop
.found:
    nip
    ret

; sender_edge ( msg -- j ): the edge a message came over.
sender_edge:
    addi 1
    load
    call edge_of
    ret

; send_on ( len type j -- ): sends `len` words of `out` as `type` over edge j.
send_on:
    call nbr
    push ADDR_SHIFT
    shl
    tor
    tor
    push out
    swap
    fromr
    fromr
    push -1
    send
    ret

; is_find ( -- flag ): SN = Find.
is_find:
    loadi sn
    push FIND
    eq
    ret

; count_find ( -- ): find_count + 1 when SN = Find.
count_find:
    call is_find
    loadi find_count
    add
    storei find_count
    ret

; min_basic ( -- j ): the Basic edge of least key, or -1.
min_basic:
    push -1
    storei mb_j
    pushw INF
    storei mb_w
    push -1
    storei mb_p
    push 0
.loop:
    dup
    loadi deg
    lt
    jz .done
    dup
    call se_get
    jnz .next
    dup
    call key
    loadi mb_w
    loadi mb_p
    call key_lt
    jz .next
    dup
    storei mb_j
    dup
    call key
    storei mb_p
    storei mb_w
.next:
    addi 1
    jmp .loop
.done:
    drop
    loadi mb_j
    ret

; wakeup: section 2.
wakeup:
    call min_basic
    dup
    push 0
    lt
    jnz .alone
    push BRANCH
    over
    call se_set
    push 0
    storei ln
    push FOUND
    storei sn
    push 0
    storei find_count
    push 0
    storei out
    push 1
    push CONNECT
    rot
    call send_on
    ret
.alone:
    drop
    ret

; connect_ok ( msg -- flag ): section 3 handles Connect(L) now unless L >= LN
; and the edge is Basic.
connect_ok:
    dup
    addi 4
    load
    loadi ln
    lt
    jnz .yes
    call sender_edge
    call se_get
    push BASIC
    ne
    ret
.yes:
    drop
    push 1
    ret

; on_connect ( msg -- ): section 3.
on_connect:
    dup
    call sender_edge    ; msg j
    swap
    addi 4
    load                ; j L
    loadi ln
    lt
    jz .merge
    push BRANCH
    over
    call se_set
    loadi ln
    storei out
    loadi fn
    storei out+1
    loadi fn+1
    storei out+2
    loadi sn
    storei out+3
    push 4
    push INITIATE
    rot
    call send_on
    call count_find
    ret
.merge:
    loadi ln
    addi 1
    storei out
    dup
    call key
    storei out+2
    storei out+1
    push FIND
    storei out+3
    push 4
    push INITIATE
    rot
    call send_on
    ret

; on_initiate ( msg -- ): section 4.
on_initiate:
    dup
    addi 4
    load
    storei ln
    dup
    addi 5
    load
    storei fn
    dup
    addi 6
    load
    storei fn+1
    dup
    addi 7
    load
    storei sn
    call sender_edge
    storei in_branch
    push -1
    storei best_edge
    pushw INF
    storei best_wt
    push -1
    storei best_pr
    loadi ln
    storei out
    loadi fn
    storei out+1
    loadi fn+1
    storei out+2
    loadi sn
    storei out+3
    push 0
.loop:
    dup
    loadi deg
    lt
    jz .done
    dup
    loadi in_branch
    eq
    jnz .next
    dup
    call se_get
    push BRANCH
    eq
    jz .next
    push 4
    push INITIATE
    pick 2
    call send_on
    call count_find
.next:
    addi 1
    jmp .loop
.done:
    drop
    call is_find
    jz .end
    call test
.end:
    ret

; test: section 5.
test:
    call min_basic
    dup
    storei test_edge
    dup
    push 0
    lt
    jnz .none
    loadi ln
    storei out
    loadi fn
    storei out+1
    loadi fn+1
    storei out+2
    push 3
    push TEST
    rot
    call send_on
    ret
.none:
    drop
    call report
    ret

; test_ok ( msg -- flag ): section 6 waits while L > LN.
test_ok:
    addi 4
    load
    loadi ln
    le
    ret

; on_test ( msg -- ): section 6.
on_test:
    dup
    call sender_edge    ; msg j
    swap
    dup
    addi 5
    load
    loadi fn
    ne
    swap
    addi 6
    load
    loadi fn+1
    ne
    or                  ; j other-fragment
    jz .same
    push 0
    push ACCEPT
    rot
    call send_on
    ret
.same:
    dup
    call se_get
    push BASIC
    eq
    jz .checked
    push REJECTED
    over
    call se_set
.checked:
    dup
    loadi test_edge
    eq
    jnz .retest
    push 0
    push REJECT
    rot
    call send_on
    ret
.retest:
    drop
    call test
    ret

; on_accept ( msg -- ): section 7.
on_accept:
    call sender_edge
    push -1
    storei test_edge
    dup
    call key
    loadi best_wt
    loadi best_pr
    call key_lt
    jz .worse
    dup
    storei best_edge
    call key
    storei best_pr
    storei best_wt
    call report
    ret
.worse:
    drop
    call report
    ret

; on_reject ( msg -- ): section 8.
on_reject:
    call sender_edge
    dup
    call se_get
    push BASIC
    eq
    jz .tested
    push REJECTED
    swap
    call se_set
    call test
    ret
.tested:
    drop
    call test
    ret

; report: section 9.
report:
    loadi find_count
    jnz .wait
    loadi test_edge
    push -1
    eq
    jz .wait
    push FOUND
    storei sn
    loadi best_wt
    storei out
    loadi best_pr
    storei out+1
    push 2
    push REPORT
    loadi in_branch
    call send_on
.wait:
    ret

; report_ok ( msg -- flag ): section 10 waits for a Report over the in-branch while SN = Find.
report_ok:
    call sender_edge
    loadi in_branch
    ne
    call is_find
    eqz
    or
    ret

; on_report ( msg -- ): section 10.
on_report:
    dup
    addi 4
    load
    over
    addi 5
    load
    rot
    call sender_edge    ; w p j
    dup
    loadi in_branch
    eq
    jnz .core
    loadi find_count
    addi -1
    storei find_count
    tor                 ; w p      R: j
    over
    over
    loadi best_wt
    loadi best_pr
    call key_lt
    jz .keep
    storei best_pr
    storei best_wt
    fromr
    storei best_edge
    call report
    ret
.keep:
    drop
    drop
    rdrop
    call report
    ret
.core:
    drop
    loadi best_wt
    loadi best_pr
    pick 3
    pick 3
    call key_lt         ; w p best<w
    jz .settled
    drop
    drop
    call change_root
    ret
.settled:
    drop
    pushw INF
    eq
    loadi best_wt
    pushw INF
    eq
    and
    jz .end
    call finish_start
.end:
    ret

; change_root: section 11.
change_root:
    loadi best_edge
    dup
    call se_get
    push BRANCH
    eq
    jz .connect
    push 0
    push CHANGE_ROOT
    rot
    call send_on
    ret
.connect:
    loadi ln
    storei out
    push BRANCH
    over
    call se_set
    push 1
    push CONNECT
    rot
    call send_on
    ret

; on_change_root ( msg -- ): section 12.
on_change_root:
    drop
    call change_root
    ret

; finish_start: the core node with the lower id starts the FINISH flood.
finish_start:
    nodeid
    loadi in_branch
    call nbr
    lt
    jz .other
    push -1
    call finish_spread
.other:
    ret

; finish_spread ( from -- ): logs this node's tree edges and sends FINISH
; over each of them but edge `from`.
finish_spread:
    push 0
.loop:
    dup
    loadi deg
    lt
    jz .done
    dup
    call se_get
    push BRANCH
    eq
    jz .next
    dup
    call nbr
    over
    call wt
    push TAG_BRANCH
    emit 2
    dup
    pick 2
    eq
    jnz .next
    push 0
    push FINISH
    pick 2
    call send_on
.next:
    addi 1
    jmp .loop
.done:
    drop
    drop
    ret

; on_finish ( msg -- ).
on_finish:
    call sender_edge
    call finish_spread
    ret
