; The node's tables, built once at boot from qec_node (docs/decoders.md,
; "Per-node data"):
;
; - a slot per detector of the node, in layer order (ds_slots, SLOT_WORDS
;   each): its detector, key and parent word now and as last sent, its
;   records, its initial key, its bit, the slots it shares an edge with;
; - a record per qec_node edge record (REC_WORDS each), in qec_node's order
;   (by slot, ascending edge id): edge, weight, support, the address of the
;   far end's state (a slot's S_K, the record's own R_FK for a far end on a
;   neighbour, 0 for the boundary), the far end's state as last told, mask,
;   slot, and for a shared edge its neighbour and position;
; - a descriptor per neighbour (NB_WORDS each, ascending node id): node,
;   inbox 1's address, the QEC_STEP being built, the shared edges' count and
;   their records by position (ascending edge id).
;
; Everything but the slots is cut from ds_work; a node whose tables do not
; fit, or with no detector or more than DS_SLOTS, faults with QEC_E_WORK.

.const DS_SLOTS = 32            ; most detectors of a node (a bit each in a word)
.const DS_WORK = 8192           ; words for records, descriptors and buffers
.const DS_SHARED = 64           ; most edges shared with one neighbour
.const DS_RMAX = 3 + 3 * DS_SHARED ; the largest QEC_STEP payload

.const SLOT_WORDS = 16          ; a slot (a power of two)
.const SLOT_SHIFT = 4
.const S_DET = 0                ; the detector
.const S_K = 1                  ; key: label << 12 | depth
.const S_P = 2                  ; parent word: (edge + 1) << 2 | sub << 1 | active
.const S_SK = 3                 ; the key last sent
.const S_SP = 4                 ; the parent word last sent
.const S_R0 = 5                 ; its first record
.const S_R1 = 6                 ; past its last record
.const S_INIT = 7               ; (detector + 1) << 12
.const S_BIT = 8                ; 1 << slot
.const S_LOCAL = 9              ; the slots joined to it by an edge, a bit each

.const REC_WORDS = 16           ; a record
.const R_EDGE = 0               ; edge id
.const R_W = 1                  ; weight
.const R_SUP = 2                ; support
.const R_FAR = 3                ; the far end's state (key, parent word): its address, 0 = boundary
.const R_FK = 4                 ; a neighbour's far end: its key as last told
.const R_FP = 5                 ; and its parent word
.const R_MASK = 6               ; observable mask
.const R_S = 7                  ; this end's slot (address)
.const R_NB = 8                 ; a shared edge's neighbour (descriptor address), else 0
.const R_POS = 9                ; a shared edge's position
.const R_FINIT = 10             ; a shared edge's far end's initial key
.const R_NODE = 11              ; a shared edge's neighbour node id, else -1

.const NB_WORDS = 8             ; a neighbour descriptor
.const N_NODE = 0               ; node id
.const N_ADDR = 1               ; its inbox 1
.const N_BUF = 2                ; the QEC_STEP payload being built: [shot, t, c, (pos, K, P) x c]
.const N_CNT = 3                ; shared edges
.const N_POS = 4                ; their records by position (N_CNT words)
.const N_FILL = 5               ; positions filled while building
.const N_SEEN = 6               ; the epoch of the last QEC_STEP taken from it

.data
ds_slots: .space DS_SLOTS * SLOT_WORDS
ds_work: .space DS_WORK
ds_free: .word ds_work          ; the first word of ds_work not handed out
ds_k: .word 0                   ; the node's detectors
ds_slot_end: .word 0            ; past the last slot
ds_rec: .word 0                 ; the first record
ds_rec_end: .word 0             ; past the last one
ds_nb: .word 0                  ; the first neighbour descriptor
ds_nb_end: .word 0              ; past the last one
ds_nbs: .word 0                 ; neighbours
ds_rb: .space 4 + DS_RMAX       ; a received QEC_STEP: header and payload
nb_base: .word 0                ; the smallest neighbour's node id
nb_span: .word 0                ; largest - smallest + 1
nb_lut: .word 0                 ; per node id from nb_base: its descriptor, 0 if none
b_last: .word 0                 ; building: the last neighbour made
b_best: .word 0                 ; the next neighbour's node id
b_cnt: .word 0                  ; its shared edges
b_slot: .word ds_slots          ; the slot of the last record built

.code
; ds_boot ( -- ): builds the slots, records and neighbours from qec_node.
ds_boot:
    loadi qec_node + QEC_MINE
    dup
    storei ds_k
    dup
    push 1
    ge
    assert QEC_E_WORK
    dup
    push DS_SLOTS
    le
    assert QEC_E_WORK
    push SLOT_SHIFT
    shl
    push ds_slots
    add
    storei ds_slot_end
    call ds_boot_slots
    call ds_boot_records
    call ds_boot_neighbours
    call ds_boot_positions
    ret

; ds_each ( mask fn -- ): calls fn ( S -- ) with every slot S of mask, a bit
; per slot, in slot (layer) order; fn may use the stack below S.
ds_each:
    swap
    push ds_slots                       ; fn m S
