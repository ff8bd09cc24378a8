; The reference union-find of docs/decoders.md ("The reference algorithm") in
; firmware: decodes one syndrome held in memory against the whole decoding
; graph at `qec_graph` (layout in docs/decoders.md, "Per-node data").
;
;   uf_init   ( -- )            once, after qec_graph is filled in
;   uf_decode ( syn n out -- )  syn: n fired detector ids (a set, any order);
;                               out[0] = observable mask, out[1] = k,
;                               out[2 .. 2+k] = correction edges, ascending
;
; Work is proportional to the clusters, not to the graph: a shot touches only
; its *members* (detectors in clusters that hold a fired detector) and the
; edges they grow, and resets only those afterwards. Each growth round scans
; the members, and each active member adds one to every incident edge not yet
; grown (an edge between two active detectors gets one from each end: that is
; the definition's `min(w - s, k)`); unions wait until the round's scan is
; over, so every member sees the clusters of the start of the round.
; Peeling runs one breadth-first search over grown edges from every cluster's
; sources (depth 0 or 1), then walks the search order backwards choosing each
; detector's parent edge (the smallest grown edge one level up) and carrying
; subtree parities up. A syndrome that cannot be matched faults with
; QEC_E_UNMATCHABLE at the first round in which no edge gains support although
; a cluster is active: an active cluster with nothing left to grow stays so (no
; other cluster can reach it), so this is the definition's error, met once the
; other clusters have stopped growing.
.import "qec.s"

.const UF_NONE = -1

.macro aload base       ; ( i -- base[i] )
    loadi \base
    add
    load
.endm
.macro astore base      ; ( x i -- ) base[i] = x
    loadi \base
    add
    store
.endm
.macro efield base      ; ( e -- field of edge e ): base is one of uf_ea uf_eb uf_ew uf_eo
    push 2
    shl
    loadi \base
    add
    load
.endm
.macro incident_of     ; ( v -- ) uf_j .. uf_jend: v's entries of the incident table
    dup
    aload uf_off
    storei uf_j
    addi 1
    aload uf_off
    storei uf_jend
.endm
.macro push_to list, count   ; ( x -- ) list[count++] = x
    loadi \count
    loadi \list
    add
    store
    loadi \count
    addi 1
    storei \count
.endm

.data
uf_d: .word 0           ; D, E
uf_e: .word 0
uf_ea: .word 0          ; address of edge 0's word a (then b, weight, mask)
uf_eb: .word 0
uf_ew: .word 0
uf_eo: .word 0
uf_off: .word 0         ; CSR offsets, incident edge ids
uf_inc: .word 0
uf_sup: .word 0         ; per edge: support
uf_par: .word 0         ; per detector: union-find parent
uf_flg: .word 0         ; per detector (root): bit 0 odd, bit 1 boundary
uf_dep: .word 0         ; per detector: peeling depth, or UF_NONE
uf_ped: .word 0         ; per detector: parent edge of a depth-1 boundary source, or UF_NONE
uf_minv: .word 0        ; per root: its smallest detector (unsigned min; UF_NONE = none)
uf_inm: .word 0         ; per detector: 1 if a member
uf_fired: .word 0       ; per detector: fired (then subtree parity while peeling)
uf_mem: .word 0         ; member list
uf_que: .word 0         ; search order
uf_new: .word 0         ; edges grown this round
uf_touch: .word 0       ; edges with non-zero support
uf_nmem: .word 0
uf_nque: .word 0
uf_nnew: .word 0
uf_ntouch: .word 0
uf_round: .word 0       ; rounds done, this shot
uf_any: .word 0         ; an active member was met this round
uf_gained: .word 0      ; some edge gained support this round
uf_i: .word 0           ; loop counters and the member being worked on
uf_j: .word 0
uf_jend: .word 0
uf_v: .word 0
uf_out: .word 0
uf_mask: .word 0
uf_nout: .word 0

.code
; uf_init ( -- ): array bases after the graph's words at uf_work; every
; detector its own root, no depth, no parent, no minimum.
uf_init:
    push qec_graph
    load
    storei uf_d
    push qec_graph + 1
    load
    storei uf_e
    push qec_graph + 2
    dup
    storei uf_ea
    dup
    addi 1
    storei uf_eb
    dup
    addi 2
    storei uf_ew
    dup
    addi 3
    storei uf_eo
    loadi uf_e
    push 2
    shl
    add                 ; offsets = edges + 4E
    dup
    storei uf_off
    loadi uf_d
    add
    addi 1
    storei uf_inc
    ; the work arrays, in uf_work
    push uf_work
    call .carve_d
    storei uf_par
    call .carve_d
    storei uf_flg
    call .carve_d
    storei uf_dep
    call .carve_d
    storei uf_ped
    call .carve_d
    storei uf_minv
    call .carve_d
    storei uf_inm
    call .carve_d
    storei uf_fired
    call .carve_d
    storei uf_mem
    call .carve_d
    storei uf_que
    call .carve_e
    storei uf_sup
    call .carve_e
    storei uf_new
    call .carve_e
    storei uf_touch
    push uf_work + UF_WORK
    le
    assert QEC_E_WORK   ; the arrays fit in uf_work
    push 0
    storei uf_i
.init:
    loadi uf_i
    loadi uf_d
    lt
    jz .inited
    loadi uf_i
    call uf_clear
    loadi uf_i
    addi 1
    storei uf_i
    jmp .init
.inited:
    ret
.carve_d:               ; ( next -- next' base )
    dup
    loadi uf_d
    add
    swap
    ret
.carve_e:
    dup
    loadi uf_e
    add
    swap
    ret

; uf_clear ( v -- ): detector v as before any shot: its own root, even, away
; from the boundary, not fired, not a member, no depth, parent or minimum.
uf_clear:
    dup
    dup
    astore uf_par
    push 0
    over
    astore uf_flg
    push 0
    over
    astore uf_inm
    push 0
    over
    astore uf_fired
    push UF_NONE
    over
    astore uf_dep
    push UF_NONE
    over
    astore uf_ped
    push UF_NONE
    swap
    astore uf_minv
    ret

; uf_find ( v -- root ), halving the path on the way.
uf_find:
    dup
    aload uf_par        ; v p
    over
    over
    eq
    jnz .done
    aload uf_par        ; v gp
    swap
    over                ; gp v gp
    swap
    astore uf_par       ; gp   (par[v] = gp)
    jmp uf_find
.done:
    drop
    ret

; uf_member ( v -- ): makes v a member if it is not one yet.
uf_member:
    dup
    aload uf_inm
    jnz .known
    push 1
    over
    astore uf_inm
    push_to uf_mem, uf_nmem
    ret
.known:
    drop
    ret

; uf_active ( root -- flag ): odd and away from the boundary.
uf_active:
    aload uf_flg
    push 3
    and
    push 1
    eq
    ret

; uf_other ( e v -- u ): the other detector of detector-to-detector edge e.
uf_other:
    over
    efield uf_ea        ; e v a
    over
    eq                  ; e v (a == v)
    jz .is_a
    drop
    efield uf_eb
    ret
.is_a:
    drop
    efield uf_ea
    ret

; uf_grown ( e -- flag )
uf_grown:
    dup
    aload uf_sup
    swap
    efield uf_ew
    eq
    ret

uf_decode:
    storei uf_out
    push 0
    storei uf_nmem
    push 0
    storei uf_ntouch
    push 0
    storei uf_round
    ; the fired detectors: members, odd, fired
.seed:                  ; ( syn n )
    dup
    jz .seeded
    over
    load                ; syn n v
    dup
    loadi uf_d
    ltu
    assert QEC_E_DETECTOR
    dup
    aload uf_inm
    jnz .dup_seed
    push 1
    over
    astore uf_fired
    push 1
    over
    astore uf_flg
    call uf_member
    jmp .next_seed
.dup_seed:
    drop
.next_seed:
    addi -1
    swap
    addi 1
    swap
    jmp .seed
.seeded:
    drop
    drop
.round:
    push 0
    storei uf_any
    push 0
    storei uf_gained
    push 0
    storei uf_nnew
    push 0
    storei uf_i
.grow_member:
    loadi uf_i
    loadi uf_nmem
    lt
    jz .grown_all
    loadi uf_i
    aload uf_mem
    dup
    storei uf_v
    call uf_find
    call uf_active
    jz .next_member
    push 1
    storei uf_any
    loadi uf_v
    incident_of
.grow_edge:
    loadi uf_j
    loadi uf_jend
    lt
    jz .next_member
    loadi uf_j
    aload uf_inc        ; e
    dup
    aload uf_sup        ; e s
    over
    efield uf_ew        ; e s w
    over
    eq
    jnz .skip_edge      ; e s   (already grown)
    push 1
    storei uf_gained
    dup
    jnz .supported
    over
    push_to uf_touch, uf_ntouch
.supported:
    addi 1              ; e s+1
    dup
    pick 2
    astore uf_sup       ; e s+1
    over
    efield uf_ew
    eq
    jz .not_full        ; e
    push_to uf_new, uf_nnew
    jmp .edge_done
.not_full:
    drop
    jmp .edge_done
.skip_edge:
    drop
    drop
.edge_done:
    loadi uf_j
    addi 1
    storei uf_j
    jmp .grow_edge
.next_member:
    loadi uf_i
    addi 1
    storei uf_i
    jmp .grow_member
.grown_all:
    loadi uf_any
    jz .peel
    loadi uf_gained
    assert QEC_E_UNMATCHABLE    ; an active cluster had nothing left to grow
    ; merge along the edges grown this round
    push 0
    storei uf_i
.merge:
    loadi uf_i
    loadi uf_nnew
    lt
    jz .merged
    loadi uf_i
    aload uf_new        ; e
    dup
    efield uf_eb        ; e b
    dup
    push UF_NONE
    eq
    jz .join
    drop
    efield uf_ea
    call uf_find        ; r
    dup
    aload uf_flg
    push 2
    or
    swap
    astore uf_flg
    jmp .merge_next
.join:                  ; e b
    dup
    call uf_member
    swap
    efield uf_ea        ; b a
    dup
    call uf_member
    call uf_find
    swap
    call uf_find        ; ra rb
    over
    over
    eq
    jnz .same
    over
    over
    astore uf_par       ; par[rb] = ra
    aload uf_flg        ; ra fb
    over
    aload uf_flg        ; ra fb fa
    over
    over
    xor
    push 1
    and                 ; ra fb fa odd
    tor
    or
    push 2
    and
    fromr
    or                  ; ra flags
    swap
    astore uf_flg
    jmp .merge_next
.same:
    drop
    drop
.merge_next:
    loadi uf_i
    addi 1
    storei uf_i
    jmp .merge
.merged:
    loadi uf_round
    addi 1
    storei uf_round
    jmp .round
.peel:
    call uf_peel
    call uf_sort
    call uf_reset
    ret

; uf_peel ( -- ): depths, parent edges, subtree parities; correction edges to out.
uf_peel:
    push 0
    storei uf_nque
    ; sources: depth-1 boundary detectors; smallest member of the other clusters
    push 0
    storei uf_i
.sources:
    loadi uf_i
    loadi uf_nmem
    lt
    jz .roots
    loadi uf_i
    aload uf_mem
    dup
    storei uf_v
    call uf_find        ; r
    dup
    aload uf_flg
    push 2
    and
    jz .interior
    drop
    loadi uf_v
    call uf_boundary_edge
    dup
    push UF_NONE
    eq
    jnz .no_edge
    loadi uf_v
    astore uf_ped
    push 1
    loadi uf_v
    astore uf_dep
    loadi uf_v
    push_to uf_que, uf_nque
    jmp .source_next
.no_edge:
    drop
    jmp .source_next
.interior:              ; r
    dup
    aload uf_minv
    loadi uf_v
    gtu
    jz .not_less
    loadi uf_v
    swap
    astore uf_minv
    jmp .source_next
.not_less:
    drop
.source_next:
    loadi uf_i
    addi 1
    storei uf_i
    jmp .sources
.roots:
    push 0
    storei uf_i
.root_loop:
    loadi uf_i
    loadi uf_nmem
    lt
    jz .search
    loadi uf_i
    aload uf_mem
    dup
    storei uf_v
    call uf_find
    aload uf_minv
    loadi uf_v
    ne
    jnz .root_next      ; boundary clusters have no minimum: UF_NONE is no detector
    push 0
    loadi uf_v
    astore uf_dep
    loadi uf_v
    push_to uf_que, uf_nque
.root_next:
    loadi uf_i
    addi 1
    storei uf_i
    jmp .root_loop
.search:                ; breadth first over grown detector-to-detector edges
    push 0
    storei uf_i
.visit:
    loadi uf_i
    loadi uf_nque
    lt
    jz .parents
    loadi uf_i
    aload uf_que
    dup
    storei uf_v
    incident_of
.visit_edge:
    loadi uf_j
    loadi uf_jend
    lt
    jz .visit_next
    loadi uf_j
    aload uf_inc        ; e
    dup
    efield uf_eb
    push UF_NONE
    eq
    jnz .visit_skip
    dup
    call uf_grown
    jz .visit_skip
    loadi uf_v
    call uf_other       ; u
    dup
    aload uf_dep
    push UF_NONE
    ne
    jnz .visit_skip
    loadi uf_v
    aload uf_dep
    addi 1
    over
    astore uf_dep
    push_to uf_que, uf_nque
    jmp .visit_edge_next
.visit_skip:
    drop
.visit_edge_next:
    loadi uf_j
    addi 1
    storei uf_j
    jmp .visit_edge
.visit_next:
    loadi uf_i
    addi 1
    storei uf_i
    jmp .visit
.parents:               ; the search order backwards: children before parents
    push 0
    storei uf_mask
    push 0
    storei uf_nout
    loadi uf_nque
    storei uf_i
.peel_next:
    loadi uf_i
    jz .done
    loadi uf_i
    addi -1
    dup
    storei uf_i
    aload uf_que
    dup
    storei uf_v
    aload uf_ped        ; pe
    dup
    push UF_NONE
    ne
    jnz .has_parent
    drop
    loadi uf_v
    aload uf_dep
    jz .peel_next       ; a root
    call uf_parent_edge
.has_parent:            ; pe
    loadi uf_v
    aload uf_fired
    jnz .odd
    drop
    jmp .peel_next
.odd:
    dup
    loadi uf_nout
    loadi uf_out
    add
    addi 2
    store
    loadi uf_nout
    addi 1
    storei uf_nout
    dup
    efield uf_eo
    loadi uf_mask
    xor
    storei uf_mask
    dup
    efield uf_eb
    push UF_NONE
    eq
    jnz .to_boundary
    loadi uf_v
    call uf_other       ; u
    dup
    aload uf_fired
    push 1
    xor
    swap
    astore uf_fired
    jmp .peel_next
.to_boundary:
    drop
    jmp .peel_next
.done:
    loadi uf_mask
    loadi uf_out
    store
    loadi uf_nout
    loadi uf_out
    addi 1
    store
    ret

; uf_boundary_edge ( v -- e ): v's grown boundary edge of smallest id, or UF_NONE.
uf_boundary_edge:
    incident_of
.scan:
    loadi uf_j
    loadi uf_jend
    lt
    jz .none
    loadi uf_j
    aload uf_inc
    dup
    efield uf_eb
    push UF_NONE
    eq
    jz .skip
    dup
    call uf_grown
    jnz .found
.skip:
    drop
    loadi uf_j
    addi 1
    storei uf_j
    jmp .scan
.none:
    push UF_NONE
.found:
    ret

; uf_parent_edge ( -- e ): the smallest grown detector-to-detector edge from
; uf_v to a detector one level up.
uf_parent_edge:
    loadi uf_v
    incident_of
.scan:
    loadi uf_j
    aload uf_inc        ; e
    dup
    efield uf_eb
    push UF_NONE
    eq
    jnz .skip
    dup
    call uf_grown
    jz .skip
    dup
    loadi uf_v
    call uf_other
    aload uf_dep
    addi 1
    loadi uf_v
    aload uf_dep
    eq
    jnz .found
.skip:
    drop
    loadi uf_j
    addi 1
    storei uf_j
    jmp .scan           ; a non-root detector always has one
.found:
    ret

; uf_sort ( -- ): insertion sort of the out[2 ..] edge list, ascending.
uf_sort:
    push 1
    storei uf_i
.outer:
    loadi uf_i
    loadi uf_nout
    lt
    jz .sorted
    loadi uf_out
    addi 2
    loadi uf_i
    add                 ; p = &list[i]
    dup
    load
    storei uf_v         ; key
.inner:                 ; p: the hole
    dup
    loadi uf_out
    addi 2
    eq
    jnz .place
    dup
    addi -1
    load                ; p prev
    dup
    loadi uf_v
    gt
    jz .stop
    over
    store               ; list[p] = prev
    addi -1
    jmp .inner
.stop:
    drop
.place:
    loadi uf_v
    swap
    store
    loadi uf_i
    addi 1
    storei uf_i
    jmp .outer
.sorted:
    ret

; uf_reset ( -- ): undoes the shot's marks on its members and touched edges.
uf_reset:
.members:
    loadi uf_nmem
    jz .edges
    loadi uf_nmem
    addi -1
    dup
    storei uf_nmem
    aload uf_mem
    call uf_clear
    jmp .members
.edges:
    loadi uf_ntouch
    jz .clean
    loadi uf_ntouch
    addi -1
    dup
    storei uf_ntouch
    aload uf_touch
    push 0
    swap
    astore uf_sup
    jmp .edges
.clean:
    ret
