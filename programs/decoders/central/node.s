; Every stabilizer node of the centralised decoder (entry `stabilizer`): collects
; its detection events of a shot from its readouts (QEC_READOUT in inbox 0,
; one per layer in which it has a detector) and, at the readout of its last
; detector, sends the central node one QEC_DETECTIONS [shot, n, d_1 .. d_n]
; listing the detectors that fired (n may be 0: the message also says "this
; node is done with the shot"). The central node (central.s) links this file
; too and files its own detections straight into its shot slots.
.import "qec.s"

.msg QEC_DETECTIONS = 0x7FFE10  ; node -> central: [shot, n, fired detector ids]

.const FW_MAX_MINE = 64         ; most detectors of one node per shot (layers)
.const QEC_NODE_WORDS = 1024    ; room for qec_node

.data
qec_node: .space QEC_NODE_WORDS ; written by the simulator (docs/decoders.md)
fw_msg: .space 4 + 4            ; a received readout: header, [shot, layer, detector, fired]
fw_out: .space 2 + FW_MAX_MINE  ; [shot, n, fired detectors]
fw_last: .word 0                ; this node's last detector of a shot
fw_central: .word 0             ; the central node's inbox 0

.code
.entry stabilizer
stabilizer:
    call fw_init
stabilizer.loop:
    push -1
    wait
    drop
    push fw_msg
    push 4
    push 0
    recv
    drop
    call fw_readout
    jmp stabilizer.loop

; fw_init ( -- ): this node's last detector and the central node's address.
fw_init:
    loadi qec_node + QEC_MINE
    dup
    push FW_MAX_MINE
    le
    assert QEC_E_WORK   ; fw_out holds every detector of the node
    push qec_node + QEC_MINE
    add
    load
    storei fw_last
    loadi qec_node + QEC_CENTRAL
    push ADDR_SHIFT
    shl
    storei fw_central
    ret

; fw_readout ( -- ): handles the readout at fw_msg; sends the shot's
; detections at the node's last detector.
fw_readout:
    call fw_note
    jz .done
    push fw_out
    loadi fw_out + 1
    addi 2
    push QEC_DETECTIONS
    loadi fw_central
    push -1
    send
    push 0
    storei fw_out + 1
.done:
    ret

; fw_note ( -- last ): notes the readout at fw_msg; at the node's last
; detector, fw_out holds the shot's [shot, n, fired detectors] and last = 1
; (the caller sends it and sets n back to 0).
fw_note:
    loadi fw_msg
    push QEC_READOUT
    eq
    assert QEC_E_MESSAGE
    loadi fw_msg + 7    ; fired
    jz .noted
    loadi fw_msg + 6    ; detector
    loadi fw_out + 1
    push fw_out + 2
    add
    store
    loadi fw_out + 1
    addi 1
    storei fw_out + 1
.noted:
    loadi fw_msg + 4
    storei fw_out
    loadi fw_msg + 6
    loadi fw_last
    eq
    ret