.loop:
    over
    push 15
    and
    jz .nibble                          ; no slot among the next four
.bit:
    over
    push 1
    and
    jz .skip
    dup
    pick 3
    calli
.skip:
    swap
    push 1
    shr
    swap
    addi SLOT_WORDS
    jmp .loop
.nibble:
    over
    jz .done
    swap
    push 4
    shr
    swap
    addi 4 * SLOT_WORDS
    jmp .loop
.done:
    drop
    drop
    drop
    ret

; ds_alloc ( n -- addr ): n words of ds_work.
ds_alloc:
    loadi ds_free
    dup
    tor
    add
    dup
    storei ds_free
    push ds_work + DS_WORK
    le
    assert QEC_E_WORK
    fromr
    ret

; ds_slot_of ( v -- S ): the slot of this node's detector v, 0 if none.
ds_slot_of:
    push ds_slots
.loop:
    dup
    loadi ds_slot_end
    eq
    jnz .none
    dup
    addi S_DET
    load
    pick 2
    eq
    jnz .found
    addi SLOT_WORDS
    jmp .loop
.none:
    drop
    drop
    push 0
    ret
.found:
    nip
    ret

; ds_slot_of_mine ( v -- S ): the slot of this node's detector v, which the
; previous record's slot usually is (records come by slot); QEC_E_WORK if the
; node does not hold v.
ds_slot_of_mine:
    loadi b_slot
    dup
    addi S_DET
    load
    pick 2
    eq
    jnz .same
    drop
    call ds_slot_of
    dup
    assert QEC_E_WORK
    dup
    storei b_slot
    ret
.same:
    nip
    ret

; ds_boot_slots ( -- ): every slot in its initial state.
ds_boot_slots:
    push qec_node + QEC_MINE + 1        ; detector list
    push ds_slots
    push 1                              ; v S bit
.loop:
    over
    loadi ds_slot_end
    eq
    jnz .done
    dup
    pick 2
    addi S_BIT
    store
    pick 2
    load                                ; d S bit v
    dup
    pick 3
    addi S_DET
    store
    addi 1
    push 12
    shl
    dup
    pick 3
    addi S_INIT
    store
    dup
    pick 3
    addi S_K
    store
    pick 2
    addi S_SK
    store
    push 1
    shl
    swap
    addi SLOT_WORDS
    swap
    rot
    addi 1
    rot
    rot
    jmp .loop
.done:
    drop
    drop
    drop
    ret

; ds_boot_records ( -- ): a record per qec_node edge record; each slot's range.
ds_boot_records:
    loadi qec_node + QEC_MINE
    push qec_node + QEC_MINE + 1
    add                                 ; &m
    dup
    load
    dup
    push REC_WORDS
    mul
    call ds_alloc
    dup
    storei ds_rec
    swap
    push REC_WORDS
    mul
    add
    storei ds_rec_end
    addi 1                              ; src
    loadi ds_rec                        ; src r
.loop:
    dup
    loadi ds_rec_end
    eq
    jnz .done
    call ds_boot_record
    addi REC_WORDS
    swap
    addi 6
    swap
    jmp .loop
.done:
    drop
    drop
    ret

; ds_boot_record ( src r -- src r ): record r from the 6 words at src.
ds_boot_record:
    over
    load
    over
    addi R_EDGE
    store
    over
    addi 4
    load
    over
    addi R_W
    store
    over
    addi 5
    load
    over
    addi R_MASK
    store
    push -1
    over
    addi R_NODE
    store
    over                                ; src r src
    addi 1
    load
    call ds_slot_of_mine                ; src r S
    dup
    pick 2
    addi R_S
    store
    dup
    addi S_R1
    load                                ; src r S r1
    dup
    jz .first
    pick 2
    eq
    assert QEC_E_WORK                   ; a slot's records are contiguous
    jmp .extend
.first:
    drop
    over
    over
    addi S_R0
    store
.extend:
    over
    addi REC_WORDS
    swap
    addi S_R1
    store
    over
    addi 2
    load                                ; src r other
    dup
    push -1
    eq
    jnz .boundary
    pick 2
    addi 3
    load                                ; src r other node
    dup
    loadi qec_node + QEC_ID
    eq
    jnz .local
    dup
    push -1
    ne
    assert QEC_E_WORK                   ; a detector edge's far end is on a node
    pick 2
    addi R_NODE
    store
    addi 1
    push 12
    shl
    dup
    pick 2
    addi R_FINIT
    store
    over
    addi R_FK
    store
    dup
    addi R_FK
    over
    addi R_FAR
    store
    ret
.local:
    drop
    call ds_slot_of                     ; src r F
    dup
    assert QEC_E_WORK
    dup
    addi S_K
    pick 2
    addi R_FAR
    store
    addi S_BIT
    load
    over
    addi R_S
    load
    addi S_LOCAL
    dup
    load
    rot
    or
    swap
    store
    ret
.boundary:
    drop
    push 0
    over
    addi R_FAR
    store
    ret

