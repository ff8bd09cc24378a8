; What authenticating every packet costs. The sender (entry `sender`) sends PACKETS
; messages DATA of LEN words to the last node of the run, one every GAP cycles (far
; apart: no packet waits for another), word 0 of each its sequence number, then
; halts. The receiver (entry `receiver`) takes each message as it arrives and emits
; (sequence number, ARRIVED). Other nodes run `idle`, which halts at once.
.msg DATA = 1
.const LEN = 4
.const PACKETS = 100
.const GAP = 1000
.const ARRIVED = 40
.data
dst: .space 1
out: .space LEN
inb: .space 4 + LEN
.code
.entry sender
.entry receiver
.entry idle
sender:
    nodes
    addi -1
    push ADDR_SHIFT
    shl
    storei dst          ; the last node's inbox 0
    push 0              ; i
.loop:
    dup
    storei out          ; word 0: the sequence number i
    push out            ; buf
    push LEN            ; len
    push DATA           ; type
    loadi dst           ; dst
    push -1             ; no reply-to
    send
    push GAP
    sleep
    addi 1
    dup
    push PACKETS
    sub
    jnz .loop
    drop
    halt

receiver:
    push -1
    wait
    drop
    push inb
    push LEN
    push 0
    recv
    drop
    loadi inb + 4       ; the sequence number
    push ARRIVED
    emit 1
    jmp receiver

idle:
    halt
