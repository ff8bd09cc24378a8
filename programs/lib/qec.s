; The decoding workload's firmware interface (docs/decoders.md, "Readout,
; output and the firmware interface"): message types, the output port,
; the barrier wire ("The global OR wire (barrier)"), the words of qec_node,
; and the decoders' assertion codes.

.msg QEC_READOUT = 0x7FFE00     ; from the simulator: [shot, layer, detector, fired]
.msg QEC_RESULT = 0x7FFE01      ; to the output port: [shot, observable mask, n, edge_1 .. edge_n]
.msg QEC_BARRIER = 0x7FFE02     ; from the barrier wire: [epoch, OR of the epoch's values]
.msg QEC_STEP = 0x7FFE20        ; the distributed decoder's superstep: [shot, t, c, (pos, K, P) x c]

.const QEC_OUTPUT_INBOX = ADDR_INBOX_MASK ; a node's output port: its largest inbox (0xFFFF narrow, 0xFF wide)
.const QEC_BARRIER_INBOX = ADDR_INBOX_MASK - 1 ; a node's barrier port: the inbox below it

; words of qec_node (docs/decoders.md, "Per-node data")
.const QEC_NODES = 0            ; N, stabilizer nodes
.const QEC_ID = 1               ; this node's id
.const QEC_LAYERS = 2           ; L, layers per shot
.const QEC_CENTRAL = 3          ; the central decoder node's id
.const QEC_DETECTORS = 4        ; D
.const QEC_EDGES = 5            ; E
.const QEC_MINE = 6             ; k, then this node's k detectors by layer

; assertion codes of the decoders
.const QEC_E_UNMATCHABLE = 0xC01 ; an active cluster has no edge left to grow
.const QEC_E_DETECTOR = 0xC02    ; a fired detector id out of range
.const QEC_E_WORK = 0xC03        ; the decoder's work space is too small for the graph
.const QEC_E_MESSAGE = 0xC04     ; a message of a type the decoder does not expect
.const QEC_E_WINDOW = 0xC05      ; detections for a shot too far ahead of the oldest undecoded one

.data
lib_barrier: .word 0            ; the payload of qec_barrier's contribution

.code
; qec_output ( buf -- ): sends the result at buf, [shot, mask, n, edge_1 ..
; edge_n], as one QEC_RESULT to this node's output port. Cost 19 + 3 + n.
qec_output:
    dup
    addi 2
    load
    addi 3              ; buf len
    push QEC_RESULT
    nodeid
    push ADDR_SHIFT
    shl
    push QEC_OUTPUT_INBOX
    or                  ; buf len type dst
    push -1
    send
    ret

; qec_barrier ( value inbox -- ): contributes value to the barrier wire; the
; epoch's release, QEC_BARRIER [epoch, OR of the values], comes to inbox
; `inbox` of this node. Memory: lib_barrier. Cost 27 + 1.
qec_barrier:
    swap
    storei lib_barrier  ; inbox
    nodeid
    push ADDR_SHIFT
    shl
    dup
    tor
    or                  ; reply           R: node << ADDR_SHIFT
    push lib_barrier
    push 1
    push QEC_BARRIER
    fromr
    push QEC_BARRIER_INBOX
    or                  ; reply buf 1 type dst
    pick 4
    send
    drop
    ret