; ds_boot_neighbours ( -- ): a descriptor per neighbour, ascending node id:
; the smallest node id above the last one made, over the shared records.
ds_boot_neighbours:
    push -1
    storei b_last
    loadi ds_free
    storei ds_nb
.next:
    pushw 0x7FFFFFFF
    storei b_best
    push 0
    storei b_cnt
    loadi ds_rec
.scan:
    dup
    loadi ds_rec_end
    eq
    jnz .scanned
    dup
    addi R_NODE
    load                                ; r id
    dup
    loadi b_last
    gt
    jz .skip
    dup
    loadi b_best
    lt
    jz .notless
    dup
    storei b_best
    push 0
    storei b_cnt
.notless:
    dup
    loadi b_best
    eq
    jz .skip
    loadi b_cnt
    addi 1
    storei b_cnt
.skip:
    drop
    addi REC_WORDS
    jmp .scan
.scanned:
    drop
    loadi b_cnt
    jz .done
    call ds_boot_neighbour
    loadi b_best
    storei b_last
    jmp .next
.done:
    loadi ds_free
    storei ds_nb_end
    call ds_boot_lut
    ret

; ds_boot_lut ( -- ): the table from a neighbour's node id to its descriptor.
ds_boot_lut:
    loadi ds_nb
    dup
    loadi ds_nb_end
    eq
    jnz .none
    dup
    addi N_NODE
    load
    storei nb_base
    loadi ds_nb_end
    addi -NB_WORDS
    addi N_NODE
    load
    loadi nb_base
    sub
    addi 1
    dup
    storei nb_span
    call ds_alloc
    storei nb_lut
.put:
    dup
    loadi ds_nb_end
    eq
    jnz .none
    dup
    dup
    addi N_NODE
    load
    loadi nb_base
    sub
    loadi nb_lut
    add
    store
    addi NB_WORDS
    jmp .put
.none:
    drop
    ret

; ds_boot_neighbour ( -- ): the descriptor of node b_best with b_cnt shared
; edges (descriptors are contiguous: their tables are cut after all of them,
; in ds_boot_positions); at most DS_SHARED of them.
ds_boot_neighbour:
    push NB_WORDS
    call ds_alloc                       ; D
    loadi ds_nbs
    addi 1
    storei ds_nbs
    loadi b_best
    over
    addi N_NODE
    store
    loadi b_best
    push ADDR_SHIFT
    shl
    push DS_STEP_INBOX
    or
    over
    addi N_ADDR
    store
    loadi b_cnt
    over
    addi N_CNT
    store
    push -1
    over
    addi N_SEEN
    store
    drop
    loadi b_cnt
    push DS_SHARED
    le
    assert QEC_E_WORK
    ret

; ds_boot_positions ( -- ): every descriptor's tables, then each shared
; record's neighbour and position (insertion by edge id).
ds_boot_positions:
    loadi ds_nb
.alloc:
    dup
    loadi ds_nb_end
    eq
    jnz .allocated
    dup
    addi N_CNT
    load
    call ds_alloc
    over
    addi N_POS
    store
    dup
    addi N_CNT
    load
    push 3
    mul
    addi 3
    call ds_alloc
    over
    addi N_BUF
    store
    addi NB_WORDS
    jmp .alloc
.allocated:
    drop
    loadi ds_rec
.rec:
    dup
    loadi ds_rec_end
    eq
    jnz .placed
    dup
    addi R_NODE
    load
    push -1
    eq
    jnz .nextrec
    dup
    call ds_boot_place
.nextrec:
    addi REC_WORDS
    jmp .rec
.placed:
    drop
    loadi ds_nb
.number:
    dup
    loadi ds_nb_end
    eq
    jnz .numbered
    dup
    addi N_POS
    load
    push 0                              ; D table pos
.pos:
    dup
    pick 3
    addi N_CNT
    load
    eq
    jnz .posdone
    over
    over
    add
    load                                ; D table pos r
    over
    swap
    addi R_POS
    store
    addi 1
    jmp .pos
.posdone:
    drop
    drop
    addi NB_WORDS
    jmp .number
.numbered:
    drop
    ret

; ds_boot_place ( r -- ): inserts shared record r into its neighbour's
; position table, keeping it sorted by edge id.
ds_boot_place:
    loadi ds_nb
.find:
    dup
    addi N_NODE
    load
    pick 2
    addi R_NODE
    load
    eq
    jnz .found
    addi NB_WORDS
    jmp .find
.found:                                 ; r D
    dup
    pick 2
    addi R_NB
    store
    dup
    addi N_FILL
    load                                ; r D i
.shift:
    dup
    jz .here
    over
    addi N_POS
    load
    over
    add                                 ; r D i &t[i]
    dup
    addi -1
    load                                ; r D i &t[i] t[i-1]
    dup
    addi R_EDGE
    load
    pick 5
    addi R_EDGE
    load
    gt
    jz .stop
    swap
    store
    addi -1
    jmp .shift
.stop:
    drop
    drop
.here:                                  ; r D i
    over
    addi N_POS
    load
    add
    pick 2
    swap
    store
    dup
    addi N_FILL
    load
    addi 1
    swap
    addi N_FILL
    store
    drop
    ret
